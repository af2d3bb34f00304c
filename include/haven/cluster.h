/*
 * haven/cluster.h - DBSCAN and space-time DBSCAN (ST-DBSCAN) of points in
 * British National Grid metres, exact (docs/clusters.md).
 *
 * haven_cluster_file clusters the points of the analyst's own file and
 * writes a label for each: it opens no store, reads nothing disclosed and
 * is not a governed operation.  The clusters of disclosed episodes of
 * children missing from care are haven_missing_clusters (haven/trends.h's
 * neighbour, below), which is.
 */
#ifndef HAVEN_CLUSTER_H
#define HAVEN_CLUSTER_H

#include <stdint.h>
#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What to cluster and where to write it.  Every pointer is borrowed for
 *  the call. */
typedef struct haven_cluster_opts {
	const char *points; /* CSV, .csv.gz, or any file GDAL reads (GeoPackage, GeoJSON...): its first layer */
	const char *id;     /* the id column; NULL: "id" */
	const char *x, *y;  /* the coordinate columns (easting and northing, or longitude and latitude) */
	const char *t;      /* the time column for ST-DBSCAN: YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] or days; NULL: none */
	double days;        /* with t: the time window in days, > 0 */
	double eps;         /* metres, > 0 */
	int min_points;     /* >= 1, the point itself counted */
	const char *crs;    /* the coordinates' CRS (anything PROJ reads, e.g. "EPSG:4326"); NULL: EPSG:27700 */
	const char *out;    /* the CSV written: id,label,kind */
	int force;          /* replace out if it exists */
} haven_cluster_opts;

/** What a run found. */
typedef struct haven_cluster_summary {
	int64_t points, clusters, core, border, noise;
} haven_cluster_summary;

/** Read o->points, cluster them (DBSCAN, or ST-DBSCAN with o->t) and write
 *  o->out, a CSV of id,label,kind in the file's order: label the cluster
 *  (0, 1, ...; -1 for noise), kind core, border or noise.
 * \param s on HAVEN_OK what was found; may be NULL
 * \return HAVEN_ERR_USAGE for a bad option; HAVEN_ERR_MISSING for a column
 *         that is not in the file or an empty value, HAVEN_ERR_VALUE for a
 *         value that is not a number or a date, HAVEN_ERR_CRS for a point
 *         outside Great Britain, each naming the file and row;
 *         HAVEN_ERR_PROJ for a CRS PROJ does not know; HAVEN_ERR_IO when out
 *         exists and o->force is 0.  out is written whole or not at all. */
haven_status haven_cluster_file(haven_ctx *ctx, const haven_cluster_opts *o, haven_cluster_summary *s);

#ifdef __cplusplus
}
#endif

#endif
