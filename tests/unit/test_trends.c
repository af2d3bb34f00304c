/*
 * test_trends.c - trends of children missing from care, outliers and the
 * statistics under them (src/analysis/missing_trends.c).
 *
 * The store is real: the fixture register (tests/fixtures/register,
 * months received 2025-01-31, 2025-02-28, 2025-03-31, then month3 again
 * with Ofsted's judgements, 2025-04-10) over the fixture's LAs, and
 * episodes put into missing_child, missing_report and missing_episode with SQL
 * exactly as schema 9 and docs/missing.md describe them (a load, a police report per
 * episode, the episode linked to it).  Every expected figure is worked out
 * by hand in the comments beside it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/missing_trends.h"
#include "core/context.h"
#include "core/sql.h"
#include "core/table.h"
#include "testutil.h"

#define MANCHESTER "E08000003"
#define SALFORD "E08000006"
#define BRISTOL "E06000023"
#define LEEDS "E08000035"

static haven_ctx *ctx;

/* One episode of child c (missing_child's id: the character's code, its
 * pseudonym 32 bytes of digits) at urn, from a time, returned after hours
 * (< 0: still missing).  Times are the clock's seconds (schema 9). */
static void episode(char c, const char *urn, const char *placing, const char *host, const char *from, double hours,
                    int cse, int cce, int offered, int held, int independent)
{
	static int ref;
	ref++;
	char returned[128] = "NULL";
	if (hours >= 0)
		snprintf(returned, sizeof returned, "CAST(strftime('%%s', '%s', '+%d minutes') AS INTEGER)", from,
		         (int)(hours * 60));
	char *sql = sqlite3_mprintf(
	    "INSERT OR IGNORE INTO missing_child(id, pseudonym) VALUES(%d, CAST(printf('%%032d', %d) AS BLOB));"
	    "INSERT INTO missing_report(source, source_ref, load_id, source_row, child, urn, placing_la, missing_from,"
	    " returned_at, risk, cse, cce, ri_offered, ri_held, ri_independent, content)"
	    " VALUES('police', 'R%d', 1, %d, %d, '%q', %Q, CAST(strftime('%%s', '%q') AS INTEGER), %s, 'low', %d, %d,"
	    " %d, %d, %d, zeroblob(16));"
	    "INSERT INTO missing_episode(child, urn, placing_la, host_la, missing_from, returned_at, risk,"
	    " cse, cce, ri_offered, ri_held, ri_independent, police_report)"
	    " VALUES(%d, '%q', %Q, %Q, CAST(strftime('%%s', '%q') AS INTEGER), %s, 'low', %d, %d, %d, %d, %d,"
	    " last_insert_rowid())",
	    c, c, ref, ref + 1, c, urn, placing, from, returned, cse, cce, offered, held, independent, c, urn, placing,
	    host, from, returned, cse, cce, offered, held, independent);
	tu_ok(ctx, hv_exec(ctx, sql));
	sqlite3_free(sql);
}

static int setup(void **state)
{
	(void)state;
	ctx = tu_new_store("trends.db");
	tu_fixture_areas(ctx);
	haven_register_report r;
	tu_ok(ctx, haven_register_import(ctx, tu_fixture("register/month1.csv"), "2025-01-31", 0, &r));
	tu_ok(ctx, haven_register_import(ctx, tu_fixture("register/month2.csv"), "2025-02-28", 0, &r));
	tu_ok(ctx, haven_register_import(ctx, tu_fixture("register/month3.csv"), "2025-03-31", 0, &r));
	tu_ok(ctx, haven_register_import(ctx, tu_fixture("register/month4_judged.csv"), "2025-04-10", 0, &r));
	tu_ok(ctx, hv_exec(ctx, "INSERT INTO missing_load(id, source, file, sha256, loaded_at, rows_read, added,"
	                        " superseded, unchanged, rejected) VALUES(1, 'police', 'episodes.csv',"
	                        " printf('%064d', 1), '2025-04-01T00:00:00Z', 40, 40, 0, 0, 0)"));
	/* Oak House (SC100001, Manchester, 4 places), January 2025: child a
	 * three times (2, 4 and 10 hours; placed by Bristol), b once (6 h,
	 * placed by Manchester), c once and still missing (placing LA not
	 * recorded). */
	episode('a', "SC100001", BRISTOL, MANCHESTER, "2025-01-03T22:00:00", 2, 1, 0, 1, 1, 1);
	episode('a', "SC100001", BRISTOL, MANCHESTER, "2025-01-10T21:00:00", 4, 0, 0, 1, 1, 0);
	episode('a', "SC100001", BRISTOL, MANCHESTER, "2025-01-20T23:30:00", 10, 0, 0, 1, 0, 0);
	episode('b', "SC100001", MANCHESTER, MANCHESTER, "2025-01-25T19:00:00", 6, 0, 0, 0, 0, 0);
	episode('c', "SC100001", NULL, MANCHESTER, "2025-01-30T18:00:00", -1, 0, 1, 0, 0, 0);
	/* Maple House (SC100009, Salford, 5 places, registered 2025-02-03):
	 * child b once in February (1 h). */
	episode('b', "SC100009", MANCHESTER, SALFORD, "2025-02-14T20:00:00", 1, 0, 0, 1, 1, 0);
	/* Hazel Cottage (SC100008, Leeds, 2 places): 30 episodes of child d in
	 * March, 2 hours each. */
	for (int i = 0; i < 30; i++) {
		char from[32];
		snprintf(from, sizeof from, "2025-03-%02dT%02d:00:00", 1 + i, 10 + i % 10);
		episode('d', "SC100008", LEEDS, LEEDS, from, 2, 0, 0, 1, 1, 0);
	}
	haven_authority_spec dfe = {.kind = "dfe", .code = "DFE", .name = "Department for Education"};
	tu_ok(ctx, haven_authority_add(ctx, &dfe));
	haven_user_spec dee = {.name = "dee", .authority = "DFE", .role = "analyst", .default_purpose = "policy"};
	tu_ok(ctx, haven_user_add(ctx, &dee, NULL, NULL));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	haven_ctx_free(ctx);
	return 0;
}

/* ---- the statistics ----------------------------------------------------------- */

/* 1. Quantiles by linear interpolation between order statistics (type 7):
 *    h = (n - 1) p, the value at floor(h) plus the fraction of the step. */
static void test_quantiles(void **state)
{
	(void)state;
	static const double four[] = {2, 4, 6, 10}, ten[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, one[] = {7};
	static const struct {
		const char *name;
		const double *v;
		size_t n;
		double p, want;
	} cases[] = {
	    {"1.1 median of 4: (4 + 6) / 2", four, 4, 0.5, 5},
	    {"1.2 p90 of 4: h = 2.7, 6 + 0.7 x 4", four, 4, 0.9, 8.8},
	    {"1.3 median of 1 to 10", ten, 10, 0.5, 5.5},
	    {"1.4 p90 of 1 to 10: h = 8.1", ten, 10, 0.9, 9.1},
	    {"1.5 one value", one, 1, 0.9, 7},
	    {"1.6 p = 1: the greatest", four, 4, 1, 10},
	    {"1.7 p = 0: the least", four, 4, 0, 2},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (fabs(hv_trends_quantile(cases[i].v, cases[i].n, cases[i].p) - cases[i].want) > 1e-12)
			fail_msg("%s: got %g, want %g", cases[i].name,
			         hv_trends_quantile(cases[i].v, cases[i].n, cases[i].p), cases[i].want);
	assert_true(isnan(hv_trends_quantile(four, 0, 0.5))); /* 1.8 none */
}

/* 2. The gamma function against Poisson tails summed term by term,
 *    chi-square quantiles and exact Poisson intervals against published
 *    values (R's qchisq and poisson.test, to the digits printed), and the
 *    control limits against the Poisson tails. */
static void test_poisson(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		double got_a, got_b; /* inputs */
		int what;            /* 0 gamma_p, 1 chi2 quantile, 2 ci lo, 3 ci hi */
		double want, tol;
	} cases[] = {
	    {"2.1 P(1, 1) = 1 - 1/e", 1, 1, 0, 0.6321205588285577, 1e-12},
	    {"2.2 Pr(Poisson(10) >= 17) = P(17, 10)", 17, 10, 0, 0.0270416098, 1e-9},
	    {"2.3 Pr(Poisson(10) >= 18)", 18, 10, 0, 0.0142776136, 1e-9},
	    {"2.4 P(50, 70), the continued fraction", 50, 70, 0, 0.9948594975, 1e-9},
	    {"2.5 qchisq(0.975, 1)", 0.975, 1, 1, 5.023886, 1e-6},
	    {"2.6 qchisq(0.025, 20)", 0.025, 20, 1, 9.590777, 1e-6},
	    {"2.7 qchisq(0.95, 10)", 0.95, 10, 1, 18.307038, 1e-6},
	    {"2.8 poisson.test(10): lower 95%", 10, 0.95, 2, 4.795389, 1e-6},
	    {"2.9 poisson.test(10): upper 95%", 10, 0.95, 3, 18.390356, 1e-6},
	    {"2.10 poisson.test(0): upper 95%", 0, 0.95, 3, 3.688879, 1e-6},
	    {"2.11 poisson.test(0): lower 0", 0, 0.95, 2, 0, 0},
	    {"2.12 poisson.test(5, conf.level = 0.998): lower", 5, 0.998, 2, 0.7393, 1e-4},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double lo, hi, got;
		switch (cases[i].what) {
		case 0: got = hv_gamma_p(cases[i].got_a, cases[i].got_b); break;
		case 1: got = hv_chi2_quantile(cases[i].got_a, cases[i].got_b); break;
		default: hv_poisson_ci(cases[i].got_a, cases[i].got_b, &lo, &hi); got = cases[i].what == 2 ? lo : hi;
		}
		if (fabs(got - cases[i].want) > cases[i].tol)
			fail_msg("%s: got %.9g, want %.9g", cases[i].name, got, cases[i].want);
	}
	/* 2.13 the 95% upper limit at an expectation of 10: between 17 and 18
	 * (Pr(>= 17) = 0.0270 > 0.025 > Pr(>= 18) = 0.0143), and exactly where
	 * the tail is 2.5% */
	double lo, hi;
	hv_poisson_limits(10, 0.95, &lo, &hi);
	assert_true(hi > 17 && hi < 18);
	assert_true(fabs(hv_gamma_p(hi, 10) - 0.025) < 1e-9);
	/* 2.14 the lower limit: Pr(<= 3) = 0.0103 < 0.025 < Pr(<= 4) = 0.0293,
	 * so between 3 and 4 */
	assert_true(lo > 3 && lo < 4);
	assert_true(fabs(1 - hv_gamma_p(lo + 1, 10) - 0.025) < 1e-9);
	/* 2.15 the limits are the Garwood interval turned round: the count hi
	 * has its exact lower 95% bound at 10 */
	double clo, chi;
	hv_poisson_ci(hi, 0.95, &clo, &chi);
	assert_true(fabs(clo - 10) < 1e-6);
	/* 2.16 99.8% is wider than 95% */
	double lo2, hi2;
	hv_poisson_limits(10, 0.998, &lo2, &hi2);
	assert_true(hi2 > hi && lo2 < lo);
	/* 2.17 a tiny expectation: the lower limit is 0 */
	hv_poisson_limits(0.05, 0.998, &lo2, &hi2);
	assert_true(lo2 == 0 && hi2 > 0);
}

/* ---- trends -------------------------------------------------------------------- */

static haven_table *trends(const char *by, const char *area, const char *from, const char *to)
{
	haven_trends_opts o = {.by = by, .area = area, .from = from, .to = to};
	haven_table *t;
	tu_ok(ctx, haven_trends(ctx, &o, &t));
	assert_true(haven_table_sealed(t));
	tu_release(ctx, t);
	return t;
}

/* The row of period and area code, or fails. */
static size_t row_of(const haven_table *t, const char *period, const char *code)
{
	int pc = haven_table_find(t, "period"), ac = haven_table_find(t, "area_code");
	for (size_t r = 0; r < haven_table_nrows(ctx, t); r++)
		if (!strcmp(haven_table_text(ctx, t, r, pc), period) && !strcmp(haven_table_text(ctx, t, r, ac), code))
			return r;
	fail_msg("no row %s %s", period, code);
	return 0;
}

/* Cell col of row r as text: a number as %g, "" for an empty cell. */
static const char *cell(const haven_table *t, size_t r, const char *col)
{
	static char buf[8][64];
	static int next;
	int c = haven_table_find(t, col);
	if (c < 0)
		fail_msg("no column %s", col);
	char *b = buf[next++ % 8];
	switch (haven_table_type(ctx, t, r, c)) {
	case HAVEN_CELL_INT: snprintf(b, 64, "%lld", (long long)haven_table_int(ctx, t, r, c)); return b;
	case HAVEN_CELL_REAL: snprintf(b, 64, "%.10g", haven_table_real(ctx, t, r, c)); return b;
	case HAVEN_CELL_TEXT: return haven_table_text(ctx, t, r, c);
	default: return "";
	}
}

typedef struct expect {
	const char *col, *want;
} expect;

static void check_row(const char *name, const haven_table *t, const char *period, const char *code, const expect *e,
                      size_t n)
{
	size_t r = row_of(t, period, code);
	for (size_t i = 0; i < n; i++)
		if (strcmp(cell(t, r, e[i].col), e[i].want) != 0)
			fail_msg("%s: %s %s %s: got '%s', want '%s'", name, period, code, e[i].col,
			         cell(t, r, e[i].col), e[i].want);
}

#define CHECK(name, t, period, code, ...)                                                                              \
	do {                                                                                                           \
		static const expect e_[] = {__VA_ARGS__};                                                              \
		check_row(name, t, period, code, e_, sizeof e_ / sizeof e_[0]);                                        \
	} while (0)

/* 3. By the home's LA and month. */
static void test_host_la(void **state)
{
	(void)state;
	tu_act(ctx, "admin");
	haven_table *t = trends("month", "host-la", "2025-01-01", "2025-03-31");
	/* 3.1 Manchester, January: 5 episodes of 3 children, a repeated; the 4
	 * returned last 2, 4, 6, 10 h (median 5, p90 8.8); exploitation 2 of 5;
	 * interviews of the 4 returned: offered 3, held 2, independent 1; Oak
	 * House's 4 places all month (its first version, received 2025-01-31,
	 * holds from its registration in 2019): 5 / 4 x 100 = 125 */
	CHECK("3.1", t, "2025-01", MANCHESTER, {"period_start", "2025-01-01"}, {"geographic_level", "la"},
	      {"area_name", "Manchester"}, {"episodes", "5"}, {"children", "3"}, {"children_repeat", "1"},
	      {"episodes_per_child", "1.67"}, {"median_hours", "5"}, {"p90_hours", "8.8"}, {"exploitation_pct", "40"},
	      {"ri_offered_pct", "75"}, {"ri_held_pct", "50"}, {"ri_independent_pct", "25"}, {"places", "4"},
	      {"episodes_per_100_places", "125"});
	/* 3.2 Salford, January: Maple House registered 2025-02-03, no places
	 * yet, no episodes: a true zero and no rate ("z") */
	CHECK("3.2", t, "2025-01", SALFORD, {"episodes", "0"}, {"children", "0"}, {"places", "0"},
	      {"episodes_per_100_places", "z"}, {"median_hours", ""});
	/* 3.3 Salford, February: the home opened mid-month, 3 to 28 February
	 * (26 days) x 5 places / 28 days = 4.642857; 1 episode: 21.54 per 100 */
	CHECK("3.3", t, "2025-02", SALFORD, {"episodes", "1"}, {"places", "4.64"}, {"episodes_per_100_places", "21.54"},
	      {"median_hours", "1"}, {"p90_hours", "1"});
	/* 3.4 Kingston upon Hull: Willow Bank (3 places) resigned in the
	 * snapshot of 2025-02-28: open 1 to 27 February, 27 x 3 / 28 = 2.89;
	 * none in March */
	CHECK("3.4", t, "2025-02", "E06000010", {"places", "2.89"});
	CHECK("3.5", t, "2025-03", "E06000010", {"places", "0"});
	/* 3.6 Southend-on-Sea: Ash Grove (4 places) left the register at
	 * 2025-02-28 and was back at 2025-03-31: February 27 days (3.86), March
	 * one day, 4 / 31 = 0.13 */
	CHECK("3.6", t, "2025-02", "E06000033", {"places", "3.86"});
	CHECK("3.7", t, "2025-03", "E06000033", {"places", "0.13"});
	/* 3.8 Leeds, March: 30 episodes of one child, all returned after 2 h */
	CHECK("3.8", t, "2025-03", LEEDS, {"episodes", "30"}, {"children", "1"}, {"children_repeat", "1"},
	      {"episodes_per_child", "30"}, {"median_hours", "2"}, {"ri_held_pct", "100"});
	/* 3.9 the table's shape: every area with places or episodes, three
	 * months each; released to the admin as it is, marked */
	assert_int_equal(haven_table_nrows(ctx, t) % 3, 0);
	assert_string_equal(haven_table_marking(t), "OFFICIAL-SENSITIVE");
	assert_string_equal(haven_table_meta(t, "period"), "2025-01-01/2025-03-31");
	haven_table_free(t);
}

/* 4. By the placing LA, the quarter, the home and England. */
static void test_other_areas(void **state)
{
	(void)state;
	tu_act(ctx, "admin");
	haven_table *t = trends("month", "la", "2025-01-01", "2025-03-31");
	/* 4.1 Bristol placed child a: 3 episodes; places are not applicable */
	CHECK("4.1", t, "2025-01", BRISTOL, {"episodes", "3"}, {"children", "1"}, {"children_repeat", "1"},
	      {"places", "z"}, {"episodes_per_100_places", "z"});
	/* 4.2 Manchester placed b: January once, February once (at Salford) */
	CHECK("4.2", t, "2025-01", MANCHESTER, {"episodes", "1"});
	CHECK("4.3", t, "2025-02", MANCHESTER, {"episodes", "1"}, {"children", "1"});
	/* 4.4 c's placing LA was not recorded */
	CHECK("4.4", t, "2025-01", "unknown", {"episodes", "1"}, {"area_name", "placing authority not recorded"});
	haven_table_free(t);
	/* 4.5 England by quarter: 36 episodes of 4 children; a, b and d more
	 * than once */
	t = trends("quarter", "england", "2025-01-01", "2025-03-31");
	assert_int_equal(haven_table_nrows(ctx, t), 1);
	CHECK("4.5", t, "2025-Q1", "E92000001", {"episodes", "36"}, {"children", "4"}, {"children_repeat", "3"},
	      {"period_start", "2025-01-01"});
	haven_table_free(t);
	/* 4.6 by home and year, from the first episode (the whole of its year)
	 * to the last */
	t = trends("year", "home", NULL, NULL);
	CHECK("4.6", t, "2025", "SC100009", {"episodes", "1"}, {"geographic_level", "home"});
	assert_string_equal(haven_table_meta(t, "period"), "2025-01-01/2025-03-30");
	haven_table_free(t);
	/* 4.7 by financial year (April to March, as DfE's statistics run): every
	 * episode in 2024-25, which by default starts on 1 April 2024 */
	t = trends("fy", "england", NULL, NULL);
	assert_int_equal(haven_table_nrows(ctx, t), 1);
	CHECK("4.7", t, "2024-25", "E92000001", {"episodes", "36"}, {"period_start", "2024-04-01"});
	assert_string_equal(haven_table_meta(t, "by"), "financial year");
	haven_table_free(t);
}

/* 5. Bad requests. */
static void test_refused(void **state)
{
	(void)state;
	tu_act(ctx, "admin");
	static const struct {
		const char *name, *by, *area, *from, *to;
		haven_status want;
		const char *msg;
	} cases[] = {
	    {"5.1 --by", "week", "la", NULL, NULL, HAVEN_ERR_USAGE, "--by 'week': use month, quarter, year or fy"},
	    {"5.2 --area", "month", "ward", NULL, NULL, HAVEN_ERR_USAGE, "--area 'ward'"},
	    {"5.3 a date", "month", "la", "2025-02-30", NULL, HAVEN_ERR_VALUE, "'2025-02-30' is not a date"},
	    {"5.4 backwards", "month", "la", "2025-03-01", "2025-02-01", HAVEN_ERR_VALUE, "runs backwards"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		haven_trends_opts o = {
		    .by = cases[i].by, .area = cases[i].area, .from = cases[i].from, .to = cases[i].to};
		haven_table *t = NULL;
		haven_status st = haven_trends(ctx, &o, &t);
		if (st != cases[i].want || !strstr(haven_errmsg(ctx), cases[i].msg))
			fail_msg("%s: got %s '%s'", cases[i].name, haven_status_name(st), haven_errmsg(ctx));
		assert_null(t);
	}
	/* 5.5 nobody acting */
	haven_ctx *c2;
	assert_int_equal(haven_ctx_new(&c2), HAVEN_OK);
	tu_ok(c2, haven_store_open(c2, tu_tmp("trends.db")));
	haven_trends_opts o = {.by = "month", .area = "la"};
	haven_table *t = NULL;
	tu_assert_status(c2, haven_trends(c2, &o, &t), HAVEN_ERR_DENIED);
	haven_ctx_free(c2);
}

/* 6. DfE: aggregates only, under disclosure control. */
static void test_dfe(void **state)
{
	(void)state;
	tu_act(ctx, "dee");
	/* the financial year 2024-25: DfE's windows are whole financial years */
	haven_trends_opts o = {.by = "fy", .area = "host-la", .from = "2024-04-01", .to = "2025-03-31"};
	haven_table *t;
	tu_ok(ctx, haven_trends(ctx, &o, &t));
	tu_ok(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR));
	/* 6.1 Manchester's 3 children and 5 episodes are 1 to 5: suppressed,
	 * and the rates over them with them; Leeds's 30 episodes pass, its 1
	 * child does not */
	CHECK("6.1", t, "2024-25", MANCHESTER, {"episodes", "c"}, {"children", "c"}, {"children_repeat", "c"},
	      {"median_hours", "c"}, {"episodes_per_100_places", "c"});
	CHECK("6.2", t, "2024-25", LEEDS, {"episodes", "30"}, {"children", "c"}, {"episodes_per_child", "c"});
	/* 6.3 a true zero stays 0 (Stockport's); Salford's 0 protects
	 * Manchester's 5 in England's 40 */
	CHECK("6.3", t, "2024-25", "E08000007", {"episodes", "0"});
	CHECK("6.3", t, "2024-25", SALFORD, {"episodes", "c"});
	/* 6.3a only the financial year's rows are released: England's months
	 * and quarters were controlled with them and withheld */
	for (size_t r = 0; r < haven_table_nrows(ctx, t); r++)
		assert_string_equal(cell(t, r, "period"), "2024-25");
	haven_table_free(t);
	/* 6.3b an area's months or quarters, or calendar years, are refused
	 * (its months could be had as its year less the months published),
	 * before anything is read */
	static const struct {
		const char *by, *area;
	} refused[] = {
	    {"month", "host-la"}, {"quarter", "region"}, {"month", "la"}, {"year", "england"}, {NULL, "pfa"}};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		haven_trends_opts r = {.by = refused[i].by, .area = refused[i].area};
		if (!r.by) { /* the default for an area is the financial year */
			tu_ok(ctx, haven_trends(ctx, &r, &t));
			assert_string_equal(haven_table_meta(t, "by"), "financial year");
			haven_table_free(t);
			continue;
		}
		t = NULL;
		tu_assert_status(ctx, haven_trends(ctx, &r, &t), HAVEN_ERR_VALUE);
		tu_assert_msg(ctx, "by financial year (--by fy)");
		assert_null(t);
		tu_assert_status(ctx, haven_missing_linkage(ctx, &r, &t), HAVEN_ERR_VALUE);
	}
	/* 6.3c England by month: the months of 2024-25 (5 episodes in January,
	 * 1 in February, 30 in March), the year and its quarters in the same
	 * table, withheld; January and February are suppressed, and March's
	 * 30 with the quarter's or the year's total cannot give either */
	haven_trends_opts m = {.by = "month", .area = "england"};
	tu_ok(ctx, haven_trends(ctx, &m, &t));
	/* two hierarchies: areas within a period, periods within an area */
	const hv_hierarchy *hy;
	assert_int_equal(hv_table_hierarchies(t, &hy), 2);
	assert_string_equal(haven_table_colname(t, hy[1].code), "period_id");
	assert_string_equal(haven_table_colname(t, hy[1].parent), "period_parent");
	/* every row of the financial year: its LAs', England's year, quarters
	 * and months (10 + 1 + 4 + 12), 12 of them released */
	assert_int_equal(hv_table_rows(t), 27);
	tu_ok(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR));
	assert_int_equal(haven_table_nrows(ctx, t), 12);
	CHECK("6.3c", t, "2025-01", "E92000001", {"episodes", "c"}, {"period_parent", "quarter:2025-Q1"});
	CHECK("6.3c", t, "2025-02", "E92000001", {"episodes", "c"});
	CHECK("6.3c", t, "2025-03", "E92000001", {"episodes", "30"}, {"period_id", "month:2025-03"});
	CHECK("6.3c", t, "2024-04", "E92000001", {"episodes", "0"}, {"period_parent", "quarter:2024-Q2"});
	haven_table_free(t);
	/* 6.4 the list of homes is refused: it names homes */
	haven_outliers_opts oo = {.from = "2024-04-01", .to = "2025-03-31"};
	tu_ok(ctx, haven_trends_outliers(ctx, &oo, &t));
	tu_assert_status(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "may receive aggregates only");
	haven_table_free(t);
	/* 6.5 so are trends by home */
	o.area = "home";
	tu_ok(ctx, haven_trends(ctx, &o, &t));
	tu_assert_status(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR), HAVEN_ERR_DENIED);
	haven_table_free(t);
	/* 6.6 a window that is not whole financial years is refused before
	 * anything is read or released (two windows a month apart would give
	 * that month), for trends, linkage counts and the scorecard alike,
	 * with nothing audited */
	int64_t audited = tu_int(ctx, "SELECT count(*) FROM audit");
	static const struct {
		const char *from, *to, *bad;
	} windows[] = {{"2025-01-01", "2025-03-31", "--from 2025-01-01"},
	               {"2024-04-01", "2025-02-28", "--to 2025-02-28"},
	               {"2024-04-02", NULL, "--from 2024-04-02"},
	               {NULL, "2025-04-01", "--to 2025-04-01"}};
	for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++) {
		haven_trends_opts w = {.by = "fy", .area = "la", .from = windows[i].from, .to = windows[i].to};
		haven_scorecard_opts sw = {.from = windows[i].from, .to = windows[i].to};
		t = NULL;
		tu_assert_status(ctx, haven_trends(ctx, &w, &t), HAVEN_ERR_VALUE);
		tu_assert_msg(ctx, windows[i].bad);
		tu_assert_msg(ctx, "whole financial years, April to March");
		assert_null(t);
		tu_assert_status(ctx, haven_missing_linkage(ctx, &w, &t), HAVEN_ERR_VALUE);
		tu_assert_status(ctx, haven_trends_scorecard(ctx, &sw, &t), HAVEN_ERR_VALUE);
		assert_null(t);
	}
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM audit"), audited);
	/* 6.6a the scorecard of one financial year is the trends' table by LA
	 * and financial year (regions and England above, England's months
	 * withheld) with the scorecard's figures: the same counts, suppressed
	 * alike, so neither can give the other's away */
	for (int host = 0; host < 2; host++) {
		haven_scorecard_opts so = {.by = host ? "host" : "placing", .from = "2024-04-01", .to = "2025-03-31"};
		haven_trends_opts to = {.by = "fy", .area = host ? "host-la" : "la", .from = so.from, .to = so.to};
		haven_table *sc, *tr;
		tu_ok(ctx, haven_trends_scorecard(ctx, &so, &sc));
		tu_ok(ctx, haven_release(ctx, sc, HAVEN_AUDIENCE_ACTOR));
		tu_ok(ctx, haven_trends(ctx, &to, &tr));
		tu_ok(ctx, haven_release(ctx, tr, HAVEN_AUDIENCE_ACTOR));
		assert_int_equal(haven_table_nrows(ctx, sc), haven_table_nrows(ctx, tr));
		int suppressed = 0;
		static const char *const same[] = {"area_code",       "episodes",    "children",
		                                   "children_repeat", "police_only", "parent"};
		for (size_t r = 0; r < haven_table_nrows(ctx, sc); r++)
			for (size_t c = 0; c < sizeof same / sizeof *same; c++) {
				assert_string_equal(cell(sc, r, same[c]), cell(tr, r, same[c]));
				suppressed += strcmp(cell(sc, r, same[c]), "c") == 0;
			}
		assert_true(suppressed > 0);
		/* England first; by the home's LA, Leeds's 30 episodes of its 1
		 * child: the share of children missing more than once is over
		 * a suppressed count, so suppressed too */
		assert_string_equal(cell(sc, 0, "area_code"), "E92000001");
		assert_true(haven_table_find(sc, "ri_held_pct_vs_england") >= 0);
		if (host)
			CHECK("6.6a", sc, "2024-25", LEEDS, {"episodes", "30"}, {"children", "c"}, {"repeat_pct", "c"},
			      {"repeat_pct_vs_england", "c"});
		haven_table_free(sc);
		haven_table_free(tr);
	}
	/* 6.7 with no window, DfE's runs over the financial years of the
	 * episodes: 2024-04-01 to 2025-03-31 */
	haven_trends_opts d = {.by = "quarter", .area = "england"};
	tu_ok(ctx, haven_trends(ctx, &d, &t));
	assert_string_equal(haven_table_meta(t, "period"), "2024-04-01/2025-03-31");
	tu_ok(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR));
	assert_int_equal(haven_table_nrows(ctx, t), 4);
	CHECK("6.7", t, "2025-Q1", "E92000001", {"episodes", "40"}, {"period_parent", "fy:2024-25"});
	haven_table_free(t);
	/* 6.8 a record-level audience keeps free windows */
	tu_act(ctx, "admin");
	haven_trends_opts a = {.by = "month", .area = "la", .from = "2025-01-01", .to = "2025-02-28"};
	tu_ok(ctx, haven_trends(ctx, &a, &t));
	haven_table_free(t);
}

/* 7. Outliers: Hazel Cottage's 30 episodes on 2 places. */
static void test_outliers(void **state)
{
	(void)state;
	tu_act(ctx, "admin");
	haven_outliers_opts o = {.from = "2025-01-01", .to = "2025-03-31"};
	haven_table *t;
	tu_ok(ctx, haven_trends_outliers(ctx, &o, &t));
	tu_release(ctx, t);
	/* 7.1 one home above the 99.8% limit: SC100008, 30 episodes */
	assert_int_equal(haven_table_nrows(ctx, t), 1);
	assert_string_equal(cell(t, 0, "urn"), "SC100008");
	assert_string_equal(cell(t, 0, "episodes"), "30");
	assert_string_equal(cell(t, 0, "places"), "2");
	assert_string_equal(cell(t, 0, "above"), "99.8%");
	/* 7.2 expected = the reference rate x 2 places; its limit is the
	 * count whose exact lower bound is the expectation */
	double expected = atof(cell(t, 0, "expected")), limit = atof(cell(t, 0, "upper_998"));
	double rate = atof(haven_table_meta(t, "reference_rate"));
	assert_true(fabs(expected - rate * 2) < 0.01);
	double lo, hi;
	hv_poisson_limits(rate * 2, 0.998, &lo, &hi);
	assert_true(fabs(limit - hi / 2) < 0.001);
	assert_true(15 > limit); /* 30 / 2 = 15 per place, above it */
	haven_table_free(t);
	/* 7.3 --all: every home with places, each flagged */
	o.all = 1;
	tu_ok(ctx, haven_trends_outliers(ctx, &o, &t));
	tu_release(ctx, t);
	assert_true(haven_table_nrows(ctx, t) >= 8);
	assert_string_equal(cell(t, 0, "urn"), "SC100008"); /* most extreme first */
	haven_table_free(t);
	/* 7.4 --inspection: Hazel Cottage was judged Good (the judgement of
	 * its latest version, from Ofsted's column) */
	o.all = 0;
	o.inspection = 1;
	tu_ok(ctx, haven_trends_outliers(ctx, &o, &t));
	tu_release(ctx, t);
	assert_int_equal(haven_table_nrows(ctx, t), 1);
	assert_string_equal(cell(t, 0, "judgement"), "Good");
	assert_string_equal(cell(t, 0, "inspection_date"), "2024-10-14");
	haven_table_free(t);
	/* 7.5 January alone: Oak House's 5 episodes of the 5, on 4 of the 29
	 * places open (the eight homes of the first snapshot): expected 5 / 29
	 * x 4 = 0.69, and Pr(Poisson(0.69) >= 5) = 0.00074 < 0.001 <
	 * Pr(>= 4) = 0.0055, so the 99.8% limit is between 4 and 5 episodes,
	 * 1 and 1.25 per place */
	o.inspection = 0;
	o.to = "2025-01-31";
	tu_ok(ctx, haven_trends_outliers(ctx, &o, &t));
	tu_release(ctx, t);
	assert_int_equal(haven_table_nrows(ctx, t), 1);
	assert_string_equal(cell(t, 0, "urn"), "SC100001");
	assert_string_equal(cell(t, 0, "expected"), "0.69");
	assert_string_equal(cell(t, 0, "episodes_per_place"), "1.25");
	limit = atof(cell(t, 0, "upper_998"));
	assert_true(limit > 1 && limit < 1.25);
	assert_true(strstr(haven_table_meta(t, "reference_rate"), "(5 episodes over 29.00 places"));
	haven_table_free(t);
	/* 7.6 February alone: one episode at Maple House, expected 0.2 or so:
	 * nobody stands out */
	o.from = "2025-02-01";
	o.to = "2025-02-28";
	tu_ok(ctx, haven_trends_outliers(ctx, &o, &t));
	tu_release(ctx, t);
	assert_int_equal(haven_table_nrows(ctx, t), 0);
	haven_table_free(t);
}

/* 8. The scorecard by placing LA, January to March. */
static void test_scorecard(void **state)
{
	(void)state;
	tu_act(ctx, "admin");
	haven_scorecard_opts o = {.from = "2025-01-01", .to = "2025-03-31"};
	haven_table *t;
	tu_ok(ctx, haven_trends_scorecard(ctx, &o, &t));
	tu_release(ctx, t);
	/* 8.1 England first: 36 episodes of 4 children, a, b and d more than
	 * once (75%); every episode graded low; 35 returned, of which
	 * interviews were offered after 34 (a 3, b 1, d 30: 97.1%), held after
	 * 33 (94.3%), independently after 1 (2.9%); the median of 1, 2 (31
	 * times), 4, 6, 10 is 2 */
	assert_string_equal(cell(t, 0, "area_code"), "E92000001");
	static const expect england[] = {{"episodes", "36"},
	                                 {"children", "4"},
	                                 {"children_repeat", "3"},
	                                 {"repeat_pct", "75"},
	                                 {"risk_low_pct", "100"},
	                                 {"risk_high_pct", "0"},
	                                 {"ri_offered_pct", "97.1"},
	                                 {"ri_held_pct", "94.3"},
	                                 {"ri_independent_pct", "2.9"},
	                                 {"median_hours", "2"},
	                                 {"repeat_pct_vs_england", ""}};
	for (size_t i = 0; i < sizeof england / sizeof england[0]; i++)
		if (strcmp(cell(t, 0, england[i].col), england[i].want) != 0)
			fail_msg("8.1 England %s: got '%s', want '%s'", england[i].col, cell(t, 0, england[i].col),
			         england[i].want);
	/* 8.2 Bristol placed a: 3 episodes, all repeats (100%, 25 points
	 * above England); interviews held after 2 of 3 (66.7%, 27.6 points
	 * below); median 4 hours, 2 above */
	size_t r = 0;
	while (r < haven_table_nrows(ctx, t) && strcmp(cell(t, r, "area_code"), BRISTOL) != 0)
		r++;
	assert_true(r < haven_table_nrows(ctx, t));
	static const expect bristol[] = {{"geographic_level", "la"},
	                                 {"area_name", "Bristol, City of"},
	                                 {"episodes", "3"},
	                                 {"repeat_pct", "100"},
	                                 {"repeat_pct_vs_england", "25"},
	                                 {"ri_held_pct", "66.7"},
	                                 {"ri_held_pct_vs_england", "-27.6"},
	                                 {"median_hours", "4"},
	                                 {"median_hours_vs_england", "2"}};
	for (size_t i = 0; i < sizeof bristol / sizeof bristol[0]; i++)
		if (strcmp(cell(t, r, bristol[i].col), bristol[i].want) != 0)
			fail_msg("8.2 Bristol %s: got '%s', want '%s'", bristol[i].col, cell(t, r, bristol[i].col),
			         bristol[i].want);
	/* 8.3 the LAs: Bristol, Leeds, Manchester, and c's unrecorded one */
	assert_int_equal(haven_table_nrows(ctx, t), 5);
	haven_table_free(t);
	/* 8.4 --by anything else */
	o.by = "region";
	tu_assert_status(ctx, haven_trends_scorecard(ctx, &o, &t), HAVEN_ERR_USAGE);
	tu_assert_msg(ctx, "--by 'region': use placing or host");
}

/* 9. The measures of 'haven export' (src/analysis/measures.c). */
static void test_measures(void **state)
{
	(void)state;
	tu_act(ctx, "admin");
	const char *names[] = {"missing_episodes",        "missing_children",
	                       "missing_children_repeat", "missing_episodes_per_100_places",
	                       "missing_ri_held_pct",     "places"};
	haven_aggregate_opts o = {
	    .geography = "la", .measures = names, .n_measures = 6, .from = "2025-01-01", .to = "2025-03-31"};
	haven_table *t;
	tu_ok(ctx, haven_aggregate(ctx, &o, &t));
	tu_release(ctx, t);
	int ac = haven_table_find(t, "area_code");
	static const struct {
		const char *code, *episodes, *children, *repeat, *per_100, *held;
	} cases[] = {
	    /* 9.1 Manchester's home: 5 episodes of 3 children, a repeated; Oak
	     * House's 4 places on the as-at date (2025-04-10): 125 per 100;
	     * interviews held after 2 of the 4 returned */
	    {MANCHESTER, "5", "3", "1", "125", "50"},
	    /* 9.2 Leeds: 30 of d, 2 places, every interview held */
	    {LEEDS, "30", "1", "1", "1500", "100"},
	    /* 9.3 Salford: b once, 5 places */
	    {SALFORD, "1", "1", "0", "20", "100"},
	    /* 9.4 Bristol: no episode at its home (4 places): 0 per 100, and no
	     * share of interviews ("z") */
	    {BRISTOL, "0", "0", "0", "0", "z"},
	    /* 9.5 England: 36 episodes of 4 children, b counted once though
	     * missing from Manchester and Salford; a, b, d repeated; 36 over the
	     * 34 places of the homes on the register: 105.88; held after 33 of
	     * the 35 returned */
	    {"E92000001", "36", "4", "3", "105.8823529", "94.28571429"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t r = 0;
		while (r < haven_table_nrows(ctx, t) && strcmp(haven_table_text(ctx, t, r, ac), cases[i].code) != 0)
			r++;
		assert_true(r < haven_table_nrows(ctx, t));
		const char *got[] = {cell(t, r, "missing_episodes"), cell(t, r, "missing_children"),
		                     cell(t, r, "missing_children_repeat"),
		                     cell(t, r, "missing_episodes_per_100_places"), cell(t, r, "missing_ri_held_pct")};
		const char *want[] = {cases[i].episodes, cases[i].children, cases[i].repeat, cases[i].per_100,
		                      cases[i].held};
		for (int k = 0; k < 5; k++)
			if (strcmp(got[k], want[k]) != 0)
				fail_msg("9.%zu %s %s: got '%s', want '%s'", i + 1, cases[i].code, names[k], got[k],
				         want[k]);
	}
	haven_table_free(t);
	/* 9.6 DfE is refused the measures of episodes in an export, whatever
	 * the window, before anything is read or audited: its table would
	 * control an LA's episodes apart from the trends that publish them
	 * too (the trends and the scorecard give DfE the same figures) */
	tu_act(ctx, "dee");
	int64_t audited = tu_int(ctx, "SELECT count(*) FROM audit");
	static const char *const froms[] = {"2024-04-01", "2025-01-01", NULL};
	for (size_t i = 0; i < sizeof froms / sizeof *froms; i++) {
		o.from = froms[i];
		o.to = froms[i] ? "2025-03-31" : NULL;
		t = NULL;
		tu_assert_status(ctx, haven_aggregate(ctx, &o, &t), HAVEN_ERR_DENIED);
		tu_assert_msg(ctx, "not exported to an aggregates-only audience");
		assert_null(t);
	}
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM audit"), audited);
	/* 9.8 other measures still export to DfE */
	const char *homes[] = {"homes", "places"};
	haven_aggregate_opts oh = {.geography = "la", .measures = homes, .n_measures = 2};
	tu_ok(ctx, haven_aggregate(ctx, &oh, &t));
	tu_ok(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR));
	haven_table_free(t);
	/* 9.7 not on a grid */
	tu_act(ctx, "admin");
	const char *grid[] = {"homes", "missing_episodes"};
	haven_aggregate_opts og = {.geography = "grid:10000", .measures = grid, .n_measures = 2};
	tu_assert_status(ctx, haven_aggregate(ctx, &og, &t), HAVEN_ERR_USAGE);
	tu_assert_msg(ctx, "not available on a grid");
}

/* 10. Charts draw released tables only, of number columns, as PNG or SVG. */
static void test_charts(void **state)
{
	(void)state;
	tu_act(ctx, "admin");
	haven_trends_opts o = {.by = "month", .area = "host-la", .from = "2025-01-01", .to = "2025-03-31"};
	haven_table *t;
	tu_ok(ctx, haven_trends(ctx, &o, &t));
	/* 10.1 sealed: refused, nothing written */
	tu_assert_status(ctx, haven_trends_chart(ctx, t, "episodes", tu_tmp("sealed.png"), 0), HAVEN_ERR_DENIED);
	assert_int_equal(access(tu_tmp("sealed.png"), F_OK), -1);
	tu_release(ctx, t);
	static const struct {
		const char *name, *measure, *file;
		haven_status want;
		const char *msg;
	} cases[] = {
	    {"10.2 a text column", "area_name", "c1.png", HAVEN_ERR_USAGE, "'area_name' is not a number column"},
	    {"10.3 no such column", "beds", "c2.png", HAVEN_ERR_USAGE, "'beds' is not a number column"},
	    {"10.4 a PDF", "episodes", "c3.pdf", HAVEN_ERR_USAGE, "a chart is a .png or .svg file"},
	    {"10.5 a PNG", "episodes", "c4.png", HAVEN_OK, ""},
	    {"10.6 an SVG of a rate", "episodes_per_100_places", "c5.svg", HAVEN_OK, ""},
	    {"10.7 not replaced", "episodes", "c4.png", HAVEN_ERR_IO, "not replaced without --force"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		haven_status st = haven_trends_chart(ctx, t, cases[i].measure, tu_tmp(cases[i].file), 0);
		if (st != cases[i].want || !strstr(haven_errmsg(ctx), cases[i].msg))
			fail_msg("%s: got %s '%s'", cases[i].name, haven_status_name(st), haven_errmsg(ctx));
	}
	size_t n;
	char *png = tu_read(tu_tmp("c4.png"), &n);
	assert_true(n > 8 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
	free(png);
	char *svg = tu_read(tu_tmp("c5.svg"), &n);
	assert_non_null(strstr(svg, "<svg"));
	free(svg);
	haven_table_free(t);
	/* 10.8 the funnel, as the admin sees it */
	haven_outliers_opts oo = {.from = "2025-01-01", .to = "2025-03-31"};
	tu_ok(ctx, haven_trends_funnel(ctx, &oo, tu_tmp("funnel.svg"), 0));
	svg = tu_read(tu_tmp("funnel.svg"), &n);
	assert_non_null(strstr(svg, "<svg"));
	free(svg);
}

TU_MAIN(setup, teardown, cmocka_unit_test(test_quantiles), cmocka_unit_test(test_poisson),
        cmocka_unit_test(test_host_la), cmocka_unit_test(test_other_areas), cmocka_unit_test(test_refused),
        cmocka_unit_test(test_dfe), cmocka_unit_test(test_outliers), cmocka_unit_test(test_scorecard),
        cmocka_unit_test(test_measures), cmocka_unit_test(test_charts))
