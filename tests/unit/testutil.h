/*
 * testutil.h - shared helpers for haven's cmocka unit tests.
 */
#ifndef HAVEN_TESTUTIL_H
#define HAVEN_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "haven/haven.h"

/** A fresh temporary directory for this test process (removed at exit). */
const char *tu_tmpdir(void);

/** tu_tmpdir()/name into a static buffer (rotating, 8 deep). */
const char *tu_tmp(const char *name);

/** $HAVEN_DATA_DIR/rel and $HAVEN_FIXTURES/rel (static rotating buffers). */
const char *tu_data(const char *rel);
const char *tu_fixture(const char *rel);

/** Write text to tu_tmp(name) and return that path. */
const char *tu_write(const char *name, const char *text);

/** The whole file at path, malloc'd and NUL-terminated; *n its length. */
char *tu_read(const char *path, size_t *n);

/** Write n bytes to tu_tmp(name) and return that path. */
const char *tu_write_bytes(const char *name, const void *data, size_t n);

/** data[0..n) as one gzip member (level 0: stored, byte for byte, so a test
 *  can find and alter the text inside; else zlib's default level).  With
 *  flush_at > 0, only the first flush_at bytes are compressed and the stream
 *  stops there after a sync flush, with no end: a file cut at a row boundary.
 *  Returns malloc'd bytes, *out_n their length. */
unsigned char *tu_gzip(const void *data, size_t n, int level, size_t flush_at, size_t *out_n);

/** New context with a new store at tu_tmp(name) (owner: hmci X00 "Test"),
 *  acting as its first user, admin.  Fails the test on error. */
haven_ctx *tu_new_store(const char *name);

/** $HAVEN_NATIONAL/rel: the national stores built once per ctest run
 *  (tests/national_store.sh, the CTest fixture "national"), e.g.
 *  "synth/register.csv". */
const char *tu_national(const char *rel);

/** New context with a copy of the national store which ("boundaries.db":
 *  the la and pfa boundaries and the postcode sample;
 *  "register.db": that and the synthetic national register) at
 *  tu_tmp(name), acting as admin: tu_new_store with the national data
 *  already loaded.  The test must require the fixture "national". */
haven_ctx *tu_national_store(const char *which, const char *name);

/** Assert st == want, printing the context's message when not. */
#define tu_assert_status(ctx, st, want)                                                                   \
	do {                                                                                              \
		haven_status tu_st_ = (st);                                                               \
		if (tu_st_ != (want))                                                                      \
			fail_msg("%s: got %s, want %s: %s", #st, haven_status_name(tu_st_),              \
			         haven_status_name(want), haven_errmsg(ctx));                             \
	} while (0)

#define tu_ok(ctx, st) tu_assert_status(ctx, st, HAVEN_OK)

/** Assert the context's message contains needle. */
#define tu_assert_msg(ctx, needle)                                                                        \
	do {                                                                                              \
		if (!strstr(haven_errmsg(ctx), (needle)))                                                 \
			fail_msg("message '%s' lacks '%s'", haven_errmsg(ctx), (needle));                 \
	} while (0)

/** Release t to the acting user (haven_release, HAVEN_AUDIENCE_ACTOR),
 *  failing the test on error; returns t. */
#define tu_release(ctx, t)                                                                                 \
	do {                                                                                              \
		tu_ok(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR));                                 \
	} while (0)

/** Act on the open store as user, under the user's default purpose. */
void tu_act(haven_ctx *ctx, const char *user);

/** Digest of the store's tables (see haven_store_digest). */
void tu_digest(haven_ctx *ctx, char hex[65]);

/** Single integer from a SQL query on the open store. */
int64_t tu_int(haven_ctx *ctx, const char *sql);

/** The text of the first row's first column of a SQL query on the open
 *  store, copied into buf ("" for no row or NULL); returns buf. */
const char *tu_text(haven_ctx *ctx, const char *sql, char *buf, size_t n);

/** The main() of a test program: process-wide set-up, the group (with
 *  optional setup/teardown functions, or NULL), clean-up. */
#define TU_MAIN(setup, teardown, ...)                                                                      \
	int main(void)                                                                                      \
	{                                                                                                   \
		haven_global_init();                                                                        \
		const struct CMUnitTest tu_tests_[] = {__VA_ARGS__};                                       \
		int tu_r_ = cmocka_run_group_tests(tu_tests_, setup, teardown);                            \
		haven_global_cleanup();                                                                     \
		return tu_r_;                                                                               \
	}

/** The westernmost vertex of an area of the store, read back with GEOS
 *  (a point every other part of the area lies east of). */
void tu_westmost_vertex(haven_ctx *ctx, const char *kind, const char *code, double *x, double *y);

/** A measure cell of tu_aggregate's table: its text (a number, or a GSS
 *  symbol such as "c"), or NULL for an empty cell; buf (32 bytes) is there
 *  to print a number into. */
typedef const char *(*tu_cell_fn)(const char *measure, const char *level, const char *code, size_t row, char *buf);

/** An aggregate table as src/analysis makes it, sealed and disclosed, from
 *  the areas of the open store: the rows of the levels named in levels
 *  ("la region england"; la and region need those boundaries loaded), with
 *  geographic_level, area_code (area:any), area_name, parent, geom
 *  (geometry:area, the area's polygon), homes (count:homes), places
 *  (count:places), places_per_10k_children (rate:places), cells from cell;
 *  metadata as_at, source_snapshots, generated_at, disclosure_rule,
 *  cells_suppressed, attribution.  Caller frees with haven_table_free(). */
haven_table *tu_aggregate(haven_ctx *ctx, const char *levels, tu_cell_fn cell);

/** Values for tu_aggregate's row row, spread so that every class of a map
 *  has a few: places_per_10k_children from 5 to 53 in halves, homes from 1
 *  to 40, places 4 times that; printed into buf (32 bytes), returned. */
const char *tu_spread(const char *measure, size_t row, char *buf);

/** The LAs of tests/fixtures/register/la.csv (real ONS codes and names) as
 *  'la' areas, and their police force areas and regions, each a small
 *  square: enough for the register fixtures to import.  Fails the test on
 *  error. */
void tu_fixture_areas(haven_ctx *ctx);

#endif
