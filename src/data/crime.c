/*
 * crime.c - the location module's imports (docs/assess.md): police.uk
 * street-level crime (haven crime import) and the layer of offender
 * residences (haven offenders import).  docs/formats.md ("Crime file",
 * "Offenders file") is the input.
 *
 * police.uk's files have real quirks, each counted and none dropped
 * silently: rows without coordinates (kept, counted, never placed), rows of
 * anti-social behaviour without a Crime ID (valid), and points far outside
 * the force area (kept where they are, counted: the force is the police
 * force area holding most of its rows in the load).  A file is known by its
 * SHA-256: the same file again writes nothing.
 *
 * Offender residences are police data about people: a reference shaped
 * like a reference (hv_zone_ref_ok, never a name) and a point, imported by
 * police users only, and never shown as positions (src/analysis/assess.c
 * counts them).
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/crs.h"
#include "core/source.h"
#include "core/sql.h"
#include "core/text.h"
#include "data/missing.h"
#include "data/zone.h"
#include "govern/govern.h"
#include "ref/areas.h"
#include "ref/boundaries.h"
#include "haven/location.h"

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

/* ---- police.uk street-level crime ------------------------------------------ */

static const char *const c_id[] = {"Crime ID", NULL};
static const char *const c_month[] = {"Month", NULL};
static const char *const c_force[] = {"Falls within", NULL};
static const char *const c_lon[] = {"Longitude", NULL};
static const char *const c_lat[] = {"Latitude", NULL};
static const char *const c_lsoa[] = {"LSOA code", NULL};
static const char *const c_type[] = {"Crime type", NULL};

static int month_ok(const char *s)
{
	return strlen(s) == 7 && s[4] == '-' && s[0] >= '1' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' &&
	       s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9' &&
	       ((s[5] == '0' && s[6] >= '1' && s[6] <= '9') || (s[5] == '1' && s[6] >= '0' && s[6] <= '2'));
}

/* One file: its rows inserted under load_id; the counts added to r. */
static haven_status crime_file(haven_ctx *ctx, const char *path, int64_t load_id, hv_areas *pfa, sqlite3_stmt *ins,
                               haven_crime_report *r, int64_t cnt[4])
{
	hv_source *src = NULL;
	haven_status rc = hv_source_open(ctx, path, &src);
	int c[7];
	const char *const *cands[7] = {c_id, c_month, c_force, c_lon, c_lat, c_lsoa, c_type};
	static const char *const what[7] = {"Crime ID", "Month",     "Falls within", "Longitude",
	                                    "Latitude", "LSOA code", "Crime type"};
	for (int i = 0; i < 7 && !rc; i++)
		if (!(rc = hv_source_column(src, cands[i], what[i], &c[i])) && c[i] < 0)
			rc = hv_source_error(src, HAVEN_ERR_MISSING,
			                     "a police.uk street-level file needs the column '%s' (docs/formats.md)",
			                     what[i]);
	int has = 0;
	while (!rc && !(rc = hv_source_next(src, &has)) && has) {
		const char *id = hv_source_field(src, c[0]), *month = hv_source_field(src, c[1]),
		           *force = hv_source_field(src, c[2]), *los = hv_source_field(src, c[3]),
		           *las = hv_source_field(src, c[4]), *lsoa = hv_source_field(src, c[5]),
		           *type = hv_source_field(src, c[6]);
		if (!month_ok(month)) {
			rc = hv_source_error(src, HAVEN_ERR_VALUE, "Month '%.20s' is not YYYY-MM", month);
			break;
		}
		if (!*type || !*force) {
			rc = hv_source_error(src, HAVEN_ERR_VALUE, "the %s is empty",
			                     *type ? "force (Falls within)" : "Crime type");
			break;
		}
		double lon = 0, lat = 0, e = 0, n = 0;
		int located = *los || *las;
		if (located && (!hv_parse_decimal(los, &lon) || !hv_parse_decimal(las, &lat))) {
			rc = hv_source_error(src, HAVEN_ERR_VALUE,
			                     "Longitude '%.20s', Latitude '%.20s' are not two numbers", los, las);
			break;
		}
		if (located && !hv_lonlat_in_gb(lon, lat)) {
			rc = hv_source_error(src, HAVEN_ERR_CRS, "lon %g, lat %g is not in Great Britain", lon, lat);
			break;
		}
		if (located && (rc = hv_lonlat_to_bng(ctx, lon, lat, &e, &n)))
			break;
		long area = located ? hv_areas_find(pfa, e, n) : -1;
		sqlite3_reset(ins);
		sqlite3_clear_bindings(ins);
		sqlite3_bind_int64(ins, 1, load_id);
		sqlite3_bind_int64(ins, 2, hv_source_row(src));
		hv_bind_text_or_null(ins, 3, *id ? id : NULL);
		sqlite3_bind_text(ins, 4, month, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 5, force, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 6, type, -1, SQLITE_TRANSIENT);
		hv_bind_text_or_null(ins, 7, *lsoa ? lsoa : NULL);
		if (area >= 0)
			sqlite3_bind_text(ins, 8, hv_areas_code(pfa, area), -1, SQLITE_TRANSIENT);
		if (located) {
			sqlite3_bind_double(ins, 9, e);
			sqlite3_bind_double(ins, 10, n);
		}
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = hv_error_sql(ctx, "writing a crime");
			break;
		}
		cnt[0]++;
		cnt[located ? 1 : 2]++;
		cnt[3] += !*id;
		if (!*r->first_month || strcmp(month, r->first_month) < 0)
			snprintf(r->first_month, sizeof r->first_month, "%s", month);
		if (strcmp(month, r->last_month) > 0)
			snprintf(r->last_month, sizeof r->last_month, "%s", month);
		hv_progress(ctx, "crimes", r->rows + cnt[0], 0);
	}
	if (!rc && !cnt[0])
		rc = hv_error(ctx, HAVEN_ERR_MISSING, "%s: the file has no rows", path);
	hv_source_close(src);
	return rc;
}

/* Rows of load_id located outside their force's area: the police force
 * area holding most of the force's located rows in this load. */
static haven_status outside_force(haven_ctx *ctx, int64_t load_id, int64_t *out)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(
	    ctx,
	    "WITH n AS (SELECT force, pfa, count(*) AS k FROM crime WHERE load_id = ?1 AND geom IS NOT NULL"
	    "  GROUP BY force, pfa),"
	    " home AS (SELECT force, pfa FROM n AS a WHERE pfa IS NOT NULL AND k = (SELECT max(k) FROM n AS b"
	    "  WHERE b.force = a.force AND b.pfa IS NOT NULL))"
	    " SELECT count(*) FROM crime AS c WHERE load_id = ?1 AND geom IS NOT NULL"
	    "  AND (c.pfa IS NULL OR NOT EXISTS (SELECT 1 FROM home WHERE home.force = c.force AND home.pfa = c.pfa))",
	    &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, load_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		rc = hv_error_sql(ctx, "counting crimes outside the force area");
	sqlite3_finalize(st);
	return rc;
}

haven_status haven_crime_import(haven_ctx *ctx, const char *const *paths, size_t n, haven_crime_report *report)
{
	hv_clear(ctx);
	haven_crime_report local;
	haven_crime_report *r = report ? report : &local;
	memset(r, 0, sizeof *r);
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc)
		return rc;
	if (!paths || !n)
		return hv_error(ctx, HAVEN_ERR_USAGE, "crime import needs at least one file");
	char(*sha)[65] = calloc(n, sizeof *sha);
	if (!sha)
		return nomem(ctx);
	for (size_t i = 0; i < n && !rc; i++)
		rc = hv_missing_file_sha(ctx, paths[i], sha[i]);
	hv_areas *pfa = NULL;
	if (!rc && (rc = hv_areas_load(ctx, "pfa", &pfa)) == HAVEN_ERR_NOT_FOUND)
		rc = hv_error(
		    ctx, HAVEN_ERR_NOT_FOUND,
		    "crimes are placed in the police force areas: load them first (haven boundaries load STORE "
		    "--kind pfa FILE)");
	if (rc || (rc = hv_op_begin(ctx, &op, HV_OP_ACTOR | HV_OP_WRITE))) {
		hv_areas_free(pfa);
		free(sha);
		return rc;
	}
	char now[21];
	hv_format_time(hv_now(ctx), now);
	sqlite3_stmt *ins = NULL, *seen = NULL, *load = NULL, *fin = NULL, *rep = NULL;
	if (!(rc = hv_prepare(
	          ctx,
	          "INSERT INTO crime(load_id, source_row, crime_id, month, force, crime_type, lsoa_code, pfa,"
	          " geom) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	          " CASE WHEN ?9 IS NULL THEN NULL ELSE MakePoint(?9, ?10, 27700) END)",
	          &ins)) &&
	    !(rc = hv_prepare(ctx, "SELECT 1 FROM crime_load WHERE sha256 = ?", &seen)) &&
	    !(rc = hv_prepare(ctx,
	                      "INSERT INTO crime_load(file, sha256, loaded_at, rows, located, without_location,"
	                      " asb_without_id, outside_force) VALUES(?, ?, ?, 0, 0, 0, 0, 0)",
	                      &load)) &&
	    !(rc = hv_prepare(
	          ctx,
	          "UPDATE crime_load SET rows = ?2, located = ?3, without_location = ?4, asb_without_id = ?5,"
	          " outside_force = ?6 WHERE id = ?1",
	          &fin)))
		rc = hv_prepare(ctx,
		                "DELETE FROM crime WHERE load_id <> ?1 AND EXISTS (SELECT 1 FROM crime AS c WHERE"
		                " c.load_id = ?1 AND c.force = crime.force AND c.month = crime.month)",
		                &rep);
	int loaded = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		sqlite3_reset(seen);
		sqlite3_bind_text(seen, 1, sha[i], -1, SQLITE_STATIC);
		int s = sqlite3_step(seen);
		if (s == SQLITE_ROW) {
			hv_notice(ctx, "%s was loaded before (sha256 %.16s): skipped", paths[i], sha[i]);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(sha[i], sha[j]) == 0)
				s = SQLITE_ROW;
		if (s == SQLITE_ROW)
			continue;
		sqlite3_reset(load);
		sqlite3_bind_text(load, 1, hv_missing_base_name(paths[i]), -1, SQLITE_STATIC);
		sqlite3_bind_text(load, 2, sha[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(load, 3, now, -1, SQLITE_STATIC);
		if (sqlite3_step(load) != SQLITE_DONE) {
			rc = hv_error_sql(ctx, "recording a crime load");
			break;
		}
		int64_t id = sqlite3_last_insert_rowid(ctx->db), cnt[4] = {0, 0, 0, 0}, out = 0;
		if ((rc = crime_file(ctx, paths[i], id, pfa, ins, r, cnt)) || (rc = outside_force(ctx, id, &out)))
			break;
		sqlite3_reset(rep);
		sqlite3_bind_int64(rep, 1, id);
		if (sqlite3_step(rep) != SQLITE_DONE) {
			rc = hv_error_sql(ctx, "replacing crimes of the same months");
			break;
		}
		r->replaced += sqlite3_changes(ctx->db);
		sqlite3_reset(fin);
		sqlite3_bind_int64(fin, 1, id);
		for (int k = 0; k < 4; k++)
			sqlite3_bind_int64(fin, 2 + k, cnt[k]);
		sqlite3_bind_int64(fin, 6, out);
		if (sqlite3_step(fin) != SQLITE_DONE) {
			rc = hv_error_sql(ctx, "recording a crime load");
			break;
		}
		r->rows += cnt[0];
		r->located += cnt[1];
		r->without_location += cnt[2];
		r->asb_without_id += cnt[3];
		r->outside_force += out;
		loaded++;
	}
	sqlite3_stmt *sts[] = {ins, seen, load, fin, rep};
	for (size_t i = 0; i < sizeof sts / sizeof sts[0]; i++)
		sqlite3_finalize(sts[i]);
	hv_areas_free(pfa);
	r->files = (int)n;
	r->noop = !rc && !loaded;
	char object[400] = "";
	if (!rc && loaded)
		snprintf(
		    object, sizeof object,
		    "police.uk crime: %d file%s (first %s, sha256 %.16s), months %s to %s: %lld rows, %lld without "
		    "location, %lld without a Crime ID, %lld outside the force area, %lld replaced",
		    loaded, loaded == 1 ? "" : "s", hv_missing_base_name(paths[0]), sha[0], r->first_month,
		    r->last_month, (long long)r->rows, (long long)r->without_location, (long long)r->asb_without_id,
		    (long long)r->outside_force, (long long)r->replaced);
	free(sha);
	rc = hv_op_end(ctx, &op, rc, HV_AUDIT_COLLECTION, *object ? object : NULL, r->rows, NULL);
	if (rc)
		memset(r, 0, sizeof *r);
	return rc;
}

/* ---- offender residences ------------------------------------------------------ */

static const char *const c_ref[] = {"offender_ref", "ref", "reference", "case_ref", "id", NULL};
static const char *const c_east[] = {"easting", "x_bng", "e", NULL};
static const char *const c_north[] = {"northing", "y_bng", "n", NULL};
static const char *const c_olon[] = {"lon", "longitude", "lng", NULL};
static const char *const c_olat[] = {"lat", "latitude", NULL};

typedef struct oimp {
	haven_ctx *ctx;
	const char *path, *unit;
	sqlite3_stmt *ins;
	int64_t load_id, n;
} oimp;

static haven_status one_offender(oimp *im, int64_t row, const char *ref, double e, double n)
{
	haven_ctx *ctx = im->ctx;
	/* the value is never repeated in an error: it may be a name */
	if (!ref || !hv_zone_ref_ok(ref))
		return hv_error(ctx, HAVEN_ERR_VALUE,
		                "%s: %s %lld: the offender reference is not shaped like a reference (1 to 64 letters, "
		                "digits, / _ . -, with a digit): a name is never imported",
		                im->path, im->unit, (long long)row);
	if (!isfinite(e) || !isfinite(n) || !hv_bng_in_extent(e, n))
		return hv_error(ctx, HAVEN_ERR_CRS, "%s: %s %lld: the point is not in Great Britain", im->path,
		                im->unit, (long long)row);
	sqlite3_reset(im->ins);
	sqlite3_bind_text(im->ins, 1, ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(im->ins, 2, im->load_id);
	sqlite3_bind_double(im->ins, 3, e);
	sqlite3_bind_double(im->ins, 4, n);
	int s = sqlite3_step(im->ins);
	if (s == SQLITE_CONSTRAINT)
		return hv_error(ctx, HAVEN_ERR_VALUE,
		                "%s: %s %lld: the offender reference is held already in this file", im->path, im->unit,
		                (long long)row);
	if (s != SQLITE_DONE)
		return hv_error_sql(ctx, "writing an offender");
	im->n++;
	return HAVEN_OK;
}

static haven_status offenders_csv(oimp *im, const char *source_crs)
{
	haven_ctx *ctx = im->ctx;
	hv_source *src = NULL;
	haven_status rc = hv_source_open(ctx, im->path, &src);
	int c[5];
	const char *const *cands[5] = {c_ref, c_east, c_north, c_olon, c_olat};
	static const char *const what[5] = {"the offender reference", "the easting", "the northing", "the longitude",
	                                    "the latitude"};
	for (int i = 0; i < 5 && !rc; i++)
		rc = hv_source_column(src, cands[i], what[i], &c[i]);
	int kind = rc ? 0 : (c[1] >= 0 && c[2] >= 0) ? 1 : (c[3] >= 0 && c[4] >= 0) ? 2 : 0;
	if (!rc && (c[0] < 0 || !kind))
		rc = hv_source_error(
		    src, HAVEN_ERR_MISSING,
		    "an offenders file needs offender_ref and easting,northing or lon,lat (docs/formats.md)");
	PJ *pj = NULL;
	const char *crs = source_crs ? source_crs : kind == 1 ? "EPSG:27700" : "EPSG:4326";
	if (!rc && strcmp(crs, "EPSG:27700") && hv_crs_to_bng(ctx, crs, &pj))
		rc = hv_error(ctx, HAVEN_ERR_CRS, "%s: source CRS %s cannot be used", im->path, crs);
	int has = 0;
	while (!rc && !(rc = hv_source_next(src, &has)) && has) {
		const char *xs = hv_source_field(src, c[kind == 1 ? 1 : 3]),
		           *ys = hv_source_field(src, c[kind == 1 ? 2 : 4]);
		double x, y, e, n;
		if (!hv_parse_decimal(xs, &x) || !hv_parse_decimal(ys, &y)) {
			rc = hv_source_error(src, HAVEN_ERR_VALUE, "the point is not two numbers");
			break;
		}
		if (pj && (rc = hv_crs_point(ctx, pj, x, y, &e, &n)))
			break;
		if (!pj) {
			e = x;
			n = y;
		}
		rc = one_offender(im, hv_source_row(src), hv_source_field(src, c[0]), e, n);
	}
	if (pj)
		proj_destroy(pj);
	hv_source_close(src);
	return rc;
}

static haven_status offenders_ogr(oimp *im, const char *source_crs)
{
	haven_ctx *ctx = im->ctx;
	char *name = NULL, *crs = NULL, label[128];
	GDALDatasetH ds = NULL;
	hv_gdal_watch watch = {0, ""};
	haven_status rc = hv_gdal_name(ctx, im->path, &name);
	hv_gdal_watch_begin(&watch);
	if (!rc) {
		ds = GDALOpenEx(name, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, NULL, NULL, NULL);
		if (!ds || watch.failed || GDALDatasetGetLayerCount(ds) < 1)
			rc = hv_error(ctx, HAVEN_ERR_FORMAT, "%s: cannot be read as a vector file with a layer: %s",
			              im->path, watch.failed ? watch.msg : "no GDAL driver recognises it");
	}
	OGRLayerH layer = rc ? NULL : GDALDatasetGetLayer(ds, 0);
	int fref = -1;
	if (layer) {
		OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
		for (const char *const *k = c_ref; *k && fref < 0; k++)
			for (int i = 0; i < OGR_FD_GetFieldCount(defn) && fref < 0; i++)
				if (hv_colname_eq(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), *k))
					fref = i;
		if (fref < 0)
			rc = hv_error(ctx, HAVEN_ERR_MISSING, "%s: an offenders layer needs a field offender_ref",
			              im->path);
	}
	PJ *pj = NULL;
	if (!rc && !source_crs)
		rc = hv_layer_crs(ctx, im->path, ds, layer, &crs, label, sizeof label);
	const char *use = source_crs ? source_crs : crs;
	if (!rc && strcmp(use, "EPSG:27700") && hv_crs_to_bng(ctx, use, &pj))
		rc = hv_error(ctx, HAVEN_ERR_CRS, "%s: source CRS %s cannot be used", im->path, use);
	int64_t feature = 0;
	if (!rc)
		OGR_L_ResetReading(layer);
	while (!rc) {
		OGRFeatureH f = OGR_L_GetNextFeature(layer);
		if (watch.failed) {
			rc = hv_error(ctx, HAVEN_ERR_FORMAT, "%s: feature %lld: %s", im->path, (long long)feature + 1,
			              watch.msg);
			OGR_F_Destroy(f);
			break;
		}
		if (!f)
			break;
		feature++;
		OGRGeometryH g = OGR_F_GetGeometryRef(f);
		char *ref = OGR_F_IsFieldSetAndNotNull(f, fref) ? strdup(OGR_F_GetFieldAsString(f, fref)) : NULL;
		if (!g || OGR_G_IsEmpty(g) || wkbFlatten(OGR_G_GetGeometryType(g)) != wkbPoint)
			rc = hv_error(ctx, HAVEN_ERR_VALUE, "%s: feature %lld: an offender's residence is a point",
			              im->path, (long long)feature);
		else {
			double x = OGR_G_GetX(g, 0), y = OGR_G_GetY(g, 0), e = x, n = y;
			if (!pj || !(rc = hv_crs_point(ctx, pj, x, y, &e, &n)))
				rc = one_offender(im, feature, ref, e, n);
		}
		free(ref);
		OGR_F_Destroy(f);
	}
	hv_gdal_watch_end();
	if (pj)
		proj_destroy(pj);
	if (ds)
		GDALClose(ds);
	free(name);
	free(crs);
	return rc;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

haven_status haven_offenders_import(haven_ctx *ctx, const char *path, const char *source_crs,
                                    haven_offenders_report *report)
{
	hv_clear(ctx);
	haven_offenders_report local;
	haven_offenders_report *r = report ? report : &local;
	memset(r, 0, sizeof *r);
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc)
		return rc;
	if (!path)
		return hv_error(ctx, HAVEN_ERR_USAGE, "offenders import needs a file");
	if (strcmp(ctx->actor.authority_kind, "police"))
		return hv_error(ctx, HAVEN_ERR_DENIED, "offender residences are police data: %s is a %s user",
		                ctx->actor.user, ctx->actor.authority_kind);
	if ((rc = hv_missing_file_sha(ctx, path, r->sha256)) || (rc = hv_op_begin(ctx, &op, HV_OP_ACTOR | HV_OP_WRITE)))
		return rc;
	sqlite3_stmt *st = NULL;
	int64_t held = 0;
	char now[21];
	hv_format_time(hv_now(ctx), now);
	oimp im = {.ctx = ctx, .path = path};
	if (!(rc = hv_prepare(ctx,
	                      "SELECT count(*) FROM offender_load WHERE id = (SELECT max(id) FROM offender_load)"
	                      " AND sha256 = ?",
	                      &st))) {
		sqlite3_bind_text(st, 1, r->sha256, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			rc = hv_error_sql(ctx, "reading offender loads");
		else
			r->noop = sqlite3_column_int(st, 0) > 0;
		sqlite3_finalize(st);
	}
	if (!rc && !r->noop && !(rc = hv_query_int(ctx, "SELECT count(*) FROM offender", &held)) &&
	    !(rc = hv_exec(ctx, "DELETE FROM offender")) &&
	    !(rc = hv_prepare(ctx, "INSERT INTO offender_load(file, sha256, loaded_at, features) VALUES(?, ?, ?, 0)",
	                      &st))) {
		sqlite3_bind_text(st, 1, hv_missing_base_name(path), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, r->sha256, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = hv_error_sql(ctx, "recording an offenders load");
		im.load_id = sqlite3_last_insert_rowid(ctx->db);
		sqlite3_finalize(st);
		if (!rc)
			rc = hv_prepare(ctx, "INSERT INTO offender(ref, load_id, x, y) VALUES(?, ?, ?, ?)", &im.ins);
		int csv = ends_with(path, ".csv") || ends_with(path, ".csv.gz");
		im.unit = csv ? "row" : "feature";
		if (!rc)
			rc = csv ? offenders_csv(&im, source_crs) : offenders_ogr(&im, source_crs);
		sqlite3_finalize(im.ins);
		if (!rc && !im.n)
			rc = hv_error(ctx, HAVEN_ERR_MISSING, "%s: the file has no offenders", path);
		char sql[128];
		snprintf(sql, sizeof sql, "UPDATE offender_load SET features = %lld WHERE id = %lld", (long long)im.n,
		         (long long)im.load_id);
		if (!rc)
			rc = hv_exec(ctx, sql);
	}
	r->features = r->noop ? 0 : im.n;
	r->replaced = held;
	char object[300] = "";
	if (!rc && !r->noop)
		snprintf(object, sizeof object,
		         "offender residences from %s (sha256 %.16s): %lld points, %lld replaced",
		         hv_missing_base_name(path), r->sha256, (long long)im.n, (long long)held);
	rc = hv_op_end(ctx, &op, rc, HV_AUDIT_COLLECTION, *object ? object : NULL, im.n, NULL);
	if (rc)
		memset(r, 0, sizeof *r);
	return rc;
}
