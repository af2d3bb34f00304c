/*
 * stscan.c - the space-time permutation scan statistic (Kulldorff,
 * Heffernan, Hartman, Assunção and Mostashari 2005), as SaTScan computes it
 * (docs/scan.md gives the model and every formula).
 *
 * Read-only computation on arrays: locations, days 0..ndays-1, case
 * records.  How it is made fast, without changing what it computes:
 *
 *  - each centre's neighbours within the maximum radius are found once
 *    (locations sorted by their first coordinate, a band searched either
 *    side) and kept in order of distance (CSR arrays);
 *  - the expected count of a cylinder and window, mu = C_Z C_W / C, depends
 *    only on the cylinder's cases C_Z and the window's cases C_W, which no
 *    permutation changes; C_W comes from prefix sums over days;
 *  - as a cylinder grows by one neighbour, that neighbour's cases are added
 *    to a histogram over days with a bitset of the days holding any, so the
 *    windows are walked over those days only: a window whose first (or, in
 *    a retrospective scan, last) day holds none of the cylinder's cases has
 *    the same count as the window without that day and an expected count no
 *    smaller, so it can never have a larger likelihood ratio; likewise a
 *    neighbour adding no case to any window adds no better cylinder;
 *  - a cheap upper bound on the likelihood ratio (logarithms of integers
 *    from a table) skips the exact one where it cannot beat the best so far;
 *  - the replicates permute the days among the cases (Fisher-Yates from
 *    the replicate's own generator, seeded from the seed and the
 *    replicate's number, so the result is the same however many threads
 *    run them) and reuse every structure above.
 *
 * The maxima found are exactly those of scanning every cylinder and window
 * (tests/unit/test_stscan.c compares with such a scan).
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/stscan.h"
#include "core/grow.h"

#define PI 3.14159265358979323846
#define LN_TABLE_MAX (1u << 22) /* logarithms of integers kept in a table up to this */
#define MAX_THREADS 8

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

double hv_stscan_distance(int latlong, double a1, double b1, double a2, double b2)
{
	if (!latlong) {
		double dx = a1 - a2, dy = b1 - b2;
		return sqrt(dx * dx + dy * dy);
	}
	/* haversine on a sphere */
	const double r = PI / 180.0;
	double sp = sin((a2 - a1) * r / 2), sl = sin((b2 - b1) * r / 2);
	double h = sp * sp + cos(a1 * r) * cos(a2 * r) * sl * sl;
	if (h > 1)
		h = 1;
	return 2 * HV_STSCAN_EARTH_M * asin(sqrt(h));
}

double hv_stscan_llr(double c, double mu, double C)
{
	if (!(c > mu) || !(mu > 0))
		return 0;
	double v = c * log(c / mu);
	if (C > c)
		v += (C - c) * log((C - c) / (C - mu));
	return v;
}

/* ---- the generator: xoshiro256** seeded by splitmix64 ------------------------ */

typedef struct rng {
	uint64_t s[4];
} rng;

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static void rng_seed(rng *g, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ splitmix(&stream);
	for (int i = 0; i < 4; i++)
		g->s[i] = splitmix(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *g)
{
	uint64_t *s = g->s, r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

/* Uniform in [0, n), without bias (Lemire's multiply and reject). */
static uint64_t rng_below(rng *g, uint64_t n)
{
	for (;;) {
		uint64_t x = rng_next(g) >> 11; /* 53 bits */
		uint64_t lim = (UINT64_C(1) << 53) - (UINT64_C(1) << 53) % n;
		if (x < lim)
			return x % n;
	}
}

/* ---- the scan's fixed structures ------------------------------------------------ */

typedef struct best {
	double llr, mu;
	int64_t c;
	uint32_t k; /* members */
	int32_t s, e;
} best;

typedef struct scan {
	const hv_stscan_in *in;
	uint32_t nloc;
	int32_t T, maxd;
	int prospective;
	int64_t C, min_cases;
	double lnC;
	int64_t *Cz;      /* cases per location */
	int64_t *Dp;      /* Dp[d]: cases on days before d */
	size_t *case_off; /* cases of location z: [case_off[z], case_off[z + 1]) */
	int32_t *days0;   /* each case's day, by location */
	size_t *nb_off;   /* neighbours of centre i: [nb_off[i], nb_off[i + 1]), nearest first, i first */
	uint32_t *nb;
	double *nb_d;
	double *lnI; /* ln of 0..nln-1 */
	size_t nln;
	double *lnDW; /* prospective: ln of the cases on the last L days, L = 1..maxd */
	size_t span, words;
} scan;

static void scan_free(scan *S)
{
	free(S->Cz);
	free(S->Dp);
	free(S->case_off);
	free(S->days0);
	free(S->nb_off);
	free(S->nb);
	free(S->nb_d);
	free(S->lnI);
	free(S->lnDW);
}

static double ln_int(const scan *S, int64_t v)
{
	return (size_t)v < S->nln ? S->lnI[v] : log((double)v);
}

/* The first of v[0..n), sorted, not less than x (n when none is). */
static size_t lower_bound(const double *v, size_t n, double x)
{
	size_t l = 0, h = n;
	while (l < h) {
		size_t m = (l + h) / 2;
		if (v[m] < x)
			l = m + 1;
		else
			h = m;
	}
	return l;
}

typedef struct nbr {
	double d;
	uint32_t loc;
} nbr;

static int cmp_nbr(const void *a, const void *b)
{
	const nbr *x = a, *y = b;
	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	return (x->loc > y->loc) - (x->loc < y->loc);
}

/* Each centre's neighbours within the radius, nearest first (ties by
 * location), the centre itself first. */
static haven_status neighbours(haven_ctx *ctx, scan *S)
{
	const hv_stscan_in *in = S->in;
	uint32_t n = S->nloc;
	nbr *order = malloc(n * sizeof *order);
	double *key = malloc(n * sizeof *key);
	nbr *tmp = malloc(n * sizeof *tmp);
	S->nb_off = malloc((n + 1) * sizeof *S->nb_off);
	size_t cap = (size_t)n * 8, len = 0;
	S->nb = malloc(cap * sizeof *S->nb);
	S->nb_d = malloc(cap * sizeof *S->nb_d);
	haven_status rc = HAVEN_OK;
	if (!order || !key || !tmp || !S->nb_off || !S->nb || !S->nb_d) {
		rc = nomem(ctx);
		goto done;
	}
	for (uint32_t i = 0; i < n; i++)
		order[i] = (nbr){in->a[i], i};
	qsort(order, n, sizeof *order, cmp_nbr);
	for (uint32_t i = 0; i < n; i++)
		key[i] = order[i].d;
	/* the band of the first coordinate a neighbour can lie in: a great-circle
	 * distance is at least the Earth's radius times the difference of
	 * latitudes */
	double w =
	    in->latlong ? in->max_radius / HV_STSCAN_EARTH_M * (180.0 / PI) * (1 + 1e-9) + 1e-12 : in->max_radius;
	for (uint32_t i = 0; i < n; i++) {
		double lo = in->a[i] - w, hi = in->a[i] + w;
		size_t k = 0;
		for (size_t j = lower_bound(key, n, lo); j < n && key[j] <= hi; j++) {
			uint32_t z = order[j].loc;
			double d = hv_stscan_distance(in->latlong, in->a[i], in->b[i], in->a[z], in->b[z]);
			if (d <= in->max_radius)
				tmp[k++] = (nbr){z == i ? -1.0 : d, z};
		}
		qsort(tmp, k, sizeof *tmp, cmp_nbr);
		if (len + k > (size_t)HV_STSCAN_MAX_NEIGHBOURS) {
			rc = hv_error(ctx, HAVEN_ERR_VALUE,
			              "more than %lld pairs of locations lie within %g m of each other: use a smaller "
			              "maximum radius",
			              (long long)HV_STSCAN_MAX_NEIGHBOURS, in->max_radius);
			goto done;
		}
		if (len + k > cap) {
			while (len + k > cap)
				cap *= 2;
			if (!hv_resize(&S->nb, cap, sizeof *S->nb) || !hv_resize(&S->nb_d, cap, sizeof *S->nb_d)) {
				rc = nomem(ctx);
				goto done;
			}
		}
		S->nb_off[i] = len;
		for (size_t j = 0; j < k; j++) {
			S->nb[len] = tmp[j].loc;
			S->nb_d[len++] = tmp[j].d < 0 ? 0 : tmp[j].d;
		}
	}
	S->nb_off[n] = len;
done:
	free(order);
	free(key);
	free(tmp);
	return rc;
}

/* Check the input, count the margins, lay the cases out by location. */
static haven_status prepare(haven_ctx *ctx, const hv_stscan_in *in, scan *S)
{
	memset(S, 0, sizeof *S);
	S->in = in;
	if (!in->nloc || in->nloc > UINT32_MAX - 1)
		return hv_error(ctx, HAVEN_ERR_VALUE, "the scan needs at least one location");
	if (in->ndays < 1 || in->ndays > HV_STSCAN_MAX_DAYS)
		return hv_error(ctx, HAVEN_ERR_USAGE, "the study period must be 1 to %d days, not %d",
		                HV_STSCAN_MAX_DAYS, (int)in->ndays);
	if (in->max_days < 1 || in->max_days > in->ndays)
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "the maximum window must be 1 to %d days (the study period), not %d", (int)in->ndays,
		                (int)in->max_days);
	if (!(in->max_radius >= 0) || !isfinite(in->max_radius))
		return hv_error(ctx, HAVEN_ERR_USAGE, "the maximum radius must be a distance of 0 metres or more");
	S->nloc = (uint32_t)in->nloc;
	S->T = in->ndays;
	S->maxd = in->max_days;
	S->prospective = in->prospective;
	S->min_cases = in->min_cases ? in->min_cases : 2;
	S->Cz = calloc(in->nloc, sizeof *S->Cz);
	S->Dp = calloc((size_t)S->T + 1, sizeof *S->Dp);
	S->case_off = calloc(in->nloc + 1, sizeof *S->case_off);
	if (!S->Cz || !S->Dp || !S->case_off)
		return nomem(ctx);
	for (size_t r = 0; r < in->nrec; r++) {
		if (in->loc[r] >= in->nloc || in->day[r] < 0 || in->day[r] >= S->T)
			return hv_error(ctx, HAVEN_ERR_USAGE, "case record %zu is outside the locations or days", r);
		S->Cz[in->loc[r]] += in->count[r];
		S->Dp[in->day[r] + 1] += in->count[r];
		S->C += in->count[r];
		if (S->C > HV_STSCAN_MAX_CASES)
			return hv_error(ctx, HAVEN_ERR_VALUE,
			                "more than %lld cases: the scan holds each case in memory",
			                (long long)HV_STSCAN_MAX_CASES);
	}
	if (!S->C)
		return hv_error(ctx, HAVEN_ERR_VALUE, "there are no cases in the study period to scan");
	for (int32_t d = 0; d < S->T; d++)
		S->Dp[d + 1] += S->Dp[d];
	for (uint32_t z = 0; z < S->nloc; z++)
		S->case_off[z + 1] = S->case_off[z] + (size_t)S->Cz[z];
	S->days0 = malloc((size_t)S->C * sizeof *S->days0);
	size_t *fill = malloc(in->nloc * sizeof *fill);
	if (!S->days0 || !fill) {
		free(fill);
		return nomem(ctx);
	}
	memcpy(fill, S->case_off, in->nloc * sizeof *fill);
	for (size_t r = 0; r < in->nrec; r++)
		for (uint32_t k = 0; k < in->count[r]; k++)
			S->days0[fill[in->loc[r]]++] = in->day[r];
	free(fill);
	S->lnC = log((double)S->C);
	S->nln = (size_t)S->C + 1 < LN_TABLE_MAX ? (size_t)S->C + 1 : LN_TABLE_MAX;
	S->lnI = malloc(S->nln * sizeof *S->lnI);
	S->lnDW = malloc(((size_t)S->maxd + 1) * sizeof *S->lnDW);
	if (!S->lnI || !S->lnDW)
		return nomem(ctx);
	S->lnI[0] = -INFINITY;
	for (size_t v = 1; v < S->nln; v++)
		S->lnI[v] = log((double)v);
	S->lnDW[0] = -INFINITY;
	for (int32_t L = 1; L <= S->maxd; L++)
		S->lnDW[L] = ln_int(S, S->Dp[S->T] - S->Dp[S->T - L]);
	S->span = S->prospective ? (size_t)S->maxd : (size_t)S->T;
	S->words = (S->span + 63) / 64;
	return neighbours(ctx, S);
}

/* ---- scanning the cylinders of one centre ----------------------------------------- */

typedef struct work {
	int32_t *hist;  /* the cylinder's cases per day (or, prospective, per days before the last) */
	uint64_t *bits; /* the days holding any */
	int32_t *days;  /* this replicate's day of each case, by location */
} work;

static void work_free(work *w)
{
	free(w->hist);
	free(w->bits);
	free(w->days);
}

static int work_new(const scan *S, work *w)
{
	memset(w, 0, sizeof *w);
	w->hist = calloc(S->span, sizeof *w->hist);
	w->bits = calloc(S->words, sizeof *w->bits);
	w->days = malloc((size_t)S->C * sizeof *w->days);
	return w->hist && w->bits && w->days;
}

/* An upper bound, less a margin for rounding, on the log likelihood ratio
 * of c cases where mu (ln lnmu) are expected, c > mu:
 * c ln(c/mu) + (C-c) ln(1 - x) with x = (c-mu)/(C-mu), and ln(1-x) <= -x.
 * Cheap: the logarithm of c comes from a table. */
static inline double ratio_bound(const scan *S, int64_t c, double mu, double lnmu)
{
	double C = (double)S->C, fc = (double)c;
	if (!(fc > mu))
		return -INFINITY;
	return fc * (ln_int(S, c) - lnmu) - (fc - mu) * (C - fc) / (C - mu) - 1e-9;
}

/* Consider a window of c cases and C_W = W cases on its days, in a cylinder
 * of Cc cases (ln lnCc): when it holds enough cases, more than expected,
 * and its ratio beats *floor, it becomes the best. */
static inline void consider(const scan *S, best *b, double *floor, int64_t c, int64_t W, double fCc, double lnCc,
                            double lnW, uint32_t k, int32_t s, int32_t e)
{
	if (c < S->min_cases)
		return;
	double C = (double)S->C, fc = (double)c;
	double mu = fCc * (double)W / C;
	if (!(fc > mu))
		return;
	/* c ln(c/mu) + (C-c) ln(1 - x), x = (c-mu)/(C-mu), and ln(1-x) <= -x */
	if (ratio_bound(S, c, mu, lnCc + lnW - S->lnC) <= *floor)
		return;
	double v = hv_stscan_llr(fc, mu, C);
	if (v > *floor) {
		*floor = v;
		*b = (best){v, mu, c, k, s, e};
	}
}

/* The first day (or offset) at or after from holding a case of the
 * cylinder; INT32_MAX when none. */
static inline int32_t next_bit(const work *w, size_t words, int32_t from)
{
	size_t q = (size_t)from >> 6;
	if (q >= words)
		return INT32_MAX;
	uint64_t m = w->bits[q] & (~UINT64_C(0) << (from & 63));
	while (!m) {
		if (++q >= words)
			return INT32_MAX;
		m = w->bits[q];
	}
	return (int32_t)(q * 64 + (size_t)__builtin_ctzll(m));
}

/* Every cylinder of centre i on the days of w: the best whose ratio is
 * above *floor goes to *b, and *floor rises to it. */
static void scan_centre(const scan *S, work *w, uint32_t i, double *floor, best *b)
{
	const uint32_t *nb = S->nb + S->nb_off[i];
	uint32_t K = (uint32_t)(S->nb_off[i + 1] - S->nb_off[i]);
	int32_t T = S->T, maxd = S->maxd;
	int64_t Cc = 0, ctot = 0; /* ctot: the cylinder's cases in the span */
	int32_t fresh[64];        /* retrospective: the days the neighbour adds, sorted (the first 64) */
	for (uint32_t k = 0; k < K; k++) {
		uint32_t z = nb[k];
		Cc += S->Cz[z];
		int32_t lo = INT32_MAX, hi = -1, nf = 0;
		for (size_t q = S->case_off[z]; q < S->case_off[z + 1]; q++) {
			int32_t o = S->prospective ? T - 1 - w->days[q] : w->days[q];
			if (o < (int32_t)S->span) {
				w->hist[o]++;
				w->bits[o >> 6] |= UINT64_C(1) << (o & 63);
				ctot++;
				lo = o < lo ? o : lo;
				hi = o > hi ? o : hi;
				if (nf < 64) {
					int32_t j = nf++;
					for (; j > 0 && fresh[j - 1] > o; j--)
						fresh[j] = fresh[j - 1];
					fresh[j] = o;
				}
			}
		}
		if (hi < 0) /* no case in any window: every window as before, expected more */
			continue;
		/* A window holding none of the new cases counts as many cases as in
		 * the cylinder before and expects more: it is never better. */
		double fCc = (double)Cc, lnCc = log(fCc);
		if (S->prospective) {
			/* the windows from the first new case on, until one expects so
			 * many that even all the cylinder's cases in the longest window
			 * could not beat the best: every later window expects more */
			int64_t c = 0;
			for (int32_t o = next_bit(w, S->words, 0); o < INT32_MAX; o = next_bit(w, S->words, o + 1)) {
				c += w->hist[o];
				if (o < lo)
					continue;
				if (ratio_bound(S, ctot, fCc * (double)(S->Dp[T] - S->Dp[T - 1 - o]) / (double)S->C,
				                lnCc + S->lnDW[o + 1] - S->lnC) <= *floor)
					break;
				consider(S, b, floor, c, S->Dp[T] - S->Dp[T - 1 - o], fCc, lnCc, S->lnDW[o + 1], k + 1,
				         T - 1 - o, T - 1);
			}
			continue;
		}
		/* the starts from maxd - 1 days before the first new day to the
		 * last; the ends from the first new day on or after the start (when
		 * the neighbour adds more than 64 days, every end) */
		int32_t f = 0, from = lo - maxd + 1 > 0 ? lo - maxd + 1 : 0;
		for (int32_t s0 = next_bit(w, S->words, from); s0 <= hi; s0 = next_bit(w, S->words, s0 + 1)) {
			while (f < nf && fresh[f] < s0)
				f++;
			int32_t need = nf == 64 ? s0 : f < nf ? fresh[f] : INT32_MAX;
			int32_t last = s0 + maxd - 1 < T - 1 ? s0 + maxd - 1 : T - 1;
			if (need > last)
				continue;
			int64_t c = 0;
			for (int32_t e = s0; e <= last; e = next_bit(w, S->words, e + 1)) {
				c += w->hist[e];
				if (e >= need) {
					int64_t W = S->Dp[e + 1] - S->Dp[s0];
					consider(S, b, floor, c, W, fCc, lnCc, ln_int(S, W), k + 1, s0, e);
				}
			}
		}
	}
	/* clear what the cylinders set */
	for (uint32_t k = 0; k < K; k++) {
		uint32_t z = nb[k];
		for (size_t q = S->case_off[z]; q < S->case_off[z + 1]; q++) {
			int32_t o = S->prospective ? T - 1 - w->days[q] : w->days[q];
			if (o < (int32_t)S->span) {
				w->hist[o] = 0;
				w->bits[o >> 6] = 0;
			}
		}
	}
}

/* ---- the replicates ------------------------------------------------------------------ */

typedef struct pool {
	const scan *S;
	uint64_t seed;
	uint32_t R;
	double *max; /* per replicate */
	atomic_uint next, done;
	atomic_int failed;
} pool;

static void replicate(const pool *P, work *w, uint32_t r)
{
	const scan *S = P->S;
	rng g;
	rng_seed(&g, P->seed, (uint64_t)r + 1);
	memcpy(w->days, S->days0, (size_t)S->C * sizeof *w->days);
	for (size_t q = (size_t)S->C; q > 1; q--) {
		size_t j = (size_t)rng_below(&g, q);
		int32_t t = w->days[q - 1];
		w->days[q - 1] = w->days[j];
		w->days[j] = t;
	}
	double floor = 0;
	best b;
	for (uint32_t i = 0; i < S->nloc; i++)
		scan_centre(S, w, i, &floor, &b);
	P->max[r] = floor;
}

static void *worker(void *arg)
{
	pool *P = arg;
	work w;
	if (!work_new(P->S, &w)) {
		atomic_store(&P->failed, 1);
		work_free(&w);
		return NULL;
	}
	for (;;) {
		unsigned r = atomic_fetch_add(&P->next, 1u);
		if (r >= P->R || atomic_load(&P->failed))
			break;
		replicate(P, &w, r);
		atomic_fetch_add(&P->done, 1u);
	}
	work_free(&w);
	return NULL;
}

static haven_status run_replicates(haven_ctx *ctx, const scan *S, const hv_stscan_in *in, double *max)
{
	pool P = {.S = S, .seed = in->seed, .R = in->replicates, .max = max};
	atomic_init(&P.next, 0u);
	atomic_init(&P.done, 0u);
	atomic_init(&P.failed, 0);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int nt = cpus > 1 ? (int)(cpus < MAX_THREADS ? cpus : MAX_THREADS) : 1;
	if ((uint32_t)nt > in->replicates)
		nt = (int)in->replicates;
	pthread_t th[MAX_THREADS];
	int started = 0;
	for (int t = 1; t < nt; t++) {
		if (pthread_create(&th[started], NULL, worker, &P) != 0)
			break;
		started++;
	}
	/* this thread works too, and reports progress between replicates */
	work w;
	unsigned shown = 0;
	if (!work_new(S, &w))
		atomic_store(&P.failed, 1);
	for (;;) {
		if (atomic_load(&P.failed))
			break;
		unsigned r = atomic_fetch_add(&P.next, 1u);
		if (r >= P.R)
			break;
		replicate(&P, &w, r);
		shown = atomic_fetch_add(&P.done, 1u) + 1;
		hv_progress(ctx, "scan replicates", (int64_t)shown, (int64_t)P.R);
	}
	work_free(&w);
	for (int t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	if (atomic_load(&P.failed))
		return nomem(ctx);
	if (shown < P.R)
		hv_progress(ctx, "scan replicates", (int64_t)P.R, (int64_t)P.R);
	return HAVEN_OK;
}

/* ---- the clusters ---------------------------------------------------------------------- */

/* Centres by their best ratio, highest first (ties: the lower location). */
static int cmp_centre(const void *a, const void *b)
{
	const nbr *x = a, *y = b;
	if (x->d != y->d)
		return x->d > y->d ? -1 : 1;
	return (x->loc > y->loc) - (x->loc < y->loc);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The replicates whose maximum is at least v, plus one, over R + 1. */
static double p_value(const double *sorted, uint32_t R, double v)
{
	return (double)(R - lower_bound(sorted, R, v) + 1) / (double)(R + 1);
}

static haven_status clusters(haven_ctx *ctx, const scan *S, const hv_stscan_in *in, const best *bests,
                             hv_stscan_out *out)
{
	uint32_t n = S->nloc;
	nbr *order = malloc(n * sizeof *order);
	unsigned char *used = calloc(n, 1);
	double *sorted = malloc(((size_t)in->replicates + 1) * sizeof *sorted);
	size_t maxc = in->max_clusters ? in->max_clusters : 10;
	out->clusters = calloc(maxc, sizeof *out->clusters);
	haven_status rc = HAVEN_OK;
	if (!order || !used || !sorted || !out->clusters) {
		rc = nomem(ctx);
		goto done;
	}
	if (in->replicates)
		memcpy(sorted, out->replicate_llr, in->replicates * sizeof *sorted);
	qsort(sorted, in->replicates, sizeof *sorted, cmp_double);
	for (uint32_t i = 0; i < n; i++)
		order[i] = (nbr){bests[i].llr, i};
	qsort(order, n, sizeof *order, cmp_centre);
	for (uint32_t j = 0; j < n && out->n < maxc; j++) {
		uint32_t i = order[j].loc;
		const best *b = &bests[i];
		if (!(b->llr > 0))
			break;
		const uint32_t *nb = S->nb + S->nb_off[i];
		int overlap = 0;
		for (uint32_t k = 0; k < b->k && !overlap; k++)
			overlap = used[nb[k]];
		if (overlap)
			continue;
		hv_stscan_cluster *c = &out->clusters[out->n];
		if (!(c->members = malloc(b->k * sizeof *c->members))) {
			rc = nomem(ctx);
			goto done;
		}
		out->n++;
		for (uint32_t k = 0; k < b->k; k++) {
			c->members[k] = nb[k];
			used[nb[k]] = 1;
		}
		c->centre = i;
		c->nmembers = b->k;
		c->radius = S->nb_d[S->nb_off[i] + b->k - 1];
		c->first_day = b->s;
		c->last_day = b->e;
		c->observed = b->c;
		c->expected = b->mu;
		c->llr = b->llr;
		c->p = in->replicates ? p_value(sorted, in->replicates, b->llr) : NAN;
	}
done:
	free(order);
	free(used);
	free(sorted);
	return rc;
}

haven_status hv_stscan_run(haven_ctx *ctx, const hv_stscan_in *in, hv_stscan_out *out)
{
	scan S;
	work w = {0};
	best *bests = NULL;
	haven_status rc = prepare(ctx, in, &S);
	if (rc)
		goto done;
	out->cases = S.C;
	out->replicates = in->replicates;
	bests = calloc(S.nloc, sizeof *bests);
	out->replicate_llr = calloc((size_t)in->replicates + 1, sizeof *out->replicate_llr);
	if (!bests || !out->replicate_llr || !work_new(&S, &w)) {
		rc = nomem(ctx);
		goto done;
	}
	/* the data: each centre's best cylinder and window */
	memcpy(w.days, S.days0, (size_t)S.C * sizeof *w.days);
	for (uint32_t i = 0; i < S.nloc; i++) {
		double floor = 0;
		scan_centre(&S, &w, i, &floor, &bests[i]);
	}
	if (in->replicates && (rc = run_replicates(ctx, &S, in, out->replicate_llr)))
		goto done;
	rc = clusters(ctx, &S, in, bests, out);
done:
	work_free(&w);
	free(bests);
	scan_free(&S);
	return rc;
}

void hv_stscan_out_free(hv_stscan_out *out)
{
	if (!out)
		return;
	for (size_t i = 0; i < out->n; i++)
		free(out->clusters[i].members);
	free(out->clusters);
	free(out->replicate_llr);
	memset(out, 0, sizeof *out);
}
