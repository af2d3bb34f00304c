/*
 * test_centres.c - the LAs' population-weighted centres
 * (haven_boundaries_centres, hv_la_centre) on the fixture LAs of
 * tests/fixtures/register/la.csv, each a 1 km square (tu_fixture_areas: the
 * first, E06000010, from E 100000 to 101000 and N 200000 to 201000).
 * Numbered cases, each a file, the status, a part of the message, and
 * whether the store changed: every refusal leaves haven_store_digest as it
 * was.  The tolerance is 1 km (HAVEN_WHERE_NEAR_METRES): 1000.00 m outside
 * is taken, 1000.01 m refused.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/context.h"
#include "haven/boundaries.h"
#include "ref/areas.h"
#include "ref/centres.h"
#include "testutil.h"

static const struct {
	const char *id, *name, *text, *crs;
	haven_status want;
	const char *msg;    /* in the message, with "FILE: " before it */
	int changed;        /* 1: the store changes */
	int64_t held, near; /* centres held after, and near in the report */
} cases[] = {
    {"1", "c1.csv", "CTYUA24CD,x,y\nE06000010,100500,200500\nE06000022,102500,200500\n", NULL, HAVEN_OK, NULL, 1, 2, 0},
    {"2", "c2.csv", "CTYUA24CD,x,y\nE06000010,100500,200500\nE06000022,102500,200500\n", NULL, HAVEN_OK, NULL, 0, 2, 0},
    {"3", "c3.csv", "CTYUA24CD,x,y\nE06000010,100500,200500\nE06999999,102500,200500\n", NULL, HAVEN_ERR_VALUE,
     "row 3: E06999999 is not a local authority of the loaded LA boundaries", 0, 2, 0},
    {"4.1", "c41.csv", "AREACD,x,y\nE06000010,100500,202000\nE06000022,102500,200500\n", NULL, HAVEN_OK, NULL, 1, 2, 1},
    {"4.2", "c42.csv", "AREACD,x,y\nE06000010,100500,202000.01\nE06000022,102500,200500\n", NULL, HAVEN_ERR_VALUE,
     "row 2: the centre of E06000010 (Kingston upon Hull, City of) at E 100500, N 202000 is 1.0 km outside its "
     "boundary",
     0, 2, 0},
    {"5", "c5.csv", "CTYUA24CD,x,y\nE06000010,100500,north\n", NULL, HAVEN_ERR_VALUE,
     "row 2: the point (100500, north) is not two numbers", 0, 2, 0},
    {"6", "c6.csv", "CTYUA24CD,x,y\nE06000010,100500,200500\nE06000010,100600,200500\n", NULL, HAVEN_ERR_DUPLICATE,
     "row 3: E06000010 appears twice: rows 2 and 3", 0, 2, 0},
    {"7", "c7.csv", "CTYUA24CD,lon,lat\nE06000010,-1.5,53.8\n", "EPSG:27700", HAVEN_ERR_CRS,
     "row 2: the centre of E06000010 (-1.5, 53.8 in EPSG:27700) is outside Great Britain", 0, 2, 0},
    {"8", "c8.csv", "CTYUA24CD,x\nE06000010,100500\n", NULL, HAVEN_ERR_MISSING, "no coordinate columns", 0, 2, 0},
    {"9", "c9.csv", "CTYUA24CD,x,y\n", NULL, HAVEN_ERR_MISSING, "holds no centres", 0, 2, 0},
    {"10", NULL, NULL, NULL, HAVEN_ERR_IO, "absent.csv", 0, 2, 0},
    {"11", "c11.csv", "CTYUA24CD,x,y\nE06000010,100500,200500\n\"E06000022,102500,200500\n", NULL, HAVEN_ERR_FORMAT,
     "row 3", 0, 2, 0},
};

static void test_loads(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("centres.db");
	tu_fixture_areas(ctx);
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		const char *path = cases[k].text ? tu_write(cases[k].name, cases[k].text) : tu_tmp("absent.csv");
		char before[65], after[65];
		tu_digest(ctx, before);
		haven_centres_opts o = {.path = path, .source_crs = cases[k].crs};
		haven_centres_report r;
		haven_status st = haven_boundaries_centres(ctx, &o, &r);
		if (st != cases[k].want)
			fail_msg("case %s: got %s, want %s: %s", cases[k].id, haven_status_name(st),
			         haven_status_name(cases[k].want), haven_errmsg(ctx));
		if (cases[k].msg) {
			char want[400];
			snprintf(want, sizeof want, "%s", cases[k].msg);
			if (!strstr(haven_errmsg(ctx), want) || strncmp(haven_errmsg(ctx), path, strlen(path)) != 0)
				fail_msg("case %s: message '%s' lacks '%s: ...%s'", cases[k].id, haven_errmsg(ctx),
				         path, want);
		}
		tu_digest(ctx, after);
		if ((strcmp(before, after) != 0) != cases[k].changed)
			fail_msg("case %s: the store %s", cases[k].id, cases[k].changed ? "did not change" : "changed");
		assert_int_equal(tu_int(ctx, "SELECT count(*) FROM la_centre"), cases[k].held);
		if (!st) {
			assert_int_equal(r.noop, !cases[k].changed);
			assert_int_equal(r.near, cases[k].near);
		}
		printf("ok %s\n", cases[k].id);
	}
	haven_ctx_free(ctx);
}

/* 12: hv_la_centre gives a loaded centre, else the point on surface. */
static void test_la_centre(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("la_centre.db");
	tu_fixture_areas(ctx);
	haven_centres_opts o = {.path =
	                            tu_write("c12.csv", "AREACD,easting,northing\nE06000022,102250.125,200750.5\n")};
	haven_centres_report r;
	tu_ok(ctx, haven_boundaries_centres(ctx, &o, &r));
	hv_areas *a;
	tu_ok(ctx, hv_areas_load(ctx, "la", &a));
	double x, y;
	int weighted;
	tu_ok(ctx, hv_la_centre(ctx, a, hv_areas_index(a, "E06000022"), &x, &y, &weighted));
	assert_int_equal(weighted, 1);
	assert_true(x == 102250.125 && y == 200750.5);
	tu_ok(ctx, hv_la_centre(ctx, a, hv_areas_index(a, "E06000010"), &x, &y, &weighted));
	assert_int_equal(weighted, 0);
	assert_true(x > 100000 && x < 101000 && y > 200000 && y < 201000);
	hv_areas_free(a);
	haven_ctx_free(ctx);
	printf("ok 12\n");
}

TU_MAIN(NULL, NULL, cmocka_unit_test(test_loads), cmocka_unit_test(test_la_centre))
