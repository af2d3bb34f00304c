/*
 * bench_where.c - the points for the batch point-in-polygon benchmark
 * (scripts/bench where): N points on the British National Grid, most on
 * land across England and Wales, some offshore, written as CSV id,x,y.
 *
 *   bench_where N OUT.csv [DATA_DIR]
 *
 * 95% are the bundled postcode sample's centroids in England and Wales
 * (Scottish postcode areas left out), each moved at random by up to 300 m
 * in x and in y: as dense as people are, as analysts' points are.  5% are
 * uniform over England and Wales's bounding box: the sea, and a share of
 * points just off the coast.  Seeded: the same N gives the same file.
 * Not run by ctest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crs.h"
#include "core/source.h"
#include "core/text.h"
#include "testutil.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static double uniform(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (double)((rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static int scottish(const char *pc)
{
	static const char *const areas[] = {"AB", "DD", "DG", "EH", "FK", "G",  "HS", "IV", "KA",
	                                    "KW", "KY", "ML", "PA", "PH", "TD", "ZE", NULL};
	char a[3] = {0};
	for (int i = 0; i < 2 && pc[i] >= 'A' && pc[i] <= 'Z'; i++)
		a[i] = pc[i];
	for (int i = 0; areas[i]; i++)
		if (strcmp(a, areas[i]) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_where N OUT.csv [DATA_DIR]\n");
		return 2;
	}
	long long n = atoll(argv[1]);
	const char *env = getenv("HAVEN_DATA_DIR");
	const char *data = argc > 3 ? argv[3] : env && *env ? env : "data";
	haven_global_init();
	haven_ctx *ctx;
	if (haven_ctx_new(&ctx) || n <= 0)
		return 1;
	char path[1024];
	snprintf(path, sizeof path, "%s/postcodes/gb_postcodes_sample.csv.gz", data);
	hv_source *src;
	if (hv_source_open(ctx, path, &src)) {
		fprintf(stderr, "bench_where: %s\n", haven_errmsg(ctx));
		return 1;
	}
	size_t cap = 1 << 18, m = 0;
	double *x = malloc(cap * sizeof *x), *y = malloc(cap * sizeof *y);
	int has;
	while (!hv_source_next(src, &has) && has) {
		double lat, lon;
		if (scottish(hv_source_field(src, 0)) || !hv_parse_decimal(hv_source_field(src, 1), &lat) ||
		    !hv_parse_decimal(hv_source_field(src, 2), &lon))
			continue;
		if (m == cap) {
			cap *= 2;
			x = realloc(x, cap * sizeof *x);
			y = realloc(y, cap * sizeof *y);
		}
		if (hv_lonlat_to_bng(ctx, lon, lat, &x[m], &y[m]) == HAVEN_OK)
			m++;
	}
	hv_source_close(src);
	FILE *f = fopen(argv[2], "w");
	if (!f || m == 0) {
		fprintf(stderr, "bench_where: cannot write %s or no postcodes read\n", argv[2]);
		return 1;
	}
	fputs("id,x,y\n", f);
	for (long long i = 0; i < n; i++) {
		double e, nn;
		if (uniform() < 0.05) {
			e = 130000 + 530000 * uniform();
			nn = 5000 + 655000 * uniform();
		} else {
			size_t k = (size_t)(uniform() * (double)m);
			e = x[k] + 600 * uniform() - 300;
			nn = y[k] + 600 * uniform() - 300;
		}
		fprintf(f, "p%lld,%.1f,%.1f\n", i + 1, e, nn);
	}
	fclose(f);
	printf("wrote %lld points to %s (%zu postcodes in England and Wales)\n", n, argv[2], m);
	free(x);
	free(y);
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return 0;
}
