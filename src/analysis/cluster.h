/*
 * cluster.h - exact DBSCAN and ST-DBSCAN on points in metres (cluster.c),
 * for haven cluster (out/cluster_file.c), haven missing clusters
 * (analysis/missing_clusters.c), the tests and the benchmark.
 * docs/clusters.md says what the labels mean.
 */
#ifndef HAVEN_ANALYSIS_CLUSTER_H
#define HAVEN_ANALYSIS_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/context.h"
#include "haven/cluster.h"

/* What each point is. */
enum { HV_CLUSTER_NOISE = 0, HV_CLUSTER_BORDER = 1, HV_CLUSTER_CORE = 2 };

/* The largest number of points one call takes (labels are int32_t). */
#define HV_CLUSTER_MAX_POINTS 0x7FFFFFF0u

typedef struct hv_cluster_opts {
	double eps;     /* metres, > 0: q is a neighbour of p when dx*dx + dy*dy <= eps*eps */
	int min_points; /* >= 1: a point is core when it has at least this many neighbours, itself included */
	double days;    /* > 0: ST-DBSCAN, a neighbour must also satisfy |t_p - t_q| <= days; 0: space only */
} hv_cluster_opts;

/** DBSCAN (days 0) or ST-DBSCAN (days > 0) of the n points (x[i], y[i]),
 *  with t[i] their times in days (any origin; NULL when days is 0).
 *  Every array is borrowed.  Exact: the core and noise sets, and the
 *  partition of the core points into clusters, are those of the definition
 *  (Ester et al. 1996; Birant and Kut 2007 for time) with the neighbour
 *  test above, computed in doubles.  A border point (not core, with a core
 *  neighbour) takes the cluster of its nearest core neighbour in space,
 *  ties going to the lower cluster number.  Clusters are numbered 0, 1, ...
 *  in the order of their least core point by (x, y, t), so the labels do not
 *  depend on the order of the input.
 * \param label  n slots, borrowed: the cluster of each point, -1 for noise
 * \param kind   n slots, borrowed: HV_CLUSTER_CORE, _BORDER or _NOISE
 * \param nclusters on HAVEN_OK the number of clusters
 * \return HAVEN_ERR_USAGE for eps <= 0 or not finite, min_points < 1, days
 *         < 0, or days > 0 without t; HAVEN_ERR_VALUE for a coordinate or time
 *         that is not finite (naming its index) or an eps too small for the
 *         points' extent; HAVEN_ERR_NOMEM. */
haven_status hv_cluster(haven_ctx *ctx, size_t n, const double *x, const double *y, const double *t,
                        const hv_cluster_opts *o, int32_t *label, uint8_t *kind, int32_t *nclusters);

/* Make array a hold cap elements, or return 0 from the calling function (a
 * grows only; on failure it is as it was): the readers of points into the
 * parallel arrays hv_cluster takes (out/cluster_file.c, missing_clusters.c). */
#define HV_CLUSTER_GROW(a, cap)                                                                                        \
	do {                                                                                                           \
		void *grown_ = realloc((a), (cap) * sizeof *(a));                                                      \
		if (!grown_)                                                                                           \
			return 0;                                                                                      \
		(a) = grown_;                                                                                          \
	} while (0)

/** The name of a kind: "core", "border" or "noise" (static). */
const char *hv_cluster_kind_name(uint8_t kind);

/** A cluster of missing children's places near a place, as
 *  haven_missing_clusters finds it (missing_clusters.c). */
typedef struct hv_cluster_near {
	int32_t cluster;            /* its number in haven_missing_clusters' table */
	double distance;            /* metres from the place to its hull, 0 inside */
	int64_t episodes, children; /* children: distinct */
	unsigned char *wkb;         /* its hull (EPSG:27700 WKB), malloc'd */
	size_t wkb_len;
} hv_cluster_near;

/** The clusters haven_missing_clusters would find with o (borrowed) for the
 *  acting user - the same episodes, DBSCAN and hulls, with nothing released
 *  - whose hulls lie within radius metres of (e, n), nearest first.
 * \param out on HAVEN_OK a malloc'd array of *n (NULL when none); caller
 *            frees with hv_cluster_near_free().
 * \param total on HAVEN_OK the clusters found in all (near or not).
 * \return as haven_missing_clusters. */
haven_status hv_missing_clusters_near(haven_ctx *ctx, const haven_missing_clusters_opts *o, double e, double n,
                                      double radius, hv_cluster_near **out, size_t *n_out, size_t *total);

/** Free n clusters of hv_missing_clusters_near (c may be NULL). */
void hv_cluster_near_free(hv_cluster_near *c, size_t n);

#endif
