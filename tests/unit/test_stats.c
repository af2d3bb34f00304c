/*
 * test_stats.c - reference statistics: the bundled DfE file of children
 * looked after loaded into a real store and looked up (the two denominators
 * of the capacity measures), every GSS symbol kept, BOM, quoted commas, DfE
 * LA numbers and former codes, and every way a file is refused (status,
 * file and row in the message, store unchanged).  Cases are numbered.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/source.h"
#include "core/sql.h"
#include "ref/la.h"
#include "ref/stats.h"
#include "testutil.h"

#define CLA "dfe_cla_number_and_rate_per_10k_by_la"
#define AT_31_MARCH "population_type=Children looked after on 31 March each year"

static const char *bundled(void)
{
	return tu_data("dfe/" CLA ".csv.gz");
}

/* A store with the bundled file loaded, acting as admin. */
static haven_ctx *cla_store(const char *name)
{
	haven_ctx *ctx = tu_new_store(name);
	tu_ok(ctx, haven_stats_import(ctx, bundled(), NULL, NULL));
	return ctx;
}

/* 1. The bundled file: what the import reports and stores. */
static void test_bundled_import(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("bundled.db");
	haven_stats_report r;
	tu_ok(ctx, haven_stats_import(ctx, bundled(), NULL, &r));
	assert_string_equal(r.dataset, CLA); /* the file's name without .csv.gz */
	assert_int_equal(r.rows_read, 2505);
	assert_int_equal(r.indicators, 3); /* population_estimate, children_count, rate_per_10000 */
	assert_int_equal(r.filters, 1);    /* population_type */
	assert_int_equal(r.figures, 2505 * 3);
	assert_int_equal(r.symbols, 42 + 58 + 58); /* x in population_estimate; z and c in the others */
	assert_int_equal(r.replaced, 0);
	assert_true(r.seconds > 0);
	/* Symbols are kept as symbols, never as 0. */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM stats_value WHERE symbol IS NOT NULL AND value IS NULL"),
	                 158);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM stats_value WHERE symbol = 'c'"), 4);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM stats_value WHERE symbol = 'z'"), 112);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM stats_value WHERE symbol = 'x'"), 42);
	/* 1 England, 11 regions (Inner and Outer London too), 155 LAs. */
	assert_int_equal(tu_int(ctx, "SELECT count(DISTINCT area_code) FROM stats_value"), 167);
	char buf[256];
	/* A quoted comma in a name. */
	assert_string_equal(
	    tu_text(ctx, "SELECT DISTINCT area_name FROM stats_value WHERE area_code = 'E06000010'", buf, sizeof buf),
	    "Kingston upon Hull, City of");
	assert_string_equal(
	    tu_text(ctx, "SELECT DISTINCT filters FROM stats_value WHERE source_row = 3", buf, sizeof buf),
	    "{\"population_type\":\"Children looked after on 31 March each year\"}");
	/* The load is recorded, with the hash of the bytes read. */
	assert_int_equal(tu_int(ctx,
	                        "SELECT count(*) FROM stats_load WHERE dataset = '" CLA "' AND rows_read = 2505"
	                        " AND figures = 7515 AND symbols = 158 AND length(sha256) = 64"
	                        " AND filters = '[\"population_type\"]'"
	                        " AND indicators = '[\"population_estimate\",\"children_count\",\"rate_per_10000\"]'"),
	                 1);
	/* An admin's alteration in the audit log, in the load's transaction. */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM audit WHERE operation = 'alteration' AND row_count = 7515"
	                             " AND object = 'statistics: 7515 figures of dataset " CLA " from " CLA ".csv.gz'"),
	                 1);
	haven_ctx_free(ctx);
}

/* 2. Lookups on the bundled file, checked against the file by hand. */
static void test_lookups(void **state)
{
	(void)state;
	haven_ctx *ctx = cla_store("lookups.db");
	static const char *const at31[] = {AT_31_MARCH, NULL};
	static const char *const starting[] = {"population_type=Children starting to be looked after each year", NULL};
	static const char *const no_eq[] = {"population_type", NULL};
	static const char *const twice[] = {AT_31_MARCH, AT_31_MARCH, NULL};
	static const char *const extra[] = {AT_31_MARCH, "age=Under 1", NULL};
	static const struct {
		const char *name, *indicator;
		const char *const *filters;
		const char *period, *area;
		haven_status st;
		double value;       /* when st is OK and symbol is "" */
		const char *symbol; /* "" for a number */
		const char *msg;    /* part of the message when st is not OK */
	} cases[] = {
	    {"2.1 England, looked after at 31 March 2025", "children_count", at31, "2025", "E92000001", HAVEN_OK, 81770,
	     "", NULL},
	    {"2.2 England, children under 18 in 2025", "population_estimate", at31, "2025", "E92000001", HAVEN_OK,
	     12183016, "", NULL},
	    {"2.3 Hartlepool's population", "population_estimate", at31, "2025", "E06000001", HAVEN_OK, 21090, "",
	     NULL},
	    {"2.4 Hartlepool's published rate", "rate_per_10000", at31, "2025", "E06000001", HAVEN_OK, 157, "", NULL},
	    {"2.5 a quoted comma in the row (Hull)", "children_count", at31, "2025", "E06000010", HAVEN_OK, 742, "",
	     NULL},
	    {"2.6 City of London suppressed", "children_count", at31, "2025", "E09000001", HAVEN_OK, 0, "c", NULL},
	    {"2.7 Isles of Scilly not applicable", "children_count", at31, "2024", "E06000053", HAVEN_OK, 0, "z", NULL},
	    {"2.8 Cumberland before it existed: the file's own x", "population_estimate", at31, "2022", "E06000063",
	     HAVEN_OK, 0, "x", NULL},
	    {"2.9 Cumbria before the split", "children_count", at31, "2023", "E10000006", HAVEN_OK, 740, "", NULL},
	    {"2.10 North Yorkshire in 2021", "children_count", at31, "2021", "E06000065", HAVEN_OK, 422, "", NULL},
	    {"2.11 North Yorkshire asked by its former code", "children_count", at31, "2021", "E10000023", HAVEN_OK,
	     422, "", NULL},
	    {"2.12 a region", "children_count", at31, "2025", "E12000007", HAVEN_OK, 9290, "", NULL},
	    {"2.13 Inner London", "children_count", at31, "2025", "E13000001", HAVEN_OK, 3790, "", NULL},
	    {"2.14 another filter value", "children_count", starting, "2025", "E92000001", HAVEN_OK, 32270, "", NULL},
	    {"2.15 Northamptonshire before the split", "children_count", at31, "2021", "E10000021", HAVEN_OK, 1144, "",
	     NULL},
	    {"2.16 Bournemouth, merged into BCP: no row, not available", "children_count", at31, "2025", "E06000028",
	     HAVEN_OK, 0, "x", NULL},
	    {"2.17 unknown dataset", "children_count", at31, "2025", "E92000001", HAVEN_ERR_NOT_FOUND, 0, "",
	     "no statistics dataset 'nope'"},
	    {"2.18 unknown indicator", "places", at31, "2025", "E92000001", HAVEN_ERR_NOT_FOUND, 0, "",
	     "has no indicator 'places'; it has children_count, population_estimate, rate_per_10000"},
	    {"2.19 no filters", "children_count", NULL, "2025", "E92000001", HAVEN_ERR_NOT_FOUND, 0, "",
	     "has no children_count with the filters {}"},
	    {"2.20 a filter the dataset has not", "children_count", extra, "2025", "E92000001", HAVEN_ERR_NOT_FOUND, 0,
	     "", "with the filters {\"age\":\"Under 1\",\"population_type\""},
	    {"2.21 a period it has not", "children_count", at31, "2019", "E92000001", HAVEN_ERR_NOT_FOUND, 0, "",
	     "has no children_count for time period 2019; it has 2021, 2022, 2023, 2024, 2025"},
	    {"2.22 an area that is not a code", "children_count", at31, "2025", "Leeds", HAVEN_ERR_VALUE, 0, "",
	     "area 'Leeds' is not an ONS GSS code"},
	    {"2.23 a filter without '='", "children_count", no_eq, "2025", "E92000001", HAVEN_ERR_USAGE, 0, "",
	     "filter 'population_type' is not COLUMN=VALUE"},
	    {"2.24 a filter column twice", "children_count", twice, "2025", "E92000001", HAVEN_ERR_USAGE, 0, "",
	     "filter column 'population_type' is given twice"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		haven_stats_key k = {strstr(cases[i].name, "unknown dataset") ? "nope" : CLA, cases[i].indicator,
		                     cases[i].filters, cases[i].period, cases[i].area};
		double v = -1;
		char sym[HAVEN_STATS_SYMBOL_MAX] = "?";
		haven_status st = haven_stats_value(ctx, &k, &v, sym);
		if (st != cases[i].st)
			fail_msg("%s: %s, want %s: %s", cases[i].name, haven_status_name(st),
			         haven_status_name(cases[i].st), haven_errmsg(ctx));
		if (st && !strstr(haven_errmsg(ctx), cases[i].msg))
			fail_msg("%s: message '%s' lacks '%s'", cases[i].name, haven_errmsg(ctx), cases[i].msg);
		if (!st && strcmp(sym, cases[i].symbol) != 0)
			fail_msg("%s: symbol '%s', want '%s'", cases[i].name, sym, cases[i].symbol);
		if (!st && !*sym && v != cases[i].value)
			fail_msg("%s: %.17g, want %.17g", cases[i].name, v, cases[i].value);
		/* A symbol is never a number a caller could add up by mistake. */
		if (!st && *sym && !isnan(v))
			fail_msg("%s: a symbol came with the number %g", cases[i].name, v);
	}
	haven_ctx_free(ctx);
}

/* 3. The newest period of a dataset, for a register's as-at date. */
static void test_latest(void **state)
{
	(void)state;
	haven_ctx *ctx = cla_store("latest.db");
	static const char *const at31[] = {AT_31_MARCH, NULL};
	haven_stats_key k = {CLA, "population_estimate", at31, NULL, NULL};
	char p[HV_STATS_PERIOD_MAX];
	tu_ok(ctx, hv_stats_latest(ctx, &k, NULL, p)); /* 3.1 the newest */
	assert_string_equal(p, "2025");
	tu_ok(ctx, hv_stats_latest(ctx, &k, "2023", p)); /* 3.2 not after 2023 */
	assert_string_equal(p, "2023");
	tu_assert_status(ctx, hv_stats_latest(ctx, &k, "2020", p), HAVEN_ERR_NOT_FOUND); /* 3.3 none so old */
	tu_assert_msg(ctx, "has no population_estimate for 2020 or before");
	k.indicator = "places"; /* 3.4 what the store lacks */
	tu_assert_status(ctx, hv_stats_latest(ctx, &k, NULL, p), HAVEN_ERR_NOT_FOUND);
	tu_assert_msg(ctx, "has no indicator 'places'");
	haven_ctx_free(ctx);
}

/* 4. DfE's LA numbers: every Local authority row of the bundled file
 * pairs old_la_code with the code and name la.c gives for the number, and
 * the file holds every number la.c knows. */
static void test_dfe_numbers(void **state)
{
	(void)state;
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	hv_source *src;
	tu_ok(ctx, hv_source_open(ctx, bundled(), &src));
	static const char *const lvl[] = {"geographic_level", NULL}, *const old[] = {"old_la_code", NULL},
	                         *const new[] = {"new_la_code", NULL}, *const name[] = {"la_name", NULL};
	int cl = hv_source_find(src, lvl), co = hv_source_find(src, old), cn = hv_source_find(src, new),
	    cm = hv_source_find(src, name);
	assert_true(cl >= 0 && co >= 0 && cn >= 0 && cm >= 0);
	char seen[1000] = {0};
	int has, numbers = 0;
	while (hv_source_next(src, &has) == HAVEN_OK && has) {
		if (strcmp(hv_source_field(src, cl), "Local authority") != 0)
			continue;
		const char *n = hv_source_field(src, co), *dname = NULL, *code = hv_la_dfe_number(n, &dname);
		if (!code || strcmp(code, hv_source_field(src, cn)) != 0 ||
		    strcmp(dname, hv_source_field(src, cm)) != 0)
			fail_msg("row %lld: %s %s %s, la.c says %s %s", (long long)hv_source_row(src), n,
			         hv_source_field(src, cn), hv_source_field(src, cm), code ? code : "nothing",
			         dname ? dname : "");
		int k = atoi(n);
		numbers += !seen[k];
		seen[k] = 1;
	}
	hv_source_close(src);
	assert_int_equal(numbers, 155); /* 153 LAs, Cumbria and Northamptonshire */
	int known = 0;
	char num[4];
	for (int k = 100; k < 1000; k++) {
		snprintf(num, sizeof num, "%d", k);
		if (hv_la_dfe_number(num, NULL)) {
			known++;
			if (!seen[k])
				fail_msg("la.c knows DfE number %d, which the bundled file lacks", k);
		}
	}
	assert_int_equal(known, 155);
	/* Former codes: the same area under a new code, or not. */
	assert_string_equal(hv_la_same_area("E10000023"), "E06000065"); /* North Yorkshire */
	assert_string_equal(hv_la_same_area("E10000027"), "E06000066"); /* Somerset */
	assert_string_equal(hv_la_same_area("E10000006"), "E10000006"); /* Cumbria split */
	assert_string_equal(hv_la_same_area("E06000028"), "E06000028"); /* Bournemouth merged */
	assert_string_equal(hv_la_same_area("E10000009"), "E10000009"); /* Dorset lost Christchurch */
	assert_string_equal(hv_la_same_area("E08000035"), "E08000035"); /* current */
	haven_ctx_free(ctx);
}

/* Look key up in ctx: the number, or the symbol as text. */
static const char *figure(haven_ctx *ctx, const char *dataset, const char *indicator, const char *const *filters,
                          const char *period, const char *area, char *buf, size_t n)
{
	haven_stats_key k = {dataset, indicator, filters, period, area};
	double v;
	char sym[HAVEN_STATS_SYMBOL_MAX];
	tu_ok(ctx, haven_stats_value(ctx, &k, &v, sym));
	if (*sym)
		snprintf(buf, n, "%s", sym);
	else
		snprintf(buf, n, "%.15g", v);
	return buf;
}

/* 5. Every GSS symbol kept: c, z and k in real rows of DfE's file of
 * children missing or away (BOM, CRLF, quoted commas, former codes of
 * North Yorkshire and Somerset); low and u, which no real file here has, in
 * a small made-up one. */
static void test_symbols(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("symbols.db");
	haven_stats_report r;
	tu_ok(ctx, haven_stats_import(ctx, tu_fixture("stats/cla_missing_2023_sample.csv"), NULL, &r));
	assert_int_equal(r.rows_read, 32);
	assert_int_equal(r.indicators, 1); /* number */
	assert_int_equal(r.filters, 1);    /* CLA_group */
	assert_int_equal(r.figures, 32);
	static const char *const away[] = {
	    "CLA_group=Percentage of children who were away from placement without authorisation during the year",
	    NULL};
	static const char *const cla[] = {"CLA_group=Children looked after during the year", NULL};
	static const char *const missing[] = {"CLA_group=Children who had a missing incident during the year", NULL};
	static const struct {
		const char *name;
		const char *const *filters;
		const char *area, *want;
	} cases[] = {
	    {"5.1 k in a region's row", away, "E12000001", "k"},
	    {"5.2 k in an LA's row", away, "E08000035", "k"},
	    {"5.3 z", away, "E06000053", "z"},
	    {"5.4 c", missing, "E06000017", "c"},
	    {"5.5 a real 0 stays 0", away, "E09000001", "0"},
	    {"5.6 North Yorkshire's former code, held under its current one", cla, "E06000065", "620"},
	    {"5.7 and asked for by the former one", cla, "E10000023", "620"},
	    {"5.8 Somerset likewise", cla, "E06000066", "787"},
	    {"5.9 Cumbria kept as Cumbria", cla, "E10000006", "1007"},
	    {"5.10 Cumberland, not in the file: not available", cla, "E06000063", "x"},
	    {"5.11 a quoted comma", cla, "E06000010", "1130"},
	};
	char buf[32];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (strcmp(figure(ctx, "cla_missing_2023_sample", "number", cases[i].filters, "2023", cases[i].area,
		                  buf, sizeof buf),
		           cases[i].want) != 0)
			fail_msg("%s: %s, want %s", cases[i].name, buf, cases[i].want);
	char g[64];
	assert_string_equal(
	    tu_text(ctx, "SELECT code_given FROM stats_value WHERE area_code = 'E06000065' LIMIT 1", g, sizeof g),
	    "E10000023");

	tu_ok(ctx, haven_stats_import(ctx, tu_fixture("stats/symbols_low_u.csv"), NULL, &r));
	assert_int_equal(r.indicators, 2); /* number and percent: numbers, or symbols only */
	assert_int_equal(r.symbols, 8);
	static const char *const total[] = {"characteristic=Total", NULL};
	static const struct {
		const char *name, *indicator, *area, *want;
	} made_up[] = {
	    {"5.12 low", "number", "E06000001", "low"}, {"5.13 u", "percent", "E06000001", "u"},
	    {"5.14 c", "number", "E06000002", "c"},     {"5.15 k", "number", "E06000003", "k"},
	    {"5.16 x", "percent", "E06000003", "x"},    {"5.17 z", "percent", "E06000004", "z"},
	};
	for (size_t i = 0; i < sizeof made_up / sizeof made_up[0]; i++)
		if (strcmp(figure(ctx, "symbols_low_u", made_up[i].indicator, total, "2024", made_up[i].area, buf,
		                  sizeof buf),
		           made_up[i].want) != 0)
			fail_msg("%s: %s, want %s", made_up[i].name, buf, made_up[i].want);
	/* Not one symbol was read as a number. */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM stats_value WHERE symbol IS NOT NULL AND value IS NOT NULL"),
	                 0);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM stats_value WHERE dataset = 'symbols_low_u' AND value = 0"),
	                 0);
	haven_ctx_free(ctx);
}

/* 6. A file with DfE's LA numbers only (old_la_code, no new_la_code): the
 * numbers become GSS codes, North Yorkshire's and Cumbria's included. */
static void test_old_la_code(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("old.db");
	tu_ok(ctx, haven_stats_import(ctx, tu_fixture("stats/old_la_code_only.csv"), NULL, NULL));
	static const char *const at31[] = {AT_31_MARCH, NULL};
	static const struct {
		const char *name, *period, *area, *want;
	} cases[] = {
	    {"6.1 805 is Hartlepool", "2025", "E06000001", "332"},
	    {"6.2 810 is Hull", "2022", "E06000010", "881"},
	    {"6.3 815 is North Yorkshire", "2022", "E06000065", "430"},
	    {"6.4 909 is Cumbria", "2022", "E10000006", "734"},
	    {"6.5 909 in 2025: z as published", "2025", "E10000006", "z"},
	    {"6.6 England", "2025", "E92000001", "81770"},
	};
	char buf[32];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (strcmp(figure(ctx, "old_la_code_only", "children_count", at31, cases[i].period, cases[i].area, buf,
		                  sizeof buf),
		           cases[i].want) != 0)
			fail_msg("%s: %s, want %s", cases[i].name, buf, cases[i].want);
	/* The same figures as the bundled file gives under new_la_code. */
	tu_ok(ctx, haven_stats_import(ctx, bundled(), NULL, NULL));
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM stats_value o JOIN stats_value n"
	                             " ON n.dataset = '" CLA "' AND n.indicator = o.indicator AND n.filters = o.filters"
	                             " AND n.time_period = o.time_period AND n.area_code = o.area_code"
	                             " AND n.value IS o.value AND n.symbol IS o.symbol"
	                             " WHERE o.dataset = 'old_la_code_only'"),
	                 9);
	haven_ctx_free(ctx);
}

/* 7. A byte order mark, with or without quotes round the first name, and
 * CRLF: the same figures as without. */
static void test_bom(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("bom.db");
	static const char body[] = "2025,Reporting year,National,E92000001,England,,,,,,Total,12\r\n"
	                           "2025,Reporting year,Local authority,E92000001,England,E12000001,North East,805,"
	                           "Hartlepool,E06000001,Total,c\r\n";
	static const char *const heads[] = {
	    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
	    "old_la_code,la_name,new_la_code,breakdown,number\r\n",
	    "\xEF\xBB\xBFtime_period,time_identifier,geographic_level,country_code,country_name,region_code,"
	    "region_name,old_la_code,la_name,new_la_code,breakdown,number\r\n",
	    "\xEF\xBB\xBF\"time_period\",time_identifier,geographic_level,country_code,country_name,region_code,"
	    "region_name,old_la_code,la_name,new_la_code,breakdown,number\r\n",
	};
	char digest[3][512];
	for (int i = 0; i < 3; i++) {
		char text[1024], name[32];
		snprintf(text, sizeof text, "%s%s", heads[i], body);
		snprintf(name, sizeof name, "bom%d.csv", i);
		haven_stats_opts o = {.dataset = "bom"};
		tu_ok(ctx, haven_stats_import(ctx, tu_write(name, text), &o, NULL));
		tu_text(ctx,
		        "SELECT group_concat(f, '|') FROM (SELECT indicator || filters || time_period || area_code ||"
		        " coalesce(value, symbol) AS f FROM stats_value WHERE dataset = 'bom' ORDER BY source_row)",
		        digest[i], sizeof digest[i]);
		if (i && strcmp(digest[i], digest[0]) != 0)
			fail_msg("7.%d: '%s', without a BOM '%s'", i, digest[i], digest[0]);
	}
	assert_string_equal(digest[0], "number{\"breakdown\":\"Total\"}2025E92000001"
	                               "12.0|number{\"breakdown\":\"Total\"}2025E06000001c");
	haven_ctx_free(ctx);
}

/* 8. Columns: a column of numbers is an indicator unless named a filter;
 * an empty column carries nothing; a dataset named by option. */
static void test_columns(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("cols.db");
	const char *p = tu_write("ages.csv", "time_period,time_identifier,geographic_level,country_code,country_name,"
	                                     "lad_code,age,children\n"
	                                     "2025,Reporting year,National,E92000001,England,,16,100\n"
	                                     "2025,Reporting year,National,E92000001,England,,17,110\n");
	char before[65], after[65];
	tu_digest(ctx, before);
	/* 8.1 age holds numbers, so it reads as an indicator, and row 3 then
	 * gives England's 2025 figures again. */
	haven_stats_opts o = {.dataset = "ages"};
	tu_assert_status(ctx, haven_stats_import(ctx, p, &o, NULL), HAVEN_ERR_DUPLICATE);
	tu_assert_msg(ctx, "ages.csv: row 3: age of E92000001 for time period 2025 with filters {} is given again: "
	                   "row 2 (as E92000001) gave it first");
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	/* 8.2 Named a filter, it is one; lad_code, empty in every row, is no
	 * filter at all. */
	static const char *const age[] = {"age", NULL};
	o.filter_cols = age;
	haven_stats_report r;
	tu_ok(ctx, haven_stats_import(ctx, p, &o, &r));
	assert_string_equal(r.dataset, "ages"); /* 8.3 named by option */
	assert_int_equal(r.indicators, 1);
	assert_int_equal(r.filters, 1);
	assert_int_equal(r.figures, 2);
	static const char *const a17[] = {"age=17", NULL};
	char buf[32];
	assert_string_equal(figure(ctx, "ages", "children", a17, "2025", "E92000001", buf, sizeof buf), "110");
	/* 8.4 What cannot be a filter, or is not there. */
	static const char *const period[] = {"time_period", NULL}, *const absent[] = {"sex", NULL};
	tu_digest(ctx, before);
	o.filter_cols = period;
	tu_assert_status(ctx, haven_stats_import(ctx, p, &o, NULL), HAVEN_ERR_USAGE);
	tu_assert_msg(ctx, "column 'time_period' is a time or geography column, not a filter");
	o.filter_cols = absent;
	tu_assert_status(ctx, haven_stats_import(ctx, p, &o, NULL), HAVEN_ERR_USAGE);
	tu_assert_msg(ctx, "ages.csv has no column 'sex' to read as a filter");
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	haven_ctx_free(ctx);
}

/* The header of the made-up files below: every column a row may need. */
#define HEAD                                                                                                           \
	"time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,"  \
	"la_name,new_la_code,population_type,children_count\n"
#define ENGLAND "2025,Reporting year,National,E92000001,England,,,,,,All,81770\n"
#define HARTLEPOOL "2025,Reporting year,Local authority,E92000001,England,E12000001,North East,805,Hartlepool,"

/* 9. Bad files: the status, the file and row in the message, and the store
 * exactly as it was (it holds the bundled dataset, which a bad file of the
 * same name would otherwise replace). */
static void test_bad_files(void **state)
{
	(void)state;
	haven_ctx *ctx = cla_store("bad.db");
	static const struct {
		const char *name, *text;
		haven_status st;
		const char *msg;
	} cases[] = {
	    {"9.1 a level haven does not keep", HEAD ENGLAND "2025,Reporting year,Ward,E92000001,England,,,,,,All,3\n",
	     HAVEN_ERR_VALUE, "row 3: geographic_level 'Ward' is not one haven keeps"},
	    {"9.2 a time period that is not one", HEAD "2025/26,Reporting year,National,E92000001,England,,,,,,All,1\n",
	     HAVEN_ERR_VALUE, "row 2: time_period '2025/26' is not a year (2025) or two run together (202425)"},
	    {"9.3 a figure that is neither a number nor a symbol", HEAD ENGLAND HARTLEPOOL "E06000001,All,12a\n",
	     HAVEN_ERR_VALUE,
	     "row 3: children_count '12a' is neither a number nor a GSS symbol (c, k, low, u, x, z); if children_count "
	     "is a filter, name it with --filter-column"},
	    {"9.4 an old symbol DfE no longer uses", HEAD ENGLAND HARTLEPOOL "E06000001,All,:\n", HAVEN_ERR_VALUE,
	     "row 3: children_count ':' is neither a number nor a GSS symbol"},
	    {"9.5 a figure left empty", HEAD ENGLAND HARTLEPOOL "E06000001,All,\n", HAVEN_ERR_MISSING,
	     "row 3: children_count is empty: a figure or a GSS symbol (x: not available) is needed"},
	    {"9.6 a national row without its code", HEAD "2025,Reporting year,National,,England,,,,,,All,1\n",
	     HAVEN_ERR_MISSING, "row 2: a National row needs its country_code"},
	    {"9.7 a regional row in a file without region_code",
	     "time_period,geographic_level,country_code,population_type,children_count\n"
	     "2025,National,E92000001,All,1\n2025,Regional,E92000001,All,1\n",
	     HAVEN_ERR_MISSING, "row 3: a Regional row needs its region_code"},
	    {"9.8 an LA row with neither code",
	     HEAD ENGLAND "2025,Reporting year,Local authority,E92000001,England,"
	                  "E12000001,North East,,Hartlepool,,All,1\n",
	     HAVEN_ERR_MISSING, "row 3: a Local authority row needs new_la_code (its GSS code) or old_la_code"},
	    {"9.9 a code that is not a GSS code", HEAD ENGLAND HARTLEPOOL "E0600001,All,1\n", HAVEN_ERR_VALUE,
	     "row 3: new_la_code 'E0600001' is not an ONS GSS code"},
	    {"9.10 an unknown DfE number alone",
	     HEAD ENGLAND "2025,Reporting year,Local authority,E92000001,England,"
	                  "E12000001,North East,999,Nowhere,,All,1\n",
	     HAVEN_ERR_VALUE, "row 3: old_la_code '999' is not a DfE LA number haven knows; give new_la_code too"},
	    {"9.11 the number and the code disagree", HEAD ENGLAND HARTLEPOOL "E06000002,All,1\n", HAVEN_ERR_VALUE,
	     "row 3: old_la_code 805 is Hartlepool (E06000001) but new_la_code is E06000002: the two disagree"},
	    {"9.12 a figure given twice", HEAD ENGLAND HARTLEPOOL "E06000001,All,1\n" ENGLAND, HAVEN_ERR_DUPLICATE,
	     "row 4: children_count of E92000001 for time period 2025 with filters {\"population_type\":\"All\"} is "
	     "given again: row 2 (as E92000001) gave it first"},
	    {"9.13 twice, once under a former code of the same area",
	     HEAD "2025,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire,815,North Yorkshire,"
	          "E10000023,All,1\n"
	          "2025,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire,815,North Yorkshire,"
	          "E06000065,All,2\n",
	     HAVEN_ERR_DUPLICATE,
	     "row 3: children_count of E06000065 for time period 2025 with filters "
	     "{\"population_type\":\"All\"} is given again: row 2 (as E10000023) gave it first"},
	    {"9.14 an unterminated quote", HEAD ENGLAND "2025,Reporting year,\"National,E92000001,England,,,,,,All,1\n",
	     HAVEN_ERR_FORMAT, "row 3: "},
	    {"9.15 a row with a field too few",
	     HEAD ENGLAND "2025,Reporting year,National,E92000001,England,,,,,All,1\n", HAVEN_ERR_FORMAT, "row 3: "},
	    {"9.16 bytes that are not UTF-8", HEAD ENGLAND HARTLEPOOL "E06000001,\xff,1\n", HAVEN_ERR_FORMAT,
	     "row 3: column 11 (population_type) is not valid UTF-8"},
	    {"9.17 no time_period column",
	     "year,geographic_level,country_code,children_count\n2025,National,E92000001,1\n", HAVEN_ERR_MISSING,
	     "row 1: no time_period column"},
	    {"9.18 no indicator",
	     "time_period,geographic_level,country_code,population_type\n2025,National,E92000001,All\n",
	     HAVEN_ERR_MISSING, "no indicator column"},
	    {"9.19 a header and no rows", HEAD, HAVEN_ERR_MISSING, "no rows after the header"},
	    {"9.20 far fewer figures than held", HEAD ENGLAND, HAVEN_ERR_MISSING,
	     "it would replace the 7515 figures held with 1, fewer than 50% of them"},
	};
	char before[65], after[65];
	tu_digest(ctx, before);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		/* Named as the bundled dataset, so a load would replace it. */
		const char *p = tu_write(CLA ".csv", cases[i].text);
		haven_status st = haven_stats_import(ctx, p, NULL, NULL);
		char want[512];
		snprintf(want, sizeof want, "%s: %s", p, cases[i].msg);
		if (st != cases[i].st)
			fail_msg("%s: %s, want %s: %s", cases[i].name, haven_status_name(st),
			         haven_status_name(cases[i].st), haven_errmsg(ctx));
		if (!strstr(haven_errmsg(ctx), strncmp(cases[i].msg, "row ", 4) == 0 ? want : cases[i].msg))
			fail_msg("%s: message '%s' lacks '%s'", cases[i].name, haven_errmsg(ctx), want);
		tu_digest(ctx, after);
		if (strcmp(before, after) != 0)
			fail_msg("%s: the store changed", cases[i].name);
	}
	/* 9.21 A gzip file cut short is damage, never a shorter file. */
	size_t gz_n;
	const char *plain = HEAD ENGLAND HARTLEPOOL "E06000001,All,332\n";
	unsigned char *gz = tu_gzip(plain, strlen(plain), 6, strlen(HEAD ENGLAND), &gz_n);
	const char *p = tu_write_bytes(CLA ".csv.gz", gz, gz_n);
	free(gz);
	tu_assert_status(ctx, haven_stats_import(ctx, p, NULL, NULL), HAVEN_ERR_FORMAT);
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	/* 9.22 A name that cannot name a dataset. */
	haven_stats_opts o = {.dataset = "two words"};
	tu_assert_status(ctx, haven_stats_import(ctx, bundled(), &o, NULL), HAVEN_ERR_USAGE);
	tu_assert_msg(ctx, "'two words' cannot name a dataset");
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	haven_ctx_free(ctx);
}

/* 10. Loading a dataset again replaces it whole: the same file gives the
 * same figures and one more load; a smaller one needs force. */
static void test_replace(void **state)
{
	(void)state;
	haven_ctx *ctx = cla_store("replace.db");
	char before[2048], after[2048];
	const char *all = "SELECT count(*) || ' ' || total(value) || ' ' || group_concat(DISTINCT symbol)"
	                  " FROM stats_value";
	tu_text(ctx, all, before, sizeof before);
	haven_stats_report r;
	tu_ok(ctx, haven_stats_import(ctx, bundled(), NULL, &r));
	assert_int_equal(r.replaced, 7515);
	assert_int_equal(r.figures, 7515);
	tu_text(ctx, all, after, sizeof after);
	assert_string_equal(before, after);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM stats_load WHERE dataset = '" CLA "'"), 2);
	/* Another dataset is left alone by a load. */
	tu_ok(ctx, haven_stats_import(ctx, tu_fixture("stats/symbols_low_u.csv"), NULL, NULL));
	const char *p = tu_write(CLA ".csv", HEAD ENGLAND);
	tu_assert_status(ctx, haven_stats_import(ctx, p, NULL, NULL), HAVEN_ERR_MISSING);
	haven_stats_opts force = {.force = 1};
	tu_ok(ctx, haven_stats_import(ctx, p, &force, &r));
	assert_int_equal(r.replaced, 7515);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM stats_value WHERE dataset = '" CLA "'"), 1);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM stats_value WHERE dataset = 'symbols_low_u'"), 10);
	haven_ctx_free(ctx);
}

/* 11. Loading is for admins; reading is open data and needs no one acting. */
static void test_governance(void **state)
{
	(void)state;
	haven_ctx *ctx = cla_store("gov.db");
	haven_user_spec u = {"ana", "X00", "analyst", NULL, "regulation"};
	tu_ok(ctx, haven_user_add(ctx, &u, NULL, NULL));
	tu_act(ctx, "ana");
	char before[65], after[65];
	tu_digest(ctx, before);
	tu_assert_status(ctx, haven_stats_import(ctx, bundled(), NULL, NULL), HAVEN_ERR_DENIED); /* 11.1 */
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	/* 11.2 A store opened by no one: the list and a figure. */
	char path[1024];
	snprintf(path, sizeof path, "%s", tu_tmp("gov.db"));
	haven_ctx *open;
	assert_int_equal(haven_ctx_new(&open), HAVEN_OK);
	tu_ok(open, haven_store_open(open, path));
	haven_table *t;
	tu_ok(open, haven_stats_list(open, &t));
	tu_ok(open, haven_release(open, t, HAVEN_AUDIENCE_ACTOR));
	assert_int_equal(haven_table_nrows(open, t), 3);
	int ci = haven_table_find(t, "indicator"), cf = haven_table_find(t, "figures"),
	    cp = haven_table_find(t, "time_periods");
	assert_string_equal(haven_table_text(open, t, 0, ci), "children_count");
	assert_int_equal(haven_table_int(open, t, 0, cf), 2505);
	assert_string_equal(haven_table_text(open, t, 0, cp), "2021 2022 2023 2024 2025");
	/* Open data: written without the marking. */
	char *csv = NULL;
	size_t csv_n = 0;
	FILE *f = open_memstream(&csv, &csv_n);
	assert_non_null(f);
	tu_ok(open, haven_table_write(open, t, HAVEN_FMT_CSV, f));
	fclose(f);
	assert_non_null(strstr(csv, "dataset,indicator,filter_columns,time_periods,areas,figures,symbols,source,"));
	assert_null(strstr(csv, "OFFICIAL-SENSITIVE"));
	free(csv);
	haven_table_free(t);
	char buf[32];
	static const char *const at31[] = {AT_31_MARCH, NULL};
	assert_string_equal(figure(open, CLA, "children_count", at31, "2025", "E92000001", buf, sizeof buf), "81770");
	haven_ctx_free(open);
	haven_ctx_free(ctx);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(test_bundled_import), cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_latest), cmocka_unit_test(test_dfe_numbers), cmocka_unit_test(test_symbols),
        cmocka_unit_test(test_old_la_code), cmocka_unit_test(test_bom), cmocka_unit_test(test_columns),
        cmocka_unit_test(test_bad_files), cmocka_unit_test(test_replace), cmocka_unit_test(test_governance))
