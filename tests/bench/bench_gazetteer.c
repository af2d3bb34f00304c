/*
 * bench_gazetteer.c - time one gazetteer load and report its peak memory.
 *
 *   bench_gazetteer FILE
 *
 * Loads FILE into a new store in a temporary directory and prints one line:
 * rows, seconds, rows per second, the process's resident memory before the
 * load and its peak after.  Peak RSS is per process, so scripts/bench runs
 * one load per process to compare file sizes (flat memory means the peak
 * does not grow with the file).  Not run by ctest: speed is measured, not
 * asserted.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "testutil.h"

static double peak_rss_mib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0; /* ru_maxrss is KiB on Linux */
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: bench_gazetteer FILE\n");
		return 2;
	}
	haven_global_init();
	haven_ctx *ctx;
	if (haven_ctx_new(&ctx) != HAVEN_OK) {
		fprintf(stderr, "bench_gazetteer: cannot make a context\n");
		return 1;
	}
	haven_owner owner = {.kind = "hmci", .code = "X00", .name = "Benchmark"};
	haven_status st = haven_store_create(ctx, tu_tmp("bench.db"), &owner);
	haven_act_opts as = {.user = "admin"}; /* the first admin: scripts/bench sets HAVEN_USER=admin */
	if (!st)
		st = haven_act(ctx, &as);
	double before = peak_rss_mib();
	haven_gazetteer_report r;
	if (!st)
		st = haven_gazetteer_load(ctx, argv[1], NULL, &r);
	if (st) {
		fprintf(stderr, "bench_gazetteer: %s: %s\n", haven_status_name(st), haven_errmsg(ctx));
		haven_ctx_free(ctx);
		haven_global_cleanup();
		return (int)st;
	}
	const char *base = strrchr(argv[1], '/');
	printf("%-45s rows %9lld  %6.2f s  %8.0f rows/s  RSS before load %6.1f MiB, peak %6.1f MiB\n",
	       base ? base + 1 : argv[1], (long long)r.rows_read, r.seconds, (double)r.rows_read / r.seconds, before,
	       peak_rss_mib());
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return 0;
}
