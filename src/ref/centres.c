/*
 * centres.c - the population-weighted centres of local authorities: the
 * origin of a placement that gives no postcode district
 * (docs/placements.md, "Origins"), and each end of a flow line between two
 * LAs.
 *
 * A load reads ONS's population-weighted centroids as they are published:
 * a CSV through the strict reader (core/source.c) with a code column (any
 * ONS-style <letters><2 digits>CD or AREACD, whatever the year) and x/y
 * (easting/northing, EPSG:27700) or lon/lat columns, or any OGR point
 * layer, opened and reprojected as boundaries are (hv_gdal_name,
 * hv_layer_crs, hv_crs_to_bng).  Every centre must be for an LA of the
 * loaded boundaries (kind "la"), once, and fall inside that LA's polygon or
 * within HAVEN_WHERE_NEAR_METRES of it (the bundled polygons are clipped
 * to a generalised coastline).  The whole file is checked before anything
 * is written; the set held is replaced whole, or left alone when the file
 * gives exactly the centres held.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gdal.h>
#include <ogr_api.h>

#include "core/clock.h"
#include "core/crs.h"
#include "core/grow.h"
#include "core/source.h"
#include "core/sql.h"
#include "core/strmap.h"
#include "core/text.h"
#include "ref/boundaries.h"
#include "ref/centres.h"

/* Limits (docs/formats.md, "Limits"): England has 153 upper-tier LAs; a
 * file of every output area's centroid (about 190,000) is not an LA file. */
#define CENTRES_MAX 100000
#define CODE_MAX 31

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

typedef struct centre {
	char code[CODE_MAX + 1];
	double x, y;
	int64_t row;
} centre;

/* One load in progress. */
typedef struct cload {
	haven_ctx *ctx;
	const haven_centres_opts *o;
	haven_centres_report *r;
	hv_areas *las;
	PJ *pj; /* NULL: the points are EPSG:27700 already */
	centre *c;
	size_t n, cap;
	hv_strmap seen;   /* code -> index in c */
	const char *unit; /* "rows" (a CSV) or "features" */
	hv_fault f;       /* what is wrong with the current row */
} cload;

/* ---- columns ------------------------------------------------------------ */

/* "a, b, c" from the names, for messages. */
static void name_list(const char *const *names, int n, char *buf, size_t cap)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && used + 1 < cap; i++) {
		int w = snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", names[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (!n)
		snprintf(buf, cap, "none");
}

static int find_name(const char *const *names, int n, const char *want)
{
	for (int i = 0; i < n; i++)
		if (hv_colname_eq(names[i], want))
			return i;
	return -1;
}

/* The code column: the one given, else the ONS-style code column - an LA's
 * (CTYUA24CD, UTLA22CD, ...) before a district's (LAD24CD) before AREACD;
 * two of the same rank are ambiguous. */
static haven_status code_column(cload *L, const char *const *names, int n, int *out)
{
	char list[700];
	name_list(names, n, list, sizeof list);
	const char *path = L->o->path;
	if (L->o->code_field && *L->o->code_field) {
		if ((*out = find_name(names, n, L->o->code_field)) < 0)
			return hv_error(L->ctx, HAVEN_ERR_MISSING, "%s: no code column '%s'; the file has: %s", path,
			                L->o->code_field, list);
		return HAVEN_OK;
	}
	int best = -1, rank = 4, tied = 0;
	for (int i = 0; i < n; i++) {
		char prefix[64];
		if (!hv_ons_field(names[i], "CD", prefix, sizeof prefix))
			continue;
		int k = hv_ons_prefix_fits_kind(prefix, "la")         ? 0
		        : hv_ons_prefix_fits_kind(prefix, "district") ? 1
		        : strcasecmp(prefix, "AREA") == 0             ? 2
		                                                      : 3;
		if (k < rank) {
			best = i;
			rank = k;
			tied = 0;
		} else if (k == rank)
			tied = 1;
	}
	if (best < 0)
		return hv_error(
		    L->ctx, HAVEN_ERR_MISSING,
		    "%s: no code column (AREACD, or like CTYUA24CD or LAD24CD); the file has: %s; name it with "
		    "--code-field",
		    path, list);
	if (tied)
		return hv_error(L->ctx, HAVEN_ERR_USAGE,
		                "%s: several columns could hold the LA code (%s); choose one with --code-field", path,
		                list);
	*out = best;
	return HAVEN_OK;
}

/* The point's columns: those given, else x/y, easting/northing or
 * oseast1m/osnrth1m (EPSG:27700), else lon/lat (OGC:CRS84).  *lonlat says
 * which the default CRS is; -1 in both when there are none. */
static haven_status point_columns(cload *L, const char *const *names, int n, int *xi, int *yi, int *lonlat)
{
	static const char *const pairs[][2] = {{"x", "y"},
	                                       {"easting", "northing"},
	                                       {"east", "north"},
	                                       {"oseast1m", "osnrth1m"},
	                                       {"x_coordinate", "y_coordinate"},
	                                       {"lon", "lat"},
	                                       {"long", "lat"},
	                                       {"longitude", "latitude"},
	                                       {"lng", "lat"}};
	char list[700];
	*xi = *yi = -1;
	*lonlat = 0;
	if ((L->o->x_field && *L->o->x_field) || (L->o->y_field && *L->o->y_field)) {
		if (!L->o->x_field || !*L->o->x_field || !L->o->y_field || !*L->o->y_field)
			return hv_error(L->ctx, HAVEN_ERR_USAGE, "--x-field and --y-field go together");
		*xi = find_name(names, n, L->o->x_field);
		*yi = find_name(names, n, L->o->y_field);
		if (*xi < 0 || *yi < 0) {
			name_list(names, n, list, sizeof list);
			return hv_error(L->ctx, HAVEN_ERR_MISSING, "%s: no column '%s'; the file has: %s", L->o->path,
			                *xi < 0 ? L->o->x_field : L->o->y_field, list);
		}
		return HAVEN_OK;
	}
	for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
		int a = find_name(names, n, pairs[k][0]), b = find_name(names, n, pairs[k][1]);
		if (a >= 0 && b >= 0) {
			*xi = a;
			*yi = b;
			*lonlat = k >= 5;
			return HAVEN_OK;
		}
	}
	return HAVEN_OK;
}

/* ---- the CRS ------------------------------------------------------------ */

static haven_status set_crs(cload *L, const char *crs, const char *label)
{
	snprintf(L->r->source_crs, sizeof L->r->source_crs, "%s", label);
	if (strcmp(crs, "EPSG:27700") == 0)
		return HAVEN_OK;
	if (hv_crs_to_bng(L->ctx, crs, &L->pj)) {
		char msg[sizeof L->ctx->errmsg];
		snprintf(msg, sizeof msg, "%s", L->ctx->errmsg);
		return hv_error(L->ctx, HAVEN_ERR_CRS, "%s: source CRS %s: %s", L->o->path, label, msg);
	}
	return HAVEN_OK;
}

/* ---- one centre --------------------------------------------------------- */

/* Check the centre of code at (x, y) in the source CRS, and keep it.  On a
 * fault, its status with the reason in L->f.why. */
static haven_status one_centre(cload *L, const char *code, double x, double y, int64_t row)
{
	haven_ctx *ctx = L->ctx;
	if (!*code)
		return hv_fault_set(&L->f, HAVEN_ERR_MISSING, "the code is empty");
	size_t len = strlen(code), bad;
	if (!hv_utf8_valid(code, len, &bad))
		return hv_fault_set(&L->f, HAVEN_ERR_FORMAT, "the code is not valid UTF-8 (bad byte at offset %zu)",
		                    bad);
	long i = len <= CODE_MAX ? hv_areas_index(L->las, code) : -1;
	if (i < 0) {
		const char *kind = hv_gss_kind(code);
		return hv_fault_set(
		    &L->f, HAVEN_ERR_VALUE,
		    "%.40s is not a local authority of the loaded LA boundaries%s; keep only the rows of "
		    "their LAs (upper tier: E06, E08, E09, E10)",
		    code,
		    kind && strcmp(kind, "la")
		        ? (strcmp(kind, "district") ? " (not an LA code)" : " (a lower-tier district)")
		        : "");
	}
	int64_t first;
	if (hv_strmap_get(&L->seen, code, &first))
		return hv_fault_set(&L->f, HAVEN_ERR_DUPLICATE, "%s appears twice: %s %lld and %lld", code, L->unit,
		                    (long long)L->c[first].row, (long long)row);
	double e = x, n = y;
	if (L->pj) {
		PJ_COORD c = proj_trans(L->pj, PJ_FWD, proj_coord(x, y, 0, 0));
		e = c.xy.x;
		n = c.xy.y;
	}
	if (!isfinite(e) || !isfinite(n) || !hv_bng_in_extent(e, n))
		return hv_fault_set(
		    &L->f, HAVEN_ERR_CRS,
		    "the centre of %s (%.10g, %.10g in %s) is outside Great Britain: is the CRS right (--source-crs)?",
		    code, x, y, L->r->source_crs);
	if (!hv_areas_covers(L->las, i, e, n)) {
		GEOSGeometry *p = GEOSGeom_createPointFromXY_r(ctx->geos, e, n);
		double d = 0;
		int ok = p && GEOSDistance_r(ctx->geos, p, hv_areas_geom(L->las, i), &d) == 1;
		if (p)
			GEOSGeom_destroy_r(ctx->geos, p);
		if (!ok)
			return hv_error(ctx, HAVEN_ERR_GEOS, "%s: the distance of %s's centre from its boundary: %s",
			                L->o->path, code, ctx->geos_msg[0] ? ctx->geos_msg : "GEOS failed");
		if (d > HAVEN_WHERE_NEAR_METRES)
			return hv_fault_set(
			    &L->f, HAVEN_ERR_VALUE,
			    "the centre of %s (%s) at E %.0f, N %.0f is %.1f km outside its boundary (at most "
			    "%.0f m is taken): is it that LA's centre, and is the CRS right?",
			    code, hv_areas_name(L->las, i), e, n, d / 1000, HAVEN_WHERE_NEAR_METRES);
		L->r->near++;
	}
	if (!hv_grow(&L->c, L->n, &L->cap, sizeof *L->c, 256))
		return nomem(ctx);
	centre *c = &L->c[L->n];
	snprintf(c->code, sizeof c->code, "%s", code);
	c->x = e;
	c->y = n;
	c->row = row;
	if (hv_strmap_put(&L->seen, code, (int64_t)L->n++))
		return nomem(ctx);
	return HAVEN_OK;
}

/* Two cells that must be numbers. */
static haven_status numbers(cload *L, const char *xs, const char *ys, double *x, double *y)
{
	if (!*xs || !*ys)
		return hv_fault_set(&L->f, HAVEN_ERR_MISSING, "the point has no %s",
		                    !*xs ? "x (or longitude)" : "y (or latitude)");
	if (!hv_parse_decimal(xs, x) || !hv_parse_decimal(ys, y))
		return hv_fault_set(&L->f, HAVEN_ERR_VALUE, "the point (%.20s, %.20s) is not two numbers", xs, ys);
	return HAVEN_OK;
}

static int too_many(cload *L)
{
	return L->n >= CENTRES_MAX;
}

/* ---- a CSV -------------------------------------------------------------- */

static haven_status read_csv(cload *L)
{
	hv_source *src = NULL;
	haven_status rc = hv_source_open(L->ctx, L->o->path, &src);
	if (rc)
		return rc;
	int nc = hv_source_ncols(src), ci = -1, xi = -1, yi = -1, lonlat = 0;
	const char **names = malloc((size_t)(nc ? nc : 1) * sizeof *names);
	if (!names)
		rc = nomem(L->ctx);
	for (int i = 0; !rc && i < nc; i++)
		names[i] = hv_source_colname(src, i);
	if (!rc)
		rc = code_column(L, names, nc, &ci);
	if (!rc)
		rc = point_columns(L, names, nc, &xi, &yi, &lonlat);
	if (!rc && xi < 0) {
		char list[700];
		name_list(names, nc, list, sizeof list);
		rc =
		    hv_error(L->ctx, HAVEN_ERR_MISSING,
		             "%s: no coordinate columns (x and y, easting and northing, or lon and lat); the file has: "
		             "%s; name them with --x-field and --y-field",
		             L->o->path, list);
	}
	if (!rc) {
		snprintf(L->r->code_field, sizeof L->r->code_field, "%s", names[ci]);
		snprintf(L->r->point_from, sizeof L->r->point_from, "%.60s, %.60s", names[xi], names[yi]);
		const char *crs = L->o->source_crs && *L->o->source_crs ? L->o->source_crs
		                  : lonlat                              ? "OGC:CRS84"
		                                                        : "EPSG:27700";
		rc = set_crs(L, crs, crs);
	}
	free(names);
	int has = 0;
	while (!rc && !(rc = hv_source_next(src, &has)) && has) {
		if (too_many(L)) {
			rc = hv_source_error(
			    src, HAVEN_ERR_FORMAT,
			    "more than %d centres, the most haven loads (see Limits in docs/formats.md)", CENTRES_MAX);
			break;
		}
		double x = 0, y = 0;
		haven_status st = numbers(L, hv_source_field(src, xi), hv_source_field(src, yi), &x, &y);
		if (!st)
			st = one_centre(L, hv_source_field(src, ci), x, y, hv_source_row(src));
		if (st == HAVEN_ERR_NOMEM || st == HAVEN_ERR_GEOS)
			rc = st;
		else if (st)
			rc = hv_source_error(src, st, "%s", L->f.why);
	}
	hv_source_close(src);
	return rc;
}

/* ---- an OGR layer ------------------------------------------------------- */

/* One feature: the code, and the point from the geometry or the columns. */
static haven_status ogr_feature(cload *L, OGRFeatureH f, int ci, int xi, int yi, int64_t k)
{
	char code[CODE_MAX + 2];
	snprintf(code, sizeof code, "%s", OGR_F_IsFieldSetAndNotNull(f, ci) ? OGR_F_GetFieldAsString(f, ci) : "");
	double x = 0, y = 0;
	haven_status st = HAVEN_OK;
	if (xi >= 0) {
		/* OGR's strings may share one buffer: copy the first at once */
		char xs[64];
		snprintf(xs, sizeof xs, "%s", OGR_F_IsFieldSetAndNotNull(f, xi) ? OGR_F_GetFieldAsString(f, xi) : "");
		st = numbers(L, xs, OGR_F_IsFieldSetAndNotNull(f, yi) ? OGR_F_GetFieldAsString(f, yi) : "", &x, &y);
	} else {
		OGRGeometryH g = OGR_F_GetGeometryRef(f);
		if (!g || OGR_G_IsEmpty(g))
			st = hv_fault_set(&L->f, HAVEN_ERR_MISSING, "%s has no geometry", *code ? code : "the centre");
		else if (wkbFlatten(OGR_G_GetGeometryType(g)) != wkbPoint)
			st = hv_fault_set(&L->f, HAVEN_ERR_VALUE, "the geometry of %s is a %s, not a point",
			                  *code ? code : "the centre", OGR_G_GetGeometryName(g));
		else {
			x = OGR_G_GetX(g, 0);
			y = OGR_G_GetY(g, 0);
		}
	}
	if (!st)
		st = one_centre(L, code, x, y, k);
	if (st == HAVEN_ERR_NOMEM || st == HAVEN_ERR_GEOS)
		return st;
	if (st)
		return hv_error(L->ctx, st, "%s: feature %lld: %s", L->o->path, (long long)k, L->f.why);
	return HAVEN_OK;
}

static haven_status read_ogr(cload *L)
{
	haven_ctx *ctx = L->ctx;
	char *name = NULL, *crs = NULL;
	const char **names = NULL;
	GDALDatasetH ds = NULL;
	hv_gdal_watch watch = {0, ""};
	haven_status rc = hv_gdal_name(ctx, L->o->path, &name);
	/* Every GDAL error from here on, opening and reading, is fatal. */
	hv_gdal_watch_begin(&watch);
	if (!rc) {
		ds = GDALOpenEx(name, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, NULL, NULL, NULL);
		if (!ds || watch.failed)
			rc = hv_error(ctx, HAVEN_ERR_FORMAT, "%s: cannot be read as a vector file: %s", L->o->path,
			              watch.failed ? watch.msg : "no GDAL driver recognises it");
		else if (GDALDatasetGetLayerCount(ds) < 1)
			rc = hv_error(ctx, HAVEN_ERR_FORMAT, "%s: the file has no layers", L->o->path);
	}
	OGRLayerH layer = rc ? NULL : GDALDatasetGetLayer(ds, 0);
	OGRFeatureDefnH defn = layer ? OGR_L_GetLayerDefn(layer) : NULL;
	int nf = defn ? OGR_FD_GetFieldCount(defn) : 0, ci = -1, xi = -1, yi = -1, lonlat = 0;
	if (!rc && !(names = malloc((size_t)(nf ? nf : 1) * sizeof *names)))
		rc = nomem(ctx);
	for (int i = 0; !rc && i < nf; i++)
		names[i] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
	if (!rc)
		rc = code_column(L, names, nf, &ci);
	int geometry = !rc && OGR_FD_GetGeomFieldCount(defn) > 0 && !(L->o->x_field && *L->o->x_field);
	if (!rc && !geometry) {
		if (!(rc = point_columns(L, names, nf, &xi, &yi, &lonlat)) && xi < 0)
			rc = hv_error(
			    ctx, HAVEN_ERR_MISSING,
			    "%s: the first layer (%s) has neither a geometry nor coordinate columns (x and y, or lon "
			    "and lat)",
			    L->o->path, OGR_L_GetName(layer));
	}
	if (!rc) {
		snprintf(L->r->code_field, sizeof L->r->code_field, "%s", names[ci]);
		if (geometry)
			snprintf(L->r->point_from, sizeof L->r->point_from, "geometry");
		else
			snprintf(L->r->point_from, sizeof L->r->point_from, "%.60s, %.60s", names[xi], names[yi]);
		if (L->o->source_crs && *L->o->source_crs)
			rc = set_crs(L, L->o->source_crs, L->o->source_crs);
		else if (!geometry)
			rc = set_crs(L, lonlat ? "OGC:CRS84" : "EPSG:27700", lonlat ? "OGC:CRS84" : "EPSG:27700");
		else {
			char label[sizeof L->r->source_crs];
			if (!(rc = hv_layer_crs(ctx, L->o->path, ds, layer, &crs, label, sizeof label)))
				rc = set_crs(L, crs, label);
		}
	}
	int64_t k = 0;
	if (!rc)
		OGR_L_ResetReading(layer);
	while (!rc) {
		OGRFeatureH f = OGR_L_GetNextFeature(layer);
		if (watch.failed) {
			rc = hv_error(ctx, HAVEN_ERR_FORMAT, "%s: feature %lld: %s", L->o->path, (long long)k + 1,
			              watch.msg);
			OGR_F_Destroy(f);
			break;
		}
		if (!f)
			break;
		if (too_many(L))
			rc = hv_error(ctx, HAVEN_ERR_FORMAT,
			              "%s: more than %d centres, the most haven loads (see Limits in docs/formats.md)",
			              L->o->path, CENTRES_MAX);
		else
			rc = ogr_feature(L, f, ci, xi, yi, ++k);
		OGR_F_Destroy(f);
	}
	hv_gdal_watch_end();
	free(names);
	if (ds)
		GDALClose(ds);
	free(name);
	free(crs);
	return rc;
}

/* ---- the store ---------------------------------------------------------- */

/* 1 when the store holds exactly the centres read. */
static haven_status same_as_held(cload *L, int64_t *held, int *same)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(L->ctx, "SELECT code, x, y FROM la_centre", &st);
	if (rc)
		return rc;
	*held = 0;
	*same = 1;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t k;
		(*held)++;
		if (!hv_strmap_get(&L->seen, (const char *)sqlite3_column_text(st, 0), &k) ||
		    L->c[k].x != sqlite3_column_double(st, 1) || L->c[k].y != sqlite3_column_double(st, 2))
			*same = 0;
	}
	if (s != SQLITE_DONE)
		rc = hv_error_sql(L->ctx, "reading the centres held");
	sqlite3_finalize(st);
	if (*held != (int64_t)L->n)
		*same = 0;
	return rc;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static haven_status store(cload *L, int64_t held)
{
	haven_ctx *ctx = L->ctx;
	haven_status rc = hv_check_replace(ctx, L->o->path, "LA centres", held, (int64_t)L->n, L->o->force);
	int64_t load_id = 0;
	if (!rc)
		rc = hv_exec(ctx, "DELETE FROM la_centre");
	if (!rc)
		rc = hv_query_int(ctx, "SELECT coalesce(max(id), 0) + 1 FROM la_centre_load", &load_id);
	sqlite3_stmt *st = NULL;
	if (!rc)
		rc = hv_prepare(
		    ctx,
		    "INSERT INTO la_centre_load(id, source, loaded_at, centres, near, code_field, point_from,"
		    " source_crs) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
		    &st);
	if (!rc) {
		char at[21];
		hv_format_time(hv_now(ctx), at);
		sqlite3_bind_int64(st, 1, load_id);
		sqlite3_bind_text(st, 2, base_name(L->o->path), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, at, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, (int64_t)L->n);
		sqlite3_bind_int64(st, 5, L->r->near);
		sqlite3_bind_text(st, 6, L->r->code_field, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, L->r->point_from, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, L->r->source_crs, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = hv_error_sql(ctx, "recording the load");
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!rc)
		rc = hv_prepare(ctx, "INSERT INTO la_centre(code, x, y, load_id, source_row) VALUES(?, ?, ?, ?, ?)",
		                &st);
	for (size_t i = 0; !rc && i < L->n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, L->c[i].code, -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 2, L->c[i].x);
		sqlite3_bind_double(st, 3, L->c[i].y);
		sqlite3_bind_int64(st, 4, load_id);
		sqlite3_bind_int64(st, 5, L->c[i].row);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = hv_error_sql(ctx, "storing a centre");
	}
	sqlite3_finalize(st);
	return rc;
}

haven_status hv_centres_load(haven_ctx *ctx, const haven_centres_opts *opts, haven_centres_report *report)
{
	double t0 = hv_monotonic();
	memset(report, 0, sizeof *report);
	if (!opts || !opts->path || !*opts->path)
		return hv_error(ctx, HAVEN_ERR_USAGE, "no file of centres given");
	int csv = hv_source_is_csv(opts->path);
	cload L = {.ctx = ctx, .o = opts, .r = report, .unit = csv ? "rows" : "features"};
	haven_status rc = hv_areas_load(ctx, "la", &L.las);
	if (!rc) {
		report->las = (int64_t)hv_areas_count(L.las);
		/* a CSV (what the strict reader reads) through it; anything else through OGR */
		rc = csv ? read_csv(&L) : read_ogr(&L);
	}
	if (!rc && L.n == 0)
		rc = hv_error(ctx, HAVEN_ERR_MISSING, "%s: holds no centres", opts->path);
	int64_t held = 0;
	int same = 0;
	if (!rc)
		rc = same_as_held(&L, &held, &same);
	if (!rc && !same)
		rc = store(&L, held);
	report->centres = (int64_t)L.n;
	report->noop = !rc && same;
	report->seconds = hv_monotonic() - t0;
	if (L.pj)
		proj_destroy(L.pj);
	hv_areas_free(L.las);
	hv_strmap_free(&L.seen);
	free(L.c);
	return rc;
}

/* ---- each LA's centre ----------------------------------------------------- */

haven_status hv_la_centre(haven_ctx *ctx, const hv_areas *las, long i, double *x, double *y, int *weighted)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx, "SELECT x, y FROM la_centre WHERE code = ?", &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, hv_areas_code(las, i), -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	*weighted = s == SQLITE_ROW;
	if (s == SQLITE_ROW) {
		*x = sqlite3_column_double(st, 0);
		*y = sqlite3_column_double(st, 1);
	} else if (s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading an LA's centre");
	sqlite3_finalize(st);
	if (!rc && !*weighted)
		rc = hv_areas_surface_point(ctx, las, i, x, y);
	return rc;
}
