/*
 * cluster.c - exact DBSCAN and ST-DBSCAN on a uniform grid.
 *
 * The points are put in square cells of side s slightly more than
 * eps / sqrt(2) (a margin far above the rounding of the cell index, so
 * that two points whose cells differ by two or more in both directions are
 * always more than eps apart): a point's neighbours are in its own cell
 * and the 20 around it (the 5 x 5 block without its corners).  The cells
 * are found through a hash of their coordinates, so memory follows the
 * points, never the extent.  The points are sorted by cell (LSD radix
 * sort), and within a cell by time for ST-DBSCAN, so a cell is a run of the
 * sorted arrays and the window of times near a point moves forward
 * through it as the cell's points are taken in order.
 *
 * 1. Core points.  In space alone, a cell holding min_points or more points
 *    whose bounding box has a diagonal within eps (the same test as a
 *    pair's, in doubles, so it is exact) has every point core, with no
 *    distance computed.  Every other point counts its neighbours in its 21
 *    cells (itself included), its own cell first, stopping at min_points.
 * 2. Clusters: union-find over the core points.  The core points of such a
 *    compact cell are one set at once; two cells' sets are joined by the
 *    first pair of core points found within eps, and a pair of cells whose
 *    sets are already one is not searched.  Cells that are not compact (and
 *    every cell in ST-DBSCAN) join their core points pair by pair.
 * 3. Numbering: each set by its least core point in (x, y, t) order, which
 *    no two clusters share, so numbers do not depend on the input's order.
 * 4. Border points: each non-core point takes the cluster of its nearest
 *    core neighbour (ties: the lower number); none makes it noise, and a
 *    point with no neighbour but itself is noise without a search.
 *
 * Memory: about 60 bytes a point plus the cells (a million points: a peak
 * of about 110 MB for the whole process, docs/benchmarks.md); no step compares every pair of points, only pairs in
 * neighbouring cells.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/cluster.h"
#include "core/sort.h"

#define NONE UINT32_MAX

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

const char *hv_cluster_kind_name(uint8_t kind)
{
	return kind == HV_CLUSTER_CORE ? "core" : kind == HV_CLUSTER_BORDER ? "border" : "noise";
}

/* ---- sorting ----------------------------------------------------------------- */

/* A double as a key that sorts as the double does (finite values). */
static uint64_t double_key(double v)
{
	uint64_t u;
	if (v == 0)
		v = 0; /* -0 as 0 */
	memcpy(&u, &v, sizeof u);
	return (u >> 63) ? ~u : u | ((uint64_t)1 << 63);
}

/* ---- the work ---------------------------------------------------------------- */

typedef struct work {
	size_t n;
	double eps2, days;
	int st, min_points;
	/* the points in sorted order */
	uint32_t *ord; /* sorted position -> input index */
	double *x, *y, *t;
	uint8_t *core;
	uint8_t *alone;   /* not core, and no neighbour but itself: noise at once */
	uint32_t *parent; /* union-find over sorted positions */
	/* cells: cell c holds positions start[c] .. start[c + 1] - 1 */
	size_t ncell;
	uint32_t *start;
	uint64_t *ckey;
	uint8_t *compact;
	uint32_t *first_core; /* a cell's first core position, or NONE */
	/* neighbouring cells (itself included): nb[nbstart[c] .. nbstart[c + 1] - 1] */
	uint32_t *nbstart, *nb;
	/* hash of cell keys: slot -> cell + 1, 0 empty */
	uint32_t *hash;
	uint64_t hmask;
	int hshift;
} work;

static uint64_t hslot(const work *w, uint64_t key)
{
	return (key * 0x9E3779B97F4A7C15ull) >> w->hshift;
}

static uint32_t cell_find(const work *w, uint64_t key)
{
	for (uint64_t h = hslot(w, key);; h = (h + 1) & w->hmask) {
		uint32_t v = w->hash[h];
		if (!v)
			return NONE;
		if (w->ckey[v - 1] == key)
			return v - 1;
	}
}

static int within(const work *w, uint32_t p, uint32_t q)
{
	double dx = w->x[p] - w->x[q], dy = w->y[p] - w->y[q];
	return dx * dx + dy * dy <= w->eps2;
}

/* The windows of a cell's neighbours for its points taken in order: for
 * neighbour k (of at most 21), the positions lo[k] .. hi[k] - 1 within days
 * of the point's time (in space alone, the whole cell).  A cell's points are
 * sorted by time, so both ends only move forward: each pair of cells costs
 * the sum of their sizes, not a search for every point.  |t_q - t_p| <= days
 * is monotone in t_q on each side of t_p, so the ends are found by the test
 * itself. */
typedef struct cursor {
	uint32_t n, lo[21], hi[21];
	const uint32_t *nb; /* the neighbouring cells */
} cursor;

static void cursor_start(const work *w, uint32_t c, cursor *cu)
{
	cu->nb = w->nb + w->nbstart[c];
	cu->n = w->nbstart[c + 1] - w->nbstart[c];
	for (uint32_t k = 0; k < cu->n; k++) {
		cu->lo[k] = w->start[cu->nb[k]];
		cu->hi[k] = w->st ? cu->lo[k] : w->start[cu->nb[k] + 1];
	}
}

/* Move window k to time tp, at least the time it was last moved to (a
 * window is moved only when it is read: points that need none skip it). */
static void cursor_move(const work *w, cursor *cu, uint32_t k, double tp)
{
	if (!w->st)
		return;
	uint32_t l = cu->lo[k], h = cu->hi[k], e = w->start[cu->nb[k] + 1];
	while (l < e && w->t[l] < tp && tp - w->t[l] > w->days)
		l++;
	if (h < l)
		h = l;
	while (h < e && !(w->t[h] > tp && w->t[h] - tp > w->days))
		h++;
	cu->lo[k] = l;
	cu->hi[k] = h;
}

static uint32_t find(uint32_t *parent, uint32_t p)
{
	while (parent[p] != p) {
		parent[p] = parent[parent[p]];
		p = parent[p];
	}
	return p;
}

static void unite(uint32_t *parent, uint32_t a, uint32_t b)
{
	a = find(parent, a);
	b = find(parent, b);
	if (a < b)
		parent[b] = a;
	else if (b < a)
		parent[a] = b;
}

static void work_free(work *w)
{
	free(w->ord);
	free(w->x);
	free(w->y);
	free(w->t);
	free(w->core);
	free(w->alone);
	free(w->parent);
	free(w->start);
	free(w->ckey);
	free(w->compact);
	free(w->first_core);
	free(w->nbstart);
	free(w->nb);
	free(w->hash);
}

/* Sort the points by cell (and time), fill the cells, their hash and their
 * neighbour lists. */
static haven_status build(haven_ctx *ctx, work *w, const double *x, const double *y, const double *t, double eps)
{
	size_t n = w->n;
	double minx = x[0], miny = y[0], maxx = x[0], maxy = y[0];
	for (size_t i = 1; i < n; i++) {
		minx = fmin(minx, x[i]);
		maxx = fmax(maxx, x[i]);
		miny = fmin(miny, y[i]);
		maxy = fmax(maxy, y[i]);
	}
	double span = fmax(maxx - minx, maxy - miny);
	double s = eps * M_SQRT1_2 * (1 + 1e-9) + span * 1e-14;
	double nx = floor((maxx - minx) / s) + 1, ny = floor((maxy - miny) / s) + 1;
	if (nx + 4 > 2147483647.0 || ny + 4 > 2147483647.0)
		return hv_error(ctx, HAVEN_ERR_VALUE,
		                "eps %g m is too small for points spread over %.0f m (at most 2^31 cells a side)", eps,
		                span);
	uint64_t NY = (uint64_t)ny + 4; /* cells are offset by 2 so neighbours never go below 0 */

	uint64_t *key = malloc(n * sizeof *key), *tk = malloc(n * sizeof *tk);
	uint32_t *tv = malloc(n * sizeof *tv);
	w->ord = malloc(n * sizeof *w->ord);
	if (!key || !tk || !tv || !w->ord) {
		free(key);
		free(tk);
		free(tv);
		return nomem(ctx);
	}
	for (size_t i = 0; i < n; i++)
		w->ord[i] = (uint32_t)i;
	if (w->st) {
		for (size_t i = 0; i < n; i++)
			key[i] = double_key(t[i]);
		hv_radix_sort(key, w->ord, tk, tv, n);
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t p = w->ord[i];
		uint64_t ix = (uint64_t)floor((x[p] - minx) / s) + 2, iy = (uint64_t)floor((y[p] - miny) / s) + 2;
		key[i] = ix * NY + iy;
	}
	hv_radix_sort(key, w->ord, tk, tv, n);
	free(tk);
	free(tv);

	w->x = malloc(n * sizeof *w->x);
	w->y = malloc(n * sizeof *w->y);
	w->t = w->st ? malloc(n * sizeof *w->t) : NULL;
	w->core = calloc(n, 1);
	w->alone = calloc(n, 1);
	w->start = malloc((n + 1) * sizeof *w->start);
	w->ckey = malloc(n * sizeof *w->ckey);
	if (!w->x || !w->y || (w->st && !w->t) || !w->core || !w->alone || !w->start || !w->ckey) {
		free(key);
		return nomem(ctx);
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t p = w->ord[i];
		w->x[i] = x[p];
		w->y[i] = y[p];
		if (w->st)
			w->t[i] = t[p];
		if (i == 0 || key[i] != key[i - 1]) {
			w->start[w->ncell] = (uint32_t)i;
			w->ckey[w->ncell++] = key[i];
		}
	}
	w->start[w->ncell] = (uint32_t)n;
	free(key);

	/* The hash: a power of two at least twice the cells. */
	w->hshift = 64;
	uint64_t size = 1;
	while (size < 2 * (uint64_t)w->ncell) {
		size <<= 1;
		w->hshift--;
	}
	if (w->hshift == 64) { /* one cell: a table of two slots */
		size = 2;
		w->hshift = 63;
	}
	w->hmask = size - 1;
	w->hash = calloc(size, sizeof *w->hash);
	w->compact = calloc(w->ncell, 1);
	w->first_core = malloc(w->ncell * sizeof *w->first_core);
	w->nbstart = malloc((w->ncell + 1) * sizeof *w->nbstart);
	if (!w->hash || !w->compact || !w->first_core || !w->nbstart)
		return nomem(ctx);
	for (size_t c = 0; c < w->ncell; c++) {
		uint64_t h = hslot(w, w->ckey[c]);
		while (w->hash[h])
			h = (h + 1) & w->hmask;
		w->hash[h] = (uint32_t)c + 1;
	}

	/* Neighbour lists, grown as needed. */
	size_t cap = w->ncell * 4 + 16, len = 0;
	w->nb = malloc(cap * sizeof *w->nb);
	if (!w->nb)
		return nomem(ctx);
	for (size_t c = 0; c < w->ncell; c++) {
		w->nbstart[c] = (uint32_t)len;
		if (len + 21 > cap) {
			cap *= 2;
			uint32_t *nb = realloc(w->nb, cap * sizeof *nb);
			if (!nb)
				return nomem(ctx);
			w->nb = nb;
		}
		/* the cell itself first, then the nearest: counting stops early */
		static const signed char off[21][2] = {{0, 0},  {-1, 0}, {1, 0},  {0, -1},  {0, 1},  {-1, -1}, {-1, 1},
		                                       {1, -1}, {1, 1},  {-2, 0}, {2, 0},   {0, -2}, {0, 2},   {-2, -1},
		                                       {-2, 1}, {2, -1}, {2, 1},  {-1, -2}, {1, -2}, {-1, 2},  {1, 2}};
		uint64_t ix = w->ckey[c] / NY, iy = w->ckey[c] % NY;
		w->nb[len++] = (uint32_t)c;
		for (int j = 1; j < 21; j++) {
			uint64_t k = (uint64_t)((int64_t)ix + off[j][0]) * NY + (uint64_t)((int64_t)iy + off[j][1]);
			uint32_t d = cell_find(w, k);
			if (d != NONE)
				w->nb[len++] = d;
		}
		/* A cell's bounding box within eps: every pair in it is. */
		uint32_t a = w->start[c], b = w->start[c + 1];
		double x0 = w->x[a], x1 = w->x[a], y0 = w->y[a], y1 = w->y[a];
		for (uint32_t i = a + 1; i < b; i++) {
			x0 = fmin(x0, w->x[i]);
			x1 = fmax(x1, w->x[i]);
			y0 = fmin(y0, w->y[i]);
			y1 = fmax(y1, w->y[i]);
		}
		double dx = x1 - x0, dy = y1 - y0;
		w->compact[c] = !w->st && dx * dx + dy * dy <= w->eps2;
	}
	w->nbstart[w->ncell] = (uint32_t)len;
	return HAVEN_OK;
}

static void find_core(work *w)
{
	for (size_t c = 0; c < w->ncell; c++) {
		uint32_t a = w->start[c], b = w->start[c + 1];
		if (w->compact[c] && b - a >= (uint32_t)w->min_points) {
			memset(w->core + a, 1, b - a);
			continue;
		}
		cursor cu;
		cursor_start(w, (uint32_t)c, &cu);
		for (uint32_t p = a; p < b; p++) {
			int count = 0;
			for (uint32_t k = 0; k < cu.n && count < w->min_points; k++) {
				cursor_move(w, &cu, k, w->st ? w->t[p] : 0);
				for (uint32_t q = cu.lo[k]; q < cu.hi[k]; q++)
					if (within(w, p, q) && ++count >= w->min_points)
						break;
			}
			w->core[p] = count >= w->min_points;
			w->alone[p] = count == 1;
		}
	}
}

/* Join core point p to the core points at positions lo .. hi - 1 of cell d
 * within eps (and days: the window).  When d is compact its core points are
 * one set: p is joined once. */
static void join_point(work *w, uint32_t p, uint32_t d, uint32_t lo, uint32_t hi)
{
	if (w->compact[d] && find(w->parent, p) == find(w->parent, w->first_core[d]))
		return;
	for (uint32_t q = lo; q < hi; q++) {
		if (!w->core[q] || q == p || !within(w, p, q))
			continue;
		if (w->compact[d]) {
			unite(w->parent, p, q);
			return;
		}
		if (find(w->parent, p) != find(w->parent, q))
			unite(w->parent, p, q);
	}
}

static void join(work *w)
{
	for (size_t c = 0; c < w->ncell; c++) {
		uint32_t a = w->start[c], b = w->start[c + 1], f = NONE;
		for (uint32_t p = a; p < b; p++)
			if (w->core[p]) {
				if (f == NONE)
					f = p;
				if (w->compact[c])
					w->parent[p] = f;
			}
		w->first_core[c] = f;
	}
	for (size_t c = 0; c < w->ncell; c++) {
		uint32_t fc = w->first_core[c];
		if (fc == NONE)
			continue;
		if (!w->compact[c]) {
			/* point by point (always so in ST-DBSCAN), through the windows
			 * of the neighbours; each pair of cells once (d == c: within) */
			cursor cu;
			cursor_start(w, (uint32_t)c, &cu);
			for (uint32_t p = w->start[c]; p < w->start[c + 1]; p++) {
				if (!w->core[p])
					continue;
				for (uint32_t k = 0; k < cu.n; k++) {
					uint32_t d = cu.nb[k];
					if (d < c || w->first_core[d] == NONE)
						continue;
					cursor_move(w, &cu, k, w->st ? w->t[p] : 0);
					join_point(w, p, d, cu.lo[k], cu.hi[k]);
				}
			}
			continue;
		}
		for (uint32_t k = w->nbstart[c]; k < w->nbstart[c + 1]; k++) {
			uint32_t d = w->nb[k];
			if (d <= c || w->first_core[d] == NONE)
				continue; /* each pair of cells once; c's own core points are one set */
			if (find(w->parent, fc) == find(w->parent, w->first_core[d]))
				continue;
			if (w->compact[d]) { /* the first pair within eps joins them */
				int done = 0;
				for (uint32_t p = fc; p < w->start[c + 1] && !done; p++) {
					if (!w->core[p])
						continue;
					for (uint32_t q = w->first_core[d]; q < w->start[d + 1]; q++)
						if (w->core[q] && within(w, p, q)) {
							unite(w->parent, p, q);
							done = 1;
							break;
						}
				}
				continue;
			}
			/* d not compact: each of its core points joins c's set once */
			for (uint32_t q = w->first_core[d]; q < w->start[d + 1]; q++)
				if (w->core[q] && find(w->parent, q) != find(w->parent, fc))
					join_point(w, q, (uint32_t)c, w->start[c], w->start[c + 1]);
		}
	}
}

/* Sets of core points, by their least point (x, y, t), for numbering. */
typedef struct setmin {
	double x, y, t;
	uint32_t root;
} setmin;

static int point_cmp(const work *w, uint32_t a, uint32_t b)
{
	if (w->x[a] != w->x[b])
		return w->x[a] < w->x[b] ? -1 : 1;
	if (w->y[a] != w->y[b])
		return w->y[a] < w->y[b] ? -1 : 1;
	if (w->st && w->t[a] != w->t[b])
		return w->t[a] < w->t[b] ? -1 : 1;
	return 0;
}

static int setmin_cmp(const void *pa, const void *pb)
{
	const setmin *a = pa, *b = pb;
	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->y != b->y)
		return a->y < b->y ? -1 : 1;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return (a->root > b->root) - (a->root < b->root);
}

static haven_status number(haven_ctx *ctx, work *w, int32_t *label, uint8_t *kind, int32_t *nclusters)
{
	size_t n = w->n, nsets = 0;
	uint32_t *least = malloc(n * sizeof *least);
	if (!least)
		return nomem(ctx);
	for (size_t p = 0; p < n; p++)
		least[p] = NONE;
	for (uint32_t p = 0; p < n; p++) {
		if (!w->core[p])
			continue;
		uint32_t r = find(w->parent, p);
		if (least[r] == NONE) {
			least[r] = p;
			nsets++;
		} else if (point_cmp(w, p, least[r]) < 0)
			least[r] = p;
	}
	setmin *sets = malloc((nsets ? nsets : 1) * sizeof *sets);
	if (!sets) {
		free(least);
		return nomem(ctx);
	}
	size_t k = 0;
	for (uint32_t p = 0; p < n; p++)
		if (w->core[p] && w->parent[p] == p)
			sets[k++] = (setmin){w->x[least[p]], w->y[least[p]], w->st ? w->t[least[p]] : 0, p};
	qsort(sets, nsets, sizeof *sets, setmin_cmp);
	/* least[root] becomes the root's cluster number */
	for (size_t i = 0; i < nsets; i++)
		least[sets[i].root] = (uint32_t)i;
	free(sets);
	/* Each core point's number (least[] of a point that is not a root is
	 * read no more), then the labels over parent[], no longer needed. */
	for (uint32_t p = 0; p < n; p++)
		if (w->core[p])
			least[p] = least[find(w->parent, p)];
	int32_t *lab = (int32_t *)w->parent;
	for (uint32_t p = 0; p < n; p++)
		lab[p] = w->core[p] ? (int32_t)least[p] : -1;
	free(least);

	/* Border points: the nearest core neighbour's cluster, ties to the lower. */
	for (size_t c = 0; c < w->ncell; c++) {
		cursor cu;
		cursor_start(w, (uint32_t)c, &cu);
		for (uint32_t p = w->start[c]; p < w->start[c + 1]; p++) {
			if (w->core[p])
				continue;
			double best = INFINITY;
			int32_t bl = -1;
			for (uint32_t j = 0; j < cu.n && !w->alone[p]; j++) {
				cursor_move(w, &cu, j, w->st ? w->t[p] : 0);
				for (uint32_t q = cu.lo[j]; q < cu.hi[j]; q++) {
					if (!w->core[q])
						continue;
					double dx = w->x[p] - w->x[q], dy = w->y[p] - w->y[q], d2 = dx * dx + dy * dy;
					if (d2 > w->eps2)
						continue;
					if (d2 < best || (d2 == best && lab[q] < bl)) {
						best = d2;
						bl = lab[q];
					}
				}
			}
			kind[w->ord[p]] = bl >= 0 ? HV_CLUSTER_BORDER : HV_CLUSTER_NOISE;
			label[w->ord[p]] = bl;
		}
	}
	for (uint32_t p = 0; p < n; p++)
		if (w->core[p]) {
			kind[w->ord[p]] = HV_CLUSTER_CORE;
			label[w->ord[p]] = lab[p];
		}
	*nclusters = (int32_t)nsets;
	return HAVEN_OK;
}

haven_status hv_cluster(haven_ctx *ctx, size_t n, const double *x, const double *y, const double *t,
                        const hv_cluster_opts *o, int32_t *label, uint8_t *kind, int32_t *nclusters)
{
	*nclusters = 0;
	if (!(o->eps > 0) || !isfinite(o->eps))
		return hv_error(ctx, HAVEN_ERR_USAGE, "eps must be a distance above 0 metres");
	if (o->min_points < 1)
		return hv_error(ctx, HAVEN_ERR_USAGE, "the minimum number of points must be at least 1");
	if (!(o->days >= 0) || !isfinite(o->days) || (o->days > 0 && !t))
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "days must be 0 (space only) or above 0 with a time for each point");
	if (n > HV_CLUSTER_MAX_POINTS)
		return hv_error(ctx, HAVEN_ERR_VALUE, "%zu points: at most %u can be clustered at once", n,
		                HV_CLUSTER_MAX_POINTS);
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]) || !isfinite(y[i]) || (o->days > 0 && !isfinite(t[i])))
			return hv_error(ctx, HAVEN_ERR_VALUE,
			                "point %zu: a coordinate or time that is not a finite number", i + 1);
	if (!n)
		return HAVEN_OK;
	work w = {.n = n, .eps2 = o->eps * o->eps, .days = o->days, .st = o->days > 0, .min_points = o->min_points};
	haven_status st = build(ctx, &w, x, y, w.st ? t : NULL, o->eps);
	if (!st) {
		find_core(&w);
		w.parent = malloc(n * sizeof *w.parent);
		if (!w.parent)
			st = nomem(ctx);
	}
	if (!st) {
		for (uint32_t p = 0; p < n; p++)
			w.parent[p] = p;
		join(&w);
		st = number(ctx, &w, label, kind, nclusters);
	}
	work_free(&w);
	return st;
}
