/*
 * bench_stscan.c - how long the space-time permutation scan takes
 * (src/analysis/stscan.c), and a check against the scan from its
 * definition (tests/unit/stscan_ref.c).  Not run by ctest.
 *
 * The large run: N cases (default 100,000) over L locations (default
 * 10,000) on a 100 km square (British National Grid metres), 70% of the
 * locations in 40 towns and 30% scattered, each case at a location drawn
 * uniformly and a day of one year, with 40 more cases at one location and
 * its nearest neighbours in the last week (a planted cluster); maximum
 * radius 2,000 m, windows up to 30 days, R replicates (default 999),
 * prospective; then retrospective with fewer (default 9: every window of
 * every cylinder, many times the work of a prospective scan).  The small
 * run: 300 locations on a 20 km square, 3,000 cases over 60 days, radius
 * 2,000 m, windows up to 14 days, no replicates: haven and the definition,
 * timed, their largest log likelihood ratios compared.  Wall and processor
 * seconds are both printed: the machine is shared.
 *
 *   bench_stscan [N] [L] [R] [retrospective R]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "analysis/stscan.h"
#include "core/clock.h"
#include "stscan_ref.h"
#include "testutil.h"

static uint64_t state = 88172645463325252ULL;
static double uni(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (double)(state >> 11) / 9007199254740992.0;
}

typedef struct data {
	size_t nloc, nrec;
	double *a, *b;
	uint32_t *loc, *count;
	int32_t *day;
} data;

static void make(data *d, size_t nloc, size_t ncase, int32_t ndays, double side, int towns, size_t planted)
{
	d->nloc = nloc;
	d->a = malloc(nloc * sizeof *d->a);
	d->b = malloc(nloc * sizeof *d->b);
	d->loc = malloc((ncase + planted) * sizeof *d->loc);
	d->count = malloc((ncase + planted) * sizeof *d->count);
	d->day = malloc((ncase + planted) * sizeof *d->day);
	if (!d->a || !d->b || !d->loc || !d->count || !d->day)
		abort();
	double tx[40], ty[40];
	for (int t = 0; t < 40; t++)
		tx[t] = uni() * side, ty[t] = uni() * side;
	for (size_t i = 0; i < nloc; i++) {
		if (towns && uni() < 0.7) {
			int t = (int)(uni() * 40);
			double r = 3000 * sqrt(uni()), th = uni() * 6.283185307179586;
			d->a[i] = tx[t] + r * cos(th);
			d->b[i] = ty[t] + r * sin(th);
		} else {
			d->a[i] = uni() * side;
			d->b[i] = uni() * side;
		}
	}
	d->nrec = 0;
	for (size_t r = 0; r < ncase; r++) {
		d->loc[d->nrec] = (uint32_t)(uni() * (double)nloc);
		d->day[d->nrec] = (int32_t)(uni() * ndays);
		d->count[d->nrec++] = 1;
	}
	/* the planted cluster: location 0 and the four nearest, the last week */
	uint32_t near[5] = {0};
	double nd[5] = {0, INFINITY, INFINITY, INFINITY, INFINITY};
	for (uint32_t z = 1; z < nloc && planted; z++) {
		double dz = hv_stscan_distance(0, d->a[0], d->b[0], d->a[z], d->b[z]);
		for (int k = 1; k < 5; k++)
			if (dz < nd[k]) {
				for (int j = 4; j > k; j--)
					nd[j] = nd[j - 1], near[j] = near[j - 1];
				nd[k] = dz, near[k] = z;
				break;
			}
	}
	for (size_t r = 0; r < planted; r++) {
		d->loc[d->nrec] = near[r % 5];
		d->day[d->nrec] = ndays - 7 + (int32_t)(r % 7);
		d->count[d->nrec++] = 1;
	}
}

static void input(const data *d, hv_stscan_in *in, int32_t ndays, double radius, int32_t maxd, int prospective,
                  uint32_t R)
{
	*in = (hv_stscan_in){.nloc = d->nloc,
	                     .a = d->a,
	                     .b = d->b,
	                     .ndays = ndays,
	                     .nrec = d->nrec,
	                     .loc = d->loc,
	                     .day = d->day,
	                     .count = d->count,
	                     .max_radius = radius,
	                     .max_days = maxd,
	                     .prospective = prospective,
	                     .replicates = R,
	                     .seed = 12345678};
}

static double peak_mib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

/* Seconds of processor time this process has used, every thread. */
static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

static int run(haven_ctx *ctx, const char *label, const hv_stscan_in *in)
{
	hv_stscan_out out = {0};
	double t0 = hv_monotonic(), c0 = cpu_s();
	if (hv_stscan_run(ctx, in, &out)) {
		fprintf(stderr, "bench_stscan: %s\n", haven_errmsg(ctx));
		return 1;
	}
	double t = hv_monotonic() - t0, cpu = cpu_s() - c0;
	const hv_stscan_cluster *c = out.n ? &out.clusters[0] : NULL;
	printf("%-40s %7.2f s wall %7.2f s cpu %6.1f MiB peak; most likely: %zu locations, %lld observed / %.1f "
	       "expected, llr %.3f, p %g\n",
	       label, t, cpu, peak_mib(), c ? c->nmembers : 0, c ? (long long)c->observed : 0, c ? c->expected : 0,
	       c ? c->llr : 0, c ? c->p : 1);
	hv_stscan_out_free(&out);
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
	long L = argc > 2 ? strtol(argv[2], NULL, 10) : 10000;
	long R = argc > 3 ? strtol(argv[3], NULL, 10) : 999;
	long Rr = argc > 4 ? strtol(argv[4], NULL, 10) : 9;
	if (n <= 0 || L <= 0 || R < 0 || Rr < 0) {
		fprintf(stderr, "usage: bench_stscan [N] [L] [R] [retrospective R]\n");
		return 2;
	}
	haven_global_init();
	haven_ctx *ctx = NULL;
	if (haven_ctx_new(&ctx))
		return 1;
	data d;
	make(&d, (size_t)L, (size_t)n, 365, 100000, 1, 40);
	hv_stscan_in in;
	char label[128];
	input(&d, &in, 365, 2000, 30, 1, (uint32_t)R);
	snprintf(label, sizeof label, "haven, prospective, %ld replicates", R);
	printf("%ld cases at %ld locations, 365 days, radius 2000 m, windows up to 30 days\n", n + 40, L);
	if (run(ctx, label, &in))
		return 1;
	input(&d, &in, 365, 2000, 30, 0, (uint32_t)Rr);
	snprintf(label, sizeof label, "haven, retrospective, %ld replicates", Rr);
	if (run(ctx, label, &in))
		return 1;

	/* the small run, against the definition */
	data s;
	state = 2463534242ULL;
	make(&s, 300, 3000, 60, 20000, 0, 0);
	input(&s, &in, 60, 2000, 14, 0, 0);
	in.max_clusters = 1;
	hv_stscan_out out = {0};
	double t0 = hv_monotonic();
	if (hv_stscan_run(ctx, &in, &out) || !out.n)
		return 1;
	double th = hv_monotonic() - t0;
	t0 = hv_monotonic();
	double want = hv_stscan_reference(&in);
	double tr = hv_monotonic() - t0;
	printf("3000 cases at 300 locations, 60 days, radius 2000 m, windows up to 14 days, retrospective, no "
	       "replicates\n");
	printf("%-44s %8.4f s  llr %.12f\n", "haven", th, out.clusters[0].llr);
	printf("%-44s %8.4f s  llr %.12f  (difference %.1e)\n", "every cylinder and window (the definition)", tr, want,
	       fabs(want - out.clusters[0].llr));
	int agree = fabs(want - out.clusters[0].llr) <= 1e-9;
	hv_stscan_out_free(&out);
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return agree ? 0 : 1;
}
