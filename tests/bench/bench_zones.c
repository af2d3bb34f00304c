/*
 * bench_zones.c - the exclusion-zone benchmark (scripts/bench zones): the
 * zones check and proposed-address checks of haven's spatial core
 * (src/analysis/zone_check.c) on generated data, with the files PostGIS
 * loads to answer the same questions.
 *
 *   bench_zones gen DIR NZONES NHOMES NADDR
 *       DIR/homes.csv (id,x,y), DIR/zones.csv (id,cx,cy,r,wkt: a point with a
 *       radius, or a polygon in WKT), DIR/addresses.csv (id,x,y); BNG metres,
 *       around 40 towns of England.  Seeded: the same sizes give the same files.
 *   bench_zones run DIR BUFFER RADIUS
 *       the check (every zone against every home, BUFFER metres) and an
 *       address check of every address (RADIUS metres): prints the seconds
 *       (wall and CPU) of each, and writes DIR/haven_pairs.csv (zone,home,
 *       sorted) and DIR/haven_counts.csv (address,homes) for comparison.
 *
 * Not run by ctest.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/zone_check.h"
#include "testutil.h"

static uint64_t rng = 0x5A6F6E65ULL;

static double uniform(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (double)((rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static double gauss(void)
{
	double u = uniform(), v = uniform();
	return sqrt(-2 * log(u > 1e-300 ? u : 1e-300)) * cos(2 * M_PI * v);
}

#define NTOWNS 40
static double tx[NTOWNS], ty[NTOWNS];

static void near_town(double sd, double *x, double *y)
{
	int t = (int)(uniform() * NTOWNS);
	*x = tx[t] + sd * gauss();
	*y = ty[t] + sd * gauss();
}

static int gen(const char *dir, long nz, long nh, long na)
{
	for (int i = 0; i < NTOWNS; i++) {
		tx[i] = 360000 + 180000 * uniform();
		ty[i] = 150000 + 330000 * uniform();
	}
	char path[1024];
	snprintf(path, sizeof path, "%s/homes.csv", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return 1;
	fputs("id,x,y\n", f);
	double *hx = malloc((size_t)nh * sizeof *hx), *hy = malloc((size_t)nh * sizeof *hy);
	for (long i = 0; i < nh; i++) {
		near_town(6000, &hx[i], &hy[i]);
		fprintf(f, "%ld,%.2f,%.2f\n", i + 1, hx[i], hy[i]);
	}
	fclose(f);
	snprintf(path, sizeof path, "%s/zones.csv", dir);
	if (!(f = fopen(path, "w")))
		return 1;
	fputs("id,cx,cy,r,wkt\n", f);
	for (long i = 0; i < nz; i++) {
		double cx, cy;
		if (uniform() < 0.6) { /* around a home */
			long h = (long)(uniform() * (double)nh);
			cx = hx[h] + 800 * gauss();
			cy = hy[h] + 800 * gauss();
		} else {
			near_town(8000, &cx, &cy);
		}
		if (uniform() < 0.6) {
			fprintf(f, "%ld,%.2f,%.2f,%.0f,\n", i + 1, cx, cy, 250 + 50 * floor(uniform() * 36));
			continue;
		}
		int nv = 6 + (int)(uniform() * 6);
		double r0 = 300 + 1200 * uniform(), x0 = 0, y0 = 0;
		fprintf(f, "%ld,,,,\"POLYGON((", i + 1);
		for (int v = 0; v < nv; v++) {
			double a = 2 * M_PI * (v + 0.8 * uniform()) / nv, r = r0 * (0.6 + 0.4 * uniform());
			double x = cx + r * cos(a), y = cy + r * sin(a);
			if (!v) {
				x0 = x;
				y0 = y;
			}
			fprintf(f, "%.2f %.2f, ", x, y);
		}
		fprintf(f, "%.2f %.2f))\"\n", x0, y0);
	}
	fclose(f);
	snprintf(path, sizeof path, "%s/addresses.csv", dir);
	if (!(f = fopen(path, "w")))
		return 1;
	fputs("id,x,y\n", f);
	for (long i = 0; i < na; i++) {
		double x, y;
		near_town(7000, &x, &y);
		fprintf(f, "%ld,%.2f,%.2f\n", i + 1, x, y);
	}
	fclose(f);
	free(hx);
	free(hy);
	printf("%ld zones, %ld homes, %ld addresses in %s\n", nz, nh, na, dir);
	return 0;
}

/* Read DIR/NAME.csv of id,x,y into x, y (n rows). */
static int read_points(const char *dir, const char *name, double **x, double **y, size_t *n)
{
	char path[1024], line[256];
	snprintf(path, sizeof path, "%s/%s.csv", dir, name);
	FILE *f = fopen(path, "r");
	if (!f || !fgets(line, sizeof line, f))
		return 1;
	size_t cap = 1024;
	*x = malloc(cap * sizeof **x);
	*y = malloc(cap * sizeof **y);
	*n = 0;
	long id;
	double a, b;
	while (fscanf(f, "%ld,%lf,%lf\n", &id, &a, &b) == 3) {
		if (*n == cap) {
			cap *= 2;
			*x = realloc(*x, cap * sizeof **x);
			*y = realloc(*y, cap * sizeof **y);
		}
		(*x)[*n] = a;
		(*y)[(*n)++] = b;
	}
	fclose(f);
	return 0;
}

static int read_zones(haven_ctx *ctx, const char *dir, hv_zone **out, size_t *n)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/zones.csv", dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return 1;
	static char line[1 << 16];
	size_t cap = 1024;
	hv_zone *z = calloc(cap, sizeof *z);
	GEOSWKTReader *rd = GEOSWKTReader_create_r(ctx->geos);
	*n = 0;
	if (!fgets(line, sizeof line, f))
		return 1;
	while (fgets(line, sizeof line, f)) {
		if (*n == cap) {
			cap *= 2;
			z = realloc(z, cap * sizeof *z);
		}
		hv_zone *q = &z[*n];
		memset(q, 0, sizeof *q);
		char *p = line;
		q->id = strtoll(p, &p, 10);
		snprintf(q->ref, sizeof q->ref, "%lld", (long long)q->id);
		if (p[1] != ',') {
			q->cx = strtod(p + 1, &p);
			q->cy = strtod(p + 1, &p);
			q->radius = strtod(p + 1, &p);
		} else {
			char *w = strchr(line, '"');
			char *e = w ? strchr(w + 1, '"') : NULL;
			if (!e)
				return 1;
			*e = '\0';
			if (!(q->geom = GEOSWKTReader_read_r(ctx->geos, rd, w + 1)))
				return 1;
		}
		(*n)++;
	}
	GEOSWKTReader_destroy_r(ctx->geos, rd);
	fclose(f);
	*out = z;
	return 0;
}

static int cmp_pair(const void *a, const void *b)
{
	const int64_t *p = a, *q = b;
	if (p[0] != q[0])
		return p[0] < q[0] ? -1 : 1;
	return p[1] < q[1] ? -1 : p[1] > q[1];
}

static double cpu(void)
{
	return (double)clock() / CLOCKS_PER_SEC;
}

static int run(const char *dir, double buffer, double radius)
{
	haven_global_init();
	haven_ctx *ctx;
	if (haven_ctx_new(&ctx))
		return 1;
	double *hx, *hy, *ax, *ay;
	size_t nh, na, nz;
	hv_zone *z;
	if (read_points(dir, "homes", &hx, &hy, &nh) || read_points(dir, "addresses", &ax, &ay, &na) ||
	    read_zones(ctx, dir, &z, &nz)) {
		fprintf(stderr, "bench_zones: cannot read %s (run gen first)\n", dir);
		return 1;
	}
	/* the check: index the homes, then every zone against the tree */
	double t0 = hv_monotonic(), c0 = cpu();
	hv_zone_homes *h;
	hv_zone_pair *pairs = NULL;
	size_t np = 0;
	if (hv_zone_homes_new(ctx, nh, hx, hy, &h) || hv_zone_pairs(ctx, z, nz, h, buffer, &pairs, &np)) {
		fprintf(stderr, "bench_zones: %s\n", haven_errmsg(ctx));
		return 1;
	}
	double t1 = hv_monotonic(), c1 = cpu();
	size_t inside = 0;
	for (size_t i = 0; i < np; i++)
		inside += pairs[i].inside != 0;
	printf("check: %zu zones x %zu homes, buffer %g m: %zu pairs (%zu inside): %.3f s wall, %.3f s CPU\n", nz, nh,
	       buffer, np, inside, t1 - t0, c1 - c0);
	/* proposed-address checks */
	int64_t *count = malloc((na ? na : 1) * sizeof *count), total = 0;
	t0 = hv_monotonic();
	c0 = cpu();
	for (size_t i = 0; i < na; i++) {
		double nearest;
		int64_t band[HV_ZONE_NBANDS];
		if (hv_zone_near(h, ax[i], ay[i], radius, &count[i], &nearest, band))
			return 1;
		total += count[i];
	}
	t1 = hv_monotonic();
	c1 = cpu();
	printf("address: %zu checks, radius %g m: %lld homes counted: %.3f s wall, %.3f s CPU\n", na, radius,
	       (long long)total, t1 - t0, c1 - c0);
	/* the answers, for comparison with PostGIS */
	int64_t *pp = malloc((np ? np : 1) * 2 * sizeof *pp);
	for (size_t i = 0; i < np; i++) {
		pp[2 * i] = z[pairs[i].zone].id;
		pp[2 * i + 1] = (int64_t)pairs[i].home + 1;
	}
	qsort(pp, np, 2 * sizeof *pp, cmp_pair);
	char path[1024];
	snprintf(path, sizeof path, "%s/haven_pairs.csv", dir);
	FILE *f = fopen(path, "w");
	for (size_t i = 0; f && i < np; i++)
		fprintf(f, "%lld,%lld\n", (long long)pp[2 * i], (long long)pp[2 * i + 1]);
	if (f)
		fclose(f);
	snprintf(path, sizeof path, "%s/haven_counts.csv", dir);
	f = fopen(path, "w");
	for (size_t i = 0; f && i < na; i++)
		fprintf(f, "%zu,%lld\n", i + 1, (long long)count[i]);
	if (f)
		fclose(f);
	free(pp);
	free(count);
	free(pairs);
	hv_zone_homes_free(h);
	hv_zones_free(ctx, z, nz);
	free(hx);
	free(hy);
	free(ax);
	free(ay);
	haven_ctx_free(ctx);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], atol(argv[3]), atol(argv[4]), atol(argv[5]));
	if (argc == 5 && strcmp(argv[1], "run") == 0)
		return run(argv[2], atof(argv[3]), atof(argv[4]));
	fprintf(stderr, "usage: bench_zones gen DIR NZONES NHOMES NADDR | run DIR BUFFER RADIUS\n");
	return 2;
}
