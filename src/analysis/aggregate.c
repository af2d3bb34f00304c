/*
 * aggregate.c - measures per area: the table exports and maps are made of.
 *
 * Read-only.  Homes come from the read model (data/homes.c) on the as-at
 * date, in the acting user's scope; areas and their polygons from the
 * store's boundaries; denominators from the reference statistics
 * (ref/stats.c).  The table holds one row per area of the geography, every
 * area of it (a true zero is a published 0), and the levels that publish
 * totals of those rows - for local authorities their regions, and England
 * for every geography - each row naming its parent, so that disclosure
 * control in the gate can see which published totals a cell adds up to
 * (docs/disclosure.md).  Homes the geography cannot place (not geocoded, or
 * in an area the boundaries lack) are an "unlocated" row, so that the
 * levels still add up.
 *
 * Grid cells are built from the homes' points on the British National
 * Grid and merge upward (the side doubled, up to GRID_MAX_SIDE) while
 * they hold fewer than k homes.  A merged cell's polygon is its whole
 * square less the finer cells published inside it, so that no cell's
 * polygon is drawn around the homes it holds.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/measures.h"
#include "analysis/missing_trends.h"
#include "core/clock.h"
#include "core/sql.h"
#include "data/homes.h"
#include "govern/govern.h"
#include "govern/scope.h"
#include "ref/stats.h"

#define ENGLAND "E92000001"
#define MAX_MEASURES 64
#define GRID_MAX_SIDE 64000.0 /* cells merge up to 64 km squares (a larger cell is a map of nothing) */
#define NONE ((size_t)-1)

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

/* ---- rows ------------------------------------------------------------------ */

typedef struct row {
	const char *level; /* static */
	char *code, *name;
	size_t parent; /* index of the row whose total includes this one, or NONE */
	unsigned char *wkb;
	size_t wkb_n;
	double v[MAX_MEASURES];
	const char *sym[MAX_MEASURES]; /* a GSS symbol in place of v[k] (static), or NULL */
} row;

typedef struct agg {
	haven_ctx *ctx;
	const hv_measure *ms[MAX_MEASURES];
	size_t nm;
	int homes_col; /* the column of the measure "homes", or -1 */
	char as_at[11], from[11], to[11];
	row *v;
	size_t n, cap;
	size_t england, unlocated; /* row indices, or NONE */
} agg;

static void rows_free(agg *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].code);
		free(a->v[i].name);
		free(a->v[i].wkb);
	}
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

/* Append a row; its index in *at.  code and name are copied (may be NULL). */
static haven_status rows_add(agg *a, const char *level, const char *code, const char *name, size_t parent, size_t *at)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 256;
		row *v = realloc(a->v, cap * sizeof *v);
		if (!v)
			return nomem(a->ctx);
		a->v = v;
		a->cap = cap;
	}
	row *x = &a->v[a->n];
	memset(x, 0, sizeof *x);
	x->level = level;
	x->parent = parent;
	a->n++;
	x->code = code ? strdup(code) : NULL;
	x->name = name ? strdup(name) : NULL;
	if ((code && !x->code) || (name && !x->name))
		return nomem(a->ctx);
	if (at)
		*at = a->n - 1;
	return HAVEN_OK;
}

/* The row of code among rows [first, last), or NONE.  Area rows are few
 * (hundreds) and read in code order: a binary search. */
static size_t rows_find(const agg *a, size_t first, size_t last, const char *code)
{
	while (code && first < last) {
		size_t mid = first + (last - first) / 2;
		int c = strcmp(a->v[mid].code, code);
		if (c == 0)
			return mid;
		if (c < 0)
			first = mid + 1;
		else
			last = mid;
	}
	return NONE;
}

static haven_status set_wkb(agg *a, row *x, const void *wkb, size_t n)
{
	if (!n)
		return HAVEN_OK;
	if (!(x->wkb = malloc(n)))
		return nomem(a->ctx);
	memcpy(x->wkb, wkb, n);
	x->wkb_n = n;
	return HAVEN_OK;
}

/* The areas of kind as rows in code order, every one; their parent is their
 * region (when rows [rfirst, rlast) hold it) or England.  None held is an
 * error when they are required. */
static haven_status add_areas(agg *a, const char *kind, size_t rfirst, size_t rlast, int required)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(a->ctx,
	                             "SELECT a.code, a.name, ST_AsBinary(a.geom),"
	                             " (SELECT l.code FROM area_la l WHERE l.kind = 'region' AND l.la_code = a.code)"
	                             " FROM area a WHERE a.kind = ? AND a.code LIKE 'E%' ORDER BY a.code",
	                             &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	size_t before = a->n;
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		size_t parent = rows_find(a, rfirst, rlast, (const char *)sqlite3_column_text(st, 3)), at;
		if (!(rc = rows_add(a, kind, (const char *)sqlite3_column_text(st, 0),
		                    (const char *)sqlite3_column_text(st, 1), parent != NONE ? parent : a->england,
		                    &at)))
			rc = set_wkb(a, &a->v[at], sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2));
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(a->ctx, "reading areas");
	sqlite3_finalize(st);
	if (!rc && required && a->n == before)
		rc = hv_error(
		    a->ctx, HAVEN_ERR_NOT_FOUND,
		    "the store holds no %s boundaries: load them with 'haven boundaries load STORE --kind %s FILE'",
		    kind, kind);
	return rc;
}

/* ---- what is counted --------------------------------------------------------- */

/* Append to s each measure's contribution of one home h: the per-home
 * expressions a sum over homes (or a grid's cells) adds up.  Closures,
 * statistics and rates contribute nothing here. */
static void contributions(sqlite3_str *s, const agg *a, const char *wrap)
{
	for (size_t k = 0; k < a->nm; k++) {
		const hv_measure *m = a->ms[k];
		const char *col =
		    m->filter && strncmp(m->filter, "sector=", 7) == 0 ? "h.sector" : "h.registration_status";
		const char *val = m->filter ? strchr(m->filter, '=') + 1 : NULL;
		sqlite3_str_appendf(s, ", %s(", wrap);
		switch (m->kind) {
		case HV_M_HOMES:
		case HV_M_PLACES:
			if (val)
				sqlite3_str_appendf(s, "CASE WHEN %s = %Q THEN %s ELSE 0 END", col, val,
				                    m->kind == HV_M_PLACES ? "h.places" : "1");
			else
				sqlite3_str_appendall(s, m->kind == HV_M_PLACES ? "h.places" : "1");
			break;
		case HV_M_ENFORCEMENT:
			sqlite3_str_appendall(s, "EXISTS (SELECT 1 FROM enforcement e WHERE e.urn = h.urn"
			                         " AND e.action_date BETWEEN ?1 AND ?2)");
			break;
		case HV_M_REGISTERED:
			sqlite3_str_appendall(s, "coalesce(h.registration_date BETWEEN ?1 AND ?2, 0)");
			break;
		default: sqlite3_str_appendall(s, "0"); break;
		}
		sqlite3_str_appendall(s, ")");
	}
}

static haven_status prepare_str(agg *a, sqlite3_str *s, sqlite3_stmt **st)
{
	char *sql = sqlite3_str_finish(s);
	if (!sql)
		return nomem(a->ctx);
	haven_status rc = hv_prepare(a->ctx, sql, st);
	sqlite3_free(sql);
	if (!rc && sqlite3_bind_parameter_count(*st) >= 2) {
		sqlite3_bind_text(*st, 1, a->from, -1, SQLITE_STATIC);
		sqlite3_bind_text(*st, 2, a->to, -1, SQLITE_STATIC);
	}
	return rc;
}

/* "SELECT head, wrap(contribution)... FROM temp.homes h tail", prepared. */
static haven_status homes_query(agg *a, const char *head, const char *wrap, const char *tail, sqlite3_stmt **st)
{
	sqlite3_str *s = sqlite3_str_new(a->ctx->db);
	sqlite3_str_appendf(s, "SELECT %s", head);
	contributions(s, a, wrap);
	sqlite3_str_appendf(s, " FROM temp.homes h%s", tail);
	return prepare_str(a, s, st);
}

/* The row a home keyed key counts in: its area among [first, last), else
 * the unlocated row. */
static row *row_of(agg *a, size_t first, size_t last, const char *key)
{
	size_t i = rows_find(a, first, last, key);
	return &a->v[i != NONE ? i : a->unlocated];
}

/* Every measure over the homes of each area, keyed by key (an expression on
 * a home h: of temp.homes, or for closures of temp.home_versions). */
static haven_status fill_areas(agg *a, size_t first, size_t last, const char *key)
{
	sqlite3_stmt *st;
	haven_status rc = homes_query(a, key, "sum", " GROUP BY 1", &st);
	if (rc)
		return rc;
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		row *x = row_of(a, first, last, (const char *)sqlite3_column_text(st, 0));
		for (size_t k = 0; k < a->nm; k++)
			x->v[k] += sqlite3_column_double(st, 1 + (int)k);
	}
	if (r != SQLITE_DONE)
		rc = hv_error_sql(a->ctx, "computing the measures");
	sqlite3_finalize(st);
	/* Closures: homes that are no longer on the register, so counted from
	 * the version each closure ended (the latest begun before it). */
	for (size_t k = 0; !rc && k < a->nm; k++) {
		if (a->ms[k]->kind != HV_M_CLOSED)
			continue;
		sqlite3_str *s = sqlite3_str_new(a->ctx->db);
		sqlite3_str_appendf(
		    s,
		    "SELECT %s, count(DISTINCT c.urn) FROM register_change c"
		    " JOIN snapshot s ON s.id = c.snapshot_id"
		    " JOIN temp.home_versions h ON h.id = (SELECT w.id FROM temp.home_versions w"
		    "  WHERE w.urn = c.urn AND w.valid_from < s.received ORDER BY w.valid_from DESC LIMIT 1)"
		    " WHERE c.kind IN ('closed', 'deregistered') AND s.received BETWEEN ?1 AND ?2 GROUP BY 1",
		    key);
		if ((rc = prepare_str(a, s, &st)))
			break;
		while ((r = sqlite3_step(st)) == SQLITE_ROW)
			row_of(a, first, last, (const char *)sqlite3_column_text(st, 0))->v[k] +=
			    sqlite3_column_double(st, 1);
		if (r != SQLITE_DONE)
			rc = hv_error_sql(a->ctx, "counting closures");
		sqlite3_finalize(st);
	}
	return rc;
}

/* ---- children missing from care ----------------------------------------------- */

/* One episode counted in one row: the row, the child's pseudonym (32
 * bytes), returned, interview held. */
typedef struct mpair {
	size_t row;
	unsigned char child[32];
	unsigned char returned, held;
} mpair;

static int cmp_mpair(const void *p, const void *q)
{
	const mpair *x = p, *y = q;
	if (x->row != y->row)
		return (x->row > y->row) - (x->row < y->row);
	return memcmp(x->child, y->child, sizeof x->child);
}

static int has_missing(const agg *a)
{
	for (size_t k = 0; k < a->nm; k++)
		if (a->ms[k]->kind == HV_M_MISSING)
			return 1;
	return 0;
}

/* The measures of kind HV_M_MISSING of every row, after add_up: each
 * episode that began in the period at a home in the scope counts in the
 * row of its home's area (its newest version's, key) and in every row
 * above it, so that children are counted once per row however many homes
 * and areas they went missing from; places are those of the area's homes
 * on the as-at date, summed up the same chain. */
static haven_status missing_measures(agg *a, size_t first, size_t last, const char *key)
{
	if (!has_missing(a))
		return HAVEN_OK;
	double *places = calloc(a->n, sizeof *places);
	mpair *v = NULL;
	size_t n = 0, cap = 0;
	haven_status rc = places ? HAVEN_OK : nomem(a->ctx);
	sqlite3_stmt *st = NULL;
	char to[11];
	/* the period's last day, whole: missing_from is a time */
	if (!rc && !(rc = hv_prepare(a->ctx, "SELECT date(?, '+1 day')", &st))) {
		sqlite3_bind_text(st, 1, a->to, -1, SQLITE_STATIC);
		snprintf(to, sizeof to, "%s",
		         sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)
		             ? (const char *)sqlite3_column_text(st, 0)
		             : a->to);
		sqlite3_finalize(st);
	}
	if (!rc)
		rc = hv_preparef(a->ctx, &st, "SELECT %s, sum(h.places) FROM temp.homes h GROUP BY 1", key);
	int r = SQLITE_DONE;
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW)
		for (size_t i = (size_t)(row_of(a, first, last, (const char *)sqlite3_column_text(st, 0)) - a->v);
		     i != NONE; i = a->v[i].parent)
			places[i] += sqlite3_column_double(st, 1);
	if (!rc && r != SQLITE_DONE)
		rc = hv_error_sql(a->ctx, "counting places");
	if (st)
		sqlite3_finalize(st);
	st = NULL;
	if (!rc)
		rc = hv_preparef(a->ctx, &st,
		                 "SELECT %s, c.pseudonym, e.returned_at IS NOT NULL, coalesce(e.ri_held = 1, 0)"
		                 " FROM missing_episode e JOIN missing_child c ON c.id = e.child"
		                 " JOIN temp.home_versions h ON h.id = (SELECT w.id FROM"
		                 " temp.home_versions w WHERE w.urn = e.urn ORDER BY w.valid_from DESC LIMIT 1)"
		                 " WHERE e.missing_from >= CAST(strftime('%%s', ?1) AS INTEGER)"
		                 " AND e.missing_from < CAST(strftime('%%s', ?2) AS INTEGER)",
		                 key);
	if (!rc) {
		sqlite3_bind_text(st, 1, a->from, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, to, -1, SQLITE_TRANSIENT);
	}
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *child = sqlite3_column_blob(st, 1); /* the pseudonym's 32 bytes */
		int whole = child && sqlite3_column_bytes(st, 1) == 32;
		for (size_t i = (size_t)(row_of(a, first, last, (const char *)sqlite3_column_text(st, 0)) - a->v);
		     i != NONE; i = a->v[i].parent) {
			if (n == cap) {
				cap = cap ? 2 * cap : 4096;
				mpair *w = realloc(v, cap * sizeof *v);
				if (!w) {
					rc = nomem(a->ctx);
					break;
				}
				v = w;
			}
			mpair *p = &v[n++];
			p->row = i;
			if (whole)
				memcpy(p->child, child, 32);
			else
				memset(p->child, 0, 32);
			p->returned = (unsigned char)sqlite3_column_int(st, 2);
			p->held = (unsigned char)sqlite3_column_int(st, 3);
		}
	}
	if (!rc && r != SQLITE_DONE)
		rc = hv_error_sql(a->ctx, "reading the episodes");
	if (st)
		sqlite3_finalize(st);
	if (!rc && n)
		qsort(v, n, sizeof *v, cmp_mpair);
	/* per row: episodes, children, repeats, returned, held */
	double *f = !rc ? calloc(5 * a->n + 1, sizeof *f) : NULL; /* f[5 i + 0..4] */
	if (!rc && !f)
		rc = nomem(a->ctx);
	for (size_t i = 0, j; !rc && i < n; i = j) {
		double *g = &f[5 * v[i].row];
		for (j = i; j < n && v[j].row == v[i].row;) {
			size_t c = j;
			while (j < n && v[j].row == v[i].row && !memcmp(v[j].child, v[c].child, 32)) {
				g[3] += v[j].returned;
				g[4] += v[j].returned && v[j].held;
				j++;
			}
			g[0] += (double)(j - c);
			g[1]++;
			g[2] += j - c > 1;
		}
	}
	/* a share with no denominator is not applicable: "z" */
	for (size_t i = 0; !rc && i < a->n; i++) {
		const double *g = &f[5 * i];
		row *x = &a->v[i];
		for (size_t k = 0; k < a->nm; k++) {
			const hv_measure *m = a->ms[k];
			if (m->kind != HV_M_MISSING)
				continue;
			int which = !strcmp(m->filter, "episodes")   ? 0
			            : !strcmp(m->filter, "children") ? 1
			            : !strcmp(m->filter, "repeat")   ? 2
			                                             : -1;
			if (which >= 0)
				x->v[k] = g[which];
			else if (!strcmp(m->filter, "ri_held_pct") ? g[3] <= 0 : places[i] <= 0)
				x->sym[k] = "z";
			else
				x->v[k] = !strcmp(m->filter, "ri_held_pct") ? g[4] / g[3] * m->scale
				                                            : g[0] / places[i] * m->scale;
		}
	}
	free(f);
	free(v);
	free(places);
	return rc;
}

/* ---- grid ------------------------------------------------------------------ */

typedef struct cell {
	int64_t ix, iy; /* the cell's square at its level: side * 2^level metres */
	int level;
	int done; /* holds enough homes (or is as large as cells grow): published at its level */
	int live; /* not merged into another cell */
	double v[MAX_MEASURES];
} cell;

static int64_t half(int64_t i)
{
	return i >= 0 ? i / 2 : -((-i + 1) / 2);
}

static int cmp_pos(const void *p, const void *q)
{
	const cell *x = *(cell *const *)p, *y = *(cell *const *)q;
	return x->ix < y->ix ? -1 : x->ix > y->ix ? 1 : x->iy < y->iy ? -1 : x->iy > y->iy;
}

static GEOSGeometry *square(haven_ctx *ctx, double x0, double y0, double side)
{
	GEOSCoordSequence *cs = GEOSCoordSeq_create_r(ctx->geos, 5, 2);
	const double xs[] = {x0, x0 + side, x0 + side, x0, x0}, ys[] = {y0, y0, y0 + side, y0 + side, y0};
	for (unsigned i = 0; cs && i < 5; i++) {
		GEOSCoordSeq_setX_r(ctx->geos, cs, i, xs[i]);
		GEOSCoordSeq_setY_r(ctx->geos, cs, i, ys[i]);
	}
	GEOSGeometry *ring = cs ? GEOSGeom_createLinearRing_r(ctx->geos, cs) : NULL;
	return ring ? GEOSGeom_createPolygon_r(ctx->geos, ring, NULL, 0) : NULL;
}

/* The polygon of cells[j]: its square less the finer live cells inside it. */
static haven_status cell_polygon(agg *a, const cell *cells, size_t n, size_t j, double side, row *x)
{
	haven_ctx *ctx = a->ctx;
	const cell *c = &cells[j];
	double cs = side * (double)((int64_t)1 << c->level);
	GEOSGeometry *g = square(ctx, (double)c->ix * cs, (double)c->iy * cs, cs);
	for (size_t i = 0; g && c->level > 0 && i < n; i++) {
		const cell *d = &cells[i];
		if (!d->live || d->level >= c->level)
			continue;
		int64_t dx = d->ix, dy = d->iy;
		for (int l = d->level; l < c->level; l++)
			dx = half(dx), dy = half(dy);
		if (dx != c->ix || dy != c->iy)
			continue;
		double ds = side * (double)((int64_t)1 << d->level);
		GEOSGeometry *hole = square(ctx, (double)d->ix * ds, (double)d->iy * ds, ds);
		GEOSGeometry *rest = hole ? GEOSDifference_r(ctx->geos, g, hole) : NULL;
		if (hole)
			GEOSGeom_destroy_r(ctx->geos, hole);
		GEOSGeom_destroy_r(ctx->geos, g);
		g = rest;
	}
	GEOSWKBWriter *w = g ? GEOSWKBWriter_create_r(ctx->geos) : NULL;
	size_t len = 0;
	unsigned char *wkb = w ? GEOSWKBWriter_write_r(ctx->geos, w, g, &len) : NULL;
	haven_status rc =
	    wkb ? set_wkb(a, x, wkb, len) : hv_error(ctx, HAVEN_ERR_GEOS, "a grid cell: %s", ctx->geos_msg);
	GEOSFree_r(ctx->geos, wkb);
	if (w)
		GEOSWKBWriter_destroy_r(ctx->geos, w);
	if (g)
		GEOSGeom_destroy_r(ctx->geos, g);
	return rc;
}

/* The grid rows: each home's contributions summed into cells of side
 * metres; cells of fewer than k homes merged upward. */
static haven_status grid_rows(agg *a, double side, int k)
{
	sqlite3_stmt *st;
	haven_status rc = homes_query(a, "ST_X(h.geom), ST_Y(h.geom)", "", "", &st);
	if (rc)
		return rc;
	cell *cells = NULL;
	size_t n = 0, cap = 0;
	int r = SQLITE_DONE;
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) == SQLITE_NULL) { /* not geocoded */
			for (size_t q = 0; q < a->nm; q++)
				a->v[a->unlocated].v[q] += sqlite3_column_double(st, 2 + (int)q);
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			cell *c = realloc(cells, cap * sizeof *c);
			if (!c) {
				rc = nomem(a->ctx);
				break;
			}
			cells = c;
		}
		cell *c = &cells[n++];
		memset(c, 0, sizeof *c);
		c->ix = (int64_t)floor(sqlite3_column_double(st, 0) / side);
		c->iy = (int64_t)floor(sqlite3_column_double(st, 1) / side);
		c->live = 1;
		for (size_t q = 0; q < a->nm; q++)
			c->v[q] = sqlite3_column_double(st, 2 + (int)q);
	}
	if (!rc && r != SQLITE_DONE)
		rc = hv_error_sql(a->ctx, "reading the homes' points");
	sqlite3_finalize(st);
	cell **by = !rc ? malloc((n ? n : 1) * sizeof *by) : NULL;
	if (!rc && !by)
		rc = nomem(a->ctx);
	/* Level by level, the cells still short of k homes sorted by position;
	 * those sharing a square merge, then move up a level. */
	int top = 0; /* the last level: the side doubled while it stays within GRID_MAX_SIDE */
	while (side * (double)((int64_t)2 << top) <= GRID_MAX_SIDE)
		top++;
	for (int level = 0; !rc && level <= top; level++) {
		size_t m = 0;
		for (size_t j = 0; j < n; j++)
			if (cells[j].live && !cells[j].done)
				by[m++] = &cells[j];
		qsort(by, m, sizeof *by, cmp_pos);
		for (size_t i = 0, j; i < m; i = j) {
			for (j = i + 1; j < m && by[j]->ix == by[i]->ix && by[j]->iy == by[i]->iy; j++) {
				for (size_t q = 0; q < a->nm; q++)
					by[i]->v[q] += by[j]->v[q];
				by[j]->live = 0;
			}
		}
		for (size_t i = 0; i < m; i++) {
			cell *c = by[i];
			if (!c->live)
				continue;
			if (c->v[a->homes_col] >= k || level == top)
				c->done = 1;
			else {
				c->ix = half(c->ix);
				c->iy = half(c->iy);
				c->level = level + 1;
			}
		}
	}
	free(by);
	for (size_t j = 0; !rc && j < n; j++) {
		const cell *c = &cells[j];
		if (!c->live)
			continue;
		double cs = side * (double)((int64_t)1 << c->level);
		char code[80];
		snprintf(code, sizeof code, "grid%.0f_%.0f_%.0f", cs, (double)c->ix * cs, (double)c->iy * cs);
		size_t at;
		if (!(rc = rows_add(a, "grid", code, code, a->england, &at))) {
			memcpy(a->v[at].v, c->v, sizeof c->v);
			rc = cell_polygon(a, cells, n, j, side, &a->v[at]);
		}
	}
	free(cells);
	return rc;
}

/* ---- statistics and rates ------------------------------------------------------ */

/* The static copy of a GSS symbol (rows keep a pointer to it). */
static const char *symbol(const char *s)
{
	static const char *const known[] = {"c", "z", "x", "k", "low", "u"};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(s, known[i]) == 0)
			return known[i];
	return "x";
}

/* The period of statistic st to use as at the aggregate's date: the year
 * of the last 31 March on or before it, or the newest held before that;
 * "" when the dataset starts later.  A dataset not held at all is an error
 * that says how to load it. */
static haven_status stats_period(agg *a, const hv_statistic *st, char period[HV_STATS_PERIOD_MAX])
{
	char year[8];
	snprintf(year, sizeof year, "%.4d", atoi(a->as_at) - (strcmp(a->as_at + 5, "03-31") < 0));
	haven_stats_key key = {.dataset = st->dataset, .indicator = st->indicator, .filters = st->filters};
	haven_status rc = hv_stats_latest(a->ctx, &key, year, period);
	if (rc == HAVEN_ERR_NOT_FOUND && !hv_stats_latest(a->ctx, &key, NULL, period)) {
		hv_clear(a->ctx); /* held, from a later year only: not available */
		*period = '\0';
		return HAVEN_OK;
	}
	if (rc == HAVEN_ERR_NOT_FOUND)
		return hv_error(a->ctx, HAVEN_ERR_NOT_FOUND,
		                "%s; load DfE's statistics with 'haven stats import STORE FILE' (docs/stats.md)",
		                haven_errmsg(a->ctx));
	return rc;
}

/* Statistics and rates of every row: the statistic of the row's area in
 * its period; a rate is its numerator over it, times the measure's scale.
 * Statistics are published for LAs, regions and England; other rows
 * (districts, force areas, grid cells, unlocated homes, a scope's total)
 * hold "x", not available, as do all rows when no period is held; a zero
 * denominator gives "z", not applicable; a symbol published in place of
 * the statistic is carried over. */
static haven_status rates(agg *a, haven_table *t)
{
	haven_status rc = HAVEN_OK;
	for (size_t k = 0; !rc && k < a->nm; k++) {
		const hv_measure *m = a->ms[k];
		if (m->kind != HV_M_RATE && m->kind != HV_M_STAT)
			continue;
		int nk = -1; /* parse() made sure a rate's numerator is there */
		for (size_t q = 0; m->numerator && q < a->nm; q++)
			if (strcmp(a->ms[q]->name, m->numerator) == 0)
				nk = (int)q;
		char period[HV_STATS_PERIOD_MAX], key[96], value[96];
		if ((rc = stats_period(a, m->stat, period)))
			break;
		snprintf(key, sizeof key, "%s.period", m->name);
		snprintf(value, sizeof value, "%s: %s", *period ? period : "none held for the as-at date",
		         m->stat->dataset);
		if ((rc = hv_table_meta_set(a->ctx, t, key, value)))
			break;
		haven_stats_key sk = {.dataset = m->stat->dataset,
		                      .indicator = m->stat->indicator,
		                      .filters = m->stat->filters,
		                      .time_period = period};
		for (size_t i = 0; !rc && i < a->n; i++) {
			row *x = &a->v[i];
			double d = 0;
			char sym[HAVEN_STATS_SYMBOL_MAX] = "x";
			int published =
			    !strcmp(x->level, "la") || !strcmp(x->level, "region") || !strcmp(x->level, "england");
			sk.area_code = x->code;
			if (*period && published && (rc = hv_stats_value(a->ctx, &sk, &d, sym)))
				break;
			if (*sym)
				x->sym[k] = symbol(sym);
			else if (m->kind == HV_M_STAT)
				x->v[k] = d;
			else if (d <= 0)
				x->sym[k] = "z";
			else
				x->v[k] = x->v[nk] / d * m->scale;
		}
	}
	return rc;
}

/* ---- the table --------------------------------------------------------------- */

static const char ATTRIBUTION[] =
    "Contains public sector information licensed under the Open Government Licence v3.0: boundaries from the "
    "Office for National Statistics (Crown copyright and database right); children looked after from the "
    "Department for Education; the register of children's homes disclosed by HMCI (Ofsted)";

/* Rows that hold nothing and stand for no area (the unlocated row when
 * every home is placed) are left out. */
static int empty(const agg *a, const row *x)
{
	if (x->code)
		return 0;
	for (size_t k = 0; k < a->nm; k++)
		if (x->v[k] != 0)
			return 0;
	return 1;
}

static haven_status build(agg *a, haven_table *t)
{
	haven_status rc = HAVEN_OK;
	for (size_t i = 0; !rc && i < a->n; i++) {
		const row *x = &a->v[i];
		if (empty(a, x))
			continue;
		if ((rc = hv_table_add_row(a->ctx, t)) || (rc = hv_table_set_text(a->ctx, t, 0, x->level)) ||
		    (rc = hv_table_set_text(a->ctx, t, 1, x->code)) ||
		    (rc = hv_table_set_text(a->ctx, t, 2, x->name)) ||
		    (rc = hv_table_set_text(a->ctx, t, 3, x->parent != NONE ? a->v[x->parent].code : NULL)))
			break;
		if (x->wkb && (rc = hv_table_set_geom(a->ctx, t, 4, x->wkb, x->wkb_n)))
			break;
		for (size_t k = 0; !rc && k < a->nm; k++) {
			int c = 5 + (int)k;
			if (x->sym[k])
				rc = hv_table_set_text(a->ctx, t, c, x->sym[k]);
			else if (a->ms[k]->kind == HV_M_RATE || (a->ms[k]->kind == HV_M_MISSING && a->ms[k]->scale > 0))
				rc = hv_table_set_real(a->ctx, t, c, x->v[k]);
			else
				rc = hv_table_set_int(a->ctx, t, c, (int64_t)llround(x->v[k]));
		}
	}
	return rc;
}

/* The columns, their roles, the sums they declare and the metadata. */
static haven_status describe(agg *a, const char *geo, haven_table **out)
{
	const char *names[5 + MAX_MEASURES] = {"geographic_level", "area_code", "area_name", "parent", "geom"};
	for (size_t k = 0; k < a->nm; k++)
		names[5 + k] = a->ms[k]->name;
	/* "Children's homes by local authority, England": the date is the
	 * metadata's (as_at), the scope's total is named in its row. */
	char title[160], by[64];
	static const char *const words[][2] = {{"la", "local authority"},
	                                       {"district", "local authority district"},
	                                       {"pfa", "police force area"},
	                                       {"region", "region"}};
	snprintf(by, sizeof by, "%s", geo);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(geo, words[i][0]) == 0)
			snprintf(by, sizeof by, "%s", words[i][1]);
	if (strncmp(geo, "grid:", 5) == 0) {
		double side = atof(geo + 5);
		if (fmod(side, 1000) == 0)
			snprintf(by, sizeof by, "%.0f km grid square", side / 1000);
		else
			snprintf(by, sizeof by, "%.0f m grid square", side);
	}
	const char *where = a->v[a->england].code && strcmp(a->v[a->england].code, ENGLAND) == 0 ? ", England" : "";
	if (strcmp(geo, "england") == 0)
		snprintf(title, sizeof title, "Children's homes in England");
	else
		snprintf(title, sizeof title, "Children's homes by %s%s", by, where);
	haven_table *t;
	haven_status rc = hv_table_new(a->ctx, title, HV_TABLE_DISCLOSED, (int)(5 + a->nm), names, &t);
	if (rc)
		return rc;
	sqlite3_str *s = sqlite3_str_new(a->ctx->db);
	sqlite3_str_appendall(s, "geographic_level=label area_code=area:any area_name=label parent=parent"
	                         " geom=geometry:area");
	for (size_t k = 0; k < a->nm; k++)
		sqlite3_str_appendf(s, " %s=%s", a->ms[k]->name, a->ms[k]->role);
	char *spec = sqlite3_str_finish(s);
	rc = spec ? hv_table_roles(a->ctx, t, spec) : nomem(a->ctx);
	sqlite3_free(spec);
	/* Column sums, where every part is in the table. */
	for (size_t k = 0; !rc && k < a->nm; k++) {
		const char *p = a->ms[k]->sum_of;
		int all = p != NULL;
		while (p && *p) {
			size_t len = strcspn(p, " ");
			char part[64];
			snprintf(part, sizeof part, "%.*s", (int)len, p);
			all &= haven_table_find(t, part) >= 0;
			p += len + (p[len] == ' ');
		}
		if (all)
			rc = hv_table_sum(a->ctx, t, a->ms[k]->name, a->ms[k]->sum_of);
	}
	char period[32], when[21], snapshot[32] = "";
	snprintf(period, sizeof period, "%s/%s", a->from, a->to);
	hv_format_time(hv_now(a->ctx), when);
	sqlite3_stmt *st;
	if (!rc && !(rc = hv_prepare(a->ctx, "SELECT max(received) FROM snapshot WHERE received <= ?", &st))) {
		sqlite3_bind_text(st, 1, a->as_at, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			snprintf(snapshot, sizeof snapshot, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	const char *meta[][2] = {{"geography", geo},
	                         {"as_at", a->as_at},
	                         {"period", period},
	                         {"generated_at", when},
	                         {"source_snapshots", snapshot},
	                         {"attribution", ATTRIBUTION}};
	for (size_t i = 0; !rc && i < sizeof meta / sizeof meta[0]; i++)
		rc = hv_table_meta_set(a->ctx, t, meta[i][0], meta[i][1]);
	for (size_t k = 0; !rc && k < a->nm; k++) {
		const hv_measure *m = a->ms[k];
		char key[96], *value = sqlite3_mprintf("%s: %s%s%s", m->unit, m->computed,
		                                       *m->denominator ? "; denominator: " : "", m->denominator);
		snprintf(key, sizeof key, "measure.%s", m->name);
		rc = value ? hv_table_meta_set(a->ctx, t, key, value) : nomem(a->ctx);
		sqlite3_free(value);
	}
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	*out = t;
	return HAVEN_OK;
}

/* ---- the options ----------------------------------------------------------- */

static const struct geography {
	const char *name, *kind, *key; /* key: the home's column naming its area */
} geographies[] = {{"la", "la", "h.la_code"},
                   {"district", "district", "h.geo_district"},
                   {"pfa", "pfa", "h.geo_pfa"},
                   {"region", "region", "h.geo_region"},
                   {"england", NULL, "'" ENGLAND "'"}};
#define NGEOGRAPHIES (sizeof geographies / sizeof geographies[0])

static haven_status parse(agg *a, const haven_aggregate_opts *o, const struct geography **g, double *side)
{
	haven_ctx *ctx = a->ctx;
	const char *geo = o->geography ? o->geography : "";
	*g = NULL;
	*side = 0;
	for (size_t i = 0; i < NGEOGRAPHIES; i++)
		if (strcmp(geo, geographies[i].name) == 0)
			*g = &geographies[i];
	if (!*g && strncmp(geo, "grid:", 5) == 0) {
		char *end;
		*side = strtod(geo + 5, &end);
		if (end == geo + 5 || *end || !(*side >= 100 && *side <= 100000) || *side != floor(*side))
			return hv_error(ctx, HAVEN_ERR_USAGE, "'%s': a grid's side is whole metres from 100 to 100000",
			                geo);
	} else if (!*g)
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "geography '%s': use la, district, pfa, region, england or grid:METRES", geo);
	static const char *const defaults[] = {"homes", "places"};
	const char *const *names = o->n_measures ? o->measures : defaults;
	a->nm = o->n_measures ? o->n_measures : 2;
	if (a->nm > MAX_MEASURES)
		return hv_error(ctx, HAVEN_ERR_USAGE, "at most %d measures at once", MAX_MEASURES);
	a->homes_col = -1;
	for (size_t k = 0; k < a->nm; k++) {
		if (!(a->ms[k] = hv_measure_find(names[k])))
			return hv_error(ctx, HAVEN_ERR_USAGE,
			                "'%s' is not a measure (see 'haven export --list-measures')", names[k]);
		for (size_t q = 0; q < k; q++)
			if (a->ms[q] == a->ms[k])
				return hv_error(ctx, HAVEN_ERR_USAGE, "the measure %s is asked for twice", names[k]);
		hv_measure_kind kind = a->ms[k]->kind;
		if (kind == HV_M_FLOWS || kind == HV_M_PLACEMENTS)
			return hv_error(ctx, HAVEN_ERR_USAGE, "the measure %s is exported on its own (--measures %s)",
			                names[k], names[k]);
		if (*side > 0 &&
		    (kind == HV_M_CLOSED || kind == HV_M_STAT || kind == HV_M_RATE || kind == HV_M_MISSING))
			return hv_error(
			    ctx, HAVEN_ERR_USAGE,
			    "the measure %s is not available on a grid (it is known per area, not per home)", names[k]);
		if (strcmp(names[k], "homes") == 0)
			a->homes_col = (int)k;
	}
	/* A rate is published beside its numerator: the gate suppresses a
	 * rate whose numerator it suppresses. */
	for (size_t k = 0; k < a->nm; k++) {
		int has = !a->ms[k]->numerator;
		for (size_t q = 0; !has && q < a->nm; q++)
			has = strcmp(a->ms[q]->name, a->ms[k]->numerator) == 0;
		if (!has)
			return hv_error(ctx, HAVEN_ERR_USAGE,
			                "the measure %s is %s per child: ask for %s too (its numerator)",
			                a->ms[k]->name, a->ms[k]->numerator, a->ms[k]->numerator);
	}
	if (*side > 0 && a->homes_col < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "a grid counts homes to decide how far its cells merge: add the measure homes");
	const char *dates[] = {o->as_at, o->from, o->to};
	for (size_t i = 0; i < 3; i++)
		if (dates[i] && !hv_parse_date(dates[i], NULL))
			return hv_error(ctx, HAVEN_ERR_VALUE, "'%s' is not a date (YYYY-MM-DD)", dates[i]);
	haven_status rc = HAVEN_OK;
	if (o->as_at)
		snprintf(a->as_at, sizeof a->as_at, "%s", o->as_at);
	else {
		sqlite3_stmt *st;
		if ((rc = hv_prepare(ctx, "SELECT max(received) FROM snapshot", &st)))
			return rc;
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			snprintf(a->as_at, sizeof a->as_at, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (!*a->as_at)
			return hv_error(
			    ctx, HAVEN_ERR_NOT_FOUND,
			    "the store holds no register snapshot: import one with 'haven register import'");
	}
	snprintf(a->to, sizeof a->to, "%s", o->to ? o->to : a->as_at);
	if (o->from)
		snprintf(a->from, sizeof a->from, "%s", o->from);
	else {
		/* The 12 months to the end of the period. */
		sqlite3_stmt *st;
		if ((rc = hv_prepare(ctx, "SELECT date(?, '-1 year', '+1 day')", &st)))
			return rc;
		sqlite3_bind_text(st, 1, a->to, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			snprintf(a->from, sizeof a->from, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	if (strcmp(a->from, a->to) > 0)
		return hv_error(ctx, HAVEN_ERR_VALUE, "the period runs backwards, from %s to %s", a->from, a->to);
	/* episodes for an aggregates-only audience: not in an export, whose
	 * table would control them apart from the trends' (docs/disclosure.md,
	 * "Periods") */
	if (has_missing(a) && hv_scope_aggregates_only(ctx))
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "the missing_* measures are not exported to an aggregates-only audience (DfE, the "
		                "Children's Commissioner, probation, the public): an LA's episodes of a year would be "
		                "controlled here apart from the trends that publish them too, and the two could be "
		                "differenced; 'haven missing trends --by fy --area host-la --csv' and 'haven missing "
		                "scorecard' give the same figures under one control (docs/disclosure.md)");
	return HAVEN_OK;
}

/* Each row's additive measures into its parent's, children before parents:
 * rows are added parents first, so in reverse. */
static void add_up(agg *a)
{
	for (size_t i = a->n; i-- > 0;) {
		const row *x = &a->v[i];
		if (x->parent == NONE)
			continue;
		for (size_t k = 0; k < a->nm; k++)
			a->v[x->parent].v[k] += x->v[k];
	}
}

haven_status haven_aggregate(haven_ctx *ctx, const haven_aggregate_opts *o, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	agg a;
	memset(&a, 0, sizeof a);
	a.ctx = ctx;
	a.england = a.unlocated = NONE;
	const struct geography *g;
	double side;
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (!rc)
		rc = parse(&a, o, &g, &side);
	hv_scope *scope = NULL;
	if (!rc)
		rc = hv_scope_actor(ctx, &scope);
	if (!rc)
		rc = hv_homes_view(ctx, a.as_at, scope);
	/* Parents first: the top, the regions of an LA table, the areas, the
	 * unlocated homes, the grid cells.  The top is England for a national
	 * scope; for any other it is the total of the scope (its homes are all
	 * the rows hold), and regions, which the scope may hold in part, are
	 * not published. */
	int national = !rc && hv_scope_is_national(scope);
	if (!rc && national)
		rc = rows_add(&a, "england", ENGLAND, "England", NONE, &a.england);
	else if (!rc)
		rc = rows_add(&a, "scope", "scope", "all homes in the scope", NONE, &a.england);
	size_t rfirst = a.n;
	if (!rc && national && g && strcmp(g->kind ? g->kind : "", "la") == 0)
		rc = add_areas(&a, "region", 0, 0, 0); /* without them LAs add up to England */
	size_t first = a.n;
	if (!rc && g && g->kind)
		rc = add_areas(&a, g->kind, rfirst, first, 1);
	size_t last = a.n;
	if (!rc && (side > 0 || (g && g->kind)))
		rc = rows_add(&a, "unlocated", NULL, "homes the geography does not place", a.england, &a.unlocated);
	if (!rc && side > 0)
		rc = grid_rows(&a, side, o->k_homes > HV_CONTROL_K_HOMES ? o->k_homes : HV_CONTROL_K_HOMES);
	else if (!rc && g->kind)
		rc = fill_areas(&a, first, last, g->key);
	else if (!rc) { /* England alone (or the scope's total) */
		char top[32];
		snprintf(top, sizeof top, "'%s'", a.v[a.england].code);
		rc = fill_areas(&a, a.england, a.england + 1, top);
	}
	if (!rc)
		add_up(&a);
	/* children are not added up: every row counts its own */
	if (!rc && side <= 0 && g->kind)
		rc = missing_measures(&a, first, last, g->key);
	else if (!rc && side <= 0) {
		char top[32];
		snprintf(top, sizeof top, "'%s'", a.v[a.england].code);
		rc = missing_measures(&a, a.england, a.england + 1, top);
	}
	haven_table *t = NULL;
	if (!rc)
		rc = describe(&a, o->geography, &t);
	if (!rc)
		rc = hv_table_meta_set(ctx, t, "scope", hv_scope_describe(scope));
	if (!rc)
		rc = rates(&a, t);
	if (!rc)
		rc = build(&a, t);
	if (!rc) {
		hv_control_rule rule = {o->threshold, o->k_homes};
		hv_table_set_rule(t, &rule);
	}
	rows_free(&a);
	hv_scope_free(scope);
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	*out = t;
	return HAVEN_OK;
}
