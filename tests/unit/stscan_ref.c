/*
 * stscan_ref.c - the space-time permutation scan from its definition, for
 * tests/unit/test_stscan.c and tests/bench/bench_stscan.c (stscan_ref.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stscan_ref.h"

typedef struct ref_nb {
	double d;
	int centre; /* 0 for the centre itself, which comes first */
	uint32_t z;
} ref_nb;

static int cmp_ref(const void *x, const void *y)
{
	const ref_nb *a = x, *b = y;
	if (a->centre != b->centre)
		return a->centre - b->centre;
	if (a->d != b->d)
		return a->d < b->d ? -1 : 1;
	return (a->z > b->z) - (a->z < b->z);
}

double hv_stscan_reference(const hv_stscan_in *in)
{
	size_t n = in->nloc;
	int32_t T = in->ndays;
	double C = 0, *Cz = calloc(n, sizeof *Cz), *Cd = calloc((size_t)T, sizeof *Cd);
	double *cnt = calloc(n * (size_t)T, sizeof *cnt);
	ref_nb *nb = calloc(n, sizeof *nb);
	if (!Cz || !Cd || !cnt || !nb)
		abort();
	for (size_t r = 0; r < in->nrec; r++) {
		C += in->count[r];
		Cz[in->loc[r]] += in->count[r];
		Cd[in->day[r]] += in->count[r];
		cnt[in->loc[r] * (size_t)T + (size_t)in->day[r]] += in->count[r];
	}
	uint32_t minc = in->min_cases ? in->min_cases : 2;
	double best = 0;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++)
			nb[j] = (ref_nb){hv_stscan_distance(in->latlong, in->a[i], in->b[i], in->a[j], in->b[j]),
			                 j != i, (uint32_t)j};
		qsort(nb, n, sizeof *nb, cmp_ref);
		for (size_t k = 0; k < n && nb[k].d <= in->max_radius; k++) {
			/* the cylinder: nb[0..k] */
			for (int32_t e = in->prospective ? T - 1 : 0; e < T; e++)
				for (int32_t s = e; s >= 0 && e - s + 1 <= in->max_days; s--) {
					double c = 0, mu = 0;
					for (size_t q = 0; q <= k; q++) {
						size_t z = nb[q].z;
						for (int32_t t = s; t <= e; t++) {
							c += cnt[z * (size_t)T + (size_t)t];
							mu += Cz[z] * Cd[t] / C;
						}
					}
					if (c >= minc && c > mu) {
						double v =
						    c * log(c / mu) + (C > c ? (C - c) * log((C - c) / (C - mu)) : 0);
						if (v > best)
							best = v;
					}
				}
		}
	}
	free(Cz);
	free(Cd);
	free(cnt);
	free(nb);
	return best;
}
