/*
 * test_export.c - exports of a released table of areas through GDAL
 * (src/out/export.c, docs/export.md), numbered cases.
 *
 * The table is the aggregate's shape: Leeds and Bradford (LA rows) and
 * Yorkshire and The Humber (their region), each with its real polygon from
 * the bundled ONS boundaries, counts and a rate with GSS symbols in some
 * cells, and metadata.  Every export is read back through OGR, as a
 * receiver would read it.
 */
#include <cjson/cJSON.h>
#include <cpl_conv.h>
#include <cpl_string.h>
#include <dirent.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/table.h"
#include "haven/export.h"
#include "testutil.h"

#define LEEDS "E08000035"
#define BRADFORD "E08000032"
#define YORKSHIRE "E12000003"

static haven_ctx *ctx;

static const char *const cols[] = {"geographic_level",
                                   "area_code",
                                   "area_name",
                                   "parent",
                                   "geom",
                                   "homes",
                                   "places",
                                   "homes_private",
                                   "children_looked_after",
                                   "places_per_10k_children"};
#define NCOLS ((int)(sizeof cols / sizeof cols[0]))
static const char roles[] = "geographic_level=label area_code=area:any area_name=label parent=parent "
                            "geom=geometry:area homes=count:homes places=count:places homes_private=count:homes "
                            "children_looked_after=count:children places_per_10k_children=rate:places";

/* The rows: level, code, name, parent, then the measures as text ("" NULL;
 * a number, or a symbol).  The geometry is the area's real polygon. */
static const char *const rows[][NCOLS] = {
    {"la", LEEDS, "Leeds", YORKSHIRE, "ctyua", "40", "150", "c", "1300", "11.5"},
    {"la", BRADFORD, "Bradford", YORKSHIRE, "ctyua", "30", "100", "25", "c", "x"},
    {"region", YORKSHIRE, "Yorkshire and The Humber", "E92000001", "rgn", "300", "1100", "250", "5000", "z"},
};
#define NROWS (sizeof rows / sizeof rows[0])

static const char *const meta[][2] = {
    {"as_at", "2025-03-31"},
    {"source_snapshots", "2025-03-31"},
    {"generated_at", "2025-04-15T09:00:00Z"},
    {"attribution", "Contains ONS, Ofsted and DfE data licensed under the Open Government Licence v3.0"},
};
#define NMETA (sizeof meta / sizeof meta[0])

/* The area's polygon from the bundled ONS file ("ctyua" or "rgn"), as ISO
 * WKB in EPSG:27700, read with GDAL as boundaries.c reads it. */
static unsigned char *area_wkb(const char *file, const char *code, size_t *n)
{
	char path[1200];
	snprintf(path, sizeof path, "/vsigzip/%s",
	         tu_data(strcmp(file, "rgn") == 0 ? "boundaries/rgn_dec2023_en_bgc.geojson.gz"
	                                          : "boundaries/ctyua_dec2024_en_bgc.geojson.gz"));
	GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	assert_non_null(ds);
	OGRLayerH l = GDALDatasetGetLayer(ds, 0);
	char where[64];
	snprintf(where, sizeof where, "AREACD = '%s'", code);
	assert_int_equal(OGR_L_SetAttributeFilter(l, where), OGRERR_NONE);
	OGRFeatureH f = OGR_L_GetNextFeature(l);
	assert_non_null(f);
	OGRGeometryH g = OGR_G_Clone(OGR_F_GetGeometryRef(f));
	OGRSpatialReferenceH wgs = OSRNewSpatialReference(NULL), bng = OSRNewSpatialReference(NULL);
	OSRImportFromEPSG(wgs, 4326);
	OSRImportFromEPSG(bng, 27700);
	OSRSetAxisMappingStrategy(wgs, OAMS_TRADITIONAL_GIS_ORDER);
	OSRSetAxisMappingStrategy(bng, OAMS_TRADITIONAL_GIS_ORDER);
	OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(wgs, bng);
	assert_int_equal(OGR_G_Transform(g, ct), OGRERR_NONE);
	*n = (size_t)OGR_G_WkbSize(g);
	unsigned char *wkb = malloc(*n);
	assert_int_equal(OGR_G_ExportToIsoWkb(g, wkbNDR, wkb), OGRERR_NONE);
	OCTDestroyCoordinateTransformation(ct);
	OSRDestroySpatialReference(wgs);
	OSRDestroySpatialReference(bng);
	OGR_G_DestroyGeometry(g);
	OGR_F_Destroy(f);
	GDALClose(ds);
	return wkb;
}

static unsigned char *wkbs[NROWS];
static size_t wkb_len[NROWS];

/* The table, sealed; extra is "name=role" for one more text column (a
 * column that must stop the export), or NULL. */
static haven_table *make(const char *extra)
{
	const char *names[NCOLS + 1];
	memcpy(names, cols, sizeof cols);
	char extra_name[64] = "", spec[1024];
	if (extra)
		sscanf(extra, "%63[^=]", extra_name);
	names[NCOLS] = extra_name;
	haven_table *t;
	tu_ok(ctx,
	      hv_table_new(ctx, "homes and places by area", HV_TABLE_DISCLOSED, NCOLS + (extra ? 1 : 0), names, &t));
	snprintf(spec, sizeof spec, "%s %s", roles, extra ? extra : "");
	tu_ok(ctx, hv_table_roles(ctx, t, spec));
	for (size_t r = 0; r < NROWS; r++) {
		tu_ok(ctx, hv_table_add_row(ctx, t));
		for (int c = 0; c < NCOLS; c++) {
			const char *v = rows[r][c];
			if (c == 4)
				tu_ok(ctx, hv_table_set_geom(ctx, t, c, wkbs[r], wkb_len[r]));
			else if (c < 4 || !*v || strspn(v, "0123456789.") != strlen(v))
				tu_ok(ctx, hv_table_set_text(ctx, t, c, *v ? v : NULL));
			else if (strchr(v, '.'))
				tu_ok(ctx, hv_table_set_real(ctx, t, c, strtod(v, NULL)));
			else
				tu_ok(ctx, hv_table_set_int(ctx, t, c, strtoll(v, NULL, 10)));
		}
		if (extra)
			tu_ok(ctx, hv_table_set_text(ctx, t, NCOLS, "SC000001"));
	}
	for (size_t i = 0; i < NMETA; i++)
		tu_ok(ctx, hv_table_meta_set(ctx, t, meta[i][0], meta[i][1]));
	return t;
}

static haven_table *released(void)
{
	haven_table *t = make(NULL);
	tu_release(ctx, t);
	assert_string_equal(haven_table_marking(t), "OFFICIAL-SENSITIVE");
	return t;
}

static int setup(void **state)
{
	(void)state;
	ctx = tu_new_store("export.db");
	for (size_t r = 0; r < NROWS; r++)
		wkbs[r] = area_wkb(rows[r][4], rows[r][1], &wkb_len[r]);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t r = 0; r < NROWS; r++)
		free(wkbs[r]);
	haven_ctx_free(ctx);
	return 0;
}

/* A new empty directory for a case. */
static const char *case_dir(const char *name)
{
	static char dir[1024];
	snprintf(dir, sizeof dir, "%s/%s", tu_tmpdir(), name);
	assert_int_equal(mkdir(dir, 0700), 0);
	return dir;
}

/* The names in dir, sorted, joined by spaces. */
static const char *listing(const char *dir)
{
	static char buf[2048];
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	assert_true(n >= 0);
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			size_t l = strlen(buf);
			snprintf(buf + l, sizeof buf - l, "%s%s", l ? " " : "", names[i]->d_name);
		}
		free(names[i]);
	}
	free(names);
	return buf;
}

static cJSON *read_json(const char *path)
{
	size_t n;
	char *s = tu_read(path, &n);
	assert_non_null(s);
	cJSON *j = cJSON_Parse(s);
	if (!j)
		fail_msg("%s is not JSON", path);
	free(s);
	return j;
}

/* The metadata object holds the marking and every key of released table t:
 * those the table was made with, and the gate's (disclosure_rule, ...). */
static void check_meta(const char *what, const cJSON *m, const haven_table *t)
{
	if (!cJSON_IsObject(m))
		fail_msg("%s: no metadata object", what);
	const cJSON *mark = cJSON_GetObjectItemCaseSensitive(m, "protective_marking");
	if (!cJSON_IsString(mark) || strcmp(mark->valuestring, "OFFICIAL-SENSITIVE") != 0)
		fail_msg("%s: metadata without the marking", what);
	for (size_t i = 0; i < NMETA; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, meta[i][0]);
		if (!cJSON_IsString(v) || strcmp(v->valuestring, meta[i][1]) != 0)
			fail_msg("%s: metadata '%s' missing or wrong", what, meta[i][0]);
	}
	assert_non_null(haven_table_meta(t, "disclosure_rule"));
	for (size_t i = 0; i < haven_table_meta_count(t); i++) {
		const char *key = haven_table_meta_key(t, i);
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, key);
		if (!cJSON_IsString(v) || strcmp(v->valuestring, haven_table_meta(t, key)) != 0)
			fail_msg("%s: metadata '%s' missing or wrong", what, key);
	}
	assert_int_equal(cJSON_GetArraySize(m), haven_table_meta_count(t) + 1);
}

/* A field's value as text: "NULL", or what OGR reads. */
static const char *field_text(OGRFeatureH f, const char *name)
{
	int i = OGR_F_GetFieldIndex(f, name);
	if (i < 0)
		fail_msg("no field '%s'", name);
	return OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "NULL";
}

static OGRFieldType field_type(OGRLayerH l, const char *name)
{
	OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
	int i = OGR_FD_GetFieldIndex(d, name);
	if (i < 0)
		fail_msg("no field '%s'", name);
	return OGR_Fld_GetType(OGR_FD_GetFieldDefn(d, i));
}

static const struct format_case {
	int n;
	const char *format, *file;
	int typed;       /* symbols in NAME_symbol */
	int geometry;    /* the layer has the areas' polygons */
	const char *crs; /* the layer's CRS: authority code */
	const char *sidecar;
} format_cases[] = {
    {1, "geojson", "out.geojson", 1, 1, "4326", NULL},
    {2, "gpkg", "out.gpkg", 1, 1, "27700", NULL},
    {3, "fgb", "out.fgb", 1, 1, "27700", "out.fgb.meta.json"},
    {4, "csv", "out.csv", 0, 0, NULL, "out.csv.meta.json"},
};

/* Rows read back: measures, symbols, types. */
static void check_rows(const struct format_case *c, OGRLayerH l)
{
	/* the fields' types, by the cells' */
	/* (GeoJSON's reader takes integers that fit 32 bits as OFTInteger) */
	OGRFieldType num = c->typed ? OFTInteger64 : OFTString, real = c->typed ? OFTReal : OFTString;
	static const char *const counts[] = {"homes", "homes_private", "children_looked_after"};
	for (size_t k = 0; k < 3; k++) {
		OGRFieldType ty = field_type(l, counts[k]);
		assert_int_equal(ty == OFTInteger && c->typed ? OFTInteger64 : ty, num);
	}
	assert_int_equal(field_type(l, "places_per_10k_children"), real);
	assert_int_equal(field_type(l, "area_name"), OFTString);
	static const struct {
		const char *field;
		const char *typed[NROWS], *csv[NROWS];
	} want[] = {
	    {"area_code", {LEEDS, BRADFORD, YORKSHIRE}, {LEEDS, BRADFORD, YORKSHIRE}},
	    {"parent", {YORKSHIRE, YORKSHIRE, "E92000001"}, {YORKSHIRE, YORKSHIRE, "E92000001"}},
	    {"homes", {"40", "30", "300"}, {"40", "30", "300"}},
	    {"homes_private", {"NULL", "25", "250"}, {"c", "25", "250"}},
	    {"homes_private_symbol", {"c", "NULL", "NULL"}, {NULL}},
	    {"children_looked_after", {"1300", "NULL", "5000"}, {"1300", "c", "5000"}},
	    {"children_looked_after_symbol", {"NULL", "c", "NULL"}, {NULL}},
	    {"places_per_10k_children", {"11.5", "NULL", "NULL"}, {"11.5", "x", "z"}},
	    {"places_per_10k_children_symbol", {"NULL", "x", "z"}, {NULL}},
	};
	/* (FlatGeobuf's spatial index orders features along a Hilbert curve:
	 * rows are found by their code) */
	OGR_L_ResetReading(l);
	unsigned seen = 0;
	for (size_t n = 0; n < NROWS; n++) {
		OGRFeatureH f = OGR_L_GetNextFeature(l);
		assert_non_null(f);
		size_t r = 0;
		while (r < NROWS && strcmp(rows[r][1], field_text(f, "area_code")) != 0)
			r++;
		assert_true(r < NROWS);
		seen |= 1u << r;
		for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
			const char *w = c->typed ? want[k].typed[r] : want[k].csv[r];
			if (!w) {
				assert_int_equal(OGR_F_GetFieldIndex(f, want[k].field), -1);
				continue;
			}
			if (strcmp(field_text(f, want[k].field), w) != 0)
				fail_msg("case %d row %zu: %s is '%s', want '%s'", c->n, r + 1, want[k].field,
				         field_text(f, want[k].field), w);
		}
		OGRGeometryH g = OGR_F_GetGeometryRef(f);
		if (c->geometry) {
			assert_non_null(g);
			/* (RFC 7946 mode writes a one-part multipolygon as a polygon) */
			OGRwkbGeometryType gt = wkbFlatten(OGR_G_GetGeometryType(g));
			assert_true(gt == wkbMultiPolygon || (gt == wkbPolygon && strcmp(c->format, "geojson") == 0));
			OGREnvelope e;
			OGR_G_GetEnvelope(g, &e);
			if (strcmp(c->crs, "4326") == 0) /* degrees, in England */
				assert_true(e.MinX > -7 && e.MaxX < 2 && e.MinY > 49 && e.MaxY < 56);
			else /* metres on the National Grid */
				assert_true(e.MinX > 300000 && e.MaxX < 600000 && e.MinY > 350000 && e.MaxY < 550000);
		} else {
			assert_null(g);
		}
		OGR_F_Destroy(f);
	}
	assert_null(OGR_L_GetNextFeature(l));
	assert_int_equal(seen, (1u << NROWS) - 1);
}

/* 1-4: each format writes one layer of the three rows that reads back
 * through OGR with its fields typed, symbols beside NULLs (or in the cell
 * in CSV), the polygons in the format's CRS, the metadata and the marking;
 * the file is 0600 and nothing else is left in the directory. */
static void test_formats(void **state)
{
	(void)state;
	haven_table *t = released();
	for (size_t i = 0; i < sizeof format_cases / sizeof format_cases[0]; i++) {
		const struct format_case *c = &format_cases[i];
		char name[32], path[1100], side[1200];
		snprintf(name, sizeof name, "format%d", c->n);
		const char *dir = case_dir(name);
		snprintf(path, sizeof path, "%s/%s", dir, c->file);
		haven_export_opts o = {.format = c->format, .path = path};
		tu_ok(ctx, haven_export_write(ctx, t, &o));
		/* only the file and its sidecar */
		char want[256];
		snprintf(want, sizeof want, "%s%s%s", c->file, c->sidecar ? " " : "", c->sidecar ? c->sidecar : "");
		assert_string_equal(listing(dir), want);
		struct stat sb;
		assert_int_equal(lstat(path, &sb), 0);
		assert_true(S_ISREG(sb.st_mode));
		assert_int_equal(sb.st_mode & 07777, 0600);

		const char *const drivers[] = {c->format[0] == 'g' && c->format[1] == 'e' ? "GeoJSON"
		                               : strcmp(c->format, "gpkg") == 0           ? "GPKG"
		                               : strcmp(c->format, "fgb") == 0            ? "FlatGeobuf"
		                                                                          : "CSV",
		                               NULL};
		GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, NULL, NULL);
		if (!ds)
			fail_msg("case %d: OGR cannot open %s: %s", c->n, path, CPLGetLastErrorMsg());
		assert_int_equal(GDALDatasetGetLayerCount(ds), 1);
		OGRLayerH l = GDALDatasetGetLayer(ds, 0);
		assert_int_equal(OGR_L_GetFeatureCount(l, TRUE), NROWS);
		check_rows(c, l);
		OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(l);
		if (c->crs)
			assert_string_equal(OSRGetAuthorityCode(srs, NULL), c->crs);
		else
			assert_null(srs);
		/* the metadata, where each format keeps it */
		if (strcmp(c->format, "gpkg") == 0) {
			cJSON *m = cJSON_CreateObject();
			for (char **md = GDALGetMetadata((GDALMajorObjectH)l, NULL); md && *md; md++) {
				char *key = NULL;
				const char *v = CPLParseNameValue(*md, &key);
				if (strncmp(key, "DESCRIPTION", 11) != 0 && strcmp(key, "IDENTIFIER") != 0)
					cJSON_AddStringToObject(m, key, v);
				CPLFree(key);
			}
			check_meta(c->format, m, t);
			cJSON_Delete(m);
		}
		GDALClose(ds);
		if (strcmp(c->format, "geojson") == 0) {
			cJSON *doc = read_json(path);
			check_meta(c->format, cJSON_GetObjectItemCaseSensitive(doc, "metadata"), t);
			assert_null(cJSON_GetObjectItemCaseSensitive(doc, "crs"));
			assert_non_null(cJSON_GetObjectItemCaseSensitive(doc, "bbox"));
			cJSON_Delete(doc);
		}
		if (c->sidecar) {
			snprintf(side, sizeof side, "%s/%s", dir, c->sidecar);
			assert_int_equal(lstat(side, &sb), 0);
			assert_int_equal(sb.st_mode & 07777, 0600);
			cJSON *m = read_json(side);
			check_meta(c->sidecar, m, t);
			cJSON_Delete(m);
		}
		if (strcmp(c->format, "csv") == 0) {
			/* RFC 4180 with the marking on every row, as haven's CSV */
			size_t n;
			char *s = tu_read(path, &n);
			const char *header = "geographic_level,area_code,area_name,parent,homes,places,homes_private,"
			                     "children_looked_after,places_per_10k_children,protective_marking\r\n";
			assert_memory_equal(s, header, strlen(header));
			assert_non_null(
			    strstr(s, "\r\nla,E08000035,Leeds,E12000003,40,150,c,1300,11.5,OFFICIAL-SENSITIVE\r\n"));
			free(s);
		}
	}
	haven_table_free(t);
}

/* 5: a GeoJSON export to /vsimem/ (the map's HTML page reads it from
 * there); the name is then taken. */
static void test_vsimem(void **state)
{
	(void)state;
	haven_table *t = released();
	haven_export_opts o = {.format = "geojson", .path = "/vsimem/haven-test/areas.geojson"};
	tu_ok(ctx, haven_export_write(ctx, t, &o));
	vsi_l_offset n;
	GByte *bytes = VSIGetMemFileBuffer(o.path, &n, FALSE);
	assert_non_null(bytes);
	cJSON *doc = cJSON_ParseWithLength((const char *)bytes, (size_t)n);
	assert_non_null(doc);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "features")), NROWS);
	check_meta("vsimem", cJSON_GetObjectItemCaseSensitive(doc, "metadata"), t);
	cJSON_Delete(doc);
	/* 5.2 taken: refused, unless overwrite */
	tu_assert_status(ctx, haven_export_write(ctx, t, &o), HAVEN_ERR_IO);
	tu_assert_msg(ctx, "areas.geojson: exists; not replaced without --force");
	o.overwrite = 1;
	o.level = "region";
	tu_ok(ctx, haven_export_write(ctx, t, &o));
	bytes = VSIGetMemFileBuffer(o.path, &n, FALSE);
	doc = cJSON_ParseWithLength((const char *)bytes, (size_t)n);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "features")), 1);
	cJSON_Delete(doc);
	/* 5.3 nothing else left in /vsimem/ */
	char **left = VSIReadDir("/vsimem/");
	for (char **p = left; p && *p; p++)
		if (strcmp(*p, "haven-test") != 0)
			fail_msg("left in /vsimem/: %s", *p);
	CSLDestroy(left);
	VSIUnlink(o.path);
	haven_table_free(t);
}

/* 6: an export never names a home or a person: a table with a column of
 * role home, text, geometry:point or none is refused whoever asks, and so
 * is a sealed table; nothing is written. */
static void test_refused(void **state)
{
	(void)state;
	static const struct {
		const char *n, *extra, *needle;
		int release;
	} cases[] = {
	    {"6.1", "urn=home", "column 'urn' names homes or people", 1},
	    {"6.2", "name=text", "column 'name' names homes or people", 1},
	    {"6.3", "place=geometry:point", "column 'place' names homes or people", 1},
	    {"6.4", "note=label", "is sealed: release it with haven_release() before exporting it", 0},
	};
	const char *dir = case_dir("refused");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		haven_table *t = make(cases[i].extra);
		if (cases[i].release)
			tu_release(ctx, t);
		for (size_t f = 0; f < sizeof format_cases / sizeof format_cases[0]; f++) {
			char path[1100];
			snprintf(path, sizeof path, "%s/%s", dir, format_cases[f].file);
			haven_export_opts o = {.format = format_cases[f].format, .path = path};
			haven_status st = haven_export_write(ctx, t, &o);
			if (st != HAVEN_ERR_DENIED || !strstr(haven_errmsg(ctx), cases[i].needle))
				fail_msg("case %s %s: got %s '%s'", cases[i].n, o.format, haven_status_name(st),
				         haven_errmsg(ctx));
		}
		haven_table_free(t);
	}
	/* 6.5 a column with no role (a table of no disclosed data, say) */
	static const char *const two[] = {"area_code", "who"};
	haven_table *t;
	tu_ok(ctx, hv_table_new(ctx, "public", HV_TABLE_PUBLIC, 2, two, &t));
	tu_ok(ctx, hv_table_roles(ctx, t, "area_code=area:la"));
	tu_ok(ctx, hv_table_add_row(ctx, t));
	tu_release(ctx, t);
	char path[1100];
	snprintf(path, sizeof path, "%s/public.csv", dir);
	haven_export_opts o = {.format = "csv", .path = path};
	tu_assert_status(ctx, haven_export_write(ctx, t, &o), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "column 'who' has no role");
	haven_table_free(t);
	assert_string_equal(listing(dir), "");
}

/* 7: an existing file (or a link) is kept unless overwrite; with it, the
 * file is replaced and a link replaced, never written through. */
static void test_existing(void **state)
{
	(void)state;
	haven_table *t = released();
	const char *dir = case_dir("existing");
	char path[1100], side[1200], target[1100];
	snprintf(path, sizeof path, "%s/out.csv", dir);
	snprintf(side, sizeof side, "%s/out.csv.meta.json", dir);
	snprintf(target, sizeof target, "%s/target", dir);
	haven_export_opts o = {.format = "csv", .path = path};
	/* 7.1 a file there: kept */
	tu_write("existing/out.csv", "before\n");
	tu_assert_status(ctx, haven_export_write(ctx, t, &o), HAVEN_ERR_IO);
	tu_assert_msg(ctx, "out.csv: exists; not replaced without --force");
	size_t n;
	char *s = tu_read(path, &n);
	assert_string_equal(s, "before\n");
	free(s);
	assert_string_equal(listing(dir), "out.csv");
	/* 7.2 only the sidecar there: refused before anything is written */
	unlink(path);
	tu_write("existing/out.csv.meta.json", "{}\n");
	tu_assert_status(ctx, haven_export_write(ctx, t, &o), HAVEN_ERR_IO);
	tu_assert_msg(ctx, "out.csv.meta.json: exists");
	assert_string_equal(listing(dir), "out.csv.meta.json");
	unlink(side);
	/* 7.3 a link there, even dangling: kept */
	assert_int_equal(symlink(target, path), 0);
	tu_assert_status(ctx, haven_export_write(ctx, t, &o), HAVEN_ERR_IO);
	assert_int_not_equal(access(target, F_OK), 0);
	/* 7.4 overwrite: the link is replaced by the file, nothing is
	 * written where it pointed */
	tu_write("existing/target", "target\n");
	o.overwrite = 1;
	tu_ok(ctx, haven_export_write(ctx, t, &o));
	struct stat sb;
	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	s = tu_read(target, &n);
	assert_string_equal(s, "target\n");
	free(s);
	/* 7.5 and again: both files replaced */
	tu_ok(ctx, haven_export_write(ctx, t, &o));
	assert_string_equal(listing(dir), "out.csv out.csv.meta.json target");
	haven_table_free(t);
}

/* 8: bad options and cells a column cannot hold stop the export before
 * anything is written; --level keeps the rows of one level. */
static void test_options(void **state)
{
	(void)state;
	haven_table *t = released();
	const char *dir = case_dir("options");
	char path[1100];
	snprintf(path, sizeof path, "%s/out.gpkg", dir);
	static const struct {
		const char *n, *format, *crs, *level, *layer;
		haven_status want;
		const char *needle;
	} cases[] = {
	    {"8.1", "shp", NULL, NULL, NULL, HAVEN_ERR_USAGE, "'shp' is not one of geojson, gpkg, fgb, csv, postgis"},
	    {"8.2", "gpkg", "EPSG:999999", NULL, NULL, HAVEN_ERR_CRS, "CRS 'EPSG:999999' is unknown"},
	    {"8.3", "gpkg", "/etc/passwd", NULL, NULL, HAVEN_ERR_CRS, "give it as AUTHORITY:CODE"},
	    {"8.4", "geojson", "EPSG:27700", NULL, NULL, HAVEN_ERR_USAGE, "GeoJSON is always RFC 7946 CRS84"},
	    {"8.5", "gpkg", NULL, "LA", NULL, HAVEN_ERR_USAGE, "level 'LA' is not one of"},
	    {"8.6", "gpkg", NULL, NULL, "x; DROP TABLE y", HAVEN_ERR_USAGE, "layer name"},
	    {"8.7", "postgis", NULL, NULL, NULL, HAVEN_ERR_USAGE, "PG:conninfo"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		haven_export_opts o = {.format = cases[i].format,
		                    .path = path,
		                    .crs = cases[i].crs,
		                    .level = cases[i].level,
		                    .layer = cases[i].layer};
		haven_status st = haven_export_write(ctx, t, &o);
		if (st != cases[i].want || !strstr(haven_errmsg(ctx), cases[i].needle))
			fail_msg("case %s: got %s '%s'", cases[i].n, haven_status_name(st), haven_errmsg(ctx));
	}
	assert_string_equal(listing(dir), "");
	/* 8.8 a count holding text that is no GSS symbol */
	haven_table *bad = make(NULL);
	tu_ok(ctx, hv_table_add_row(ctx, bad));
	tu_ok(ctx, hv_table_set_text(ctx, bad, 5, "many"));
	tu_release(ctx, bad);
	haven_export_opts o = {.format = "gpkg", .path = path};
	tu_assert_status(ctx, haven_export_write(ctx, bad, &o), HAVEN_ERR_USAGE);
	tu_assert_msg(ctx, "column 'homes', row 4: 'many' is neither a number nor a GSS symbol");
	haven_table_free(bad);
	assert_string_equal(listing(dir), "");
	/* 8.9 --level la: the two LAs, without their region */
	o.level = "la";
	o.crs = "EPSG:4326";
	tu_ok(ctx, haven_export_write(ctx, t, &o));
	GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	OGRLayerH l = GDALDatasetGetLayer(ds, 0);
	assert_int_equal(OGR_L_GetFeatureCount(l, TRUE), 2);
	/* 8.10 in the CRS asked for: degrees */
	assert_string_equal(OSRGetAuthorityCode(OGR_L_GetSpatialRef(l), NULL), "4326");
	OGREnvelope e;
	assert_int_equal(OGR_L_GetExtent(l, &e, TRUE), OGRERR_NONE);
	assert_true(e.MinX > -3 && e.MaxX < 0 && e.MinY > 53 && e.MaxY < 55);
	GDALClose(ds);
	haven_table_free(t);
}

/* 9: a write that fails at its last byte (the file size limit stands for a
 * full disk) leaves nothing: no file, no temporary file.  (GDAL's own CSV
 * and GeoJSON writers would have put a short file in place.) */
static void test_failed_write(void **state)
{
	(void)state;
	haven_table *t = released();
	static const char *const fmts[] = {"geojson", "gpkg", "fgb", "csv"};
	struct rlimit old, small;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG */
	for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
		char name[32], path[1100];
		snprintf(name, sizeof name, "whole%zu", i + 1);
		snprintf(path, sizeof path, "%s/out.%s", case_dir(name), fmts[i]);
		haven_export_opts o = {.format = fmts[i], .path = path};
		tu_ok(ctx, haven_export_write(ctx, t, &o));
		struct stat sb;
		assert_int_equal(stat(path, &sb), 0);
		snprintf(name, sizeof name, "failed%zu", i + 1);
		const char *dir = case_dir(name);
		snprintf(path, sizeof path, "%s/out.%s", dir, fmts[i]);
		small = old;
		small.rlim_cur = (rlim_t)sb.st_size - 1;
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
		haven_status st = haven_export_write(ctx, t, &o);
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
		if (st != HAVEN_ERR_IO || !strstr(haven_errmsg(ctx), "cannot write"))
			fail_msg("9.%zu %s: got %s '%s'", i + 1, fmts[i], haven_status_name(st), haven_errmsg(ctx));
		assert_string_equal(listing(dir), "");
	}
	signal(SIGXFSZ, old_handler);
	haven_table_free(t);
}

/* t exported as CSV to out.csv in a new case directory named dir; path
 * receives its name; returns its text (free it). */
static char *export_csv(const haven_table *t, const char *dir, char path[1100])
{
	snprintf(path, 1100, "%s/out.csv", case_dir(dir));
	haven_export_opts o = {.format = "csv", .path = path};
	tu_ok(ctx, haven_export_write(ctx, t, &o));
	size_t n;
	return tu_read(path, &n);
}

/* 10: CSV text cells a spreadsheet would run as formulas are neutralised,
 * as in every CSV haven writes; numbers are left alone. */
static void test_csv_formula(void **state)
{
	(void)state;
	static const char *const two[] = {"area_name", "homes"};
	haven_table *t;
	tu_ok(ctx, hv_table_new(ctx, "formula", HV_TABLE_DISCLOSED, 2, two, &t));
	tu_ok(ctx, hv_table_roles(ctx, t, "area_name=label homes=count:homes"));
	tu_ok(ctx, hv_table_add_row(ctx, t));
	tu_ok(ctx, hv_table_set_text(ctx, t, 0, "=HYPERLINK(\"x\")"));
	tu_ok(ctx, hv_table_set_int(ctx, t, 1, -1));
	tu_release(ctx, t);
	char path[1100];
	char *s = export_csv(t, "formula", path);
	assert_non_null(strstr(s, "\r\n\"'=HYPERLINK(\"\"x\"\")\",-1,OFFICIAL-SENSITIVE\r\n"));
	free(s);
	haven_table_free(t);
}

/* Twice the signed area of ring k of polygon i of GeoJSON geometry g, in
 * square millionths of a degree: positions have 6 decimals, so exact. */
static long long ring_area(const cJSON *g, int i, int k)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(g, "coordinates");
	if (strcmp(cJSON_GetObjectItemCaseSensitive(g, "type")->valuestring, "MultiPolygon") == 0)
		c = cJSON_GetArrayItem(c, i);
	const cJSON *ring = cJSON_GetArrayItem(c, k);
	long long area = 0, px = 0, py = 0;
	int first = 1;
	const cJSON *p;
	cJSON_ArrayForEach(p, ring)
	{
		long long x = llround(cJSON_GetArrayItem(p, 0)->valuedouble * 1e6);
		long long y = llround(cJSON_GetArrayItem(p, 1)->valuedouble * 1e6);
		if (!first)
			area += px * y - x * py;
		px = x;
		py = y;
		first = 0;
	}
	return area;
}

/* 11: GeoJSON's 6 decimals (about 10 cm) must leave rings RFC 7946 can
 * wind: a hole of a few centimetres (the boundary files hold thousands
 * such slivers) vanishes instead of collapsing to a ring of no area, and a
 * sliver of a polygon 3 cm wide is dropped with it; what stays is wound
 * anticlockwise outside, clockwise inside. */
static void test_geojson_grid(void **state)
{
	(void)state;
	static const char *const wkts[] = {
	    /* a 1 km square with a 4 cm triangular hole, and a 1 km x 3 cm sliver */
	    "MULTIPOLYGON (((430000 430000, 431000 430000, 431000 431000, 430000 431000, 430000 430000),"
	    " (430500 430500, 430500.04 430500, 430500 430500.04, 430500 430500)),"
	    " ((432000 430000, 433000 430000, 433000 430000.03, 432000 430000)))",
	    /* a square with a 200 m hole, both given the wrong way round */
	    "POLYGON ((430000 430000, 430000 431000, 431000 431000, 431000 430000, 430000 430000),"
	    " (430400 430400, 430600 430400, 430600 430600, 430400 430600, 430400 430400))",
	};
	static const int rings[] = {1, 2};
	static const char *const two[] = {"area_code", "geom"};
	haven_table *t;
	tu_ok(ctx, hv_table_new(ctx, "slivers", HV_TABLE_DISCLOSED, 2, two, &t));
	tu_ok(ctx, hv_table_roles(ctx, t, "area_code=area:any geom=geometry:area"));
	for (size_t i = 0; i < 2; i++) {
		OGRGeometryH g = NULL;
		char *w = (char *)wkts[i];
		assert_int_equal(OGR_G_CreateFromWkt(&w, NULL, &g), OGRERR_NONE);
		size_t n = (size_t)OGR_G_WkbSize(g);
		unsigned char *wkb = malloc(n);
		OGR_G_ExportToIsoWkb(g, wkbNDR, wkb);
		tu_ok(ctx, hv_table_add_row(ctx, t));
		tu_ok(ctx, hv_table_set_text(ctx, t, 0, i ? "grid1000_430000_430000" : "grid1000_430000_431000"));
		tu_ok(ctx, hv_table_set_geom(ctx, t, 1, wkb, n));
		free(wkb);
		OGR_G_DestroyGeometry(g);
	}
	tu_release(ctx, t);
	char path[1100];
	snprintf(path, sizeof path, "%s/slivers.geojson", case_dir("grid"));
	haven_export_opts o = {.format = "geojson", .path = path};
	tu_ok(ctx, haven_export_write(ctx, t, &o));
	cJSON *doc = read_json(path);
	const cJSON *feats = cJSON_GetObjectItemCaseSensitive(doc, "features");
	for (int i = 0; i < 2; i++) {
		const cJSON *g = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(feats, i), "geometry");
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(g, "coordinates");
		if (strcmp(cJSON_GetObjectItemCaseSensitive(g, "type")->valuestring, "MultiPolygon") == 0) {
			assert_int_equal(cJSON_GetArraySize(c), 1); /* the sliver is gone */
			c = cJSON_GetArrayItem(c, 0);
		}
		if (cJSON_GetArraySize(c) != rings[i])
			fail_msg("11.%d: %d rings, want %d", i + 1, cJSON_GetArraySize(c), rings[i]);
		assert_true(ring_area(g, 0, 0) > 0);
		for (int k = 1; k < rings[i]; k++)
			assert_true(ring_area(g, 0, k) < 0);
	}
	cJSON_Delete(doc);
	haven_table_free(t);
}

/* 12: a table released for publication is unmarked: its export carries
 * the metadata without a marking, and CSV has no marking column. */
static void test_published(void **state)
{
	(void)state;
	haven_table *t = make(NULL);
	assert_null(haven_table_marking(t)); /* sealed */
	tu_ok(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_PUBLIC));
	assert_null(haven_table_marking(t));
	char path[1100], side[1200];
	char *s = export_csv(t, "published", path);
	snprintf(side, sizeof side, "%s.meta.json", path);
	assert_non_null(strstr(s, "places_per_10k_children\r\n"));
	assert_null(strstr(s, "OFFICIAL-SENSITIVE"));
	free(s);
	cJSON *m = read_json(side);
	assert_null(cJSON_GetObjectItemCaseSensitive(m, "protective_marking"));
	assert_int_equal(cJSON_GetArraySize(m), haven_table_meta_count(t));
	cJSON_Delete(m);
	haven_table_free(t);
}

TU_MAIN(setup, teardown, cmocka_unit_test(test_formats), cmocka_unit_test(test_vsimem), cmocka_unit_test(test_refused),
        cmocka_unit_test(test_existing), cmocka_unit_test(test_options), cmocka_unit_test(test_failed_write),
        cmocka_unit_test(test_csv_formula), cmocka_unit_test(test_geojson_grid), cmocka_unit_test(test_published))
