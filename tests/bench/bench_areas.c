/*
 * bench_areas.c - speed of point-in-polygon lookups over the bundled ONS
 * boundaries: loads the la and pfa files into a store in a temporary
 * directory, then times N random points inside England's bounding box
 * through hv_areas_find (alternating la and pfa).  Not run by ctest.
 *
 *   bench_areas [N] [DATA_DIR]     N defaults to 200000; DATA_DIR to
 *                                  $HAVEN_DATA_DIR, else ./data
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "haven/boundaries.h"
#include "ref/areas.h"
#include "testutil.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bench_fail(haven_ctx *ctx, const char *what)
{
	fprintf(stderr, "bench_areas: %s: %s\n", what, haven_errmsg(ctx));
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long long n = argc > 1 ? strtoull(argv[1], NULL, 10) : 200000;
	const char *env = getenv("HAVEN_DATA_DIR");
	const char *data = argc > 2 ? argv[2] : env && *env ? env : "data";
	if (n == 0) {
		fprintf(stderr, "usage: bench_areas [N] [DATA_DIR]\n");
		return 2;
	}
	haven_global_init();
	haven_ctx *ctx;
	if (haven_ctx_new(&ctx))
		return 1;
	haven_owner owner = {.kind = "hmci", .code = "X00", .name = "Benchmark"};
	haven_act_opts as = {.user = "admin"}; /* the first admin: scripts/bench sets HAVEN_USER=admin */
	if (haven_store_create(ctx, tu_tmp("bench_areas.db"), &owner) || haven_act(ctx, &as))
		return bench_fail(ctx, "creating the store");
	static const char *const files[][2] = {{"la", "ctyua_dec2024_en_bgc.geojson.gz"},
	                                       {"pfa", "pfa_dec2023_ew_bgc.geojson.gz"}};
	for (int i = 0; i < 2; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/boundaries/%s", data, files[i][1]);
		haven_boundaries_opts o = {files[i][0], path, NULL, NULL, NULL, 0};
		haven_boundaries_report r;
		if (haven_boundaries_load(ctx, &o, &r))
			return bench_fail(ctx, "loading boundaries");
		printf("loaded %lld %s areas in %.2f s\n", (long long)r.features, files[i][0], r.seconds);
	}
	hv_areas *a[2];
	double t0 = now();
	if (hv_areas_load(ctx, "la", &a[0]) || hv_areas_load(ctx, "pfa", &a[1]))
		return bench_fail(ctx, "indexing");
	printf("indexed in %.2f s\n", now() - t0);

	/* England's bounding box on the British National Grid, metres. */
	const double e0 = 82000, e1 = 656000, n0 = 5000, n1 = 658000;
	uint64_t s = 0x2545F4914F6CDD1DULL;
	unsigned long long found = 0;
	t0 = now();
	for (unsigned long long i = 0; i < n; i++) {
		s ^= s >> 12;
		s ^= s << 25;
		s ^= s >> 27;
		uint64_t r = s * 2685821657736338717ULL;
		double e = e0 + (e1 - e0) * (double)(r >> 40) / 16777216.0;
		double nn = n0 + (n1 - n0) * (double)((r >> 16) & 0xFFFFFF) / 16777216.0;
		found += hv_areas_find(a[i & 1], e, nn) >= 0;
	}
	double secs = now() - t0;
	printf("areas: %llu lookups in %.3f s = %.0f lookups/s (%llu inside an area)\n", n, secs, (double)n / secs,
	       found);
	hv_areas_free(a[0]);
	hv_areas_free(a[1]);
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return 0;
}
