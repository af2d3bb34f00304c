/*
 * missing_hotspots.c - hot spots of the places children missing from care
 * are found or last seen (haven_missing_hotspots, docs/hotspots.md).
 *
 * The study region is the grid of --cell squares, at multiples of the cell
 * size on the British National Grid, whose centres lie in an LA of the
 * acting user's scope (every LA for a national scope).  The episodes are
 * those the user may see, as for trends: at homes in the scope (their
 * host LA), and for an LA the children it places; each counts in the
 * square holding its point, if that square is in the region.  Gi* itself
 * is hotspot.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/hotspot.h"
#include "core/clock.h"
#include "core/sql.h"
#include "core/table.h"
#include "data/missing_time.h"
#include "govern/govern.h"
#include "govern/scope.h"
#include "haven/hotspots.h"
#include "ref/areas.h"

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory finding hot spots");
}

void hv_hotspot_grid_free(hv_hotspot_grid *g)
{
	if (!g)
		return;
	free(g->in);
	memset(g, 0, sizeof *g);
}

haven_status hv_hotspot_region(haven_ctx *ctx, const hv_scope *scope, double cell, hv_hotspot_grid *g)
{
	memset(g, 0, sizeof *g);
	hv_areas *a = NULL;
	haven_status rc = hv_areas_load(ctx, "la", &a);
	if (rc)
		return rc;
	size_t na = hv_areas_count(a);
	uint8_t *chosen = calloc(na ? na : 1, 1);
	if (!chosen) {
		hv_areas_free(a);
		return nomem(ctx);
	}
	int national = hv_scope_is_national(scope);
	double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
	for (size_t i = 0; i < na; i++) {
		if (!national && !hv_scope_has_la(scope, hv_areas_code(a, (long)i)))
			continue;
		chosen[i] = 1;
		double ax0, ay0, ax1, ay1;
		hv_areas_bounds(a, (long)i, &ax0, &ay0, &ax1, &ay1);
		x0 = fmin(x0, ax0);
		y0 = fmin(y0, ay0);
		x1 = fmax(x1, ax1);
		y1 = fmax(y1, ay1);
	}
	if (!(x0 < x1 && y0 < y1))
		rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		              "no LA boundary of the scope (%s) is loaded: the study region would be empty",
		              hv_scope_describe(scope));
	if (!rc) {
		g->cell = cell;
		g->x0 = floor(x0 / cell) * cell;
		g->y0 = floor(y0 / cell) * cell;
		double fx = ceil((x1 - g->x0) / cell), fy = ceil((y1 - g->y0) / cell);
		if (fx * fy > (double)HV_GISTAR_MAX_GRID)
			rc = hv_error(
			    ctx, HAVEN_ERR_VALUE,
			    "--cell %g gives a grid of %.0f x %.0f squares over the scope; the most is %zu: use a "
			    "larger --cell",
			    cell, fx, fy, HV_GISTAR_MAX_GRID);
		else {
			g->nx = (size_t)fx;
			g->ny = (size_t)fy;
		}
	}
	if (!rc && !(g->in = calloc(g->nx * g->ny, 1)))
		rc = nomem(ctx);
	for (size_t y = 0; !rc && y < g->ny; y++)
		for (size_t x = 0; x < g->nx; x++) {
			long k = hv_areas_find(a, g->x0 + ((double)x + 0.5) * cell, g->y0 + ((double)y + 0.5) * cell);
			if (k >= 0 && chosen[k])
				g->in[y * g->nx + x] = 1;
			else if (k < 0)
				g->in[y * g->nx + x] = 2; /* in no LA: perhaps at sea */
		}
	/* A square whose centre is in no LA (at sea, on a generalised coast)
	 * but within half a side of one of the scope's LAs is in the region: a
	 * pier, a beach, a harbour.  Only beside a square already in it. */
	for (size_t y = 0; !rc && y < g->ny; y++)
		for (size_t x = 0; x < g->nx; x++) {
			if (g->in[y * g->nx + x] != 2)
				continue;
			int beside = 0;
			for (int dy = -1; dy <= 1 && !beside; dy++)
				for (int dx = -1; dx <= 1; dx++) {
					long xx = (long)x + dx, yy = (long)y + dy;
					if (xx >= 0 && yy >= 0 && xx < (long)g->nx && yy < (long)g->ny &&
					    g->in[(size_t)yy * g->nx + (size_t)xx] == 1)
						beside = 1;
				}
			double d;
			long k = beside ? hv_areas_nearest(a, g->x0 + ((double)x + 0.5) * cell,
			                                   g->y0 + ((double)y + 0.5) * cell, cell / 2, &d)
			                : -1;
			g->in[y * g->nx + x] = k >= 0 && chosen[k] ? 3 : 0;
		}
	for (size_t i = 0; !rc && i < g->nx * g->ny; i++) {
		g->in[i] = g->in[i] != 0;
		g->n += g->in[i];
	}
	free(chosen);
	hv_areas_free(a);
	if (rc)
		hv_hotspot_grid_free(g);
	return rc;
}

/* ---- the command ---------------------------------------------------------- */

typedef struct hs {
	haven_ctx *ctx;
	const haven_hotspots_opts *o;
	int found; /* else last seen */
	int64_t from, to;
	char dfrom[16], dto[16];
	hv_scope *scope;
	hv_hotspot_grid g;
	double *count;
	size_t read, counted, outside; /* episodes with a point; in the region; outside it */
} hs;

static void day_text(int64_t z, char buf[16])
{
	int y, m, d;
	hv_civil_from_days(z, &y, &m, &d);
	snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
}

static haven_status check_opts(haven_ctx *ctx, const haven_hotspots_opts *o, int *found)
{
	if (!(o->cell >= 50 && o->cell <= 100000))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--cell %g: give the side of a square in metres, 50 to 100000",
		                o->cell);
	if (!(o->band > 0 && isfinite(o->band)))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--band %g: give a distance in metres greater than 0", o->band);
	if (o->band / o->cell > 56)
		return hv_error(
		    ctx, HAVEN_ERR_USAGE,
		    "--band %g is %.0f squares of %g m: at most 56 (use a larger --cell or a smaller --band)", o->band,
		    o->band / o->cell, o->cell);
	if (o->permutations && (o->permutations < 9 || o->permutations > 99999))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--permutations %ld: give 9 to 99999", o->permutations);
	if (!o->of || strcmp(o->of, "found") == 0)
		*found = 1;
	else if (strcmp(o->of, "last-seen") == 0)
		*found = 0;
	else
		return hv_error(ctx, HAVEN_ERR_USAGE, "--of '%s': use found or last-seen", o->of);
	return HAVEN_OK;
}

/* The dates: the episodes' own first and last days when not given. */
static haven_status dates(hs *h)
{
	const haven_hotspots_opts *o = h->o;
	if (o->from && !hv_parse_date(o->from, &h->from))
		return hv_error(h->ctx, HAVEN_ERR_VALUE, "'%s' is not a date (YYYY-MM-DD)", o->from);
	if (o->to && !hv_parse_date(o->to, &h->to))
		return hv_error(h->ctx, HAVEN_ERR_VALUE, "'%s' is not a date (YYYY-MM-DD)", o->to);
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(h->ctx, "SELECT min(missing_from), max(missing_from) FROM missing_episode", &st);
	if (rc)
		return rc;
	int has = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (has) {
		int64_t a = hv_missing_day(sqlite3_column_int64(st, 0)),
		        b = hv_missing_day(sqlite3_column_int64(st, 1));
		if (!o->from)
			h->from = a;
		if (!o->to)
			h->to = b;
	}
	sqlite3_finalize(st);
	if (!has)
		return hv_error(h->ctx, HAVEN_ERR_NOT_FOUND,
		                "the store holds no missing episodes: import them with 'haven missing import'");
	day_text(h->from, h->dfrom);
	day_text(h->to, h->dto);
	if (h->from > h->to)
		return hv_error(h->ctx, HAVEN_ERR_VALUE, "the period runs backwards, from %s to %s", h->dfrom, h->dto);
	return HAVEN_OK;
}

/* Count the episodes the actor may see by the square holding their point. */
static haven_status count(hs *h)
{
	size_t cells = h->g.nx * h->g.ny;
	if (!(h->count = calloc(cells, sizeof *h->count)))
		return nomem(h->ctx);
	int national = hv_scope_is_national(h->scope);
	int placer = strcmp(h->ctx->actor.authority_kind, "la") == 0;
	sqlite3_stmt *st;
	const char *col = h->found ? "found" : "last_seen";
	haven_status rc = hv_preparef(h->ctx, &st,
	                              "SELECT %s_x, %s_y, host_la, placing_la FROM missing_episode"
	                              " WHERE %s_x IS NOT NULL AND missing_from >= ?1 AND missing_from < ?2",
	                              col, col, col);
	if (rc)
		return rc;
	/* clock times in seconds (schema 9) */
	sqlite3_bind_int64(st, 1, h->from * 86400);
	sqlite3_bind_int64(st, 2, (h->to + 1) * 86400);
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *host = (const char *)sqlite3_column_text(st, 2);
		const char *placing = (const char *)sqlite3_column_text(st, 3);
		if (!national && !(host && hv_scope_has_la(h->scope, host)) &&
		    !(placer && placing && hv_scope_has_la(h->scope, placing)))
			continue;
		h->read++;
		double fx = floor((sqlite3_column_double(st, 0) - h->g.x0) / h->g.cell);
		double fy = floor((sqlite3_column_double(st, 1) - h->g.y0) / h->g.cell);
		if (fx < 0 || fy < 0 || fx >= (double)h->g.nx || fy >= (double)h->g.ny) {
			h->outside++;
			continue;
		}
		size_t i = (size_t)fy * h->g.nx + (size_t)fx;
		if (!h->g.in[i]) {
			h->outside++;
			continue;
		}
		h->count[i]++;
		h->counted++;
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return hv_error_sql(h->ctx, "reading the episodes");
	return HAVEN_OK;
}

static const char *class_name(int8_t c)
{
	static const char *const names[] = {"cold 99%", "cold 95%", "cold 90%", "not significant",
	                                    "hot 90%",  "hot 95%",  "hot 99%"};
	return names[c + 3];
}

/* A square as ISO WKB (little-endian Polygon, one ring of five points). */
static void square_wkb(double x, double y, double s, unsigned char wkb[93])
{
	const double pts[10] = {x, y, x + s, y, x + s, y + s, x, y + s, x, y};
	uint32_t type = 3, rings = 1, n = 5;
	wkb[0] = 1;
	memcpy(wkb + 1, &type, 4);
	memcpy(wkb + 5, &rings, 4);
	memcpy(wkb + 9, &n, 4);
	memcpy(wkb + 13, pts, sizeof pts);
}

typedef struct order {
	double z;
	size_t i;
} order;

static int cmp_order(const void *a, const void *b)
{
	const order *x = a, *y = b;
	if (x->z != y->z)
		return x->z > y->z ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The refining replicates: 100 times as many for the extreme squares, at
 * most 999,999 (none when --permutations asks for that many already). */
static unsigned refine_to(unsigned perms)
{
	unsigned r = 100 * (perms + 1) - 1;
	return r < 999999 ? r : perms < 999999 ? 999999 : 0;
}

static haven_status meta(hs *h, haven_table *t, const hv_gistar_out *r, unsigned perms)
{
	char buf[512];
	haven_status rc = HAVEN_OK;
	const struct {
		const char *k;
		double v;
		int digits;
	} nums[] = {{"cell_m", h->g.cell, 15},
	            {"band_m", h->o->band, 15},
	            {"permutations", perms, 15},
	            {"region_cells", (double)r->n, 15},
	            {"grid_origin_e", h->g.x0, 15},
	            {"grid_origin_n", h->g.y0, 15},
	            {"grid_columns", (double)h->g.nx, 15},
	            {"grid_rows", (double)h->g.ny, 15},
	            {"refined_to", refine_to(perms), 15},
	            {"refined_cells", (double)r->refined, 15}};
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)h->o->seed);
	rc = hv_table_meta_set(h->ctx, t, "seed", buf);
	for (size_t i = 0; !rc && i < sizeof nums / sizeof nums[0]; i++) {
		snprintf(buf, sizeof buf, "%.*g", nums[i].digits, nums[i].v);
		rc = hv_table_meta_set(h->ctx, t, nums[i].k, buf);
	}
	if (!rc && !hv_scope_aggregates_only(h->ctx)) {
		snprintf(buf, sizeof buf, "%zu", h->counted);
		rc = hv_table_meta_set(h->ctx, t, "episodes_counted", buf);
		snprintf(buf, sizeof buf, "%zu", h->outside);
		if (!rc)
			rc = hv_table_meta_set(h->ctx, t, "episodes_outside_region", buf);
	}
	if (!rc)
		rc = hv_table_meta_set(h->ctx, t, "of", h->found ? "found" : "last-seen");
	if (!rc)
		rc = hv_table_meta_set(h->ctx, t, "from", h->dfrom);
	if (!rc)
		rc = hv_table_meta_set(h->ctx, t, "to", h->dto);
	if (!rc)
		rc = hv_table_meta_set(h->ctx, t, "scope", hv_scope_describe(h->scope));
	if (!rc)
		rc = hv_table_meta_set(h->ctx, t, "method",
		                       "Getis-Ord Gi* (binary weights within the band, the square itself included); "
		                       "conditional permutation pseudo p-values; Benjamini-Hochberg q-values; "
		                       "classes by q at 90, 95 and 99% confidence");
	return rc;
}

static haven_status table(hs *h, const hv_gistar_out *r, unsigned perms, haven_table **out)
{
	int agg = hv_scope_aggregates_only(h->ctx);
	static const char *const full[] = {"cell", "easting", "northing", "episodes", "band_episodes", "neighbours",
	                                   "z",    "p",       "q",        "class",    "geometry"};
	static const char *const some[] = {"cell", "easting", "northing", "class", "geometry"};
	char title[256], object[512];
	snprintf(title, sizeof title, "Hot spots of where children missing from care were %s, %s to %s",
	         h->found ? "found" : "last seen", h->dfrom, h->dto);
	snprintf(object, sizeof object,
	         "missing-episode hot spots (Gi*) of %s points, %.0f m squares, %g m band, %s to %s",
	         h->found ? "found" : "last-seen", h->g.cell, h->o->band, h->dfrom, h->dto);
	haven_table *t;
	haven_status rc = hv_table_new(h->ctx, title, HV_TABLE_DISCLOSED, agg ? 5 : 11, agg ? some : full, &t);
	if (rc)
		return rc;
	rc = hv_table_roles(h->ctx, t,
	                    agg ? "cell=label easting=label northing=label class=label geometry=geometry:area"
	                        : "cell=label easting=label northing=label episodes=count:episodes "
	                          "band_episodes=count:episodes neighbours=label z=rate p=rate q=rate class=label "
	                          "geometry=geometry:area");
	if (!rc)
		rc = hv_table_object(h->ctx, t, object);
	if (!rc)
		rc = meta(h, t, r, perms);
	/* the rows, hottest first */
	size_t cells = h->g.nx * h->g.ny, n = 0;
	order *ord = rc ? NULL : malloc((r->n ? r->n : 1) * sizeof *ord);
	if (!rc && !ord)
		rc = nomem(h->ctx);
	for (size_t i = 0; !rc && i < cells; i++)
		if (h->g.in[i] && (h->o->all || r->cls[i]))
			ord[n++] = (order){r->z[i], i};
	if (!rc)
		qsort(ord, n, sizeof *ord, cmp_order);
	for (size_t k = 0; !rc && k < n; k++) {
		size_t i = ord[k].i;
		double e = h->g.x0 + (double)(i % h->g.nx) * h->g.cell,
		       no = h->g.y0 + (double)(i / h->g.nx) * h->g.cell;
		char id[64];
		/* the square's name: its size and south-west corner */
		snprintf(id, sizeof id, "%.0fmE%.0fN%.0f", h->g.cell, e, no);
		unsigned char wkb[93];
		square_wkb(e, no, h->g.cell, wkb);
		int c = 0;
		rc = hv_table_add_row(h->ctx, t);
		if (!rc)
			rc = hv_table_set_text(h->ctx, t, c++, id);
		if (!rc)
			rc = hv_table_set_int(h->ctx, t, c++, (int64_t)e);
		if (!rc)
			rc = hv_table_set_int(h->ctx, t, c++, (int64_t)no);
		if (!rc && !agg) {
			rc = hv_table_set_int(h->ctx, t, c++, (int64_t)h->count[i]);
			if (!rc)
				rc = hv_table_set_int(h->ctx, t, c++, (int64_t)r->lag[i]);
			if (!rc)
				rc = hv_table_set_int(h->ctx, t, c++, (int64_t)r->w[i]);
			if (!rc)
				rc = hv_table_set_real(h->ctx, t, c++, round(r->z[i] * 1000) / 1000);
			if (!rc)
				rc = hv_table_set_real(h->ctx, t, c++, r->p[i]);
			if (!rc)
				rc = hv_table_set_real(h->ctx, t, c++, round(r->q[i] * 10000) / 10000);
		}
		if (!rc)
			rc = hv_table_set_text(h->ctx, t, c++, class_name(r->cls[i]));
		if (!rc)
			rc = hv_table_set_geom(h->ctx, t, c, wkb, sizeof wkb);
	}
	free(ord);
	if (rc)
		haven_table_free(t);
	else
		*out = t;
	return rc;
}

/* Gi* of o for the actor into h and r: the options checked, then (with
 * governed) the governed operation begun, then the dates, the actor's scope
 * and study region, the counts and the statistic.  *perms the permutations.
 * The caller frees r (hv_gistar_free) and h (hs_free) whatever the outcome. */
static haven_status hs_run(haven_ctx *ctx, const haven_hotspots_opts *o, int governed, hs *h, unsigned *perms,
                           hv_gistar_out *r)
{
	memset(h, 0, sizeof *h);
	memset(r, 0, sizeof *r);
	h->ctx = ctx;
	h->o = o;
	*perms = (unsigned)(o->permutations ? o->permutations : HAVEN_HOTSPOTS_PERMUTATIONS);
	hv_op op;
	haven_status rc = check_opts(ctx, o, &h->found);
	if (!rc && governed)
		rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (!rc && !(rc = dates(h)) && !(rc = hv_scope_actor(ctx, &h->scope)) &&
	    !(rc = hv_hotspot_region(ctx, h->scope, o->cell, &h->g)) && !(rc = count(h))) {
		hv_gistar_in in = {h->g.nx,           h->g.ny, h->count,          h->g.in,
		                   o->band / o->cell, *perms,  refine_to(*perms), o->seed};
		rc = hv_gistar(ctx, &in, r);
	}
	return rc;
}

static void hs_free(hs *h)
{
	free(h->count);
	hv_hotspot_grid_free(&h->g);
	hv_scope_free(h->scope);
}

haven_status haven_missing_hotspots(haven_ctx *ctx, const haven_hotspots_opts *o, haven_table **out)
{
	*out = NULL;
	hs h;
	hv_gistar_out r;
	unsigned perms;
	haven_status rc = hs_run(ctx, o, 1, &h, &perms, &r);
	if (!rc)
		rc = table(&h, &r, perms, out);
	hv_gistar_free(&r);
	hs_free(&h);
	return rc;
}

haven_status hv_missing_hotspots_near(haven_ctx *ctx, const haven_hotspots_opts *o, double e, double n, double radius,
                                      hv_hotspot_near *out)
{
	memset(out, 0, sizeof *out);
	out->nearest = INFINITY;
	hs h;
	hv_gistar_out r;
	unsigned perms;
	haven_status rc = hs_run(ctx, o, 0, &h, &perms, &r);
	if (!rc) {
		for (size_t i = 0; i < h.g.nx * h.g.ny; i++) {
			if (!h.g.in[i] || r.cls[i] <= 0)
				continue;
			out->hot++;
			/* the distance from the place to the square (0 inside it) */
			double x0 = h.g.x0 + (double)(i % h.g.nx) * h.g.cell,
			       y0 = h.g.y0 + (double)(i / h.g.nx) * h.g.cell;
			double dx = fmax(0, fmax(x0 - e, e - (x0 + h.g.cell))),
			       dy = fmax(0, fmax(y0 - n, n - (y0 + h.g.cell)));
			double d = hypot(dx, dy);
			if (d > radius)
				continue;
			out->near[r.cls[i] - 1]++;
			out->nearest = fmin(out->nearest, d);
		}
		out->cell = h.g.cell;
		snprintf(out->from, sizeof out->from, "%s", h.dfrom);
		snprintf(out->to, sizeof out->to, "%s", h.dto);
	}
	hv_gistar_free(&r);
	hs_free(&h);
	return rc;
}
