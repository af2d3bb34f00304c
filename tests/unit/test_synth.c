/*
 * test_synth.c - the synthetic register's missing-episode and placements
 * options: the years and shares haven synth resolves or refuses, and a
 * refusal that comes before any file or directory is made.  The files
 * themselves are checked end to end by tests/cli/test_synth_missing.sh and
 * tests/cli/test_synth_placements.sh.  Cases are numbered.
 */
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "out/synth_missing.h"
#include "out/synth_placements.h"
#include "testutil.h"

/* 1. Years and share: defaults resolved, bad ones refused. */
static void test_options(void **state)
{
	(void)state;
	static const struct {
		int first, last;
		double share;
		haven_status want;
		int rfirst, rlast;
		double rshare;
		const char *msg;
	} cases[] = {
	    /* 1.1 */ {0, 0, 0, HAVEN_OK, 2019, 2023, HAVEN_SYNTH_MISSING_SHARE, NULL},
	    /* 1.2 */ {2023, 2023, 0.5, HAVEN_OK, 2023, 2023, 0.5, NULL},
	    /* 1.3 */ {2021, 0, 1, HAVEN_OK, 2021, 2021, 1, NULL},
	    /* 1.4 */ {0, 2020, 0.1, HAVEN_OK, 2020, 2020, 0.1, NULL},
	    /* 1.5 */ {2019, 2023, 0, HAVEN_OK, 2019, 2023, HAVEN_SYNTH_MISSING_SHARE, NULL},
	    /* 1.6 */ {2018, 2023, 0, HAVEN_ERR_USAGE, 0, 0, 0, "from 2019 to 2023, not 2018-2023"},
	    /* 1.7 */ {2019, 2024, 0, HAVEN_ERR_USAGE, 0, 0, 0, "not 2019-2024"},
	    /* 1.8 */ {2023, 2021, 0, HAVEN_ERR_USAGE, 0, 0, 0, "not 2023-2021"},
	    /* 1.9 */ {0, 0, 1.01, HAVEN_ERR_USAGE, 0, 0, 0, "at most 1, not 1.01"},
	    /* 1.10 */ {0, 0, -0.2, HAVEN_ERR_USAGE, 0, 0, 0, "above 0"},
	    /* 1.11 */ {0, 0, NAN, HAVEN_ERR_USAGE, 0, 0, 0, "above 0"},
	};
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		haven_synth_missing m = {"dfe.csv", cases[i].first, cases[i].last, cases[i].share}, out;
		haven_status st = hv_synth_missing_check(ctx, &m, &out);
		if (st != cases[i].want)
			fail_msg("case 1.%zu: got %s, want %s: %s", i + 1, haven_status_name(st),
			         haven_status_name(cases[i].want), haven_errmsg(ctx));
		if (st == HAVEN_OK) {
			assert_int_equal(out.first_year, cases[i].rfirst);
			assert_int_equal(out.last_year, cases[i].rlast);
			assert_true(out.share == cases[i].rshare);
			assert_string_equal(out.dfe_path, "dfe.csv");
		} else {
			tu_assert_msg(ctx, cases[i].msg);
		}
	}
	haven_ctx_free(ctx);
}

/* 2. haven_synth_from_ofsted refuses bad options before it makes anything. */
static void test_refused_first(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("refused.db");
	haven_synth_missing m = {tu_data("dfe/dfe_cla_missing_or_away_by_la_2019-2023.csv.gz"), 2017, 0, 0};
	haven_synth_report r;
	const char *dir = tu_tmp("refused_out");
	tu_assert_status(ctx,
	                 haven_synth_from_ofsted(ctx, tu_data("ofsted/ofsted_provider_level_2025-03-31.csv.gz"), 1, dir,
	                                         0, &m, NULL, &r),
	                 HAVEN_ERR_USAGE);
	tu_assert_msg(ctx, "not 2017-2017");
	struct stat sb;
	assert_int_equal(stat(dir, &sb), -1);
	/* A placements share out of range, the same. */
	haven_synth_placements p = {tu_data("dfe/dfe_cla_new_placements_location_distance_by_la_2021-2025.csv.gz"),
	                            NULL, 2};
	tu_assert_status(ctx,
	                 haven_synth_from_ofsted(ctx, tu_data("ofsted/ofsted_provider_level_2025-03-31.csv.gz"), 1, dir,
	                                         0, NULL, &p, &r),
	                 HAVEN_ERR_USAGE);
	tu_assert_msg(ctx, "new placements must be above 0 and at most 1, not 2");
	assert_int_equal(stat(dir, &sb), -1);
	/* Without episode files the same call gets as far as the store's boundaries. */
	tu_assert_status(ctx,
	                 haven_synth_from_ofsted(ctx, tu_data("ofsted/ofsted_provider_level_2025-03-31.csv.gz"), 1, dir,
	                                         0, NULL, NULL, &r),
	                 HAVEN_ERR_NOT_FOUND);
	haven_ctx_free(ctx);
}

/* 3. The placements' share: the default resolved, bad ones refused; the
 *    paths passed on. */
static void test_placement_options(void **state)
{
	(void)state;
	static const struct {
		double share;
		haven_status want;
		double rshare;
		const char *msg;
	} cases[] = {
	    /* 3.1 */ {0, HAVEN_OK, HAVEN_SYNTH_PLACEMENT_SHARE, NULL},
	    /* 3.2 */ {0.5, HAVEN_OK, 0.5, NULL},
	    /* 3.3 */ {1, HAVEN_OK, 1, NULL},
	    /* 3.4 */ {1.01, HAVEN_ERR_USAGE, 0, "at most 1, not 1.01"},
	    /* 3.5 */ {-0.2, HAVEN_ERR_USAGE, 0, "above 0"},
	    /* 3.6 */ {NAN, HAVEN_ERR_USAGE, 0, "above 0"},
	};
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		haven_synth_placements p = {"dist.csv", "netgain.csv", cases[i].share}, out;
		haven_status st = hv_synth_placements_check(ctx, &p, &out);
		if (st != cases[i].want)
			fail_msg("case 3.%zu: got %s, want %s: %s", i + 1, haven_status_name(st),
			         haven_status_name(cases[i].want), haven_errmsg(ctx));
		if (st == HAVEN_OK) {
			assert_true(out.share == cases[i].rshare);
			assert_string_equal(out.dfe_path, "dist.csv");
			assert_string_equal(out.netgain_path, "netgain.csv");
		} else {
			tu_assert_msg(ctx, cases[i].msg);
		}
	}
	haven_ctx_free(ctx);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(test_options), cmocka_unit_test(test_refused_first),
        cmocka_unit_test(test_placement_options))
