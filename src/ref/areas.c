/*
 * areas.c - point-in-polygon over the store's ONS boundaries.
 *
 * hv_areas_load() reads every area of one kind from the store once (as WKB),
 * prepares each geometry with GEOS and indexes it in an STRtree.  A lookup is
 * then a tree query with the point (only areas whose envelope holds it come
 * back) and a prepared-geometry test on those few, so the cost does not grow
 * with the number of areas and never scans them all.  For a point and a
 * polygon, "intersects" and "covers" are the same predicate; the prepared
 * intersects test is the one GEOS answers with its indexed point-in-area
 * locator.  Areas are held sorted by code, so an index is stable for a given
 * store and hv_areas_index() is a binary search.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ref/areas.h"
#include "core/sql.h"

typedef struct area {
	char *code, *name;
	GEOSGeometry *geom;
	const GEOSPreparedGeometry *prep;
	double minx, miny, maxx, maxy;
} area;

struct hv_areas {
	GEOSContextHandle_t geos; /* the using thread's handle (hv_areas_use), borrowed */
	area *v;                  /* sorted by code (strcmp) */
	size_t n;
	GEOSSTRtree *tree; /* items are pointers into v */
};

static int known_kind(const char *kind)
{
	static const char *const kinds[] = {"la", "district", "pfa", "region"};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (kind && strcmp(kind, kinds[i]) == 0)
			return 1;
	return 0;
}

void hv_areas_free(hv_areas *a)
{
	if (!a)
		return;
	if (a->tree)
		GEOSSTRtree_destroy_r(a->geos, a->tree);
	for (size_t i = 0; i < a->n; i++) {
		if (a->v[i].prep)
			GEOSPreparedGeom_destroy_r(a->geos, a->v[i].prep);
		if (a->v[i].geom)
			GEOSGeom_destroy_r(a->geos, a->v[i].geom);
		free(a->v[i].code);
		free(a->v[i].name);
	}
	free(a->v);
	free(a);
}

/* Turn one row (code, name, WKB) into a prepared area at a->v[a->n]. */
static haven_status add_area(haven_ctx *ctx, hv_areas *a, GEOSWKBReader *rd, sqlite3_stmt *st)
{
	area *ar = &a->v[a->n];
	memset(ar, 0, sizeof *ar);
	const char *code = (const char *)sqlite3_column_text(st, 0);
	const char *name = (const char *)sqlite3_column_text(st, 1);
	const unsigned char *wkb = sqlite3_column_blob(st, 2);
	int len = sqlite3_column_bytes(st, 2);
	ar->code = strdup(code ? code : "");
	ar->name = strdup(name ? name : "");
	a->n++; /* counted now so hv_areas_free releases what was made */
	if (!ar->code || !ar->name)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	if (!wkb || len <= 0)
		return hv_error(ctx, HAVEN_ERR_GEOS, "area %s has no geometry in the store", ar->code);
	ar->geom = GEOSWKBReader_read_r(ctx->geos, rd, wkb, (size_t)len);
	if (!ar->geom)
		return hv_error(ctx, HAVEN_ERR_GEOS, "area %s: cannot read its geometry: %s", ar->code, ctx->geos_msg);
	ar->prep = GEOSPrepare_r(ctx->geos, ar->geom);
	if (!ar->prep)
		return hv_error(ctx, HAVEN_ERR_GEOS, "area %s: cannot prepare its geometry: %s", ar->code,
		                ctx->geos_msg);
	if (!GEOSGeom_getXMin_r(ctx->geos, ar->geom, &ar->minx) || !GEOSGeom_getYMin_r(ctx->geos, ar->geom, &ar->miny) ||
	    !GEOSGeom_getXMax_r(ctx->geos, ar->geom, &ar->maxx) || !GEOSGeom_getYMax_r(ctx->geos, ar->geom, &ar->maxy))
		return hv_error(ctx, HAVEN_ERR_GEOS, "area %s: empty geometry", ar->code);
	return HAVEN_OK;
}

haven_status hv_areas_load(haven_ctx *ctx, const char *kind, hv_areas **out)
{
	*out = NULL;
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	if (!known_kind(kind))
		return hv_error(ctx, HAVEN_ERR_USAGE, "area kind '%s' is not one of la, district, pfa, region",
		                kind ? kind : "");
	int64_t count = 0;
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx, "SELECT count(*) FROM area WHERE kind = ?", &st)))
		return rc;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		count = sqlite3_column_int64(st, 0);
	else
		rc = hv_error_sql(ctx, "counting areas");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (count == 0)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		                "the store has no %s boundaries: load them with 'haven boundaries load STORE --kind %s FILE'",
		                kind, kind);

	hv_areas *a = calloc(1, sizeof *a);
	if (!a)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	a->geos = ctx->geos;
	a->v = calloc((size_t)count, sizeof *a->v);
	GEOSWKBReader *rd = GEOSWKBReader_create_r(ctx->geos);
	if (!a->v || !rd) {
		if (rd)
			GEOSWKBReader_destroy_r(ctx->geos, rd);
		hv_areas_free(a);
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	}
	rc = hv_prepare(ctx, "SELECT code, name, ST_AsBinary(geom) FROM area WHERE kind = ? ORDER BY code", &st);
	if (!rc) {
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
		int s;
		while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
			if (a->n == (size_t)count) /* rows appeared since the count: cannot in one connection */
				rc = hv_error(ctx, HAVEN_ERR_SQL, "area table changed while reading it");
			else
				rc = add_area(ctx, a, rd, st);
		}
		if (!rc && s != SQLITE_DONE)
			rc = hv_error_sql(ctx, "reading areas");
		sqlite3_finalize(st);
	}
	GEOSWKBReader_destroy_r(ctx->geos, rd);
	if (!rc) {
		a->tree = GEOSSTRtree_create_r(ctx->geos, 10);
		if (!a->tree)
			rc = hv_error(ctx, HAVEN_ERR_GEOS, "cannot make a spatial index: %s", ctx->geos_msg);
		for (size_t i = 0; !rc && i < a->n; i++)
			GEOSSTRtree_insert_r(ctx->geos, a->tree, a->v[i].geom, &a->v[i]);
	}
	if (rc) {
		hv_areas_free(a);
		return rc;
	}
	*out = a;
	return HAVEN_OK;
}

size_t hv_areas_count(const hv_areas *a) { return a->n; }

const char *hv_areas_code(const hv_areas *a, long i) { return a->v[i].code; }

const char *hv_areas_name(const hv_areas *a, long i) { return a->v[i].name; }

static int cmp_code(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const area *)elem)->code);
}

long hv_areas_index(const hv_areas *a, const char *code)
{
	if (!code || a->n == 0)
		return -1;
	const area *ar = bsearch(code, a->v, a->n, sizeof *a->v, cmp_code);
	return ar ? (long)(ar - a->v) : -1;
}

/* ---- lookups ---------------------------------------------------------- */

typedef struct find_q {
	hv_areas *a;
	const GEOSGeometry *pt;
	long best; /* lowest index covering the point, or -1 */
} find_q;

/* Tree query callback: the item's envelope holds the point; test the area
 * itself.  Overlapping areas (generalisation slivers) resolve to the lowest
 * index, i.e. the first code in order, so answers do not depend on the
 * tree's layout. */
static void find_cb(void *item, void *user)
{
	find_q *q = user;
	const area *ar = item;
	long i = (long)(ar - q->a->v);
	if (q->best >= 0 && i > q->best)
		return;
	if (GEOSPreparedIntersects_r(q->a->geos, ar->prep, q->pt) == 1)
		q->best = i;
}

long hv_areas_find(hv_areas *a, double e, double n)
{
	GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(a->geos, e, n);
	if (!pt)
		return -1;
	find_q q = {a, pt, -1};
	GEOSSTRtree_query_r(a->geos, a->tree, pt, find_cb, &q);
	GEOSGeom_destroy_r(a->geos, pt);
	return q.best;
}

int hv_areas_covers(hv_areas *a, long i, double e, double n)
{
	if (i < 0 || (size_t)i >= a->n)
		return 0;
	const area *ar = &a->v[i];
	if (e < ar->minx || e > ar->maxx || n < ar->miny || n > ar->maxy)
		return 0;
	GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(a->geos, e, n);
	if (!pt)
		return 0;
	int r = GEOSPreparedIntersects_r(a->geos, ar->prep, pt) == 1;
	GEOSGeom_destroy_r(a->geos, pt);
	return r;
}

typedef struct near_q {
	hv_areas *a;
	const GEOSGeometry *pt;
	int any; /* some envelope lies within max_dist */
} near_q;

static void any_cb(void *item, void *user)
{
	(void)item;
	((near_q *)user)->any = 1;
}

/* Distance between the query (a near_q) and one tree item (an area), in
 * either order; never less than the distance between their envelopes, as
 * the tree's branch-and-bound search needs.  Non-zero means success. */
static int near_dist(const void *item1, const void *item2, double *dist, void *user)
{
	near_q *q = user;
	const area *ar = (item1 == (const void *)q) ? item2 : item1;
	return GEOSPreparedDistance_r(q->a->geos, ar->prep, q->pt, dist) == 1;
}

long hv_areas_nearest(hv_areas *a, double e, double n, double max_dist, double *dist)
{
	*dist = 0.0;
	if (!(max_dist >= 0.0))
		return -1;
	GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(a->geos, e, n);
	GEOSGeometry *box = GEOSGeom_createRectangle_r(a->geos, e - max_dist, n - max_dist, e + max_dist, n + max_dist);
	long best = -1;
	if (pt && box) {
		/* Cheap first: with no envelope within reach there is nothing to
		 * measure, and the unbounded nearest search is skipped. */
		near_q q = {a, pt, 0};
		GEOSSTRtree_query_r(a->geos, a->tree, box, any_cb, &q);
		if (q.any) {
			const area *ar = GEOSSTRtree_nearest_generic_r(a->geos, a->tree, &q, pt, near_dist, &q);
			double d;
			if (ar && GEOSPreparedDistance_r(a->geos, ar->prep, pt, &d) == 1 && d <= max_dist) {
				best = (long)(ar - a->v);
				*dist = d;
			}
		}
	}
	if (pt)
		GEOSGeom_destroy_r(a->geos, pt);
	if (box)
		GEOSGeom_destroy_r(a->geos, box);
	return best;
}

void hv_areas_use(hv_areas *a, GEOSContextHandle_t h) { a->geos = h; }

const GEOSGeometry *hv_areas_geom(const hv_areas *a, long i) { return a->v[i].geom; }

void hv_areas_bounds(const hv_areas *a, long i, double *minx, double *miny, double *maxx, double *maxy)
{
	const area *ar = &a->v[i];
	*minx = ar->minx;
	*miny = ar->miny;
	*maxx = ar->maxx;
	*maxy = ar->maxy;
}

const char *hv_gss_kind(const char *code)
{
	static const struct {
		const char *prefix, *kind;
	} kinds[] = {{"E06", "la"},       {"E08", "la"},     {"E09", "la"},     {"E10", "la"}, {"W06", "la"},
	             {"E07", "district"}, {"E23", "pfa"},    {"W15", "pfa"},    {"E12", "region"},
	             {"E92", "england"},  {"W92", "wales"}};
	for (size_t i = 0; code && i < sizeof kinds / sizeof kinds[0]; i++)
		if (strncmp(code, kinds[i].prefix, 3) == 0)
			return kinds[i].kind;
	return NULL;
}

haven_status hv_areas_surface_point(haven_ctx *ctx, const hv_areas *a, long i, double *x, double *y)
{
	GEOSGeometry *p = GEOSPointOnSurface_r(ctx->geos, a->v[i].geom);
	int ok = p && GEOSGeomGetX_r(ctx->geos, p, x) == 1 && GEOSGeomGetY_r(ctx->geos, p, y) == 1;
	if (p)
		GEOSGeom_destroy_r(ctx->geos, p);
	if (!ok)
		return hv_error(ctx, HAVEN_ERR_GEOS, "area %s: no point on its surface: %s", a->v[i].code, ctx->geos_msg);
	return HAVEN_OK;
}

int hv_areas_intersects(const hv_areas *a, long i, const GEOSGeometry *g)
{
	return GEOSPreparedIntersects_r(a->geos, a->v[i].prep, g) == 1;
}

/* ---- the area-to-LA relation ----------------------------------------------- */

/* Rows of area_la for one kind: each LA whose point on surface lies in an
 * area of that kind belongs to it (counties and unitary authorities nest in
 * police force areas and regions); for districts, the other way round: a
 * district belongs to the LA holding its point on surface. */
static haven_status relate(haven_ctx *ctx, const hv_areas *la, const char *kind, sqlite3_stmt *ins)
{
	hv_areas *k = NULL;
	haven_status rc = hv_areas_load(ctx, kind, &k);
	if (rc == HAVEN_ERR_NOT_FOUND) {
		hv_clear(ctx);
		return HAVEN_OK;
	}
	int district = strcmp(kind, "district") == 0;
	const hv_areas *from = district ? k : la;
	hv_areas *into = district ? (hv_areas *)la : k;
	for (size_t i = 0; !rc && i < from->n; i++) {
		double x, y;
		if ((rc = hv_areas_surface_point(ctx, from, (long)i, &x, &y)))
			break;
		long j = hv_areas_find(into, x, y);
		if (j < 0)
			continue;
		const char *holder = district ? from->v[i].code : into->v[j].code;
		const char *la_code = district ? into->v[j].code : from->v[i].code;
		sqlite3_bind_text(ins, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, holder, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, la_code, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			rc = hv_error_sql(ctx, "recording which LAs an area holds");
		sqlite3_reset(ins);
	}
	hv_areas_free(k);
	return rc;
}

haven_status hv_area_la_rebuild(haven_ctx *ctx, const char *kind)
{
	/* New la boundaries change every relation; another kind's, only its own. */
	int all = !kind || strcmp(kind, "la") == 0;
	sqlite3_stmt *del = NULL;
	haven_status rc = all ? hv_exec(ctx, "DELETE FROM area_la")
	                      : hv_prepare(ctx, "DELETE FROM area_la WHERE kind = ?", &del);
	if (!rc && del) {
		sqlite3_bind_text(del, 1, kind, -1, SQLITE_STATIC);
		if (sqlite3_step(del) != SQLITE_DONE)
			rc = hv_error_sql(ctx, "clearing which LAs an area holds");
		sqlite3_finalize(del);
	}
	if (rc)
		return rc;
	hv_areas *la = NULL;
	if ((rc = hv_areas_load(ctx, "la", &la)) == HAVEN_ERR_NOT_FOUND) {
		hv_clear(ctx);
		return HAVEN_OK;
	}
	sqlite3_stmt *ins = NULL;
	if (!rc)
		rc = hv_prepare(ctx, "INSERT OR IGNORE INTO area_la(kind, code, la_code) VALUES(?, ?, ?)", &ins);
	for (size_t i = 0; !rc && all && i < la->n; i++) {
		sqlite3_bind_text(ins, 1, "la", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, la->v[i].code, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, la->v[i].code, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			rc = hv_error_sql(ctx, "recording which LAs an area holds");
		sqlite3_reset(ins);
	}
	static const char *const kinds[] = {"district", "pfa", "region"};
	for (size_t k = 0; !rc && k < sizeof kinds / sizeof kinds[0]; k++)
		if (all || strcmp(kind, kinds[k]) == 0)
			rc = relate(ctx, la, kinds[k], ins);
	sqlite3_finalize(ins);
	hv_areas_free(la);
	return rc;
}
