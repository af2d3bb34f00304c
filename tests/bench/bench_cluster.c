/*
 * bench_cluster.c - DBSCAN and ST-DBSCAN (src/analysis/cluster.c) on points
 * like children's last-seen and found locations across England, for
 * scripts/bench ("clusters"), which races the same points through PostGIS,
 * scikit-learn and R and checks that they agree.
 *
 *   bench_cluster gen N SEED FILE
 *       N points in British National Grid, 70% in urban blobs (cities of
 *       Zipf-like sizes over England, the blobs' geometry fixed so that the
 *       mean neighbourhood within 250 m of a million points is about 280
 *       points) and 30% rural scatter, with times (days over five years);
 *       writes FILE as id,x,y,t and prints the mean eps-neighbourhood
 *       (itself included) of a sample of 20,000 points.
 *   bench_cluster run FILE EPS MINPTS DAYS OUT
 *       clusters FILE in memory (DAYS 0: DBSCAN), prints the seconds of the
 *       clustering alone, the process's peak memory and the counts, and
 *       writes OUT as id,label,kind.
 *   bench_cluster check FILE EPS MINPTS NAME LABELS [CORE]
 *       compares another tool's labels (LABELS: id,label with -1 or empty
 *       for noise; CORE: the ids it calls core, if it says) with haven's:
 *       the same noise, the same core points (when CORE is given), the
 *       same partition of haven's core points into clusters, and every
 *       border point in a cluster of one of its core neighbours.  Prints one
 *       line and exits 1 on disagreement.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "analysis/cluster.h"
#include "core/clock.h"
#include "testutil.h"

static uint64_t rng = 88172645463325252ull;

static double uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static double gauss(void)
{
	double u = uniform(), v = uniform();
	return sqrt(-2 * log(1 - u)) * cos(2 * M_PI * v);
}

static double peak_mb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

typedef struct pts {
	size_t n;
	double *x, *y, *t;
	long *id;
} pts;

static pts read_points(const char *path)
{
	pts p = {0};
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(2);
	}
	size_t cap = 1 << 16;
	p.x = malloc(cap * sizeof *p.x);
	p.y = malloc(cap * sizeof *p.y);
	p.t = malloc(cap * sizeof *p.t);
	p.id = malloc(cap * sizeof *p.id);
	char line[256];
	if (!fgets(line, sizeof line, f))
		exit(2);
	while (fgets(line, sizeof line, f)) {
		if (p.n == cap) {
			cap *= 2;
			p.x = realloc(p.x, cap * sizeof *p.x);
			p.y = realloc(p.y, cap * sizeof *p.y);
			p.t = realloc(p.t, cap * sizeof *p.t);
			p.id = realloc(p.id, cap * sizeof *p.id);
		}
		if (!p.x || !p.y || !p.t || !p.id)
			exit(2);
		if (sscanf(line, "%ld,%lf,%lf,%lf", &p.id[p.n], &p.x[p.n], &p.y[p.n], &p.t[p.n]) != 4) {
			fprintf(stderr, "%s: bad line %zu\n", path, p.n + 2);
			exit(2);
		}
		p.n++;
	}
	fclose(f);
	return p;
}

/* ---- gen ---------------------------------------------------------------------- */

#define NBLOBS 240
#define DENSITY 0.0267 /* blob points at a million per square metre of sd^2: tuned for ~280 neighbours */

typedef struct cell_ix {
	uint64_t key;
	uint32_t i;
} cell_ix;

static int cell_cmp(const void *a, const void *b)
{
	uint64_t x = ((const cell_ix *)a)->key, y = ((const cell_ix *)b)->key;
	return (x > y) - (x < y);
}

static uint64_t cell_key(double x, double y, double eps)
{
	return (uint64_t)floor(x / eps) << 32 | (uint64_t)floor(y / eps);
}

/* Mean neighbours within eps (itself included) of a sample of the points. */
static double mean_neighbours(const pts *p, double eps, size_t sample)
{
	cell_ix *c = malloc(p->n * sizeof *c);
	for (size_t i = 0; i < p->n; i++)
		c[i] = (cell_ix){cell_key(p->x[i], p->y[i], eps), (uint32_t)i};
	qsort(c, p->n, sizeof *c, cell_cmp);
	double sum = 0;
	for (size_t s = 0; s < sample; s++) {
		size_t i = (size_t)(uniform() * (double)p->n);
		for (int dx = -1; dx <= 1; dx++)
			for (int dy = -1; dy <= 1; dy++) {
				uint64_t k = cell_key(p->x[i] + dx * eps, p->y[i] + dy * eps, eps);
				size_t lo = 0, hi = p->n;
				while (lo < hi) {
					size_t m = (lo + hi) / 2;
					if (c[m].key < k)
						lo = m + 1;
					else
						hi = m;
				}
				for (size_t j = lo; j < p->n && c[j].key == k; j++) {
					double ddx = p->x[i] - p->x[c[j].i], ddy = p->y[i] - p->y[c[j].i];
					sum += ddx * ddx + ddy * ddy <= eps * eps;
				}
			}
	}
	free(c);
	return sum / (double)sample;
}

static int gen(size_t n, uint64_t seed, const char *path)
{
	rng ^= seed * 0x9E3779B97F4A7C15ull;
	/* The blobs: centres over England's box, Zipf-like weights, each blob's
	 * spread fixed by its share of 700,000 points (so the same places at
	 * every N: fewer points are the same map sampled more thinly). */
	double cx[NBLOBS], cy[NBLOBS], sd[NBLOBS], w[NBLOBS], wsum = 0;
	for (int b = 0; b < NBLOBS; b++) {
		cx[b] = 350000 + 200000 * gauss() * 0.5;
		cy[b] = 300000 + 250000 * gauss() * 0.5;
		w[b] = 1 / pow(b + 1, 0.9);
		wsum += w[b];
	}
	for (int b = 0; b < NBLOBS; b++) {
		w[b] /= wsum;
		sd[b] = sqrt(700000 * w[b] / DENSITY);
		if (b)
			w[b] += w[b - 1]; /* cumulative */
	}
	pts p = {n, malloc(n * sizeof(double)), malloc(n * sizeof(double)), malloc(n * sizeof(double)), NULL};
	FILE *f = fopen(path, "w");
	if (!f || !p.x || !p.y || !p.t) {
		perror(path);
		return 2;
	}
	fputs("id,x,y,t\n", f);
	for (size_t i = 0; i < n; i++) {
		double x, y;
		do {
			if (uniform() < 0.7) {
				double u = uniform();
				int b = 0;
				while (b < NBLOBS - 1 && w[b] < u)
					b++;
				x = cx[b] + sd[b] * gauss();
				y = cy[b] + sd[b] * gauss();
			} else {
				x = 150000 + uniform() * 500000;
				y = 50000 + uniform() * 600000;
			}
		} while (x < 1000 || x > 699000 || y < 1000 || y > 1249000);
		p.x[i] = round(x * 100) / 100; /* to the centimetre, as written */
		p.y[i] = round(y * 100) / 100;
		p.t[i] = floor(uniform() * 1826); /* five years of days */
		fprintf(f, "%zu,%.2f,%.2f,%.0f\n", i + 1, p.x[i], p.y[i], p.t[i]);
	}
	if (fclose(f)) {
		perror(path);
		return 2;
	}
	printf("%zu points written; mean neighbours within 250 m (itself included, 20,000 sampled): %.1f\n", n,
	       mean_neighbours(&p, 250, 20000));
	free(p.x);
	free(p.y);
	free(p.t);
	return 0;
}

/* ---- run ---------------------------------------------------------------------- */

static int run(const char *path, double eps, int minpts, double days, const char *out)
{
	pts p = read_points(path);
	int32_t *label = malloc(p.n * sizeof *label), k;
	uint8_t *kind = malloc(p.n);
	haven_ctx *ctx = NULL;
	if (haven_ctx_new(&ctx) || !label || !kind)
		return 2;
	hv_cluster_opts o = {eps, minpts, days};
	double t0 = hv_monotonic();
	if (hv_cluster(ctx, p.n, p.x, p.y, days > 0 ? p.t : NULL, &o, label, kind, &k)) {
		fprintf(stderr, "%s\n", haven_errmsg(ctx));
		return 2;
	}
	double secs = hv_monotonic() - t0;
	size_t counts[3] = {0};
	for (size_t i = 0; i < p.n; i++)
		counts[kind[i]]++;
	printf("haven %s: %zu points, %.3f s, peak %.0f MB; %d clusters, %zu core, %zu border, %zu noise\n",
	       days > 0 ? "ST-DBSCAN" : "DBSCAN", p.n, secs, peak_mb(), k, counts[HV_CLUSTER_CORE],
	       counts[HV_CLUSTER_BORDER], counts[HV_CLUSTER_NOISE]);
	FILE *f = fopen(out, "w");
	if (!f)
		return 2;
	fputs("id,label,kind\n", f);
	for (size_t i = 0; i < p.n; i++)
		fprintf(f, "%ld,%d,%s\n", p.id[i], label[i], hv_cluster_kind_name(kind[i]));
	fclose(f);
	haven_ctx_free(ctx);
	return 0;
}

/* ---- check -------------------------------------------------------------------- */

static int check(const char *path, double eps, int minpts, const char *name, const char *labels, const char *corefile)
{
	pts p = read_points(path);
	/* ids are 1..n in order (gen writes them so) */
	for (size_t i = 0; i < p.n; i++)
		if (p.id[i] != (long)(i + 1)) {
			fprintf(stderr, "%s: ids are not 1..n\n", path);
			return 2;
		}
	int32_t *label = malloc(p.n * sizeof *label), *peer = malloc(p.n * sizeof *peer), k;
	uint8_t *kind = malloc(p.n), *pcore = calloc(p.n, 1), *seen = calloc(p.n, 1);
	haven_ctx *ctx = NULL;
	if (haven_ctx_new(&ctx) || !label || !peer || !kind || !pcore || !seen)
		return 2;
	hv_cluster_opts o = {eps, minpts, 0};
	if (hv_cluster(ctx, p.n, p.x, p.y, NULL, &o, label, kind, &k))
		return 2;
	FILE *f = fopen(labels, "r");
	char line[256];
	if (!f || !fgets(line, sizeof line, f))
		return 2;
	size_t read = 0;
	while (fgets(line, sizeof line, f)) {
		long id;
		char lab[64] = "";
		if (sscanf(line, "%ld,%63[^\r\n]", &id, lab) < 1 || id < 1 || (size_t)id > p.n)
			return 2;
		peer[id - 1] = *lab ? atoi(lab) : -1;
		seen[id - 1] = 1;
		read++;
	}
	fclose(f);
	if (read != p.n) {
		printf("%s: %zu labels for %zu points: DISAGREE\n", name, read, p.n);
		return 1;
	}
	size_t core_diff = 0;
	if (corefile) {
		f = fopen(corefile, "r");
		if (!f || !fgets(line, sizeof line, f))
			return 2;
		while (fgets(line, sizeof line, f)) {
			long id = atol(line);
			if (id >= 1 && (size_t)id <= p.n)
				pcore[id - 1] = 1;
		}
		fclose(f);
		for (size_t i = 0; i < p.n; i++)
			core_diff += pcore[i] != (kind[i] == HV_CLUSTER_CORE);
	}
	size_t noise_diff = 0, split = 0, merged = 0, bad_border = 0;
	for (size_t i = 0; i < p.n; i++)
		noise_diff += (peer[i] < 0) != (kind[i] == HV_CLUSTER_NOISE);
	/* core partition: haven cluster -> peer cluster, and back, both functions */
	int32_t maxp = -1;
	for (size_t i = 0; i < p.n; i++)
		maxp = peer[i] > maxp ? peer[i] : maxp;
	int32_t *h2p = malloc((size_t)(k + 1) * sizeof *h2p), *p2h = malloc((size_t)(maxp + 2) * sizeof *p2h);
	for (int32_t c = 0; c <= k; c++)
		h2p[c] = -2;
	for (int32_t c = 0; c <= maxp + 1; c++)
		p2h[c] = -2;
	for (size_t i = 0; i < p.n; i++) {
		if (kind[i] != HV_CLUSTER_CORE || peer[i] < 0)
			continue;
		if (h2p[label[i]] == -2)
			h2p[label[i]] = peer[i];
		else if (h2p[label[i]] != peer[i])
			split++;
		if (p2h[peer[i]] == -2)
			p2h[peer[i]] = label[i];
		else if (p2h[peer[i]] != label[i])
			merged++;
	}
	/* border: the peer's cluster must be that of a core point within eps;
	 * haven's core neighbours are found by clustering the point with its
	 * candidates: brute force over the core points of the peer's cluster,
	 * through haven's cluster of it (the partitions agree) */
	size_t *first = malloc((size_t)(k + 1) * sizeof *first), *next = malloc(p.n * sizeof *next);
	for (int32_t c = 0; c <= k; c++)
		first[c] = SIZE_MAX;
	for (size_t i = p.n; i-- > 0;)
		if (kind[i] == HV_CLUSTER_CORE) {
			next[i] = first[label[i]];
			first[label[i]] = i;
		}
	for (size_t i = 0; i < p.n; i++) {
		if (kind[i] != HV_CLUSTER_BORDER || peer[i] < 0)
			continue;
		int32_t hc = peer[i] <= maxp ? p2h[peer[i]] : -2;
		int ok = 0;
		for (size_t j = hc >= 0 ? first[hc] : SIZE_MAX; j != SIZE_MAX && !ok; j = next[j]) {
			double dx = p.x[i] - p.x[j], dy = p.y[i] - p.y[j];
			ok = dx * dx + dy * dy <= eps * eps;
		}
		bad_border += !ok;
	}
	int agree = !noise_diff && !split && !merged && !bad_border && !core_diff;
	printf("%s: noise %s, core points %s, core partition %s, border points %s: %s\n", name,
	       noise_diff ? "DIFFER" : "identical", corefile ? (core_diff ? "DIFFER" : "identical") : "(not given)",
	       split || merged ? "DIFFERS" : "identical", bad_border ? "ILLEGAL" : "legal",
	       agree ? "agree" : "DISAGREE");
	if (!agree)
		printf("  %zu noise, %zu core, %zu split, %zu merged, %zu border points differ\n", noise_diff,
		       core_diff, split, merged, bad_border);
	haven_ctx_free(ctx);
	return agree ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "gen") == 0)
		return gen((size_t)atol(argv[2]), (uint64_t)atol(argv[3]), argv[4]);
	if (argc == 7 && strcmp(argv[1], "run") == 0)
		return run(argv[2], atof(argv[3]), atoi(argv[4]), atof(argv[5]), argv[6]);
	if ((argc == 7 || argc == 8) && strcmp(argv[1], "check") == 0)
		return check(argv[2], atof(argv[3]), atoi(argv[4]), argv[5], argv[6], argc == 8 ? argv[7] : NULL);
	fprintf(stderr, "usage: bench_cluster gen N SEED FILE | run FILE EPS MINPTS DAYS OUT | "
	                "check FILE EPS MINPTS NAME LABELS [CORE]\n");
	return 2;
}
