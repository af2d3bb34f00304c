/*
 * bench_map.c - how long a national map takes: the 153 English local
 * authorities (the bundled ONS la boundaries, with their 9 regions
 * outlined) as a PNG, SVG and PDF page through haven_map_write, N times
 * each; prints the best and the mean.  Not run by ctest.
 *
 *   bench_map [N] [DATA_DIR]     N defaults to 5; DATA_DIR to
 *                                $HAVEN_DATA_DIR, else ./data
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "out/map.h"
#include "testutil.h"

static const char *cell(const char *measure, const char *level, const char *code, size_t row, char *buf)
{
	(void)level;
	(void)code;
	return tu_spread(measure, row, buf);
}

static int bench_fail(haven_ctx *ctx, const char *what)
{
	fprintf(stderr, "bench_map: %s: %s\n", what, haven_errmsg(ctx));
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return 1;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5;
	const char *env = getenv("HAVEN_DATA_DIR");
	const char *data = argc > 2 ? argv[2] : env && *env ? env : "data";
	if (n <= 0) {
		fprintf(stderr, "usage: bench_map [N] [DATA_DIR]\n");
		return 2;
	}
	haven_global_init();
	haven_ctx *ctx = tu_new_store("bench_map.db");
	static const char *const files[][2] = {{"la", "ctyua_dec2024_en_bgc.geojson.gz"},
	                                       {"region", "rgn_dec2023_en_bgc.geojson.gz"}};
	for (int i = 0; i < 2; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/boundaries/%s", data, files[i][1]);
		haven_boundaries_opts o = {files[i][0], path, NULL, NULL, NULL, 0};
		if (haven_boundaries_load(ctx, &o, NULL))
			return bench_fail(ctx, "loading boundaries");
	}
	haven_table *t = tu_aggregate(ctx, "la region england", cell);
	if (haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR))
		return bench_fail(ctx, "releasing the table");
	static const struct {
		const char *file, *measure;
	} maps[] = {{"map.png", "places_per_10k_children"}, {"homes.png", "homes"},
	            {"map.svg", "places_per_10k_children"}, {"map.pdf", "places_per_10k_children"}};
	for (size_t m = 0; m < sizeof maps / sizeof maps[0]; m++) {
		double best = 1e9, sum = 0;
		for (int i = 0; i < n; i++) {
			haven_map_opts o = {.measure = maps[m].measure, .level = "la", .path = tu_tmp(maps[m].file),
			                 .overwrite = 1};
			double t0 = hv_monotonic();
			if (haven_map_write(ctx, t, &o))
				return bench_fail(ctx, maps[m].file);
			double s = hv_monotonic() - t0;
			best = s < best ? s : best;
			sum += s;
		}
		printf("map of 153 local authorities, %s (%s): best %.3f s, mean %.3f s over %d\n", maps[m].file,
		       maps[m].measure, best, sum / n, n);
	}
	haven_table_free(t);
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return 0;
}
