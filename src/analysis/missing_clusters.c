/*
 * missing_clusters.c - where children missing from care are found or last
 * seen: DBSCAN (or ST-DBSCAN) of the episodes' points (analysis/cluster.c)
 * and three sealed tables for the gate (docs/clusters.md):
 *
 *   clusters  one row per cluster: episodes, distinct children, homes they
 *             went missing from, core and border points, first and last
 *             day, and its hull (GEOS concave hull; convex below 4 distinct
 *             places) with the role geometry:hull;
 *   points    one row per episode clustered: its cluster and kind, the
 *             cluster's children, and its place (geometry:hull too);
 *   areas     one row per LA of the scope: clusters lying in it (by the
 *             hull's point on surface), their episodes and children.
 *
 * Read-only.  The episodes are those the acting user may see, as trends
 * count them (docs/missing.md, "Scope"): police the episodes at homes in
 * their force area (the home's LA that day, host_la), an LA also those of
 * the children it places, a national authority all.  The gate then keeps
 * hulls and points for police of the area, drops for anyone else a hull
 * drawn around fewer than 5 children, and gives aggregates-only audiences
 * the areas table alone.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/cluster.h"
#include "core/clock.h"
#include "core/sql.h"
#include "core/table.h"
#include "data/missing_time.h"
#include "govern/govern.h"
#include "govern/scope.h"
#include "haven/cluster.h"
#include "ref/areas.h"

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

/* The episodes read, with their points. */
typedef struct eps_t {
	size_t n, cap;
	int64_t *id;
	double *x, *y, *t;
	char (*child)[21]; /* the child: missing_child's id, in decimal */
	char (*urn)[16];
	int64_t first, last; /* days of the period */
} eps_t;

static void eps_free(eps_t *e)
{
	free(e->id);
	free(e->x);
	free(e->y);
	free(e->t);
	free(e->child);
	free(e->urn);
}

static int eps_grow(eps_t *e)
{
	if (e->n < e->cap)
		return 1;
	size_t cap = e->cap ? e->cap * 2 : 4096;
	HV_CLUSTER_GROW(e->id, cap);
	HV_CLUSTER_GROW(e->x, cap);
	HV_CLUSTER_GROW(e->y, cap);
	HV_CLUSTER_GROW(e->t, cap);
	HV_CLUSTER_GROW(e->child, cap);
	HV_CLUSTER_GROW(e->urn, cap);
	e->cap = cap;
	return 1;
}

static void day_text(int64_t z, char buf[11])
{
	int y, m, d;
	hv_civil_from_days(z, &y, &m, &d);
	snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

static haven_status read_episodes(haven_ctx *ctx, const haven_missing_clusters_opts *o, const hv_scope *s, eps_t *e)
{
	const char *col = strcmp(o->of, "found") == 0 ? "found" : "last_seen";
	int national = hv_scope_is_national(s), placer = strcmp(ctx->actor.authority_kind, "la") == 0;
	sqlite3_stmt *st;
	haven_status rc = hv_preparef(ctx, &st,
	                              "SELECT id, child, urn, host_la, placing_la, missing_from, %s_x, %s_y"
	                              " FROM missing_episode WHERE %s_x IS NOT NULL AND missing_from >= ?1"
	                              " AND missing_from < ?2 ORDER BY id",
	                              col, col, col);
	if (rc)
		return rc;
	/* clock times in seconds (schema 9), the days of the period */
	sqlite3_bind_int64(st, 1, e->first == INT64_MIN ? INT64_MIN : e->first * 86400);
	sqlite3_bind_int64(st, 2, e->last == INT64_MAX ? INT64_MAX : (e->last + 1) * 86400);
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *host = (const char *)sqlite3_column_text(st, 3),
		           *placing = (const char *)sqlite3_column_text(st, 4);
		if (!national && !(host && hv_scope_has_la(s, host)) &&
		    !(placer && placing && hv_scope_has_la(s, placing)))
			continue;
		if (sqlite3_column_type(st, 6) == SQLITE_NULL)
			continue;
		if (!eps_grow(e)) {
			sqlite3_finalize(st);
			return nomem(ctx);
		}
		size_t i = e->n++;
		e->id[i] = sqlite3_column_int64(st, 0);
		snprintf(e->child[i], sizeof e->child[i], "%lld", (long long)sqlite3_column_int64(st, 1));
		snprintf(e->urn[i], sizeof e->urn[i], "%s", (const char *)sqlite3_column_text(st, 2));
		e->t[i] = hv_missing_days(sqlite3_column_int64(st, 5));
		e->x[i] = sqlite3_column_double(st, 6);
		e->y[i] = sqlite3_column_double(st, 7);
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? HAVEN_OK : hv_error_sql(ctx, "reading missing episodes");
}

/* ---- per cluster --------------------------------------------------------------- */

typedef struct member {
	int32_t cluster;
	uint32_t i;
} member;

static int member_cmp(const void *a, const void *b)
{
	const member *x = a, *y = b;
	if (x->cluster != y->cluster)
		return x->cluster < y->cluster ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Distinct strings among n (the array is sorted in place). */
static int64_t distinct(const char **s, size_t n)
{
	qsort(s, n, sizeof *s, str_cmp);
	int64_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += i == 0 || strcmp(s[i], s[i - 1]) != 0;
	return k;
}

typedef struct summary {
	int64_t episodes, children, homes, core, border;
	double first, last;
	unsigned char *wkb; /* the hull, GEOSFree_r */
	size_t wkb_len;
	long la; /* the LA holding the hull's point on surface, -1 none */
} summary;

/* The hull of the members' points: concave (GEOS, ratio 0.3 of the edge
 * lengths, no holes) around 4 or more distinct places, else convex (a
 * point or a line for 1 or 2). */
static haven_status hull(haven_ctx *ctx, const eps_t *e, const member *m, size_t n, hv_areas *las, summary *out)
{
	GEOSContextHandle_t g = ctx->geos;
	GEOSGeometry **pts = malloc(n * sizeof *pts);
	if (!pts)
		return nomem(ctx);
	for (size_t k = 0; k < n; k++)
		pts[k] = GEOSGeom_createPointFromXY_r(g, e->x[m[k].i], e->y[m[k].i]);
	GEOSGeometry *mp = GEOSGeom_createCollection_r(g, GEOS_MULTIPOINT, pts, (unsigned)n);
	free(pts);
	if (!mp)
		return hv_error(ctx, HAVEN_ERR_GEOS, "cannot make a cluster's points: %s", ctx->geos_msg);
	GEOSGeometry *u = GEOSUnaryUnion_r(g, mp); /* distinct places */
	int places = u ? GEOSGetNumGeometries_r(g, u) : 0;
	GEOSGeometry *h = !u ? NULL : places >= 4 ? GEOSConcaveHull_r(g, u, 0.3, 0) : GEOSConvexHull_r(g, u);
	GEOSGeom_destroy_r(g, mp);
	if (u)
		GEOSGeom_destroy_r(g, u);
	if (!h)
		return hv_error(ctx, HAVEN_ERR_GEOS, "cannot draw a cluster's hull: %s", ctx->geos_msg);
	GEOSGeometry *pos = GEOSPointOnSurface_r(g, h);
	double x, y;
	out->la = -1;
	if (pos && GEOSGeomGetX_r(g, pos, &x) == 1 && GEOSGeomGetY_r(g, pos, &y) == 1) {
		out->la = hv_areas_find(las, x, y);
		if (out->la < 0)
			out->la = hv_areas_nearest(las, x, y, 1000, &x);
	}
	if (pos)
		GEOSGeom_destroy_r(g, pos);
	GEOSWKBWriter *w = GEOSWKBWriter_create_r(g);
	out->wkb = w ? GEOSWKBWriter_write_r(g, w, h, &out->wkb_len) : NULL;
	if (w)
		GEOSWKBWriter_destroy_r(g, w);
	GEOSGeom_destroy_r(g, h);
	return out->wkb ? HAVEN_OK : hv_error(ctx, HAVEN_ERR_GEOS, "cannot write a cluster's hull");
}

/* A point's WKB (little-endian, 21 bytes). */
static void point_wkb(double x, double y, unsigned char b[21])
{
	b[0] = 1;
	uint32_t type = 1;
	for (int k = 0; k < 4; k++)
		b[1 + k] = (unsigned char)(type >> (8 * k));
	uint64_t u[2];
	memcpy(&u[0], &x, 8);
	memcpy(&u[1], &y, 8);
	for (int j = 0; j < 2; j++)
		for (int k = 0; k < 8; k++)
			b[5 + 8 * j + k] = (unsigned char)(u[j] >> (8 * k));
}

/* ---- the tables ---------------------------------------------------------------- */

typedef struct run {
	haven_ctx *ctx;
	const haven_missing_clusters_opts *o;
	hv_scope *scope;
	eps_t e;
	int32_t *label, k;
	uint8_t *kind;
	summary *sum;
	hv_areas *las;
} run;

static haven_status meta(run *r, haven_table *t)
{
	char period[32], from[11], to[11], when[21], eps[32], mp[16], days[32];
	day_text(r->e.first, from);
	day_text(r->e.last, to);
	snprintf(period, sizeof period, "%s/%s", from, to);
	hv_format_time(hv_now(r->ctx), when);
	snprintf(eps, sizeof eps, "%g", r->o->eps);
	snprintf(mp, sizeof mp, "%d", r->o->min_points);
	snprintf(days, sizeof days, "%g", r->o->days);
	const char *const kv[][2] = {{"period", period},
	                             {"scope", hv_scope_describe(r->scope)},
	                             {"generated_at", when},
	                             {"points", strcmp(r->o->of, "found") == 0 ? "found" : "last-seen"},
	                             {"method", r->o->days > 0 ? "ST-DBSCAN" : "DBSCAN"},
	                             {"eps_m", eps},
	                             {"min_points", mp},
	                             {"days", days},
	                             {"crs", "EPSG:27700"}};
	haven_status rc = HAVEN_OK;
	for (size_t i = 0; !rc && i < sizeof kv / sizeof kv[0]; i++)
		rc = hv_table_meta_set(r->ctx, t, kv[i][0], kv[i][1]);
	return rc;
}

static haven_status new_table(run *r, const char *what, int ncols, const char *const *cols, const char *roles,
                              haven_table **out)
{
	char title[160];
	snprintf(title, sizeof title, "clusters of missing children %s (%s, %g m, %d points%s)", what,
	         strcmp(r->o->of, "found") == 0 ? "where found" : "where last seen", r->o->eps, r->o->min_points,
	         r->o->days > 0 ? ", in time" : "");
	haven_status rc = hv_table_new(r->ctx, title, HV_TABLE_DISCLOSED, ncols, cols, out);
	if (!rc && (rc = hv_table_roles(r->ctx, *out, roles)))
		haven_table_free(*out), *out = NULL;
	if (!rc && (rc = meta(r, *out)))
		haven_table_free(*out), *out = NULL;
	return rc;
}

static haven_status clusters_table(run *r, haven_table **out)
{
	static const char *const cols[] = {"cluster", "episodes", "children", "homes", "core",
	                                   "border",  "first",    "last",     "days",  "hull"};
	haven_status rc = new_table(r, "by cluster", 10, cols,
	                            "cluster=label episodes=count:episodes children=count:distinct homes=count:homes "
	                            "core=count:episodes border=count:episodes first=label last=label days=label "
	                            "hull=geometry:hull",
	                            out);
	for (int32_t c = 0; !rc && c < r->k; c++) {
		const summary *s = &r->sum[c];
		char first[11], last[11];
		day_text((int64_t)floor(s->first), first);
		day_text((int64_t)floor(s->last), last);
		if (!(rc = hv_table_add_row(r->ctx, *out)) && !(rc = hv_table_set_int(r->ctx, *out, 0, c)) &&
		    !(rc = hv_table_set_int(r->ctx, *out, 1, s->episodes)) &&
		    !(rc = hv_table_set_int(r->ctx, *out, 2, s->children)) &&
		    !(rc = hv_table_set_int(r->ctx, *out, 3, s->homes)) &&
		    !(rc = hv_table_set_int(r->ctx, *out, 4, s->core)) &&
		    !(rc = hv_table_set_int(r->ctx, *out, 5, s->border)) &&
		    !(rc = hv_table_set_text(r->ctx, *out, 6, first)) &&
		    !(rc = hv_table_set_text(r->ctx, *out, 7, last)))
			if (!(rc = hv_table_set_int(r->ctx, *out, 8,
			                            (int64_t)floor(s->last) - (int64_t)floor(s->first) + 1)))
				rc = hv_table_set_geom(r->ctx, *out, 9, s->wkb, s->wkb_len);
	}
	return rc;
}

static haven_status points_table(run *r, haven_table **out)
{
	static const char *const cols[] = {"episode", "cluster", "kind", "children", "point"};
	haven_status rc =
	    new_table(r, "by episode", 5, cols,
	              "episode=label cluster=label kind=label children=count:distinct point=geometry:hull", out);
	for (size_t i = 0; !rc && i < r->e.n; i++) {
		unsigned char wkb[21];
		point_wkb(r->e.x[i], r->e.y[i], wkb);
		if (!(rc = hv_table_add_row(r->ctx, *out)) && !(rc = hv_table_set_int(r->ctx, *out, 0, r->e.id[i])) &&
		    !(rc = hv_table_set_int(r->ctx, *out, 1, r->label[i])) &&
		    !(rc = hv_table_set_text(r->ctx, *out, 2, hv_cluster_kind_name(r->kind[i]))) &&
		    !(rc = hv_table_set_geom(r->ctx, *out, 4, wkb, sizeof wkb)) && r->label[i] >= 0)
			rc = hv_table_set_int(r->ctx, *out, 3, r->sum[r->label[i]].children);
	}
	return rc;
}

static haven_status areas_table(run *r, haven_table **out)
{
	static const char *const cols[] = {"area_code", "area_name", "clusters", "episodes", "children"};
	haven_status rc = new_table(r, "by local authority", 5, cols,
	                            "area_code=area:la area_name=label clusters=count:episodes "
	                            "episodes=count:episodes children=count:distinct",
	                            out);
	long nla = (long)hv_areas_count(r->las);
	/* the clustered episodes of each LA's clusters, by LA */
	member *m = malloc((r->e.n ? r->e.n : 1) * sizeof *m);
	const char **kids = malloc((r->e.n ? r->e.n : 1) * sizeof *kids);
	if (!rc && (!m || !kids))
		rc = nomem(r->ctx);
	size_t nm = 0;
	for (size_t i = 0; !rc && i < r->e.n; i++)
		if (r->label[i] >= 0 && r->sum[r->label[i]].la >= 0)
			m[nm++] = (member){(int32_t)r->sum[r->label[i]].la, (uint32_t)i};
	if (!rc)
		qsort(m, nm, sizeof *m, member_cmp);
	size_t j = 0;
	for (long a = 0; !rc && a < nla; a++) {
		const char *code = hv_areas_code(r->las, a);
		size_t j0 = j;
		while (j < nm && m[j].cluster == a)
			j++;
		if (!hv_scope_is_national(r->scope) && !hv_scope_has_la(r->scope, code))
			continue;
		int64_t clusters = 0;
		for (int32_t c = 0; c < r->k; c++)
			clusters += r->sum[c].la == a;
		for (size_t q = j0; q < j; q++)
			kids[q - j0] = r->e.child[m[q].i];
		if (!(rc = hv_table_add_row(r->ctx, *out)) && !(rc = hv_table_set_text(r->ctx, *out, 0, code)) &&
		    !(rc = hv_table_set_text(r->ctx, *out, 1, hv_areas_name(r->las, a))) &&
		    !(rc = hv_table_set_int(r->ctx, *out, 2, clusters)) &&
		    !(rc = hv_table_set_int(r->ctx, *out, 3, (int64_t)(j - j0))))
			rc = hv_table_set_int(r->ctx, *out, 4, distinct(kids, j - j0));
	}
	free(m);
	free(kids);
	return rc;
}

/* Label the episodes and summarise each cluster. */
static haven_status cluster_all(run *r)
{
	haven_ctx *ctx = r->ctx;
	size_t n = r->e.n;
	r->label = malloc((n ? n : 1) * sizeof *r->label);
	r->kind = malloc(n ? n : 1);
	if (!r->label || !r->kind)
		return nomem(ctx);
	hv_cluster_opts co = {r->o->eps, r->o->min_points, r->o->days};
	haven_status rc =
	    hv_cluster(ctx, n, r->e.x, r->e.y, r->o->days > 0 ? r->e.t : NULL, &co, r->label, r->kind, &r->k);
	if (rc)
		return rc;
	r->sum = calloc(r->k ? (size_t)r->k : 1, sizeof *r->sum);
	member *m = malloc((n ? n : 1) * sizeof *m);
	const char **s = malloc((n ? n : 1) * sizeof *s);
	if (!r->sum || !m || !s) {
		free(m);
		free(s);
		return nomem(ctx);
	}
	size_t nm = 0;
	for (size_t i = 0; i < n; i++)
		if (r->label[i] >= 0)
			m[nm++] = (member){r->label[i], (uint32_t)i};
	qsort(m, nm, sizeof *m, member_cmp);
	for (size_t a = 0, b; !rc && a < nm; a = b) {
		for (b = a; b < nm && m[b].cluster == m[a].cluster; b++)
			;
		summary *x = &r->sum[m[a].cluster];
		x->episodes = (int64_t)(b - a);
		x->first = INFINITY;
		x->last = -INFINITY;
		for (size_t q = a; q < b; q++) {
			uint32_t i = m[q].i;
			x->core += r->kind[i] == HV_CLUSTER_CORE;
			x->border += r->kind[i] == HV_CLUSTER_BORDER;
			x->first = fmin(x->first, r->e.t[i]);
			x->last = fmax(x->last, r->e.t[i]);
			s[q - a] = r->e.child[i];
		}
		x->children = distinct(s, b - a);
		for (size_t q = a; q < b; q++)
			s[q - a] = r->e.urn[m[q].i];
		x->homes = distinct(s, b - a);
		rc = hull(ctx, &r->e, m + a, b - a, r->las, x);
	}
	free(m);
	free(s);
	return rc;
}

/* Check o, read the episodes the actor may see and cluster them into r
 * (r->ctx and r->o set by the caller).  run_free() whatever the outcome. */
static haven_status run_open(run *r)
{
	haven_ctx *ctx = r->ctx;
	const haven_missing_clusters_opts *o = r->o;
	r->e.first = INT64_MIN;
	r->e.last = INT64_MAX;
	if (!o || !o->of || (strcmp(o->of, "found") && strcmp(o->of, "last-seen")))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--of '%s': use found or last-seen", o && o->of ? o->of : "");
	if (!(o->eps > 0) || !isfinite(o->eps) || o->min_points < 1 || !(o->days >= 0) || !isfinite(o->days))
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "--eps must be above 0 metres, --min-points at least 1 and --days above 0 if given");
	haven_status rc = hv_need_actor(ctx);
	if (rc)
		return rc;
	if (o->from && !hv_parse_date(o->from, &r->e.first))
		return hv_error(ctx, HAVEN_ERR_VALUE, "'%s' is not a date (YYYY-MM-DD)", o->from);
	if (o->to && !hv_parse_date(o->to, &r->e.last))
		return hv_error(ctx, HAVEN_ERR_VALUE, "'%s' is not a date (YYYY-MM-DD)", o->to);
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx, "SELECT min(missing_from), max(missing_from) FROM missing_episode", &st)))
		return rc;
	int has = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (has && !o->from)
		r->e.first = hv_missing_day(sqlite3_column_int64(st, 0));
	if (has && !o->to)
		r->e.last = hv_missing_day(sqlite3_column_int64(st, 1));
	sqlite3_finalize(st);
	if (!has && (!o->from || !o->to))
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		                "the store holds no missing episodes: import them with 'haven missing import'");
	if (r->e.first > r->e.last)
		return hv_error(ctx, HAVEN_ERR_VALUE, "the period runs backwards, from %s to %s",
		                o->from ? o->from : "?", o->to ? o->to : "?");
	if (!(rc = hv_scope_actor(ctx, &r->scope)) && !(rc = hv_areas_load(ctx, "la", &r->las)) &&
	    !(rc = read_episodes(ctx, o, r->scope, &r->e)))
		rc = cluster_all(r);
	return rc;
}

static void run_free(run *r)
{
	for (int32_t c = 0; r->sum && c < r->k; c++)
		if (r->sum[c].wkb)
			GEOSFree_r(r->ctx->geos, r->sum[c].wkb);
	free(r->sum);
	free(r->label);
	free(r->kind);
	eps_free(&r->e);
	hv_areas_free(r->las);
	hv_scope_free(r->scope);
}

haven_status haven_missing_clusters(haven_ctx *ctx, const haven_missing_clusters_opts *o, haven_table **clusters,
                                    haven_table **points, haven_table **areas)
{
	hv_clear(ctx);
	if (clusters)
		*clusters = NULL;
	if (points)
		*points = NULL;
	if (areas)
		*areas = NULL;
	if (!clusters && !points && !areas)
		return hv_error(ctx, HAVEN_ERR_USAGE, "missing clusters needs somewhere to put a table");
	run r = {.ctx = ctx, .o = o};
	haven_status rc = run_open(&r);
	if (!rc && clusters)
		rc = clusters_table(&r, clusters);
	if (!rc && points)
		rc = points_table(&r, points);
	if (!rc && areas)
		rc = areas_table(&r, areas);
	if (rc) {
		if (clusters)
			haven_table_free(*clusters), *clusters = NULL;
		if (points)
			haven_table_free(*points), *points = NULL;
		if (areas)
			haven_table_free(*areas), *areas = NULL;
	}
	run_free(&r);
	return rc;
}

void hv_cluster_near_free(hv_cluster_near *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++)
		free(c[i].wkb);
	free(c);
}

static int near_cmp(const void *a, const void *b)
{
	const hv_cluster_near *x = a, *y = b;
	return (x->distance > y->distance) - (x->distance < y->distance);
}

haven_status hv_missing_clusters_near(haven_ctx *ctx, const haven_missing_clusters_opts *o, double e, double n,
                                      double radius, hv_cluster_near **out, size_t *n_out, size_t *total)
{
	*out = NULL;
	*n_out = *total = 0;
	run r = {.ctx = ctx, .o = o};
	haven_status rc = run_open(&r);
	GEOSContextHandle_t g = ctx->geos;
	GEOSWKBReader *rd = rc ? NULL : GEOSWKBReader_create_r(g);
	GEOSGeometry *pt = rc ? NULL : GEOSGeom_createPointFromXY_r(g, e, n);
	if (!rc && (!rd || !pt))
		rc = nomem(ctx);
	hv_cluster_near *c = NULL;
	size_t k = 0;
	if (!rc && r.k && !(c = calloc((size_t)r.k, sizeof *c)))
		rc = nomem(ctx);
	for (int32_t i = 0; !rc && i < r.k; i++) {
		const summary *s = &r.sum[i];
		GEOSGeometry *h = GEOSWKBReader_read_r(g, rd, s->wkb, s->wkb_len);
		double d = INFINITY;
		if (!h || !GEOSDistance_r(g, h, pt, &d))
			rc = hv_error(ctx, HAVEN_ERR_GEOS, "measuring a cluster's hull: %s", ctx->geos_msg);
		if (h)
			GEOSGeom_destroy_r(g, h);
		if (rc || d > radius)
			continue;
		hv_cluster_near *x = &c[k];
		if (!(x->wkb = malloc(s->wkb_len))) {
			rc = nomem(ctx);
			break;
		}
		memcpy(x->wkb, s->wkb, s->wkb_len);
		x->wkb_len = s->wkb_len;
		x->distance = d;
		x->cluster = i;
		x->episodes = s->episodes;
		x->children = s->children;
		k++;
	}
	if (rd)
		GEOSWKBReader_destroy_r(g, rd);
	if (pt)
		GEOSGeom_destroy_r(g, pt);
	if (!rc) {
		if (k)
			qsort(c, k, sizeof *c, near_cmp);
		*out = c;
		*n_out = k;
		*total = (size_t)r.k;
	} else
		hv_cluster_near_free(c, k);
	run_free(&r);
	return rc;
}
