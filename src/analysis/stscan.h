/*
 * stscan.h - the space-time permutation scan statistic (Kulldorff et al.
 * 2005), computed on locations, days and cases held in memory (stscan.c).
 * The model and its formulas: docs/scan.md.
 */
#ifndef HAVEN_ANALYSIS_STSCAN_H
#define HAVEN_ANALYSIS_STSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "core/context.h"

/* Mean radius of the Earth, metres: great-circle distances between
 * latitudes and longitudes are on a sphere of this radius. */
#define HV_STSCAN_EARTH_M 6371008.8

/* Limits that keep memory bounded (docs/scan.md, "Limits"). */
#define HV_STSCAN_MAX_CASES 100000000LL      /* cases, each held as its day */
#define HV_STSCAN_MAX_NEIGHBOURS 200000000LL /* (centre, neighbour) pairs within the radius */
#define HV_STSCAN_MAX_DAYS 36600             /* days in the study period */

/** A scan's input: every pointer is borrowed for the call. */
typedef struct hv_stscan_in {
	size_t nloc;         /* locations 0..nloc-1 */
	const double *a, *b; /* per location: x and y in metres, or (latlong) latitude and longitude in degrees */
	int latlong;         /* great-circle distances, else Euclidean */
	int32_t ndays;       /* the study period's days, 0..ndays-1 */
	size_t nrec;         /* case records: location, day and number of cases */
	const uint32_t *loc;
	const int32_t *day;
	const uint32_t *count;
	double max_radius;   /* metres: a cylinder holds the locations within it of its centre */
	int32_t max_days;    /* the longest time window, 1..ndays */
	int prospective;     /* windows end on the last day only */
	uint32_t replicates; /* Monte Carlo replicates (0: no p-values) */
	uint64_t seed;       /* of the replicates' generator */
	uint32_t min_cases;  /* a cluster holds at least this many cases (0: 2) */
	size_t max_clusters; /* at most this many clusters reported (0: 10) */
} hv_stscan_in;

/** One cluster: a cylinder (the centre and its nearest neighbours) and a
 *  time window. */
typedef struct hv_stscan_cluster {
	uint32_t centre;
	uint32_t *members; /* location indices, the centre first, then by distance */
	size_t nmembers;
	double radius;               /* metres from the centre to the furthest member */
	int32_t first_day, last_day; /* the window, both inclusive */
	int64_t observed;
	double expected, llr;
	double p; /* rank / (replicates + 1); NAN without replicates */
} hv_stscan_cluster;

/** A scan's result. */
typedef struct hv_stscan_out {
	hv_stscan_cluster *clusters; /* the most likely cluster first, then secondary clusters by llr */
	size_t n;
	int64_t cases;
	double *replicate_llr; /* the largest llr of each replicate, in replicate order */
	uint32_t replicates;
} hv_stscan_out;

/** Run the scan (docs/scan.md): the most likely cluster and the secondary
 *  clusters that share no location with a more likely one reported, each
 *  with its p-value from the replicates.  Deterministic for a seed.
 *  Progress through ctx's hook.
 * \param out zeroed by the caller; on HAVEN_OK filled, freed with
 *            hv_stscan_out_free() (also on failure).
 * \return HAVEN_ERR_USAGE for a bad parameter; HAVEN_ERR_VALUE for no
 *         cases or past a limit; HAVEN_ERR_NOMEM. */
haven_status hv_stscan_run(haven_ctx *ctx, const hv_stscan_in *in, hv_stscan_out *out);

/** Free what out holds (not out itself); NULL is a no-op. */
void hv_stscan_out_free(hv_stscan_out *out);

/** The log likelihood ratio of a cylinder with c of C cases observed and
 *  mu expected: c ln(c/mu) + (C-c) ln((C-c)/(C-mu)) when c > mu, else 0. */
double hv_stscan_llr(double c, double mu, double C);

/** Distance in metres between two locations as the scan measures it. */
double hv_stscan_distance(int latlong, double a1, double b1, double a2, double b2);

#endif
