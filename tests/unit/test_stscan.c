/*
 * test_stscan.c - the space-time permutation scan (src/analysis/stscan.c)
 * and SaTScan's files (src/core/satscan.c, haven_scan_files).
 *
 * The reference is the scan from its definition, every cylinder and
 * window (stscan_ref.c); it shares nothing with the scan but the distance.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stscan.h"
#include "stscan_ref.h"
#include "testutil.h"

static haven_ctx *ctx;

static int setup(void **state)
{
	(void)state;
	return haven_ctx_new(&ctx) == HAVEN_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	haven_ctx_free(ctx);
	return 0;
}

/* ---- data ------------------------------------------------------------------------- */

static uint64_t lcg_state;
static double uni(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(lcg_state >> 11) / 9007199254740992.0;
}
static uint32_t below(uint32_t n)
{
	return (uint32_t)(uni() * n);
}

typedef struct data {
	size_t nloc, nrec;
	double a[400], b[400];
	uint32_t loc[4000], count[4000];
	int32_t day[4000];
} data;

/* nloc locations in a square of side metres (or, latlong, about Leeds), nrec
 * records at a uniform location and day, of one case (single) or of one or
 * two; colocated: the last location sits on the first.  Two cases in one
 * record are at one place on one day: an interaction of space and time the
 * null hypothesis has not, so data without a cluster is of single cases. */
static void make(data *d, uint64_t seed, size_t nloc, size_t nrec, int32_t ndays, double side, int latlong,
                 int colocated, int single)
{
	memset(d, 0, sizeof *d);
	lcg_state = seed * 2654435761u + 1;
	d->nloc = nloc;
	for (size_t i = 0; i < nloc; i++) {
		d->a[i] = latlong ? 53.7 + uni() * side / 111000.0 : uni() * side;
		d->b[i] = latlong ? -1.6 + uni() * side / 66000.0 : uni() * side;
	}
	if (colocated) {
		d->a[nloc - 1] = d->a[0];
		d->b[nloc - 1] = d->b[0];
	}
	d->nrec = nrec;
	for (size_t r = 0; r < nrec; r++) {
		d->loc[r] = below((uint32_t)nloc);
		d->day[r] = (int32_t)below((uint32_t)ndays);
		d->count[r] = single || uni() < 0.8 ? 1 : 2;
	}
}

static void input(const data *d, hv_stscan_in *in, int32_t ndays, double radius, int32_t maxd, int prospective,
                  int latlong)
{
	memset(in, 0, sizeof *in);
	in->nloc = d->nloc;
	in->a = d->a;
	in->b = d->b;
	in->latlong = latlong;
	in->ndays = ndays;
	in->nrec = d->nrec;
	in->loc = d->loc;
	in->day = d->day;
	in->count = d->count;
	in->max_radius = radius;
	in->max_days = maxd;
	in->prospective = prospective;
	in->max_clusters = 1000;
}

/* A cluster's observed and expected cases, counted again from the records. */
static void recount(const hv_stscan_in *in, const hv_stscan_cluster *c, double *obs, double *exp_)
{
	double C = 0, cz = 0, cw = 0;
	*obs = 0;
	for (size_t r = 0; r < in->nrec; r++) {
		int inside = 0;
		for (size_t k = 0; k < c->nmembers; k++)
			inside |= c->members[k] == in->loc[r];
		int during = in->day[r] >= c->first_day && in->day[r] <= c->last_day;
		C += in->count[r];
		cz += inside ? in->count[r] : 0;
		cw += during ? in->count[r] : 0;
		*obs += inside && during ? in->count[r] : 0;
	}
	*exp_ = cz * cw / C;
}

/* 1. The most likely cluster's ratio is the reference's, to 1e-9; every
 * cluster's counts are what its members and window hold; secondary
 * clusters share no location with a more likely one. */
static void test_reference(void **state)
{
	(void)state;
	static const struct {
		const char *id;
		uint64_t seed;
		size_t nloc, nrec;
		int32_t ndays, maxd;
		double side, radius;
		int prospective, latlong, colocated;
		uint32_t min_cases;
	} cases[] = {
	    {"1.1 retrospective", 1, 25, 300, 30, 7, 10000, 3000, 0, 0, 0, 0},
	    {"1.2 prospective", 2, 25, 300, 30, 10, 10000, 3000, 1, 0, 0, 0},
	    {"1.3 latitude and longitude", 3, 25, 300, 30, 7, 10000, 3000, 0, 1, 0, 0},
	    {"1.4 prospective, latlong", 4, 25, 250, 25, 12, 10000, 2500, 1, 1, 0, 0},
	    {"1.5 radius 0: single locations", 5, 20, 250, 20, 5, 10000, 0, 0, 0, 0, 0},
	    {"1.6 radius beyond every location", 6, 15, 150, 20, 20, 10000, 1e6, 0, 0, 0, 0},
	    {"1.7 two locations at one place", 7, 20, 250, 20, 6, 10000, 4000, 0, 0, 1, 0},
	    {"1.8 at least 4 cases", 8, 25, 300, 30, 7, 10000, 3000, 0, 0, 0, 4},
	    {"1.9 window of one day", 9, 25, 300, 30, 1, 10000, 3000, 0, 0, 0, 0},
	    {"1.10 sparse: fewer cases than locations", 10, 30, 20, 70, 9, 10000, 5000, 0, 0, 0, 0},
	    {"1.11 a window over more than 64 days", 11, 10, 200, 140, 90, 10000, 5000, 0, 0, 0, 0},
	    {"1.12 more than 64 days of cases at a location", 12, 4, 400, 100, 20, 10000, 8000, 0, 0, 0, 0},
	    {"1.13 prospective over more than 64 days", 13, 10, 200, 140, 90, 10000, 5000, 1, 0, 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		data *d = malloc(sizeof *d);
		assert_non_null(d);
		make(d, cases[i].seed, cases[i].nloc, cases[i].nrec, cases[i].ndays, cases[i].side, cases[i].latlong,
		     cases[i].colocated, 0);
		hv_stscan_in in;
		input(d, &in, cases[i].ndays, cases[i].radius, cases[i].maxd, cases[i].prospective, cases[i].latlong);
		in.min_cases = cases[i].min_cases;
		hv_stscan_out out = {0};
		tu_ok(ctx, hv_stscan_run(ctx, &in, &out));
		double want = hv_stscan_reference(&in);
		if (!out.n)
			fail_msg("case %s: no cluster (reference %.12f)", cases[i].id, want);
		if (fabs(out.clusters[0].llr - want) > 1e-9)
			fail_msg("case %s: llr %.12f, reference %.12f", cases[i].id, out.clusters[0].llr, want);
		char *used = calloc(in.nloc, 1);
		for (size_t k = 0; k < out.n; k++) {
			const hv_stscan_cluster *c = &out.clusters[k];
			double obs, ex;
			recount(&in, c, &obs, &ex);
			if (obs != (double)c->observed || fabs(ex - c->expected) > 1e-9 * (1 + ex))
				fail_msg("case %s: cluster %zu holds %g observed, %g expected; says %lld, %g",
				         cases[i].id, k + 1, obs, ex, (long long)c->observed, c->expected);
			if (fabs(hv_stscan_llr(obs, ex, (double)out.cases) - c->llr) > 1e-9)
				fail_msg("case %s: cluster %zu's llr is not its counts'", cases[i].id, k + 1);
			if (k && c->llr > out.clusters[k - 1].llr)
				fail_msg("case %s: cluster %zu is more likely than cluster %zu", cases[i].id, k + 1, k);
			if (c->members[0] != c->centre || c->last_day - c->first_day + 1 > in.max_days ||
			    (in.prospective && c->last_day != in.ndays - 1) || c->radius > in.max_radius)
				fail_msg("case %s: cluster %zu is not a cylinder of the scan", cases[i].id, k + 1);
			for (size_t m = 0; m < c->nmembers; m++) {
				if (used[c->members[m]])
					fail_msg("case %s: cluster %zu shares a location with a more likely one",
					         cases[i].id, k + 1);
				used[c->members[m]] = 1;
			}
		}
		free(used);
		hv_stscan_out_free(&out);
		free(d);
	}
}

/* 2. A planted cluster is found: three neighbouring locations get 25 more
 * cases in 5 days (2.1 retrospective, 2.2 prospective, at the end). */
static void test_planted(void **state)
{
	(void)state;
	static const struct {
		const char *id;
		int prospective;
		int32_t from;
	} cases[] = {{"2.1", 0, 20}, {"2.2", 1, 55}};
	for (size_t i = 0; i < 2; i++) {
		data *d = malloc(sizeof *d);
		assert_non_null(d);
		make(d, 42, 120, 1200, 60, 20000, 0, 0, 1);
		/* the planted cases: location 0 and its two nearest */
		uint32_t near[3] = {0, 0, 0};
		double nd[3] = {0, INFINITY, INFINITY};
		for (uint32_t z = 1; z < d->nloc; z++) {
			double dz = hv_stscan_distance(0, d->a[0], d->b[0], d->a[z], d->b[z]);
			if (dz < nd[1]) {
				nd[2] = nd[1], near[2] = near[1];
				nd[1] = dz, near[1] = z;
			} else if (dz < nd[2])
				nd[2] = dz, near[2] = z;
		}
		for (int k = 0; k < 25; k++) {
			d->loc[d->nrec] = near[k % 3];
			d->day[d->nrec] = cases[i].from + k % 5;
			d->count[d->nrec++] = 1;
		}
		hv_stscan_in in;
		input(d, &in, 60, 1.01 * nd[2], 7, cases[i].prospective, 0);
		in.replicates = 199;
		in.seed = 7;
		hv_stscan_out out = {0};
		tu_ok(ctx, hv_stscan_run(ctx, &in, &out));
		assert_true(out.n >= 1);
		const hv_stscan_cluster *c = &out.clusters[0];
		if (!(c->p <= 0.01))
			fail_msg("case %s: the planted cluster's p is %g", cases[i].id, c->p);
		int found = 0;
		for (size_t m = 0; m < c->nmembers; m++)
			found += c->members[m] == near[0] || c->members[m] == near[1] || c->members[m] == near[2];
		if (found < 2 || c->first_day > cases[i].from + 4 || c->last_day < cases[i].from)
			fail_msg("case %s: the most likely cluster is not the planted one", cases[i].id);
		/* p = rank / (R + 1): the replicates at least as large, plus one */
		size_t ge = 1;
		for (uint32_t r = 0; r < out.replicates; r++)
			ge += out.replicate_llr[r] >= c->llr;
		assert_true(fabs(c->p - (double)ge / 200.0) < 1e-12);
		hv_stscan_out_free(&out);
		free(d);
	}
}

/* 3. No cluster: cases at uniform locations and days.  p > 0.05 in at
 * least 18 of 20 seeds (3.1 retrospective, 3.2 prospective). */
static void test_null(void **state)
{
	(void)state;
	for (int prospective = 0; prospective < 2; prospective++) {
		int above = 0;
		char msg[512] = "";
		for (uint64_t seed = 1; seed <= 20; seed++) {
			data *d = malloc(sizeof *d);
			assert_non_null(d);
			make(d, 1000 + seed, 60, 500, 40, 10000, 0, 0, 1);
			hv_stscan_in in;
			input(d, &in, 40, 2000, 7, prospective, 0);
			in.replicates = 99;
			in.seed = seed;
			hv_stscan_out out = {0};
			tu_ok(ctx, hv_stscan_run(ctx, &in, &out));
			double p = out.n ? out.clusters[0].p : 1;
			above += p > 0.05;
			size_t len = strlen(msg);
			snprintf(msg + len, sizeof msg - len, " %g", p);
			hv_stscan_out_free(&out);
			free(d);
		}
		if (above < 18)
			fail_msg("case 3.%d: p > 0.05 in %d of 20 seeds only:%s", prospective + 1, above, msg);
	}
}

/* 4. The replicates are the same for a seed, however often run; another
 * seed gives others. */
static void test_seed(void **state)
{
	(void)state;
	data *d = malloc(sizeof *d);
	assert_non_null(d);
	make(d, 99, 40, 400, 30, 10000, 0, 0, 0);
	hv_stscan_in in;
	input(d, &in, 30, 2500, 7, 0, 0);
	in.replicates = 19;
	hv_stscan_out a = {0}, b = {0}, c = {0};
	in.seed = 5;
	tu_ok(ctx, hv_stscan_run(ctx, &in, &a));
	tu_ok(ctx, hv_stscan_run(ctx, &in, &b));
	in.seed = 6;
	tu_ok(ctx, hv_stscan_run(ctx, &in, &c));
	assert_memory_equal(a.replicate_llr, b.replicate_llr, 19 * sizeof(double));
	assert_true(memcmp(a.replicate_llr, c.replicate_llr, 19 * sizeof(double)) != 0);
	hv_stscan_out_free(&a);
	hv_stscan_out_free(&b);
	hv_stscan_out_free(&c);
	free(d);
}

/* 5. SaTScan's files: every bad line is refused naming the file and row. */
static void test_files(void **state)
{
	(void)state;
	static const char *const good_geo = "a 0 0\nb 100 0\n\nc 0 100\n";
	static const char *const good_cases = "a 1 2024/01/01\nb 2 2024-01-02\nc\t1\t2024/1/3\n";
	static const struct {
		const char *id, *geo, *cases;
		int latlong;
		haven_status st;
		const char *msg;
	} cases[] = {
	    {"5.1 a coordinate missing", "a 0 0\nb 100\n", NULL, 0, HAVEN_ERR_FORMAT,
	     "geo.txt: row 2: a location id and two coordinates are needed"},
	    {"5.2 three dimensions", "a 0 0 0\n", NULL, 0, HAVEN_ERR_FORMAT, "geo.txt: row 1: "},
	    {"5.3 not a number", "a 0 0\nb 1e 0\n", NULL, 0, HAVEN_ERR_VALUE,
	     "geo.txt: row 2: '1e 0' are not two numbers"},
	    {"5.4 a latitude out of range", "a 91 0\n", NULL, 1, HAVEN_ERR_CRS, "geo.txt: row 1: latitude 91"},
	    {"5.5 an id twice", "a 0 0\nb 1 1\n\na 2 2\n", NULL, 0, HAVEN_ERR_DUPLICATE,
	     "geo.txt: row 4: location 'a' is given again (first on row 1)"},
	    {"5.6 no locations", "\n\n", NULL, 0, HAVEN_ERR_MISSING, "geo.txt: no locations"},
	    {"5.7 a NUL byte", NULL, NULL, 0, HAVEN_ERR_FORMAT, "geo.txt: row 2: a NUL byte"},
	    {"5.8 an unknown location", NULL, "a 1 2024/01/01\nz 1 2024/01/02\n", 0, HAVEN_ERR_NOT_FOUND,
	     "cases.txt: row 2: location 'z' is not in the coordinates file"},
	    {"5.9 30 February", NULL, "a 1 2024/01/01\n\nb 1 2024/02/30\n", 0, HAVEN_ERR_VALUE,
	     "cases.txt: row 3: '2024/02/30' is not a date"},
	    {"5.10 a negative count", NULL, "a -1 2024/01/01\n", 0, HAVEN_ERR_VALUE,
	     "cases.txt: row 1: '-1' is not a number of cases"},
	    {"5.11 a fraction of a case", NULL, "a 1.5 2024/01/01\n", 0, HAVEN_ERR_VALUE,
	     "cases.txt: row 1: '1.5' is not a number of cases"},
	    {"5.12 a covariate", NULL, "a 1 2024/01/01 male\n", 0, HAVEN_ERR_FORMAT,
	     "cases.txt: row 1: a location id, a number of cases and a date are needed, and no more"},
	    {"5.13 a date to the month only", NULL, "a 1 2024/01\n", 0, HAVEN_ERR_VALUE,
	     "cases.txt: row 1: '2024/01' is not a date"},
	    {"5.14 bad UTF-8", NULL, "a 1 2024/01/01\n\xff 1 2024/01/01\n", 0, HAVEN_ERR_FORMAT,
	     "cases.txt: row 2: bytes that are not UTF-8"},
	    {"5.15 no case in the period", NULL, "a 1 2023/01/01\n", 0, HAVEN_ERR_VALUE,
	     "no cases in the study period"},
	};
	haven_scan_opts o = {.max_radius = 200, .max_days = 3, .replicates = 9, .seed = 1};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *geo = cases[i].geo ? tu_write("geo.txt", cases[i].geo) : tu_write("geo.txt", good_geo);
		if (strstr(cases[i].id, "NUL"))
			geo = tu_write_bytes("geo.txt", "a 0 0\nb\0 1 1\n", 13);
		const char *cs = tu_write("cases.txt", cases[i].cases ? cases[i].cases : good_cases);
		haven_table *t = NULL;
		haven_status st = haven_scan_files(ctx, cs, geo, "2024-01-01", "2024-01-10", cases[i].latlong, &o, &t);
		if (st != cases[i].st || !strstr(haven_errmsg(ctx), cases[i].msg))
			fail_msg("case %s: %s '%s', want %s '...%s...'", cases[i].id, haven_status_name(st),
			         haven_errmsg(ctx), haven_status_name(cases[i].st), cases[i].msg);
		assert_null(t);
	}
	/* 5.16 the good files: one table of no disclosed data, released as it is */
	haven_table *t = NULL;
	const char *geo = tu_write("geo.txt", good_geo), *cs = tu_write("cases.txt", good_cases);
	tu_ok(ctx, haven_scan_files(ctx, cs, geo, "2024-01-01", "2024-01-10", 0, &o, &t));
	tu_release(ctx, t);
	assert_true(haven_table_find(t, "members") >= 0);
	assert_string_equal(haven_table_meta(t, "data"), "4 cases at 3 locations");
	haven_table_free(t);
	/* 5.17 bad options: a window longer than the period, a period backwards */
	o.max_days = 11;
	tu_assert_status(ctx, haven_scan_files(ctx, cs, geo, "2024-01-01", "2024-01-10", 0, &o, &t), HAVEN_ERR_USAGE);
	tu_assert_msg(ctx, "--max-days 11");
	o.max_days = 3;
	tu_assert_status(ctx, haven_scan_files(ctx, cs, geo, "2024-01-10", "2024-01-01", 0, &o, &t), HAVEN_ERR_USAGE);
	tu_assert_msg(ctx, "runs backwards");
}

TU_MAIN(setup, teardown, cmocka_unit_test(test_reference), cmocka_unit_test(test_planted), cmocka_unit_test(test_null),
        cmocka_unit_test(test_seed), cmocka_unit_test(test_files))
