/*
 * haven/scan.h - is a cluster real?  The space-time permutation scan
 * statistic (Kulldorff et al. 2005), as SaTScan computes it: on an
 * analyst's own SaTScan files (haven_scan_files), and on the store's
 * episodes of children missing from care (haven_missing_scan).  The model,
 * its formulas and what each audience sees: docs/scan.md.
 */
#ifndef HAVEN_SCAN_H
#define HAVEN_SCAN_H

#include <stdint.h>

#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The scan's parameters. */
typedef struct haven_scan_opts {
	double max_radius;   /* metres: a cylinder holds the locations this near its centre (> = 0) */
	int max_days;        /* the longest time window, days (1 to the study period) */
	int prospective;     /* only windows ending on the study period's last day */
	unsigned replicates; /* Monte Carlo replicates: p = rank / (replicates + 1); 0: no p-values */
	uint64_t seed;       /* the same seed gives the same p-values */
	unsigned min_cases;  /* a cluster holds at least this many cases; 0: 2 (SaTScan's default) */
	unsigned clusters;   /* at most this many clusters listed; 0: 10 */
} haven_scan_opts;

/** Scan an analyst's own SaTScan files: cases (location id, number of
 *  cases, date YYYY/MM/DD) and coordinates (location id and two
 *  coordinates in metres, or with latlong latitude and longitude in
 *  degrees and great-circle distances), over the study period start to end
 *  (YYYY-MM-DD, both inclusive).  Cases dated outside the period are left
 *  out, with a notice.  The result is the most likely cluster and the
 *  secondary clusters that share no location with a more likely one: one
 *  row each with its centre, member location ids, radius, window,
 *  observed and expected cases, their ratio, the log likelihood ratio and
 *  p.  The files are the analyst's, not disclosed data: the table holds
 *  none and is released as it is (docs/scan.md, "Governance").
 * \param out on HAVEN_OK a new sealed table; release it with haven_release()
 *            and free it with haven_table_free().
 * \return HAVEN_ERR_USAGE for bad options or dates; the file's error (with
 *         file and row) for a bad line; HAVEN_ERR_VALUE for no cases. */
haven_status haven_scan_files(haven_ctx *ctx, const char *cases, const char *coordinates, const char *start,
                              const char *end, int latlong, const haven_scan_opts *o, haven_table **out);

/** What to scan in the store. */
typedef struct haven_missing_scan_opts {
	const char *of;   /* "found" (default) or "last-seen": which point of each episode */
	const char *from; /* YYYY-MM-DD: the study period's first day; NULL: the first episode's */
	const char *to;   /* YYYY-MM-DD: its last day; NULL: the last episode's */
	double cell;      /* metres: the grid the points are snapped to; 0: 1000 */
	haven_scan_opts scan;
} haven_missing_scan_opts;

/** The scan on the episodes of children missing from care that the acting
 *  user may see (docs/missing.md, "Scope"), located at the centres of
 *  British National Grid cells holding enough distinct children
 *  (docs/scan.md, "Locations").  A police or local authority user gets
 *  each cluster's centre and member cells; an aggregates-only audience
 *  gets each cluster's local authority, window and counts.
 * \param out on HAVEN_OK a new sealed table; release it with haven_release()
 *            and free it with haven_table_free().
 * \return as haven_scan_files; HAVEN_ERR_DENIED when nobody is acting;
 *         HAVEN_ERR_NOT_FOUND when the store holds no episodes. */
haven_status haven_missing_scan(haven_ctx *ctx, const haven_missing_scan_opts *o, haven_table **out);

#ifdef __cplusplus
}
#endif
#endif
