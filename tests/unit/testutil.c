/*
 * testutil.c - temp dirs, fixture paths and store helpers for unit tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <math.h>
#include <zlib.h>

#include "core/context.h"
#include "core/source.h"
#include "core/sql.h"
#include "core/table.h"
#include "testutil.h"

static char tmpdir[256];

static void cleanup(void)
{
	if (tmpdir[0] && !getenv("HAVEN_KEEP_TMP")) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
	}
}

const char *tu_tmpdir(void)
{
	if (!tmpdir[0]) {
		const char *base = getenv("TMPDIR");
		snprintf(tmpdir, sizeof tmpdir, "%s/haven-test-XXXXXX", base && *base ? base : "/tmp");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(1);
		}
		atexit(cleanup);
	}
	return tmpdir;
}

static char *rotate(void)
{
	static char bufs[8][1024];
	static int k;
	return bufs[k++ & 7];
}

const char *tu_tmp(const char *name)
{
	char *b = rotate();
	snprintf(b, 1024, "%s/%s", tu_tmpdir(), name);
	return b;
}

static const char *env_path(const char *var, const char *rel)
{
	const char *d = getenv(var);
	if (!d) {
		fprintf(stderr, "%s is not set (run the tests through ctest)\n", var);
		exit(1);
	}
	char *b = rotate();
	snprintf(b, 1024, "%s/%s", d, rel);
	return b;
}

const char *tu_data(const char *rel) { return env_path("HAVEN_DATA_DIR", rel); }
const char *tu_fixture(const char *rel) { return env_path("HAVEN_FIXTURES", rel); }
const char *tu_national(const char *rel)
{
	return env_path("HAVEN_NATIONAL", rel);
}

const char *tu_write(const char *name, const char *text)
{
	const char *p = tu_tmp(name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

char *tu_read(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	char *b = malloc((size_t)len + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	b[len] = '\0';
	*n = (size_t)len;
	return b;
}

const char *tu_write_bytes(const char *name, const void *data, size_t n)
{
	const char *p = tu_tmp(name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return p;
}

unsigned char *tu_gzip(const void *data, size_t n, int level, size_t flush_at, size_t *out_n)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&z, (uLong)n) + 64;
	unsigned char *out = malloc(cap);
	assert_non_null(out);
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)(flush_at ? flush_at : n);
	z.next_out = out;
	z.avail_out = (uInt)cap;
	int r = deflate(&z, flush_at ? Z_SYNC_FLUSH : Z_FINISH);
	assert_true(flush_at ? r == Z_OK : r == Z_STREAM_END);
	*out_n = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

haven_ctx *tu_new_store(const char *name)
{
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	haven_owner owner = {.kind = "hmci", .code = "X00", .name = "Test"};
	const char *p = tu_tmp(name);
	unlink(p);
	tu_ok(ctx, haven_store_create(ctx, p, &owner));
	tu_act(ctx, "admin");
	return ctx;
}

haven_ctx *tu_national_store(const char *which, const char *name)
{
	/* A byte copy, made 0600 as haven requires of a store. */
	const char *from = tu_national(which), *to = tu_tmp(name);
	unlink(to);
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (in < 0 || out < 0)
		fail_msg("copying %s to %s: %s (does the test require the fixture \"national\"?)", from, to,
		         strerror(errno));
	char buf[1 << 16];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	assert_int_equal(n, 0);
	close(in);
	assert_int_equal(close(out), 0);
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	tu_ok(ctx, haven_store_open(ctx, to));
	tu_act(ctx, "admin");
	return ctx;
}

void tu_act(haven_ctx *ctx, const char *user)
{
	haven_act_opts o = {.user = user};
	tu_ok(ctx, haven_act(ctx, &o));
}

void tu_digest(haven_ctx *ctx, char hex[65]) { tu_ok(ctx, haven_store_digest(ctx, hex)); }

int64_t tu_int(haven_ctx *ctx, const char *sql)
{
	int64_t v;
	tu_ok(ctx, hv_query_int(ctx, sql, &v));
	return v;
}

const char *tu_text(haven_ctx *ctx, const char *sql, char *buf, size_t n)
{
	sqlite3_stmt *st;
	tu_ok(ctx, hv_prepare(ctx, sql, &st));
	buf[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

void tu_westmost_vertex(haven_ctx *ctx, const char *kind, const char *code, double *x, double *y)
{
	sqlite3_stmt *st;
	tu_ok(ctx, hv_prepare(ctx, "SELECT ST_AsBinary(geom) FROM area WHERE kind = ? AND code = ?", &st));
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	GEOSWKBReader *rd = GEOSWKBReader_create_r(ctx->geos);
	GEOSGeometry *g = GEOSWKBReader_read_r(ctx->geos, rd, sqlite3_column_blob(st, 0),
	                                       (size_t)sqlite3_column_bytes(st, 0));
	assert_non_null(g);
	sqlite3_finalize(st);
	GEOSGeometry *pts = GEOSGeom_extractUniquePoints_r(ctx->geos, g);
	assert_non_null(pts);
	*x = HUGE_VAL;
	for (int i = 0; i < GEOSGetNumGeometries_r(ctx->geos, pts); i++) {
		double px, py;
		const GEOSGeometry *p = GEOSGetGeometryN_r(ctx->geos, pts, i);
		GEOSGeomGetX_r(ctx->geos, p, &px);
		GEOSGeomGetY_r(ctx->geos, p, &py);
		if (px < *x) {
			*x = px;
			*y = py;
		}
	}
	GEOSGeom_destroy_r(ctx->geos, pts);
	GEOSGeom_destroy_r(ctx->geos, g);
	GEOSWKBReader_destroy_r(ctx->geos, rd);
}

haven_table *tu_aggregate(haven_ctx *ctx, const char *levels, tu_cell_fn cell)
{
	static const char *const cols[] = {
	    "geographic_level",       "area_code", "area_name", "parent", "geom", "homes", "places",
	    "places_per_10k_children"};
	haven_table *t;
	tu_ok(ctx, hv_table_new(ctx, "Children's homes and places", HV_TABLE_DISCLOSED, 8, cols, &t));
	tu_ok(ctx, hv_table_roles(ctx, t,
	                          "geographic_level=label area_code=area:any area_name=label parent=parent "
	                          "geom=geometry:area homes=count:homes places=count:places "
	                          "places_per_10k_children=rate:places"));
	static const char *const meta[][2] = {
	    {"as_at", "2025-03-31"},
	    {"source_snapshots", "2025-03-31"},
	    {"generated_at", "2025-04-15T09:00:00Z"},
	    {"disclosure_rule", "counts of children from 1 to 2 suppressed"},
	    {"cells_suppressed", "0"},
	    {"attribution", "Source: Office for National Statistics licensed under the Open Government Licence "
	                    "v.3.0. Contains OS data (c) Crown copyright and database right 2024. Contains Ofsted "
	                    "and Department for Education data licensed under the Open Government Licence v3.0."}};
	for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++)
		tu_ok(ctx, hv_table_meta_set(ctx, t, meta[i][0], meta[i][1]));
	/* Each level's rows as hv_aggregate lists them: an LA's parent is the
	 * region holding its point on surface (area_la), a region's England.
	 * England's shape is its regions collected, not dissolved (quicker). */
	static const char *const sql[][2] = {
	    {"la", "SELECT 'la', a.code, a.name, coalesce((SELECT r.code FROM area_la r WHERE r.kind = 'region' "
	           "AND r.la_code = a.code), ''), ST_AsBinary(a.geom) FROM area a WHERE a.kind = 'la' ORDER BY a.code"},
	    {"region", "SELECT 'region', code, name, 'E92000001', ST_AsBinary(geom) FROM area WHERE kind = 'region' "
	               "ORDER BY code"},
	    {"england",
	     "SELECT 'england', 'E92000001', 'England', '', ST_AsBinary(CastToMultiPolygon(ST_Collect(geom))) "
	     "FROM area WHERE kind = 'region'"}};
	size_t row = 0;
	for (size_t k = 0; k < sizeof sql / sizeof sql[0]; k++) {
		if (!strstr(levels, sql[k][0]))
			continue;
		sqlite3_stmt *st;
		tu_ok(ctx, hv_prepare(ctx, sql[k][1], &st));
		while (sqlite3_step(st) == SQLITE_ROW) {
			tu_ok(ctx, hv_table_add_row(ctx, t));
			for (int c = 0; c < 4; c++)
				tu_ok(ctx, hv_table_set_text(ctx, t, c, (const char *)sqlite3_column_text(st, c)));
			tu_ok(ctx, hv_table_set_geom(ctx, t, 4, sqlite3_column_blob(st, 4),
			                             (size_t)sqlite3_column_bytes(st, 4)));
			for (int c = 5; c < 8; c++) {
				char buf[32];
				const char *v =
				    cell(cols[c], sql[k][0], (const char *)sqlite3_column_text(st, 1), row, buf);
				char *end;
				long long i = v ? strtoll(v, &end, 10) : 0;
				if (!v)
					continue;
				if (*v && !*end)
					tu_ok(ctx, hv_table_set_int(ctx, t, c, i));
				else if (strtod(v, &end), *v && !*end)
					tu_ok(ctx, hv_table_set_real(ctx, t, c, strtod(v, NULL)));
				else
					tu_ok(ctx, hv_table_set_text(ctx, t, c, v));
			}
			row++;
		}
		sqlite3_finalize(st);
	}
	return t;
}

const char *tu_spread(const char *measure, size_t row, char *buf)
{
	if (strcmp(measure, "places_per_10k_children") == 0)
		snprintf(buf, 32, "%.2f", 5 + (double)(row * 37 % 97) * 0.5);
	else
		snprintf(buf, 32, "%zu", (1 + row * 13 % 40) * (strcmp(measure, "places") == 0 ? 4 : 1));
	return buf;
}

static void insert_area(haven_ctx *ctx, const char *kind, const char *code, const char *name, int i)
{
	double x = 100000.0 + 2000.0 * i, y = 200000.0;
	char *sql = sqlite3_mprintf("INSERT OR IGNORE INTO area(kind, code, name, geom) VALUES('%q', '%q', '%q', "
	                            "GeomFromText('MULTIPOLYGON(((%.0f %.0f, %.0f %.0f, %.0f %.0f, %.0f %.0f, %.0f "
	                            "%.0f)))', 27700))",
	                            kind, code, name, x, y, x + 1000, y, x + 1000, y + 1000, x, y + 1000, x, y);
	tu_ok(ctx, hv_exec(ctx, sql));
	sqlite3_free(sql);
}

void tu_fixture_areas(haven_ctx *ctx)
{
	hv_source *src;
	tu_ok(ctx, hv_source_open(ctx, tu_fixture("register/la.csv"), &src));
	int has, i = 0;
	while (1) {
		tu_ok(ctx, hv_source_next(src, &has));
		if (!has)
			break;
		insert_area(ctx, "la", hv_source_field(src, 0), hv_source_field(src, 1), i);
		insert_area(ctx, "pfa", hv_source_field(src, 2), hv_source_field(src, 3), 100 + i);
		insert_area(ctx, "region", hv_source_field(src, 4), hv_source_field(src, 5), 200 + i);
		i++;
	}
	hv_source_close(src);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM area WHERE kind = 'la'"), 21);
}
