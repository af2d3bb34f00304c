/*
 * hotspot.c - Getis-Ord Gi* on a square grid (docs/hotspots.md).
 *
 * The grid is a flat array; the neighbours within the band are a list of
 * offsets made once.  Gi* of cell i, with binary weights w(i,j) = 1 when
 * the centres of i and j are at most the band apart (i itself included),
 * over the n cells of the study region (Getis and Ord 1992; Ord and Getis 1995):
 *
 *   z(i) = (lag(i) - mean W(i)) / (s sqrt((n W(i) - W(i)^2) / (n - 1)))
 *
 * lag(i) the sum of the values of i's neighbours, W(i) their number, mean
 * and s the mean and standard deviation (divided by n) of the values: the
 * z-score of esda's G_Local(star=True) with binary weights.
 *
 * Conditional permutations, the fast way.  For cell i with W(i) - 1 other
 * neighbours, a replicate draws that many values without replacement from
 * the region's other cells.  Each replicate shuffles the first K places of
 * one permutation of the region (K = the largest neighbourhood) and keeps
 * the prefix sums of the values along it: the first k cells other than i
 * are the first k places when i is not among them, else the first k + 1
 * without i, so every cell's replicate is one look-up.  As in esda, one
 * permutation serves every cell of a replicate (each cell's p-value is
 * exact; the cells' replicates are not independent of each other).
 */
#include "analysis/hotspot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NOWHERE UINT32_MAX

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory computing Gi*");
}

/* splitmix64 (Steele, Lea and Flood 2014): the same sequence everywhere. */
static uint64_t next_u64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

void hv_gistar_free(hv_gistar_out *out)
{
	if (!out)
		return;
	free(out->z);
	free(out->p);
	free(out->q);
	free(out->lag);
	free(out->w);
	free(out->cls);
	memset(out, 0, sizeof *out);
}

typedef struct ranked {
	double p;
	size_t i;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

haven_status hv_bh_qvalues(haven_ctx *ctx, const double *p, size_t n, double *q)
{
	ranked *r = malloc((n ? n : 1) * sizeof *r);
	if (!r)
		return nomem(ctx);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		q[i] = NAN;
		if (!isnan(p[i]))
			r[m++] = (ranked){p[i], i};
	}
	qsort(r, m, sizeof *r, cmp_ranked);
	double run = 1.0;
	for (size_t k = m; k-- > 0;) {
		double v = r[k].p * (double)m / (double)(k + 1);
		if (v < run)
			run = v;
		q[r[k].i] = run;
	}
	free(r);
	return HAVEN_OK;
}

/* The offsets (dx, dy) of the cells whose centres are within band cell
 * widths, the cell itself included. */
static haven_status offsets(haven_ctx *ctx, double band, int32_t **dxy, size_t *n)
{
	if (!isfinite(band) || band < 0)
		return hv_error(ctx, HAVEN_ERR_VALUE, "the band must be a distance of 0 or more");
	double r2 = band * band * (1 + 1e-12);
	if (band > 60)
		return hv_error(
		    ctx, HAVEN_ERR_VALUE,
		    "a band of %.0f cells gives more than %d neighbours: use a larger --cell or a smaller --band", band,
		    HV_GISTAR_MAX_OFFSETS);
	int32_t r = (int32_t)floor(band * (1 + 1e-12));
	size_t cap = (size_t)(2 * r + 1) * (size_t)(2 * r + 1), k = 0;
	int32_t *o = malloc(2 * cap * sizeof *o);
	if (!o)
		return nomem(ctx);
	for (int32_t dy = -r; dy <= r; dy++)
		for (int32_t dx = -r; dx <= r; dx++)
			if ((double)dx * dx + (double)dy * dy <= r2) {
				o[2 * k] = dx;
				o[2 * k + 1] = dy;
				k++;
			}
	if (k > HV_GISTAR_MAX_OFFSETS) {
		free(o);
		return hv_error(
		    ctx, HAVEN_ERR_VALUE,
		    "a band of %.1f cells gives %zu neighbours, more than %d: use a larger --cell or a smaller "
		    "--band",
		    band, k, HV_GISTAR_MAX_OFFSETS);
	}
	*dxy = o;
	*n = k;
	return HAVEN_OK;
}

typedef struct work {
	uint32_t *idx;  /* grid cell -> region cell, NOWHERE outside */
	uint32_t *cell; /* region cell -> grid cell */
	double *x;      /* region cell -> value */
	double *lag;    /* region cell -> observed lag */
	uint32_t *k;    /* region cell -> other neighbours */
	uint32_t *perm, *pos, *hi, *lo;
	double *pre;
} work;

static void work_free(work *w)
{
	free(w->idx);
	free(w->cell);
	free(w->x);
	free(w->lag);
	free(w->k);
	free(w->perm);
	free(w->pos);
	free(w->hi);
	free(w->lo);
	free(w->pre);
}

static haven_status permute_init(haven_ctx *ctx, work *w, size_t n, uint32_t kmax)
{
	size_t K = (size_t)kmax + 1 < n ? (size_t)kmax + 1 : n;
	w->perm = malloc(n * sizeof *w->perm);
	w->pos = calloc(n, sizeof *w->pos);
	w->hi = calloc(n, sizeof *w->hi);
	w->lo = calloc(n, sizeof *w->lo);
	w->pre = malloc((K + 1) * sizeof *w->pre);
	if (!w->perm || !w->pos || !w->hi || !w->lo || !w->pre)
		return nomem(ctx);
	for (size_t i = 0; i < n; i++)
		w->perm[i] = (uint32_t)i;
	return HAVEN_OK;
}

/* The first K places of a uniform permutation of the n region cells
 * (partial Fisher-Yates; the rest of the array, already shuffled, stays
 * uniform), each cell's place in pos (0: not among them) and the prefix
 * sums of their values in pre.  Undo pos with unshuffle(). */
static void shuffle(work *w, size_t n, size_t K, uint64_t *s)
{
	w->pre[0] = 0;
	for (size_t a = 0; a < K; a++) {
		size_t j = a + (size_t)(next_u64(s) % (uint64_t)(n - a));
		uint32_t t = w->perm[a];
		w->perm[a] = w->perm[j];
		w->perm[j] = t;
		w->pos[w->perm[a]] = (uint32_t)(a + 1);
		w->pre[a + 1] = w->pre[a] + w->x[w->perm[a]];
	}
}

static void unshuffle(work *w, size_t K)
{
	for (size_t a = 0; a < K; a++)
		w->pos[w->perm[a]] = 0;
}

/* The replicate's lag of cell i, with k other neighbours and value x. */
static double sim_lag(const work *w, uint32_t i, uint32_t k, double x)
{
	return k ? x + (w->pos[i] && w->pos[i] <= k ? w->pre[k + 1] - x : w->pre[k]) : x;
}

/* R replicates for every region cell: hi and lo count, per cell, those at
 * least and at most the observed lag.  *s is the generator, carried on. */
static void permute(work *w, size_t n, uint32_t kmax, unsigned R, uint64_t *s)
{
	size_t K = (size_t)kmax + 1 < n ? (size_t)kmax + 1 : n;
	for (unsigned r = 0; r < R; r++) {
		shuffle(w, n, K, s);
		for (size_t i = 0; i < n; i++) {
			uint32_t k = w->k[i];
			double sim = sim_lag(w, (uint32_t)i, k, w->x[i]), tol = 1e-9 * (fabs(w->lag[i]) + 1);
			w->hi[i] += sim >= w->lag[i] - tol;
			w->lo[i] += sim <= w->lag[i] + tol;
		}
		unshuffle(w, K);
	}
}

/* A cell being refined, its fields together so that a replicate reads
 * them in order. */
typedef struct fine {
	uint32_t i, k, hi, lo;
	double x, lag, p;
} fine;

#define REFINE_STEP 1000 /* replicates between the checks for stopping */

/* The refining replicates (docs/hotspots.md, "Refining replicates"): the
 * m cells of f, which had fewer than HV_GISTAR_REFINE_AT extreme replicates
 * among the first R, get more, `extra` at most; every REFINE_STEP
 * replicates a cell with HV_GISTAR_REFINE_AT extreme ones stops, its p the
 * extreme ones over the replicates so far (Besag and Clifford's sequential
 * p-value); the rest get (extreme + 1) / (R + extra + 1). */
static haven_status refine(haven_ctx *ctx, work *w, size_t n, uint32_t kmax, fine *f, size_t m, unsigned R,
                           unsigned extra, uint64_t *s)
{
	size_t K = (size_t)kmax + 1 < n ? (size_t)kmax + 1 : n, live = m;
	unsigned done = 0;
	fine **act = malloc((m ? m : 1) * sizeof *act);
	if (!act)
		return nomem(ctx);
	for (size_t b = 0; b < m; b++)
		act[b] = &f[b];
	while (live && done < extra) {
		unsigned step = extra - done < REFINE_STEP ? extra - done : REFINE_STEP;
		for (unsigned r = 0; r < step; r++) {
			shuffle(w, n, K, s);
			for (size_t b = 0; b < live; b++) {
				fine *c = act[b];
				double sim = sim_lag(w, c->i, c->k, c->x), tol = 1e-9 * (fabs(c->lag) + 1);
				c->hi += sim >= c->lag - tol;
				c->lo += sim <= c->lag + tol;
			}
			unshuffle(w, K);
		}
		done += step;
		size_t keep = 0;
		for (size_t b = 0; b < live; b++) {
			fine *c = act[b];
			uint32_t ex = c->hi < c->lo ? c->hi : c->lo;
			if (ex >= HV_GISTAR_REFINE_AT)
				c->p = (double)ex / ((double)R + done);
			else
				act[keep++] = c;
		}
		live = keep;
	}
	for (size_t b = 0; b < live; b++) {
		fine *c = act[b];
		c->p = ((double)(c->hi < c->lo ? c->hi : c->lo) + 1) / ((double)R + done + 1);
	}
	free(act);
	return HAVEN_OK;
}

static uint32_t extreme(const work *w, size_t i)
{
	return w->hi[i] < w->lo[i] ? w->hi[i] : w->lo[i];
}

/* The replicates, and the cells' pseudo p-values into p: every cell gets R
 * replicates; a cell with fewer than HV_GISTAR_REFINE_AT extreme ones
 * (p about 0.01 or less with R = 999) gets more, up to `total` in all
 * (when total > R), and its p is over all of them. */
static haven_status replicate(haven_ctx *ctx, work *w, size_t n, uint32_t kmax, unsigned R, unsigned total,
                              uint64_t seed, double *p, size_t *refined)
{
	haven_status rc = permute_init(ctx, w, n, kmax);
	if (rc)
		return rc;
	uint64_t s = seed;
	permute(w, n, kmax, R, &s);
	for (size_t i = 0; i < n; i++)
		p[i] = ((double)extreme(w, i) + 1) / ((double)R + 1);
	size_t m = 0;
	if (total > R) {
		for (size_t i = 0; i < n; i++)
			m += extreme(w, i) < HV_GISTAR_REFINE_AT;
		fine *f = malloc((m ? m : 1) * sizeof *f);
		if (!f)
			return nomem(ctx);
		size_t b = 0;
		for (size_t i = 0; i < n; i++)
			if (extreme(w, i) < HV_GISTAR_REFINE_AT)
				f[b++] = (fine){(uint32_t)i, w->k[i], w->hi[i], w->lo[i], w->x[i], w->lag[i], NAN};
		haven_status rc2 = refine(ctx, w, n, kmax, f, m, R, total - R, &s);
		for (b = 0; !rc2 && b < m; b++) {
			p[f[b].i] = f[b].p;
			w->hi[f[b].i] = f[b].hi;
			w->lo[f[b].i] = f[b].lo;
		}
		free(f);
		if (rc2)
			return rc2;
	}
	*refined = m;
	return HAVEN_OK;
}

static haven_status alloc_out(haven_ctx *ctx, size_t g, hv_gistar_out *out)
{
	memset(out, 0, sizeof *out);
	out->z = malloc(g * sizeof *out->z);
	out->p = malloc(g * sizeof *out->p);
	out->q = malloc(g * sizeof *out->q);
	out->lag = malloc(g * sizeof *out->lag);
	out->w = calloc(g, sizeof *out->w);
	out->cls = calloc(g, sizeof *out->cls);
	if (!out->z || !out->p || !out->q || !out->lag || !out->w || !out->cls) {
		hv_gistar_free(out);
		return nomem(ctx);
	}
	for (size_t i = 0; i < g; i++)
		out->z[i] = out->p[i] = out->q[i] = out->lag[i] = NAN;
	return HAVEN_OK;
}

static int8_t classify(double z, double q, uint32_t hi, uint32_t lo)
{
	int8_t level = q <= 0.01 ? 3 : q <= 0.05 ? 2 : q <= 0.10 ? 1 : 0;
	if (z > 0 && hi < lo)
		return level;
	if (z < 0 && lo < hi)
		return (int8_t)-level;
	return 0;
}

haven_status hv_gistar(haven_ctx *ctx, const hv_gistar_in *in, hv_gistar_out *out)
{
	memset(out, 0, sizeof *out);
	if (!in->nx || !in->ny || in->nx > HV_GISTAR_MAX_GRID / in->ny)
		return hv_error(ctx, HAVEN_ERR_VALUE, "a grid of %zu x %zu cells: the most is %zu cells", in->nx,
		                in->ny, HV_GISTAR_MAX_GRID);
	size_t g = in->nx * in->ny, n = 0, no = 0;
	int32_t *dxy = NULL;
	haven_status rc = offsets(ctx, in->band, &dxy, &no);
	if (rc)
		return rc;
	work w;
	memset(&w, 0, sizeof w);
	w.idx = malloc(g * sizeof *w.idx);
	if (!w.idx) {
		free(dxy);
		return nomem(ctx);
	}
	for (size_t i = 0; i < g; i++) {
		w.idx[i] = NOWHERE;
		if (in->in && !in->in[i])
			continue;
		if (!isfinite(in->value[i])) {
			rc = hv_error(ctx, HAVEN_ERR_VALUE, "cell %zu, %zu: the value is not a finite number",
			              i % in->nx, i / in->nx);
			break;
		}
		if (n == HV_GISTAR_MAX_REGION) {
			rc = hv_error(ctx, HAVEN_ERR_VALUE,
			              "the study region has more than %zu cells: use a larger --cell",
			              HV_GISTAR_MAX_REGION);
			break;
		}
		w.idx[i] = (uint32_t)n++;
	}
	if (!rc && n < 3)
		rc = hv_error(ctx, HAVEN_ERR_VALUE, "the study region has %zu cells: Gi* needs at least 3", n);
	if (!rc && (!(w.cell = malloc(n * sizeof *w.cell)) || !(w.x = malloc(n * sizeof *w.x)) ||
	            !(w.lag = malloc(n * sizeof *w.lag)) || !(w.k = malloc(n * sizeof *w.k))))
		rc = nomem(ctx);
	if (!rc)
		rc = alloc_out(ctx, g, out);
	if (rc) {
		free(dxy);
		work_free(&w);
		return rc;
	}
	double sum = 0;
	for (size_t i = 0; i < g; i++)
		if (w.idx[i] != NOWHERE) {
			w.cell[w.idx[i]] = (uint32_t)i;
			w.x[w.idx[i]] = in->value[i];
			sum += in->value[i];
		}
	double mean = sum / (double)n, ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (w.x[i] - mean) * (w.x[i] - mean);
	double sd = sqrt(ss / (double)n), dn = (double)n;
	out->n = n;
	out->mean = mean;
	out->sd = sd;
	/* the neighbourhoods and the z-scores */
	uint32_t kmax = 0;
	for (size_t r = 0; r < n; r++) {
		size_t c = w.cell[r];
		int64_t cx = (int64_t)(c % in->nx), cy = (int64_t)(c / in->nx);
		double lag = 0;
		uint32_t wi = 0;
		for (size_t o = 0; o < no; o++) {
			int64_t x = cx + dxy[2 * o], y = cy + dxy[2 * o + 1];
			if (x < 0 || y < 0 || x >= (int64_t)in->nx || y >= (int64_t)in->ny)
				continue;
			uint32_t j = w.idx[(size_t)y * in->nx + (size_t)x];
			if (j == NOWHERE)
				continue;
			lag += w.x[j];
			wi++;
		}
		w.lag[r] = lag;
		w.k[r] = wi - 1;
		if (wi - 1 > kmax)
			kmax = wi - 1;
		double W = wi, den = sd * sqrt((dn * W - W * W) / (dn - 1));
		out->lag[c] = lag;
		out->w[c] = wi;
		out->z[c] = den > 0 ? (lag - mean * W) / den : 0;
	}
	free(dxy);
	if (in->permutations) {
		double *p = calloc(n, sizeof *p), *q = calloc(n, sizeof *q);
		if (!p || !q)
			rc = nomem(ctx);
		else if (!(rc = replicate(ctx, &w, n, kmax, in->permutations, in->refine, in->seed, p, &out->refined)))
			rc = hv_bh_qvalues(ctx, p, n, q);
		for (size_t r = 0; !rc && r < n; r++) {
			size_t c = w.cell[r];
			out->p[c] = p[r];
			out->q[c] = q[r];
			out->cls[c] = classify(out->z[c], q[r], w.hi[r], w.lo[r]);
		}
		free(p);
		free(q);
	}
	work_free(&w);
	if (rc)
		hv_gistar_free(out);
	return rc;
}
