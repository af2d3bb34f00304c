/*
 * test_cluster.c - DBSCAN and ST-DBSCAN (src/analysis/cluster.c) against a
 * brute-force reference that compares every pair: the same core points,
 * border points, noise, clusters and numbers, on generated sets (blobs and
 * scatter, duplicates, points exactly eps apart, minPts 1 and 2, time
 * windows), the same labels whatever the input's order, the border tie rule,
 * and the refusals.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/cluster.h"
#include "testutil.h"

/* ---- generated points ---------------------------------------------------------- */

static uint64_t rng_state;

static double uniform(void) /* [0, 1), xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * 0x2545F4914F6CDD1Dull) >> 11) / 9007199254740992.0;
}

static double gauss(void)
{
	double u = uniform(), v = uniform();
	return sqrt(-2 * log(1 - u)) * cos(2 * M_PI * v);
}

enum gen {
	BLOBS,      /* Gaussian blobs of sd 60 m and uniform scatter over 20 km, in BNG */
	DUPLICATES, /* a few places, each given many times over */
	LATTICE,    /* a square lattice of spacing exactly eps, with holes */
	LINE,       /* a chain of points along a road, gaps around eps */
	GRID100,    /* a square lattice of spacing 100 m, with holes */
};

typedef struct points {
	size_t n;
	double *x, *y, *t;
} points;

static points generate(enum gen g, size_t n, double eps, int with_time, uint64_t seed)
{
	points p = {n, calloc(n, sizeof(double)), calloc(n, sizeof(double)), calloc(n, sizeof(double))};
	assert_true(p.x && p.y && p.t);
	rng_state = seed * 0x9E3779B97F4A7C15ull + 1;
	double cx[12], cy[12];
	for (int b = 0; b < 12; b++) {
		cx[b] = 430000 + uniform() * 20000;
		cy[b] = 430000 + uniform() * 20000;
	}
	for (size_t i = 0; i < n; i++) {
		switch (g) {
		case BLOBS:
			if (uniform() < 0.7) {
				int b = (int)(uniform() * 12);
				p.x[i] = cx[b] + gauss() * 60;
				p.y[i] = cy[b] + gauss() * 60;
			} else {
				p.x[i] = 430000 + uniform() * 20000;
				p.y[i] = 430000 + uniform() * 20000;
			}
			break;
		case DUPLICATES: {
			int k = (int)(uniform() * 40);
			p.x[i] = 530000 + (k % 8) * eps * 0.75;
			p.y[i] = 180000 + (double)(k / 8) * eps * 1.5;
			break;
		}
		case LATTICE:
		case GRID100: {
			/* whole metres, so k * eps and the differences are exact */
			int side = (int)ceil(sqrt((double)n));
			double step = g == LATTICE ? eps : 100;
			p.x[i] = 400000 + (double)(i % (size_t)side) * step;
			p.y[i] = 300000 + (double)(i / (size_t)side) * step;
			if (uniform() < 0.15) /* holes: move some far away */
				p.x[i] += 1e5 + uniform() * 1e4;
			break;
		}
		case LINE:
			p.x[i] = 350000 + (double)i * eps * (0.6 + uniform() * 0.6);
			p.y[i] = 250000 + uniform() * eps * 0.2;
			break;
		}
		/* whole days, so many pairs are exactly the window apart */
		p.t[i] = with_time ? floor(uniform() * 120) : 0;
	}
	return p;
}

static void points_free(points *p)
{
	free(p->x);
	free(p->y);
	free(p->t);
}

/* ---- the brute-force reference --------------------------------------------------- */

static int ref_within(const points *p, const hv_cluster_opts *o, size_t i, size_t j)
{
	double dx = p->x[i] - p->x[j], dy = p->y[i] - p->y[j];
	if (!(dx * dx + dy * dy <= o->eps * o->eps))
		return 0;
	return o->days <= 0 || fabs(p->t[i] - p->t[j]) <= o->days;
}

static size_t ref_find(size_t *parent, size_t i)
{
	while (parent[i] != i)
		i = parent[i];
	return i;
}

/* Labels and kinds by the definition, every pair compared. */
static int32_t reference(const points *p, const hv_cluster_opts *o, int32_t *label, uint8_t *kind)
{
	size_t n = p->n;
	uint8_t *core = calloc(n, 1);
	size_t *parent = malloc(n * sizeof *parent), *least = malloc(n * sizeof *least);
	assert_true(core && parent && least);
	for (size_t i = 0; i < n; i++) {
		int count = 0;
		for (size_t j = 0; j < n; j++)
			count += ref_within(p, o, i, j);
		core[i] = count >= o->min_points;
		parent[i] = i;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (core[i] && core[j] && ref_within(p, o, i, j)) {
				size_t a = ref_find(parent, i), b = ref_find(parent, j);
				if (a != b)
					parent[a > b ? a : b] = a < b ? a : b;
			}
	/* number the clusters by their least core point (x, y, t) */
	for (size_t i = 0; i < n; i++)
		least[i] = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		if (!core[i])
			continue;
		size_t r = ref_find(parent, i), l = least[r];
		if (l == SIZE_MAX || p->x[i] < p->x[l] || (p->x[i] == p->x[l] && p->y[i] < p->y[l]) ||
		    (p->x[i] == p->x[l] && p->y[i] == p->y[l] && p->t[i] < p->t[l]))
			least[r] = i;
	}
	int32_t k = 0;
	for (size_t r = 0; r < n; r++) {
		if (least[r] == SIZE_MAX)
			continue;
		int32_t before = 0; /* clusters whose least point comes first */
		for (size_t s = 0; s < n; s++) {
			size_t a = least[s], b = least[r];
			if (s == r || a == SIZE_MAX)
				continue;
			before += p->x[a] < p->x[b] || (p->x[a] == p->x[b] && p->y[a] < p->y[b]) ||
			          (p->x[a] == p->x[b] && p->y[a] == p->y[b] && p->t[a] < p->t[b]);
		}
		label[r] = before; /* the root's number, for now */
		k++;
	}
	for (size_t i = 0; i < n; i++)
		if (core[i]) {
			kind[i] = HV_CLUSTER_CORE;
			label[i] = label[ref_find(parent, i)];
		}
	for (size_t i = 0; i < n; i++) {
		if (core[i])
			continue;
		double best = INFINITY;
		int32_t bl = -1;
		for (size_t j = 0; j < n; j++) {
			if (!core[j] || !ref_within(p, o, i, j))
				continue;
			double dx = p->x[i] - p->x[j], dy = p->y[i] - p->y[j], d2 = dx * dx + dy * dy;
			int32_t lj = label[ref_find(parent, j)];
			if (d2 < best || (d2 == best && lj < bl)) {
				best = d2;
				bl = lj;
			}
		}
		kind[i] = bl < 0 ? HV_CLUSTER_NOISE : HV_CLUSTER_BORDER;
		label[i] = bl; /* i is no root of a core set: nothing reads label[i] as one */
	}
	free(core);
	free(parent);
	free(least);
	return k;
}

/* ---- cases ------------------------------------------------------------------------- */

static const struct cluster_case {
	int n;
	enum gen gen;
	size_t npoints;
	double eps;
	int min_points;
	double days;
	uint64_t seed;
	int32_t min_clusters; /* at least this many clusters (the case is not trivial) */
} cases[] = {
    {1, BLOBS, 3000, 50, 5, 0, 1, 5},
    {2, BLOBS, 3000, 100, 10, 0, 2, 5},
    {3, BLOBS, 2000, 250, 5, 0, 3, 5},
    {4, BLOBS, 2500, 30, 3, 0, 4, 5},
    {5, DUPLICATES, 1500, 100, 5, 0, 5, 1},
    {6, DUPLICATES, 1500, 100, 60, 0, 6, 1},           /* some places core, some not */
    {7, LATTICE, 2500, 100, 5, 0, 7, 1},               /* 4 neighbours exactly eps away, and itself */
    {8, LATTICE, 2500, 100, 6, 0, 8, 0},               /* one short: every lattice point is noise */
    {9, GRID100, 2500, 141.4213562373095, 9, 0, 9, 1}, /* eps * eps is 20000: the diagonals exactly eps */
    {10, BLOBS, 1500, 40, 1, 0, 10, 20},               /* minPts 1: every point core, clusters are components */
    {11, BLOBS, 1500, 40, 2, 0, 11, 20},               /* minPts 2: pairs are clusters */
    {12, LINE, 1500, 100, 2, 0, 12, 2},
    {13, LINE, 1500, 100, 3, 0, 13, 2},
    {14, BLOBS, 3000, 100, 5, 7, 14, 5}, /* ST-DBSCAN: a week */
    {15, BLOBS, 3000, 250, 4, 3, 15, 5}, /* whole days: pairs exactly 3 days apart */
    {16, DUPLICATES, 1500, 100, 8, 2, 16, 5},
    {17, LATTICE, 2500, 100, 3, 10, 17, 1},
    {18, BLOBS, 1500, 40, 1, 1, 18, 20},                  /* minPts 1 in space and time */
    {19, GRID100, 2500, 141.42135623730948, 9, 0, 19, 0}, /* a double below: no diagonal, no core */
};

static void run(haven_ctx *ctx, const points *p, const hv_cluster_opts *o, int32_t *label, uint8_t *kind, int32_t *k)
{
	tu_ok(ctx, hv_cluster(ctx, p->n, p->x, p->y, o->days > 0 ? p->t : NULL, o, label, kind, k));
}

static void test_cluster_cases(void **state)
{
	(void)state;
	haven_ctx *ctx = NULL;
	tu_ok(ctx, haven_ctx_new(&ctx));
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		const struct cluster_case *tc = &cases[c];
		points p = generate(tc->gen, tc->npoints, tc->eps, tc->days > 0, tc->seed);
		hv_cluster_opts o = {tc->eps, tc->min_points, tc->days};
		size_t n = p.n;
		int32_t *want = malloc(n * sizeof *want), *got = malloc(n * sizeof *got);
		uint8_t *wkind = malloc(n), *gkind = malloc(n);
		assert_true(want && got && wkind && gkind);
		int32_t wk = reference(&p, &o, want, wkind), gk = -1;
		run(ctx, &p, &o, got, gkind, &gk);
		if (gk != wk)
			fail_msg("case %d: %d clusters, want %d", tc->n, gk, wk);
		if (wk < tc->min_clusters)
			fail_msg("case %d: only %d clusters: the case tests too little", tc->n, wk);
		size_t counts[3] = {0};
		for (size_t i = 0; i < n; i++) {
			if (gkind[i] != wkind[i] || got[i] != want[i])
				fail_msg("case %d: point %zu (%.3f, %.3f, %g): %s %d, want %s %d", tc->n, i, p.x[i],
				         p.y[i], p.t[i], hv_cluster_kind_name(gkind[i]), got[i],
				         hv_cluster_kind_name(wkind[i]), want[i]);
			counts[gkind[i]]++;
		}
		/* Cases 8 and 19 have no core point; every other has some. */
		if (tc->n != 8 && tc->n != 19 && !counts[HV_CLUSTER_CORE])
			fail_msg("case %d: no core point", tc->n);

		/* The same points in another order: the same labels, point by point. */
		size_t *perm = malloc(n * sizeof *perm);
		points q = {n, malloc(n * sizeof(double)), malloc(n * sizeof(double)), malloc(n * sizeof(double))};
		assert_true(perm && q.x && q.y && q.t);
		for (size_t i = 0; i < n; i++)
			perm[i] = i;
		rng_state = tc->seed + 99;
		for (size_t i = n - 1; i > 0; i--) {
			size_t j = (size_t)(uniform() * (double)(i + 1)), s = perm[i];
			perm[i] = perm[j];
			perm[j] = s;
		}
		for (size_t i = 0; i < n; i++) {
			q.x[i] = p.x[perm[i]];
			q.y[i] = p.y[perm[i]];
			q.t[i] = p.t[perm[i]];
		}
		run(ctx, &q, &o, got, gkind, &gk);
		assert_int_equal(gk, wk);
		for (size_t i = 0; i < n; i++)
			if (got[i] != want[perm[i]] || gkind[i] != wkind[perm[i]])
				fail_msg("case %d, permuted: point %zu: %d, want %d", tc->n, perm[i], got[i],
				         want[perm[i]]);
		points_free(&q);
		free(perm);
		points_free(&p);
		free(want);
		free(got);
		free(wkind);
		free(gkind);
	}
	haven_ctx_free(ctx);
}

/* A border point exactly eps from a core point of each of two clusters goes
 * to the lower-numbered one (numbers follow x); a little nearer the other,
 * to that one.  In every order of the input. */
static const struct tie_case {
	int n;
	double bx;     /* the border point's x; the clusters are at x -3..0 and 20..23 */
	int32_t want;  /* its label */
	uint8_t wkind; /* and kind */
} ties[] = {
    {1, 10, 0, HV_CLUSTER_BORDER},       /* 10 m from each: the lower number */
    {2, 10.5, 1, HV_CLUSTER_BORDER},     /* nearer the second */
    {3, 9.5, 0, HV_CLUSTER_BORDER},      /* nearer the first */
    {4, -13.0001, -1, HV_CLUSTER_NOISE}, /* just over eps from the first */
};

static void test_cluster_ties(void **state)
{
	(void)state;
	haven_ctx *ctx = NULL;
	tu_ok(ctx, haven_ctx_new(&ctx));
	for (size_t c = 0; c < sizeof ties / sizeof ties[0]; c++) {
		double x0[9] = {-3, -2, -1, 0, 20, 21, 22, 23, ties[c].bx}, y0[9] = {0};
		hv_cluster_opts o = {10, 4, 0};
		for (int rot = 0; rot < 9; rot++) { /* the border point in every position */
			double x[9], y[9];
			int32_t label[9], k;
			uint8_t kind[9];
			for (int i = 0; i < 9; i++) {
				x[(i + rot) % 9] = x0[i] + 400000;
				y[(i + rot) % 9] = y0[i] + 200000;
			}
			tu_ok(ctx, hv_cluster(ctx, 9, x, y, NULL, &o, label, kind, &k));
			assert_int_equal(k, 2);
			int b = (8 + rot) % 9;
			if (label[b] != ties[c].want || kind[b] != ties[c].wkind)
				fail_msg("tie %d, rotation %d: %s %d, want %d", ties[c].n, rot,
				         hv_cluster_kind_name(kind[b]), label[b], ties[c].want);
			assert_int_equal(label[(0 + rot) % 9], 0);
			assert_int_equal(label[(4 + rot) % 9], 1);
		}
	}
	haven_ctx_free(ctx);
}

static const struct refusal_case {
	int n;
	double eps;
	int min_points;
	double days;
	int with_time;
	double bad; /* put at point 3's y, when not 0 */
	haven_status want;
	const char *needle;
} refusals[] = {
    {1, 0, 5, 0, 0, 0, HAVEN_ERR_USAGE, "eps must be a distance above 0"},
    {2, -1, 5, 0, 0, 0, HAVEN_ERR_USAGE, "eps must be"},
    {3, NAN, 5, 0, 0, 0, HAVEN_ERR_USAGE, "eps must be"},
    {4, 10, 0, 0, 0, 0, HAVEN_ERR_USAGE, "at least 1"},
    {5, 10, 5, -1, 0, 0, HAVEN_ERR_USAGE, "days must be"},
    {6, 10, 5, 3, 0, 0, HAVEN_ERR_USAGE, "with a time for each point"},
    {7, 10, 5, 0, 0, NAN, HAVEN_ERR_VALUE, "point 3: a coordinate or time"},
    {8, 10, 5, 0, 0, INFINITY, HAVEN_ERR_VALUE, "point 3:"},
    {9, 1e-9, 5, 0, 0, 1e9, HAVEN_ERR_VALUE, "too small for points spread over"},
    {10, 10, 5, 0, 0, 0, HAVEN_OK, ""},
};

static void test_cluster_refusals(void **state)
{
	(void)state;
	haven_ctx *ctx = NULL;
	tu_ok(ctx, haven_ctx_new(&ctx));
	for (size_t c = 0; c < sizeof refusals / sizeof refusals[0]; c++) {
		const struct refusal_case *tc = &refusals[c];
		double x[4] = {1, 2, 3, 4}, y[4] = {1, 2, 3, 4}, t[4] = {0};
		if (tc->bad != 0)
			y[2] = tc->bad;
		int32_t label[4], k;
		uint8_t kind[4];
		hv_cluster_opts o = {tc->eps, tc->min_points, tc->days};
		haven_status st = hv_cluster(ctx, 4, x, y, tc->with_time ? t : NULL, &o, label, kind, &k);
		if (st != tc->want || !strstr(haven_errmsg(ctx), tc->needle))
			fail_msg("refusal %d: %s '%s', want %s '%s'", tc->n, haven_status_name(st), haven_errmsg(ctx),
			         haven_status_name(tc->want), tc->needle);
	}
	/* no points: no clusters */
	int32_t k = -1;
	hv_cluster_opts o = {10, 5, 0};
	tu_ok(ctx, hv_cluster(ctx, 0, NULL, NULL, NULL, &o, NULL, NULL, &k));
	assert_int_equal(k, 0);
	haven_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cluster_cases),
	    cmocka_unit_test(test_cluster_ties),
	    cmocka_unit_test(test_cluster_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
