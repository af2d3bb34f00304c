/*
 * test_hotspot.c - Getis-Ord Gi* on a grid (src/analysis/hotspot.c).
 *
 * Every expectation is computed here another way: z-scores from the ratio
 * form of esda's G_Local(star=True) (G = lag / sum, E[G] = W / n,
 * V[G] = W (n - W) / ((n - 1) n^2) s^2 / mean^2) with the neighbours found by
 * comparing every pair of centres; permutation p-values against the exact
 * probability over every draw of a small region; q-values by hand.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/hotspot.h"
#include "testutil.h"

static haven_ctx *ctx;

static int setup(void **state)
{
	(void)state;
	return haven_ctx_new(&ctx) != HAVEN_OK;
}

static int teardown(void **state)
{
	(void)state;
	haven_ctx_free(ctx);
	return 0;
}

/* A small generator of the test's own (not the code's). */
static uint32_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

/* z by the ratio form, neighbours by every pair of centres. */
static double ratio_z(const hv_gistar_in *in, size_t c)
{
	double n = 0, sum = 0, sum2 = 0, lag = 0, W = 0;
	double cx = (double)(c % in->nx), cy = (double)(c / in->nx);
	for (size_t j = 0; j < in->nx * in->ny; j++) {
		if (in->in && !in->in[j])
			continue;
		double y = in->value[j];
		n++;
		sum += y;
		sum2 += y * y;
		double dx = (double)(j % in->nx) - cx, dy = (double)(j / in->nx) - cy;
		if (sqrt(dx * dx + dy * dy) <= in->band + 1e-9) {
			lag += y;
			W++;
		}
	}
	double mean = sum / n, s2 = sum2 / n - mean * mean;
	double G = lag / sum, E = W / n, V = W * (n - W) / (n - 1) / (n * n) * (s2 / (mean * mean));
	return (G - E) / sqrt(V);
}

static void test_zscores(void **state)
{
	(void)state;
	static const struct {
		int no;
		size_t nx, ny;
		double band;
		int holes;    /* leave out every cell whose index is divisible by holes (0: none) */
		uint32_t top; /* values 0 .. top - 1 */
	} cases[] = {
	    {1, 7, 6, 1.5, 0, 10},  /* the 8 touching cells and the cell */
	    {2, 7, 6, 1.0, 0, 10},  /* rook's case: 4 and the cell */
	    {3, 9, 5, 2.0, 3, 5},   /* a study region with holes */
	    {4, 12, 12, 3.3, 0, 3}, /* a wider band, many ties */
	    {5, 5, 5, 0.0, 0, 7},   /* the cell alone */
	    {6, 10, 3, 1.5, 4, 100},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		size_t g = cases[k].nx * cases[k].ny;
		double *v = malloc(g * sizeof *v);
		uint8_t *m = malloc(g);
		uint64_t s = 17 + k;
		for (size_t i = 0; i < g; i++) {
			v[i] = (double)(lcg(&s) % cases[k].top);
			m[i] = !(cases[k].holes && i % (size_t)cases[k].holes == 0);
		}
		hv_gistar_in in = {cases[k].nx, cases[k].ny, v, cases[k].holes ? m : NULL, cases[k].band, 0, 0, 1};
		hv_gistar_out out;
		tu_ok(ctx, hv_gistar(ctx, &in, &out));
		for (size_t i = 0; i < g; i++) {
			if (in.in && !in.in[i]) {
				if (!isnan(out.z[i]))
					fail_msg("case %d: cell %zu outside the region has z %g", cases[k].no, i,
					         out.z[i]);
				continue;
			}
			double want = ratio_z(&in, i);
			if (fabs(out.z[i] - want) > 1e-9 * (1 + fabs(want)))
				fail_msg("case %d: cell %zu: z %.12g, want %.12g", cases[k].no, i, out.z[i], want);
			if (!isnan(out.p[i]) || out.cls[i])
				fail_msg("case %d: no permutations, yet p %g class %d", cases[k].no, out.p[i],
				         out.cls[i]);
		}
		hv_gistar_free(&out);
		free(v);
		free(m);
	}
}

/* A 3 x 3 block of high counts on a low background: its centre is hot at
 * 99% after FDR, and no cell far from it is hot.  With 999 replicates
 * alone p is at least 1/1000, and q of the 21 or so cells at that floor
 * among 900 at least 900 / 1000 / 21 = 0.043: the refining replicates
 * (99,999 in all for the extreme cells, as the command gives) or more
 * replicates for every cell (case 5) let the FDR reach 1%
 * (docs/hotspots.md, "Refining replicates"). */
static void test_planted(void **state)
{
	(void)state;
	static const struct {
		int no;
		size_t n;
		double band, high;
		unsigned seed, perms, refine;
	} cases[] = {{1, 30, 1.5, 20, 1, 999, 99999},
	             {2, 30, 1.5, 20, 2, 999, 99999},
	             {3, 40, 2.0, 12, 3, 999, 99999},
	             {4, 25, 1.0, 30, 4, 999, 99999}, /* the rook's case */
	             {5, 30, 1.5, 20, 5, 9999, 0}};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		size_t n = cases[k].n, g = n * n, c = (n / 2) * n + n / 3;
		double *v = malloc(g * sizeof *v);
		uint64_t s = cases[k].seed;
		for (size_t i = 0; i < g; i++)
			v[i] = (double)(lcg(&s) % 3);
		for (int dy = -1; dy <= 1; dy++)
			for (int dx = -1; dx <= 1; dx++)
				v[(size_t)((long)c + dy * (long)n + dx)] = cases[k].high;
		hv_gistar_in in = {n, n, v, NULL, cases[k].band, cases[k].perms, cases[k].refine, cases[k].seed};
		hv_gistar_out out;
		tu_ok(ctx, hv_gistar(ctx, &in, &out));
		if (out.cls[c] != HV_GI_HOT99)
			fail_msg("case %d: the planted centre is class %d (z %g, p %g, q %g), want hot at 99%%",
			         cases[k].no, out.cls[c], out.z[c], out.p[c], out.q[c]);
		if (out.p[c] != 1.0 / ((cases[k].refine ? cases[k].refine : cases[k].perms) + 1))
			fail_msg("case %d: p %g, want 1/(R + 1)", cases[k].no, out.p[c]);
		for (size_t i = 0; i < g; i++) {
			long dx = (long)(i % n) - (long)(c % n), dy = (long)(i / n) - (long)(c / n);
			if (dx * dx + dy * dy > 36 && out.cls[i] > 0)
				fail_msg("case %d: cell %zu far from the planted block is hot (class %d)", cases[k].no,
				         i, out.cls[i]);
		}
		hv_gistar_free(&out);
		free(v);
	}
}

/* Values drawn independently of place: after FDR at most 1% of the cells
 * are classed hot or cold at 90% (expected: none). */
static void test_uniform(void **state)
{
	(void)state;
	for (unsigned k = 1; k <= 5; k++) {
		size_t n = 40, g = n * n, classed = 0, raw = 0;
		double *v = malloc(g * sizeof *v);
		uint64_t s = 1000 + k;
		for (size_t i = 0; i < g; i++)
			v[i] = (double)(lcg(&s) % 6);
		hv_gistar_in in = {n, n, v, NULL, 1.5, 999, 99999, k};
		hv_gistar_out out;
		tu_ok(ctx, hv_gistar(ctx, &in, &out));
		for (size_t i = 0; i < g; i++) {
			classed += out.cls[i] != 0;
			raw += out.p[i] <= 0.05;
		}
		if (classed > g / 100)
			fail_msg("case %u: %zu of %zu cells classed after FDR", k, classed, g);
		/* and the p-values themselves are not all 1: about 10% are at most
		 * 0.05 (one-sided in each direction), so the test could fail */
		if (raw < g / 40 || raw > g / 5)
			fail_msg("case %u: %zu of %zu p-values at most 0.05", k, raw, g);
		hv_gistar_free(&out);
		free(v);
	}
}

/* The same seed gives the same p-values; another seed other ones. */
static void test_seed(void **state)
{
	(void)state;
	size_t n = 20, g = n * n;
	double *v = malloc(g * sizeof *v);
	uint64_t s = 5;
	for (size_t i = 0; i < g; i++)
		v[i] = (double)(lcg(&s) % 9);
	hv_gistar_out a, b, c;
	hv_gistar_in in = {n, n, v, NULL, 1.5, 199, 1999, 42};
	tu_ok(ctx, hv_gistar(ctx, &in, &a));
	tu_ok(ctx, hv_gistar(ctx, &in, &b));
	in.seed = 43;
	tu_ok(ctx, hv_gistar(ctx, &in, &c));
	size_t differ = 0;
	for (size_t i = 0; i < g; i++) {
		assert_true(a.p[i] == b.p[i] && a.q[i] == b.q[i] && a.cls[i] == b.cls[i]);
		differ += a.p[i] != c.p[i];
	}
	assert_true(differ > g / 4);
	hv_gistar_free(&a);
	hv_gistar_free(&b);
	hv_gistar_free(&c);
	free(v);
}

/* The conditional permutation: a region of 9 cells in a row, band 1 (2
 * other neighbours inside, 1 at the ends).  The exact probability of a
 * lag at least (at most) the observed is counted over every pair of the
 * other 8 cells; 99,999 replicates are within 0.01 of it, and 999 with
 * the refining ones are within 0.07, or 0.002 where it is below 0.005. */
static void test_conditional(void **state)
{
	(void)state;
	static const double vals[][9] = {
	    {9, 8, 7, 0, 1, 0, 2, 1, 0},
	    {0, 0, 5, 5, 5, 0, 0, 1, 0},
	    {1, 2, 3, 4, 5, 6, 7, 8, 9},
	};
	for (size_t k = 0; k < 6; k++) {
		/* 99,999 for every cell; then 999 and the refining ones */
		hv_gistar_in in = {9, 1, vals[k % 3], NULL, 1.0, k < 3 ? 99999 : 999, k < 3 ? 0 : 99999, 7};
		hv_gistar_out out;
		tu_ok(ctx, hv_gistar(ctx, &in, &out));
		for (size_t i = 0; i < 9; i++) {
			size_t kn = (i == 0 || i == 8) ? 1 : 2, hi = 0, lo = 0, all = 0;
			double lag = out.lag[i];
			for (size_t a = 0; a < 9; a++)
				for (size_t b = kn == 2 ? a + 1 : 0; b < (kn == 2 ? 9 : 1); b++) {
					if (a == i || (kn == 2 && b == i))
						continue;
					double sim = vals[k % 3][i] + vals[k % 3][a] + (kn == 2 ? vals[k % 3][b] : 0);
					all++;
					hi += sim >= lag;
					lo += sim <= lag;
				}
			double exact = (double)(hi < lo ? hi : lo) / (double)all;
			/* 4 standard errors: 99,999 replicates; 999; a refined cell's 99,999 */
			double tol = k < 3 ? 0.01 : exact > 0.005 ? 0.07 : 0.002;
			if (fabs(out.p[i] - exact) > tol)
				fail_msg("case %zu: cell %zu: p %g, exact %g", k + 1, i, out.p[i], exact);
		}
		hv_gistar_free(&out);
	}
}

static void test_qvalues(void **state)
{
	(void)state;
	/* sorted: 0.01 0.02 0.03 0.04 0.5 (m = 5): p m / rank = 0.05 0.05 0.05
	 * 0.05 0.5; NAN is left out */
	const double p[] = {0.04, 0.5, NAN, 0.01, 0.03, 0.02};
	const double want[] = {0.05, 0.5, NAN, 0.05, 0.05, 0.05};
	double q[6];
	tu_ok(ctx, hv_bh_qvalues(ctx, p, 6, q));
	for (size_t i = 0; i < 6; i++)
		assert_true(isnan(want[i]) ? isnan(q[i]) : fabs(q[i] - want[i]) < 1e-12);
	/* a step: 0.001 0.002 0.5 0.9 (m = 4): 0.004 0.004 0.667 0.9 */
	const double p2[] = {0.9, 0.002, 0.5, 0.001}, want2[] = {0.9, 0.004, 0.5 * 4 / 3, 0.004};
	tu_ok(ctx, hv_bh_qvalues(ctx, p2, 4, q));
	for (size_t i = 0; i < 4; i++)
		assert_true(fabs(q[i] - want2[i]) < 1e-12);
}

static void test_errors(void **state)
{
	(void)state;
	double v[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	uint8_t two[16] = {1, 1};
	static const struct {
		int no;
		size_t nx, ny;
		double band;
		int mask, bad;
		const char *msg;
	} cases[] = {
	    {1, 4, 4, -1, 0, 0, "the band must be a distance of 0 or more"},
	    {2, 4, 4, NAN, 0, 0, "the band must be a distance of 0 or more"},
	    {3, 4, 4, 100, 0, 0, "use a larger --cell or a smaller --band"},
	    {4, 4, 4, 1, 1, 0, "the study region has 2 cells: Gi* needs at least 3"},
	    {5, 4, 4, 1, 0, 1, "cell 1, 0: the value is not a finite number"},
	    {6, 0, 4, 1, 0, 0, "a grid of 0 x 4 cells"},
	    {7, (size_t)1 << 20, (size_t)1 << 20, 1, 0, 0, "the most is 33554432 cells"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		double w[16];
		memcpy(w, v, sizeof w);
		if (cases[k].bad)
			w[1] = INFINITY;
		hv_gistar_in in = {cases[k].nx, cases[k].ny, w, cases[k].mask ? two : NULL, cases[k].band, 9, 0, 1};
		hv_gistar_out out;
		haven_status st = hv_gistar(ctx, &in, &out);
		if (st != HAVEN_ERR_VALUE || !strstr(haven_errmsg(ctx), cases[k].msg))
			fail_msg("case %d: %s '%s', want '%s'", cases[k].no, haven_status_name(st), haven_errmsg(ctx),
			         cases[k].msg);
		assert_null(out.z);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_zscores), cmocka_unit_test(test_planted),     cmocka_unit_test(test_uniform),
	    cmocka_unit_test(test_seed),    cmocka_unit_test(test_conditional), cmocka_unit_test(test_qvalues),
	    cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
