/*
 * test_areas.c - the point-in-polygon index over the bundled ONS boundaries,
 * checked at known places and against SpatiaLite's own answers for random
 * points.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ref/areas.h"
#include "core/context.h"
#include "core/crs.h"
#include "core/sql.h"
#include "testutil.h"

static haven_ctx *ctx; /* a copy of the national store: the bundled la and pfa boundaries */
static hv_areas *la, *pfa;

static int setup(void **state)
{
	(void)state;
	ctx = tu_national_store("boundaries.db", "areas.db");
	if (hv_areas_load(ctx, "la", &la) || hv_areas_load(ctx, "pfa", &pfa))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hv_areas_free(la);
	hv_areas_free(pfa);
	haven_ctx_free(ctx);
	return 0;
}

static void test_spot_checks(void **state)
{
	(void)state;
	/* "" means in no area of that kind.  PFA codes as in pfa_dec2023_ew_bgc. */
	static const struct {
		const char *place;
		double lon, lat;
		const char *la, *pfa, *pfa_name;
	} cases[] = {
		{"Manchester Town Hall", -2.2446, 53.4794, "E08000003", "E23000005", "Greater Manchester"},
		{"Leeds", -1.5491, 53.7997, "E08000035", "E23000010", "West Yorkshire"},
		{"Portsmouth", -1.0880, 50.7989, "E06000044", "E23000030", "Hampshire"},
		{"Charing Cross", -0.1246, 51.5080, "E09000033", "E23000001", "Metropolitan Police"},
		{"Cardiff", -3.1791, 51.4816, "", "W15000003", "South Wales"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double e, n;
		tu_ok(ctx, hv_lonlat_to_bng(ctx, cases[i].lon, cases[i].lat, &e, &n));
		long l = hv_areas_find(la, e, n), p = hv_areas_find(pfa, e, n);
		const char *lc = l >= 0 ? hv_areas_code(la, l) : "";
		const char *pc = p >= 0 ? hv_areas_code(pfa, p) : "", *pn = p >= 0 ? hv_areas_name(pfa, p) : "";
		if (strcmp(lc, cases[i].la) != 0 || strcmp(pc, cases[i].pfa) != 0 || strcmp(pn, cases[i].pfa_name) != 0)
			fail_msg("case %zu (%s): la '%s', pfa '%s' '%s'; want '%s', '%s' '%s'", i + 1, cases[i].place, lc, pc,
			         pn, cases[i].la, cases[i].pfa, cases[i].pfa_name);
		if (l >= 0) {
			assert_true(hv_areas_covers(la, l, e, n));
			assert_int_equal(hv_areas_index(la, cases[i].la), l);
		}
		assert_true(hv_areas_covers(pfa, p, e, n));
	}
}

static void test_accessors(void **state)
{
	(void)state;
	assert_int_equal(hv_areas_count(la), 153);
	assert_int_equal(hv_areas_count(pfa), 43);
	/* Held in code order; every code is found where it is. */
	for (size_t i = 0; i < hv_areas_count(la); i++) {
		assert_int_equal(hv_areas_index(la, hv_areas_code(la, (long)i)), (long)i);
		if (i)
			assert_true(strcmp(hv_areas_code(la, (long)i - 1), hv_areas_code(la, (long)i)) < 0);
	}
	assert_int_equal(hv_areas_index(la, "E99999999"), -1);
	assert_int_equal(hv_areas_index(la, ""), -1);
	long m = hv_areas_index(la, "E08000003");
	assert_true(m >= 0);
	assert_string_equal(hv_areas_name(la, m), "Manchester");
	double x0, y0, x1, y1;
	hv_areas_bounds(la, m, &x0, &y0, &x1, &y1);
	assert_true(x0 < 383864 && 383864 < x1 && y0 < 398103 && 398103 < y1);
	/* Manchester is about 11.5 km across; its box is not all England's. */
	assert_true(x1 - x0 > 5000 && x1 - x0 < 30000);
	/* A point in the box but outside the area is not covered. */
	assert_false(hv_areas_covers(la, m, x0 + 1, y0 + 1) && hv_areas_covers(la, m, x1 - 1, y1 - 1));
	assert_false(hv_areas_covers(la, m, 500000, 200000));
	assert_false(hv_areas_covers(la, -1, 383864, 398103));
}

static void test_boundary_vertex_is_covered(void **state)
{
	(void)state;
	/* A vertex of Leeds' outer ring lies on its boundary: covered. */
	sqlite3_stmt *st;
	tu_ok(ctx, hv_prepare(ctx,
	                      "SELECT ST_X(ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 7)), "
	                      "ST_Y(ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 7)) "
	                      "FROM area WHERE kind = 'la' AND code = 'E08000035'",
	                      &st));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	double x = sqlite3_column_double(st, 0), y = sqlite3_column_double(st, 1);
	sqlite3_finalize(st);
	long leeds = hv_areas_index(la, "E08000035");
	assert_true(hv_areas_covers(la, leeds, x, y));
	long found = hv_areas_find(la, x, y);
	assert_true(found >= 0);
	assert_true(hv_areas_covers(la, found, x, y));
	double d = -1;
	assert_true(hv_areas_nearest(la, x, y, 10, &d) >= 0);
	assert_true(d == 0.0);
}

/* xorshift64*: the same points on every run. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static double uniform(double lo, double hi)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	uint64_t r = rng_state * 2685821657736338717ULL;
	return lo + (hi - lo) * (double)(r >> 11) / 9007199254740992.0;
}

/* For random points over England and Wales, the index gives the answers
 * SpatiaLite gives by brute geometry: the covering area (one of them, where
 * generalisation slivers overlap) and, for points in none, the nearest area
 * within 5 km and its distance. */
static void test_random_points_agree_with_spatialite(void **state)
{
	(void)state;
	sqlite3_stmt *cov, *near;
	tu_ok(ctx, hv_prepare(ctx,
	                      "SELECT code FROM area WHERE kind = ?3 AND ST_Covers(geom, MakePoint(?1, ?2, 27700)) = 1 "
	                      "AND ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'area' "
	                      "AND search_frame = MakePoint(?1, ?2, 27700))",
	                      &cov));
	tu_ok(ctx, hv_prepare(ctx,
	                      "SELECT code, ST_Distance(geom, MakePoint(?1, ?2, 27700)) AS d FROM area WHERE kind = ?3 "
	                      "AND ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'area' "
	                      "AND search_frame = BuildCircleMbr(?1, ?2, 5000, 27700)) ORDER BY d LIMIT 1",
	                      &near));
	int inside = 0, nearby = 0, nothing = 0;
	for (int i = 0; i < 400; i++) {
		double e = uniform(130000, 660000), n = uniform(10000, 660000);
		hv_areas *a = i % 2 ? pfa : la;
		const char *kind = i % 2 ? "pfa" : "la";
		long f = hv_areas_find(a, e, n);
		sqlite3_bind_double(cov, 1, e);
		sqlite3_bind_double(cov, 2, n);
		sqlite3_bind_text(cov, 3, kind, -1, SQLITE_STATIC);
		int rows = 0, match = 0;
		while (sqlite3_step(cov) == SQLITE_ROW) {
			rows++;
			match |= f >= 0 && strcmp((const char *)sqlite3_column_text(cov, 0), hv_areas_code(a, f)) == 0;
		}
		sqlite3_reset(cov);
		if ((rows == 0) != (f < 0) || (rows && !match))
			fail_msg("point %d (%.1f, %.1f) %s: index says %s, SpatiaLite has %d covering areas", i + 1, e, n, kind,
			         f >= 0 ? hv_areas_code(a, f) : "none", rows);
		if (f >= 0) {
			inside++;
			continue;
		}
		double d = -1;
		long nr = hv_areas_nearest(a, e, n, 5000, &d);
		sqlite3_bind_double(near, 1, e);
		sqlite3_bind_double(near, 2, n);
		sqlite3_bind_text(near, 3, kind, -1, SQLITE_STATIC);
		int has = sqlite3_step(near) == SQLITE_ROW;
		double want = has ? sqlite3_column_double(near, 1) : -1;
		if (has && want > 5000)
			has = 0;
		if (has != (nr >= 0) || (has && fabs(d - want) > 1e-6))
			fail_msg("point %d (%.1f, %.1f) %s: nearest %s at %.3f m, SpatiaLite %s at %.3f m", i + 1, e, n, kind,
			         nr >= 0 ? hv_areas_code(a, nr) : "none", d, has ? (const char *)sqlite3_column_text(near, 0) : "none",
			         want);
		sqlite3_reset(near);
		if (has)
			nearby++;
		else
			nothing++;
	}
	sqlite3_finalize(cov);
	sqlite3_finalize(near);
	/* The box holds land and sea, so every branch was exercised. */
	assert_true(inside > 100);
	assert_true(nearby > 5);
	assert_true(nothing > 5);
}

static void test_nearest_offshore(void **state)
{
	(void)state;
	/* The westernmost vertex of the Isles of Scilly: every other point of
	 * the area lies east of it, so 200 m due west the area is exactly
	 * 200 m away, and nothing else in England is within 30 km. */
	long scilly = hv_areas_index(la, "E06000053");
	assert_true(scilly >= 0);
	double x0 = 0, vy = 0;
	tu_westmost_vertex(ctx, "la", "E06000053", &x0, &vy);
	double bx0, by0, bx1, by1;
	hv_areas_bounds(la, scilly, &bx0, &by0, &bx1, &by1);
	assert_true(bx0 == x0 && by0 <= vy && vy <= by1);
	assert_int_equal(hv_areas_find(la, x0 - 200, vy), -1);
	double d = -1;
	assert_int_equal(hv_areas_nearest(la, x0 - 200, vy, 1000, &d), scilly);
	assert_true(fabs(d - 200) < 1e-3);
	assert_int_equal(hv_areas_nearest(la, x0 - 200, vy, 199, &d), -1);
	assert_int_equal(hv_areas_nearest(la, x0 - 30000, vy, 1000, &d), -1);
	/* With a reach of 30 km it is found again. */
	assert_int_equal(hv_areas_nearest(la, x0 - 30000, vy, 30001, &d), scilly);
}

static void test_load_errors(void **state)
{
	(void)state;
	hv_areas *a = NULL;
	tu_assert_status(ctx, hv_areas_load(ctx, "region", &a), HAVEN_ERR_NOT_FOUND);
	assert_null(a);
	tu_assert_msg(ctx, "haven boundaries load");
	tu_assert_msg(ctx, "--kind region");
	tu_assert_status(ctx, hv_areas_load(ctx, "ward", &a), HAVEN_ERR_USAGE);
	assert_null(a);
	hv_areas_free(NULL);
}

TU_MAIN(setup, teardown,
		cmocka_unit_test(test_spot_checks),
		cmocka_unit_test(test_accessors),
		cmocka_unit_test(test_boundary_vertex_is_covered),
		cmocka_unit_test(test_random_points_agree_with_spatialite),
		cmocka_unit_test(test_nearest_offshore),
		cmocka_unit_test(test_load_errors))
