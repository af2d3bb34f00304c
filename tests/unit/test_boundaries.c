/*
 * test_boundaries.c - loading ONS boundaries (the bundled files, other
 * formats, bad input, repairs, reloads) and "where is this point".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_vsi.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <zlib.h>

#include "haven/boundaries.h"
#include "core/context.h"
#include "core/sql.h"
#include "core/table.h"
#include "testutil.h"

/* ---- helpers -------------------------------------------------------------- */

typedef struct notices {
	int n;
	char all[4096];
} notices;

static void on_notice(void *user, const char *msg)
{
	notices *ns = user;
	ns->n++;
	size_t used = strlen(ns->all);
	snprintf(ns->all + used, sizeof ns->all - used, "%s\n", msg);
}

static haven_status load(haven_ctx *ctx, const char *kind, const char *path, haven_boundaries_report *r)
{
	haven_boundaries_opts o = {kind, path, NULL, NULL, NULL, 0};
	return haven_boundaries_load(ctx, &o, r);
}

/* Number of areas of kind (with this code, unless code is NULL). */
static int64_t count_areas(haven_ctx *ctx, const char *kind, const char *code)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM area WHERE kind = '%s' AND code LIKE '%s'", kind,
	         code ? code : "%");
	return tu_int(ctx, sql);
}

/* A copy of a path that outlives tu_tmp()'s and tu_fixture()'s rotating buffers. */
static const char *keep(const char *path)
{
	static char pool[32][1024];
	static int n;
	char *p = pool[n++ % 32];
	snprintf(p, 1024, "%s", path);
	return p;
}

/* Write src through GDAL's ogr2ogr library call in another format. */
static void translate(const char *dst, const char *src, const char *format)
{
	char f[] = "-f", fmt[64];
	snprintf(fmt, sizeof fmt, "%s", format);
	char *argv[] = {f, fmt, NULL};
	GDALVectorTranslateOptions *opts = GDALVectorTranslateOptionsNew(argv, NULL);
	assert_non_null(opts);
	GDALDatasetH in = GDALOpenEx(src, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	assert_non_null(in);
	int usage_error = 0;
	unlink(dst);
	GDALDatasetH out = GDALVectorTranslate(dst, NULL, 1, &in, opts, &usage_error);
	assert_non_null(out);
	assert_int_equal(usage_error, 0);
	GDALClose(out);
	GDALClose(in);
	GDALVectorTranslateOptionsFree(opts);
}

static void gzip_file(const char *dst, const char *src)
{
	FILE *in = fopen(src, "rb");
	assert_non_null(in);
	gzFile out = gzopen(dst, "wb");
	assert_non_null(out);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(gzwrite(out, buf, (unsigned)n), (int)n);
	fclose(in);
	assert_int_equal(gzclose(out), Z_OK);
}

/* Copy the first n bytes of src to tu_tmp(name). */
static const char *truncated_copy(const char *name, const char *src, size_t n)
{
	FILE *in = fopen(src, "rb");
	assert_non_null(in);
	char buf[8192];
	size_t got = fread(buf, 1, n < sizeof buf ? n : sizeof buf, in);
	fclose(in);
	assert_true(got > 0);
	const char *p = keep(tu_tmp(name));
	FILE *out = fopen(p, "wb");
	assert_non_null(out);
	fwrite(buf, 1, got, out);
	fclose(out);
	return p;
}

/* Cell (row of kind, column col) of a where table. */
static const char *cell(const haven_table *t, const char *kind, const char *col)
{
	int c = haven_table_find(t, col), k = haven_table_find(t, "kind");
	assert_true(c >= 0 && k >= 0);
	for (size_t r = 0; r < hv_table_rows(t); r++)
		if (strcmp(hv_table_cell_text(t, r, k), kind) == 0)
			return hv_table_cell_text(t, r, c);
	fail_msg("no row for kind %s", kind);
	return NULL;
}

/* ---- the bundled files ------------------------------------------------------ */

static const struct {
	const char *file, *kind;
	int64_t features;
} bundled[] = {
	{"boundaries/ctyua_dec2024_en_bgc.geojson.gz", "la", 153},
	{"boundaries/lad_dec2024_en_bgc.geojson.gz", "district", 296},
	{"boundaries/pfa_dec2023_ew_bgc.geojson.gz", "pfa", 43},
	{"boundaries/rgn_dec2023_en_bgc.geojson.gz", "region", 9},
};
#define N_BUNDLED (sizeof bundled / sizeof bundled[0])

static haven_ctx *all_ctx; /* a store with every bundled file, shared by the tests below */
static haven_boundaries_report all_reports[N_BUNDLED];

static haven_ctx *all_store(void)
{
	if (!all_ctx) {
		all_ctx = tu_new_store("all.db");
		for (size_t i = 0; i < N_BUNDLED; i++)
			tu_ok(all_ctx, load(all_ctx, bundled[i].kind, tu_data(bundled[i].file), &all_reports[i]));
	}
	return all_ctx;
}

static void test_load_bundled(void **state)
{
	(void)state;
	haven_ctx *ctx = all_store();
	int64_t total = 0;
	for (size_t i = 0; i < N_BUNDLED; i++) {
		const haven_boundaries_report *r = &all_reports[i];
		if (r->features != bundled[i].features)
			fail_msg("case %zu %s: %lld features, want %lld", i + 1, bundled[i].kind, (long long)r->features,
			         (long long)bundled[i].features);
		assert_int_equal(count_areas(ctx, bundled[i].kind, NULL),
		                 bundled[i].features);
		assert_string_equal(r->code_field, "AREACD");
		assert_string_equal(r->name_field, "AREANM");
		assert_string_equal(r->source_crs, "OGC:CRS84");
		assert_true(r->seconds > 0);
		/* The load is recorded, with the repairs it made. */
		char sql[256];
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM area_load WHERE kind = '%s' AND features = %lld AND repaired = %lld "
		         "AND source_crs = 'OGC:CRS84' AND code_field = 'AREACD' AND loaded_at = '2025-04-15T09:00:00Z'",
		         bundled[i].kind, (long long)r->features, (long long)r->repaired);
		assert_int_equal(tu_int(ctx, sql), 1);
		total += r->features;
	}
	/* Every stored geometry is a valid BNG MultiPolygon. */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM area WHERE ST_IsValid(geom) = 1 AND ST_SRID(geom) = 27700 "
	                             "AND GeometryType(geom) = 'MULTIPOLYGON'"),
	                 total);
	/* The R*Tree holds one entry per area and answers through SpatialIndex:
	 * the MBRs holding Manchester Town Hall include exactly one la that
	 * covers it, E08000003. */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM idx_area_geom"), total);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM area WHERE kind = 'la' AND code = 'E08000003' "
	                             "AND ST_Covers(geom, MakePoint(383864, 398103, 27700)) AND ROWID IN "
	                             "(SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'area' "
	                             "AND search_frame = BuildMbr(383863, 398102, 383865, 398104, 27700))"),
	                 1);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM area WHERE ST_Covers(geom, MakePoint(383864, 398103, 27700)) "
	                             "AND ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'area' "
	                             "AND search_frame = BuildMbr(383863, 398102, 383865, 398104, 27700))"),
	                 4);
	/* Whole of England in the index: every area's MBR is found. */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM SpatialIndex WHERE f_table_name = 'area' "
	                             "AND search_frame = BuildMbr(-10000, -10000, 700000, 1250000, 27700)"),
	                 total);
}

static void test_where_spot_checks(void **state)
{
	(void)state;
	haven_ctx *ctx = all_store();
	/* PFA codes and names as in pfa_dec2023_ew_bgc; "" means no area. */
	static const struct {
		const char *place;
		double lon, lat;
		const char *la, *la_name, *district, *pfa, *pfa_name, *region;
	} cases[] = {
		{"Manchester Town Hall", -2.2446, 53.4794, "E08000003", "Manchester", "E08000003", "E23000005",
		 "Greater Manchester", "E12000002"},
		{"Leeds", -1.5491, 53.7997, "E08000035", "Leeds", "E08000035", "E23000010", "West Yorkshire", "E12000003"},
		{"Portsmouth", -1.0880, 50.7989, "E06000044", "Portsmouth", "E06000044", "E23000030", "Hampshire",
		 "E12000008"},
		{"Charing Cross", -0.1246, 51.5080, "E09000033", "Westminster", "E09000033", "E23000001",
		 "Metropolitan Police", "E12000007"},
		{"Cardiff", -3.1791, 51.4816, "", "", "", "W15000003", "South Wales", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		haven_table *t;
		tu_ok(ctx, haven_boundaries_where_lonlat(ctx, cases[i].lon, cases[i].lat, &t));
		assert_int_equal(hv_table_rows(t), 4);
		assert_int_equal(haven_table_ncols(t), 4);
		const struct {
			const char *kind, *code, *name;
		} want[] = {
			{"la", cases[i].la, cases[i].la_name},
			{"district", cases[i].district, NULL},
			{"pfa", cases[i].pfa, cases[i].pfa_name},
			{"region", cases[i].region, NULL},
		};
		for (size_t k = 0; k < 4; k++) {
			const char *code = cell(t, want[k].kind, "code"), *match = cell(t, want[k].kind, "match");
			const char *name = cell(t, want[k].kind, "name");
			int ok = *want[k].code ? code && strcmp(code, want[k].code) == 0 && strcmp(match, "inside") == 0
			                       : !code && !name && strcmp(match, "none") == 0;
			if (ok && want[k].name && *want[k].name)
				ok = name && strcmp(name, want[k].name) == 0;
			if (!ok)
				fail_msg("case %zu (%s) %s: got %s %s '%s', want %s %s", i + 1, cases[i].place, want[k].kind,
				         code ? code : "(none)", name ? name : "(none)", match, want[k].code,
				         want[k].name ? want[k].name : "");
		}
		haven_table_free(t);
	}
	/* The same point as a grid reference gives the same answer. */
	haven_table *t;
	tu_ok(ctx, haven_boundaries_where(ctx, 383864, 398103, &t));
	assert_string_equal(cell(t, "la", "code"), "E08000003");
	assert_string_equal(cell(t, "pfa", "name"), "Greater Manchester");
	assert_string_equal(cell(t, "region", "name"), "North West");
	haven_table_free(t);
}

static void test_where_nearest_and_errors(void **state)
{
	(void)state;
	haven_ctx *ctx = all_store();
	/* 1: 300 m out to sea west of the Isles of Scilly: in no area, but
	 * within 1000 m of one. */
	double x = 0, y = 0;
	tu_westmost_vertex(ctx, "la", "E06000053", &x, &y);
	haven_table *t;
	tu_ok(ctx, haven_boundaries_where(ctx, x - 300, y, &t));
	assert_string_equal(cell(t, "la", "code"), "E06000053");
	assert_string_equal(cell(t, "la", "name"), "Isles of Scilly");
	assert_string_equal(cell(t, "la", "match"), "nearest (300 m)");
	assert_string_equal(cell(t, "district", "code"), "E06000053");
	haven_table_free(t);
	/* 2: 1500 m out: too far for "nearest". */
	tu_ok(ctx, haven_boundaries_where(ctx, x - 1500, y, &t));
	assert_null(cell(t, "la", "code"));
	assert_string_equal(cell(t, "la", "match"), "none");
	haven_table_free(t);
	/* 3: outside Great Britain's grid. */
	tu_assert_status(ctx, haven_boundaries_where(ctx, 800000, 100000, &t), HAVEN_ERR_CRS);
	assert_null(t);
	tu_assert_msg(ctx, "outside Great Britain");
	/* 4: longitude and latitude swapped. */
	tu_assert_status(ctx, haven_boundaries_where_lonlat(ctx, 53.4794, -2.2446, &t), HAVEN_ERR_CRS);
	tu_assert_msg(ctx, "longitude first");
	/* 5: somewhere else entirely. */
	tu_assert_status(ctx, haven_boundaries_where_lonlat(ctx, 2.35, 48.86, &t), HAVEN_ERR_CRS);
	tu_assert_msg(ctx, "not in Great Britain");
	/* 6: a store with no boundaries. */
	haven_ctx *empty = tu_new_store("where-empty.db");
	tu_assert_status(empty, haven_boundaries_where(empty, 383864, 398103, &t), HAVEN_ERR_NOT_FOUND);
	tu_assert_msg(empty, "haven boundaries load");
	haven_ctx_free(empty);
}

/* ---- fixtures: bad input leaves the store as it was --------------------------- */

static void test_bad_input(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("bad.db");
	tu_ok(ctx, load(ctx, "la", tu_fixture("boundaries/small.geojson"), NULL));
	const char *trunc = truncated_copy("truncated.geojson", tu_fixture("boundaries/small.geojson"), 300);
	const char *empty = keep(tu_write("empty.geojson", ""));
	const char *csv = keep(tu_write("nogeom.csv", "AREACD,AREANM\nE99000001,Alpha\n"));
	const struct {
		const char *kind, *path, *code_field, *source_crs;
		haven_status want;
		const char *needles[4];
	} cases[] = {
		/* 1 */ {"la", trunc, NULL, NULL, HAVEN_ERR_FORMAT, {"truncated.geojson", "cannot be read"}},
		/* 2 */ {"la", keep(tu_fixture("boundaries/small_bng_no_crs.geojson")), NULL, NULL, HAVEN_ERR_CRS,
		         {"small_bng_no_crs.geojson", "feature 1 (E99000001)", "--source-crs", "OGC:CRS84"}},
		/* 3 */ {"la", keep(tu_fixture("boundaries/missing_code.geojson")), NULL, NULL, HAVEN_ERR_MISSING,
		         {"missing_code.geojson", "CODE, LABEL", "--code-field"}},
		/* 4 */ {"la", keep(tu_fixture("boundaries/duplicate.geojson")), NULL, NULL, HAVEN_ERR_DUPLICATE,
		         {"duplicate.geojson", "E99000001", "features 1 and 3"}},
		/* 5 */ {"la", empty, NULL, NULL, HAVEN_ERR_FORMAT, {"empty.geojson"}},
		/* 6 */ {"la", keep(tu_fixture("boundaries/no_features.geojson")), NULL, NULL, HAVEN_ERR_MISSING,
		         {"no_features.geojson", "no features"}},
		/* 7 */ {"la", keep(tu_fixture("boundaries/empty_code.geojson")), NULL, NULL, HAVEN_ERR_MISSING,
		         {"empty_code.geojson", "feature 2", "empty code"}},
		/* 8 */ {"la", keep(tu_fixture("boundaries/line.geojson")), NULL, NULL, HAVEN_ERR_VALUE,
		         {"line.geojson", "feature 2", "E99000005", "not a polygon"}},
		/* 9 */ {"la", keep(tu_tmp("absent.geojson")), NULL, NULL, HAVEN_ERR_IO, {"absent.geojson"}},
		/* 10 */ {"la", keep(tu_fixture("boundaries/small.geojson")), "NOPE", NULL, HAVEN_ERR_MISSING,
		          {"small.geojson", "'NOPE'", "AREACD, AREANM"}},
		/* 11 */ {"county", keep(tu_fixture("boundaries/small.geojson")), NULL, NULL, HAVEN_ERR_USAGE, {"county"}},
		/* 12 */ {"la", keep(tu_fixture("boundaries/small.geojson")), NULL, "EPSG:999999", HAVEN_ERR_CRS,
		          {"small.geojson", "EPSG:999999"}},
		/* 13 */ {"la", csv, NULL, NULL, HAVEN_ERR_FORMAT, {"nogeom.csv", "no geometry"}},
		/* 14 */ {"pfa", keep(tu_fixture("boundaries/ons_fields.geojson")), NULL, NULL, HAVEN_ERR_USAGE,
		          {"ons_fields.geojson", "--code-field"}},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char before[65], after[65];
		tu_digest(ctx, before);
		haven_boundaries_opts o = {cases[i].kind, cases[i].path,       cases[i].code_field,
		                           NULL,          cases[i].source_crs, 0};
		haven_status st = haven_boundaries_load(ctx, &o, NULL);
		if (st != cases[i].want)
			fail_msg("case %zu: got %s, want %s: %s", i + 1, haven_status_name(st), haven_status_name(cases[i].want),
			         haven_errmsg(ctx));
		for (size_t k = 0; k < 4 && cases[i].needles[k]; k++)
			if (!strstr(haven_errmsg(ctx), cases[i].needles[k]))
				fail_msg("case %zu: message '%s' lacks '%s'", i + 1, haven_errmsg(ctx), cases[i].needles[k]);
		tu_digest(ctx, after);
		if (strcmp(before, after) != 0)
			fail_msg("case %zu: the store changed", i + 1);
	}
	/* The earlier load is intact, index included. */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM area WHERE kind = 'la'"), 3);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM area_load"), 1);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM idx_area_geom"), 3);
	/* 2 again, with the right CRS named: it loads, onto the same ground as
	 * the lon/lat original (the fixture's metres are rounded to 1 mm). */
	haven_boundaries_opts o = {
	    "district", tu_fixture("boundaries/small_bng_no_crs.geojson"), NULL, NULL, "EPSG:27700", 0};
	haven_boundaries_report r;
	tu_ok(ctx, haven_boundaries_load(ctx, &o, &r));
	assert_int_equal(r.features, 3);
	assert_string_equal(r.source_crs, "EPSG:27700");
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM area a JOIN area b ON a.code = b.code AND a.name = b.name "
	                             "WHERE a.kind = 'la' AND b.kind = 'district' "
	                             "AND HausdorffDistance(a.geom, b.geom) < 0.002"),
	                 3);
	haven_ctx_free(ctx);
}

/* ---- repair ------------------------------------------------------------------ */

static void test_repair_bowtie(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("bowtie.db");
	notices ns = {0, ""};
	haven_ctx_set_notice(ctx, on_notice, &ns);
	haven_boundaries_report r;
	tu_ok(ctx, load(ctx, "district", tu_fixture("boundaries/bowtie.geojson"), &r));
	assert_int_equal(r.features, 2);
	assert_int_equal(r.repaired, 1);
	assert_int_equal(ns.n, 1);
	static const char *const needles[] = {"bowtie.geojson", "feature 2", "E99000004", "Bow Tie", "Self-intersection"};
	for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
		if (!strstr(ns.all, needles[i]))
			fail_msg("notice '%s' lacks '%s'", ns.all, needles[i]);
	assert_int_equal(tu_int(ctx, "SELECT repaired FROM area_load"), 1);
	/* The bow tie is stored as its two triangles, valid; together they are
	 * half the square the tie spans. */
	assert_int_equal(tu_int(ctx, "SELECT ST_IsValid(geom) FROM area WHERE code = 'E99000004'"), 1);
	assert_int_equal(tu_int(ctx, "SELECT ST_NumGeometries(geom) FROM area WHERE code = 'E99000004'"), 2);
	assert_int_equal(tu_int(ctx, "SELECT abs(ST_Area(geom) / ST_Area(ST_Envelope(geom)) - 0.5) < 0.01 "
	                             "FROM area WHERE code = 'E99000004'"),
	                 1);
	/* The valid square was not touched. */
	assert_int_equal(tu_int(ctx, "SELECT ST_NumGeometries(geom) FROM area WHERE code = 'E99000001'"), 1);
	haven_ctx_free(ctx);
}

/* ---- other formats ------------------------------------------------------------- */

static void test_other_formats(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("formats.db");
	const char *geojson = tu_fixture("boundaries/small.geojson");
	char gpkg[1024], shpzip[1024], gz[1024], vsi[1100];
	snprintf(gpkg, sizeof gpkg, "%s", tu_tmp("small.gpkg"));
	snprintf(shpzip, sizeof shpzip, "%s", tu_tmp("small.shp.zip"));
	snprintf(gz, sizeof gz, "%s", tu_tmp("small.geojson.gz"));
	translate(gpkg, geojson, "GPKG");
	translate(shpzip, geojson, "ESRI Shapefile");
	gzip_file(gz, geojson);
	snprintf(vsi, sizeof vsi, "/vsizip/%s", shpzip);

	haven_boundaries_report r;
	tu_ok(ctx, load(ctx, "la", geojson, &r));
	assert_string_equal(r.source_crs, "OGC:CRS84");
	const struct {
		const char *kind, *path, *crs;
	} cases[] = {
		{"district", gpkg, "EPSG:4326"}, /* 1: GeoPackage */
		{"pfa", shpzip, "EPSG:4326"},    /* 2: zipped shapefile, by its .zip name */
		{"region", gz, "OGC:CRS84"},     /* 3: gzipped GeoJSON */
		{"pfa", vsi, "EPSG:4326"},       /* 4: a path the user already prefixed */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		haven_status st = load(ctx, cases[i].kind, cases[i].path, &r);
		if (st != HAVEN_OK)
			fail_msg("case %zu: %s", i + 1, haven_errmsg(ctx));
		assert_int_equal(r.features, 3);
		assert_string_equal(r.code_field, "AREACD");
		if (strcmp(r.source_crs, cases[i].crs) != 0)
			fail_msg("case %zu: source CRS %s, want %s", i + 1, r.source_crs, cases[i].crs);
		/* Same codes, same names (UTF-8 kept), same polygons as the GeoJSON. */
		char sql[512];
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM area a JOIN area b ON a.code = b.code AND a.name = b.name "
		         "WHERE a.kind = 'la' AND b.kind = '%s' AND ST_Equals(a.geom, b.geom) = 1 "
		         "AND HausdorffDistance(a.geom, b.geom) < 1e-6",
		         cases[i].kind);
		if (tu_int(ctx, sql) != 3)
			fail_msg("case %zu: %s differs from the GeoJSON load", i + 1, cases[i].path);
	}
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM area WHERE name = 'Bêta Vale'"), 4);
	haven_ctx_free(ctx);
}

/* ---- damaged streams and text that cannot be kept ------------------------------------------ */

/* s with the first from replaced by to (malloc'd). */
static char *replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	assert_non_null(at);
	size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
	char *out = malloc(n);
	assert_non_null(out);
	snprintf(out, n, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	return out;
}

static void test_damaged_and_bad_text(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("damaged.db");
	/* One feature a line, as GDAL's GeoJSONSeq driver reads it a line at a
	 * time: a stream cut between lines leaves whole features. */
	const char *seq = keep(tu_tmp("small.geojsonl"));
	translate(seq, tu_fixture("boundaries/small.geojson"), "GeoJSONSeq");
	size_t n;
	char *text = tu_read(seq, &n);
	size_t two_lines = (size_t)(strchr(strchr(text, '\n') + 1, '\n') + 1 - text);
	char *geojson = tu_read(tu_fixture("boundaries/small.geojson"), &n);
	char *latin1 = replace(geojson, "B\xc3\xaata Vale", "B\xeata Vale");
	char long_code[300];
	memset(long_code, 'E', 299);
	long_code[299] = '\0';
	char *longer = replace(geojson, "E99000001", long_code);
	tu_ok(ctx, load(ctx, "region", tu_fixture("boundaries/small.geojson"), NULL));

	/* The same lines zipped, through GDAL's /vsizip/ writer. */
	char zip[1024], vsi[1100];
	snprintf(zip, sizeof zip, "%s", tu_tmp("whole.zip"));
	snprintf(vsi, sizeof vsi, "/vsizip/%s/small.geojsonl", zip);
	VSILFILE *zf = VSIFOpenL(vsi, "wb");
	assert_non_null(zf);
	assert_int_equal(VSIFWriteL(text, 1, strlen(text), zf), strlen(text));
	assert_int_equal(VSIFCloseL(zf), 0);
	size_t zn;
	char *zipped = tu_read(zip, &zn);

	enum { WHOLE, ROW_CUT, NO_TRAILER, BAD_LENGTH, GARBAGE, LATIN1, LONG_CODE, ZIP, ZIP_DAMAGED };
	const struct {
		int how;
		const char *name;
		haven_status want;
		const char *msg;
	} cases[] = {
		/* 1 */ {WHOLE, "whole.geojsonl.gz", HAVEN_OK, ""},
		/* 2 two whole features, then the stream stops */
		{ROW_CUT, "cut.geojsonl.gz", HAVEN_ERR_FORMAT, "the file is truncated"},
		/* 3 */ {NO_TRAILER, "notrailer.geojsonl.gz", HAVEN_ERR_FORMAT, "the file is truncated"},
		/* 4 GDAL's /vsigzip/ does not check the length */
		{BAD_LENGTH, "badlen.geojsonl.gz", HAVEN_ERR_FORMAT, "incorrect length check"},
		/* 5 nor what follows the stream */ {GARBAGE, "garbage.geojsonl.gz", HAVEN_ERR_FORMAT, "trailing garbage"},
		/* 6 */ {LATIN1, "latin1.geojson", HAVEN_ERR_FORMAT,
		         "feature 2: the name (field AREANM) is not valid UTF-8 (bad byte at offset 1)"},
		/* 7 */ {LONG_CODE, "longcode.geojson", HAVEN_ERR_VALUE,
		         "feature 1: the code (field AREACD) is 299 bytes long, more than the 255 haven keeps"},
		/* 8 */ {ZIP, "whole.zip", HAVEN_OK, ""},
		/* 9 a byte of the compressed data changed: GDAL's error, fatal */
		{ZIP_DAMAGED, "damaged.zip", HAVEN_ERR_FORMAT, "cannot"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int how = cases[i].how;
		unsigned char *gz = NULL;
		size_t len = 0;
		const char *path;
		if (how == LATIN1 || how == LONG_CODE) {
			const char *t = how == LATIN1 ? latin1 : longer;
			path = keep(tu_write(cases[i].name, t));
		} else if (how == ZIP || how == ZIP_DAMAGED) {
			if (how == ZIP_DAMAGED)
				zipped[zn / 2] ^= 0x55;
			path = keep(tu_write_bytes(cases[i].name, zipped, zn));
		} else {
			gz = tu_gzip(text, strlen(text), 6, how == ROW_CUT ? two_lines : 0, &len);
			unsigned char *b = malloc(len + 8);
			assert_non_null(b);
			memcpy(b, gz, len);
			if (how == NO_TRAILER)
				len -= 8;
			if (how == BAD_LENGTH)
				b[len - 4] ^= 1;
			if (how == GARBAGE)
				memcpy(b + len, "junk\n", 5), len += 5;
			path = keep(tu_write_bytes(cases[i].name, b, len));
			free(b);
			free(gz);
		}
		char before[65], after[65];
		tu_digest(ctx, before);
		haven_boundaries_report r;
		haven_status st = load(ctx, "region", path, &r);
		if (st != cases[i].want)
			fail_msg("case %zu: got %s, want %s: %s", i + 1, haven_status_name(st), haven_status_name(cases[i].want),
			         haven_errmsg(ctx));
		if (st != HAVEN_OK) {
			if (!strstr(haven_errmsg(ctx), cases[i].msg) || !strstr(haven_errmsg(ctx), cases[i].name))
				fail_msg("case %zu: message '%s' lacks '%s' or the file name", i + 1, haven_errmsg(ctx),
				         cases[i].msg);
			tu_digest(ctx, after);
			if (strcmp(before, after) != 0)
				fail_msg("case %zu: the store changed", i + 1);
		} else {
			assert_int_equal(r.features, 3);
		}
	}
	assert_int_equal(count_areas(ctx, "region", NULL), 3);
	free(text);
	free(zipped);
	free(geojson);
	free(latin1);
	free(longer);
	haven_ctx_free(ctx);
}

/* ---- reload, fields ---------------------------------------------------------------- */

static void test_reload_replaces(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("reload.db");
	const char *small = tu_fixture("boundaries/small.geojson");
	tu_ok(ctx, load(ctx, "la", small, NULL));
	tu_ok(ctx, load(ctx, "pfa", small, NULL));
	int64_t id_before = tu_int(ctx, "SELECT max(id) FROM area WHERE kind = 'la'");
	tu_ok(ctx, load(ctx, "la", small, NULL));
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM area WHERE kind = 'la'"), 3);
	assert_true(tu_int(ctx, "SELECT min(id) FROM area WHERE kind = 'la'") > id_before); /* new rows */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM area_load WHERE kind = 'la'"), 2);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM area WHERE kind = 'pfa'"), 3); /* other kinds kept */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM idx_area_geom"), 6);
	/* A different file for the same kind: replaced, not added to. */
	tu_ok(ctx, load(ctx, "la", tu_fixture("boundaries/ons_fields.geojson"), NULL));
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM area WHERE kind = 'la'"), 2);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM idx_area_geom"), 5);
	/* The index finds the new rows and only them: the point in Alpha is in
	 * one la and one pfa. */
	haven_table *t;
	tu_ok(ctx, haven_boundaries_where_lonlat(ctx, -1.575, 53.80, &t));
	assert_int_equal(hv_table_rows(t), 2);
	assert_string_equal(cell(t, "la", "code"), "E99000001");
	assert_string_equal(cell(t, "pfa", "code"), "E99000001");
	haven_table_free(t);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM area a WHERE ST_Covers(a.geom, MakePoint(427600, 435000, "
	                             "27700)) AND ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'area' "
	                             "AND search_frame = MakePoint(427600, 435000, 27700))"),
	                 2);
	haven_ctx_free(ctx);
}

/* A load that would replace a kind's areas with fewer than half as many is
 * refused (a truncated or wrong file must not wipe the boundaries that
 * scope and geocoding rest on) unless forced; the store is unchanged. */
static void test_replace_guard(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("guard.db");
	tu_ok(ctx, load(ctx, "la", tu_fixture("boundaries/small.geojson"), NULL));
	const char *one =
	    keep(tu_write("one.geojson", "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", "
	                                 "\"properties\": {\"AREACD\": \"E99000001\", \"AREANM\": \"Alpha\"}, "
	                                 "\"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[-1.6, 53.78], "
	                                 "[-1.55, 53.78], [-1.55, 53.82], [-1.6, 53.82], [-1.6, 53.78]]]}}]}\n"));
	char before[65], after[65];
	tu_digest(ctx, before);
	haven_boundaries_opts o = {"la", one, NULL, NULL, NULL, 0};
	tu_assert_status(ctx, haven_boundaries_load(ctx, &o, NULL), HAVEN_ERR_MISSING);
	tu_assert_msg(ctx, "one.geojson: it would replace the 3 la areas held with 1, fewer than 50% of them");
	tu_assert_msg(ctx, "--force");
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	o.force = 1;
	tu_ok(ctx, haven_boundaries_load(ctx, &o, NULL));
	assert_int_equal(count_areas(ctx, "la", NULL), 1);
	haven_ctx_free(ctx);
}

static void test_field_detection(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("fields.db");
	const char *ons = tu_fixture("boundaries/ons_fields.geojson");
	const struct {
		const char *kind, *code_field, *name_field, *want_code, *want_name, *code;
	} cases[] = {
		/* 1: county/UA and district codes side by side: the kind decides */
		{"la", NULL, NULL, "ctyua24cd", "ctyua24nm", "E99000002"},
		/* 2 */ {"district", NULL, NULL, "lad24cd", "lad24nm", "E99000012"},
		/* 3: a chosen code field brings its own name field */
		{"region", "LAD24CD", NULL, "lad24cd", "lad24nm", "E99000012"},
		/* 4: both chosen */
		{"pfa", "ctyua24cd", "GlobalID", "ctyua24cd", "GlobalID", "E99000002"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		haven_boundaries_opts o = {cases[i].kind, ons, cases[i].code_field, cases[i].name_field, NULL, 0};
		haven_boundaries_report r;
		haven_status st = haven_boundaries_load(ctx, &o, &r);
		if (st != HAVEN_OK)
			fail_msg("case %zu: %s", i + 1, haven_errmsg(ctx));
		if (strcmp(r.code_field, cases[i].want_code) != 0 || strcmp(r.name_field, cases[i].want_name) != 0)
			fail_msg("case %zu: fields %s/%s, want %s/%s", i + 1, r.code_field, r.name_field, cases[i].want_code,
			         cases[i].want_name);
		assert_int_equal(count_areas(ctx, cases[i].kind, cases[i].code), 1);
	}
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM area WHERE kind = 'pfa' AND name = 'x2'"), 1);
	haven_ctx_free(ctx);
}

static int teardown(void **state)
{
	(void)state;
	haven_ctx_free(all_ctx);
	all_ctx = NULL;
	return 0;
}

TU_MAIN(NULL, teardown,
		cmocka_unit_test(test_load_bundled),
		cmocka_unit_test(test_where_spot_checks),
		cmocka_unit_test(test_where_nearest_and_errors),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_repair_bowtie),
		cmocka_unit_test(test_other_formats),
		cmocka_unit_test(test_reload_replaces),
		cmocka_unit_test(test_replace_guard),
		cmocka_unit_test(test_field_detection),
		cmocka_unit_test(test_damaged_and_bad_text))
