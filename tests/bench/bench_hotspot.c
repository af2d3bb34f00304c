/*
 * bench_hotspot.c - speed of Gi* hot spots (src/analysis/hotspot.c) on a
 * grid of England: loads the LA boundaries into a store in a temporary
 * directory, makes the study region of CELL-metre squares whose centres
 * lie in an English LA, fills it with synthetic counts (mostly zeros,
 * scattered ones and twos, and blobs of higher counts), and times Gi* with
 * R permutations for each band, without and with the refining replicates
 * of the extreme squares (docs/hotspots.md).  With OUT, writes the region's squares
 * (column, row, count) and the z-scores to OUT.csv for a peer to check.
 * Not run by ctest.
 *
 *   bench_hotspot [CELL [R [OUT]]]   CELL defaults to 1000, R to 999
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "analysis/hotspot.h"
#include "haven/boundaries.h"
#include "testutil.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bench_fail(haven_ctx *ctx, const char *what)
{
	fprintf(stderr, "bench_hotspot: %s: %s\n", what, haven_errmsg(ctx));
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return 1;
}

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

int main(int argc, char **argv)
{
	double cell = argc > 1 ? atof(argv[1]) : 1000;
	unsigned perms = argc > 2 ? (unsigned)atoi(argv[2]) : 999;
	const char *outp = argc > 3 ? argv[3] : NULL;
	const char *env = getenv("HAVEN_DATA_DIR");
	const char *data = env && *env ? env : "data";
	if (!(cell >= 50)) {
		fprintf(stderr, "usage: bench_hotspot [CELL [R [OUT]]]\n");
		return 2;
	}
	haven_global_init();
	haven_ctx *ctx;
	if (haven_ctx_new(&ctx))
		return 1;
	haven_owner owner = {.kind = "hmci", .code = "X00", .name = "Benchmark"};
	haven_act_opts as = {.user = "admin"};
	if (haven_store_create(ctx, tu_tmp("bench_hotspot.db"), &owner) || haven_act(ctx, &as))
		return bench_fail(ctx, "creating the store");
	char path[1024];
	snprintf(path, sizeof path, "%s/boundaries/ctyua_dec2024_en_bgc.geojson.gz", data);
	haven_boundaries_opts bo = {"la", path, NULL, NULL, NULL, 0};
	haven_boundaries_report br;
	if (haven_boundaries_load(ctx, &bo, &br))
		return bench_fail(ctx, "loading boundaries");
	hv_scope *scope;
	hv_hotspot_grid g;
	double t0 = now();
	if (hv_scope_actor(ctx, &scope) || hv_hotspot_region(ctx, scope, cell, &g))
		return bench_fail(ctx, "the study region");
	double t1 = now();
	printf("study region: %zu x %zu grid of %.0f m squares, %zu in England's LAs (%.3f s)\n", g.nx, g.ny, cell, g.n,
	       t1 - t0);
	/* counts: 80% zeros, ones and twos, and 400 blobs of up to 40 */
	size_t cells = g.nx * g.ny;
	double *v = calloc(cells, sizeof *v);
	uint64_t s = 2026;
	for (size_t i = 0; i < cells; i++) {
		uint64_t u = lcg(&s) % 100;
		v[i] = u < 80 ? 0 : u < 95 ? 1 : 2;
	}
	for (int b = 0; b < 400; b++) {
		size_t c = lcg(&s) % cells;
		double top = (double)(5 + lcg(&s) % 36);
		for (long dy = -2; dy <= 2; dy++)
			for (long dx = -2; dx <= 2; dx++) {
				long x = (long)(c % g.nx) + dx, y = (long)(c / g.nx) + dy;
				if (x >= 0 && y >= 0 && x < (long)g.nx && y < (long)g.ny)
					v[(size_t)y * g.nx + (size_t)x] +=
					    floor(top / (1.0 + (double)(dx * dx + dy * dy)));
			}
	}
	static const double bands[] = {1.5, 2.0, 3.0, 5.0};
	for (size_t k = 0; k < sizeof bands / sizeof bands[0]; k++)
		for (int refine = 0; refine <= 1; refine++) {
			hv_gistar_in in = {g.nx, g.ny, v, g.in, bands[k], perms, refine ? 100 * (perms + 1) - 1 : 0, 1};
			hv_gistar_out r;
			double a = now();
			if (hv_gistar(ctx, &in, &r))
				return bench_fail(ctx, "Gi*");
			double b = now();
			size_t hot = 0, cold = 0, neighbours = 0;
			for (size_t i = 0; i < cells; i++) {
				hot += r.cls[i] > 0;
				cold += r.cls[i] < 0;
				neighbours += r.w[i];
			}
			printf("Gi* band %.0f m (%.1f neighbours a square), %u permutations", bands[k] * cell,
			       (double)neighbours / (double)r.n, perms);
			if (refine)
				printf(", %zu squares refined (up to %u)", r.refined, in.refine);
			printf(": %.3f s; %zu hot, %zu cold\n", b - a, hot, cold);
			if (outp && k == 1 && refine) {
				FILE *f = fopen(outp, "w");
				if (!f)
					return 1;
				fprintf(f, "col,row,count,z,p\n");
				for (size_t i = 0; i < cells; i++)
					if (g.in[i])
						fprintf(f, "%zu,%zu,%.0f,%.17g,%.17g\n", i % g.nx, i / g.nx, v[i],
						        r.z[i], r.p[i]);
				fclose(f);
			}
			hv_gistar_free(&r);
		}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("peak memory: %.0f MB (boundaries and store included)\n", (double)ru.ru_maxrss / 1024);
	free(v);
	hv_hotspot_grid_free(&g);
	hv_scope_free(scope);
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return 0;
}
