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

/** What haven_missing_clusters clusters.  Pointers borrowed for the call. */
typedef struct haven_missing_clusters_opts {
	const char *of;        /* "found" or "last-seen": which point of each episode */
	double eps;            /* metres, > 0 */
	int min_points;        /* >= 1, the episode itself counted */
	double days;           /* > 0: ST-DBSCAN, episodes within eps metres and this many days of each
	                          other's start; 0: space only */
	const char *from, *to; /* "YYYY-MM-DD": episodes starting in [from, to]; NULL: the first, the last */
} haven_missing_clusters_opts;

/** DBSCAN (or ST-DBSCAN) of the points of the episodes of children missing
 *  from care the acting user may see (docs/clusters.md), as up to three
 *  sealed tables (each pointer may be NULL when not wanted):
 *  - clusters: cluster, episodes, children (distinct), homes (they went
 *    missing from), core, border, first and last day, days, and hull (a
 *    GEOS concave hull of its places, convex below 4; geometry:hull);
 *  - points: each episode's id, cluster (-1 noise), kind, its cluster's
 *    children and its point (geometry:hull);
 *  - areas: per LA of the scope, the clusters whose hull's point on
 *    surface lies in it, their episodes and distinct children.
 *  Release them with haven_release(): police of the area get hulls and
 *  points of their force area; another authority only hulls around 5
 *  children or more; aggregates-only audiences the areas alone.
 * \return HAVEN_ERR_USAGE for bad options, HAVEN_ERR_VALUE for a bad date
 *         or a period running backwards, HAVEN_ERR_NOT_FOUND when the store
 *         holds no episode, HAVEN_ERR_DENIED when nobody is acting. */
haven_status haven_missing_clusters(haven_ctx *ctx, const haven_missing_clusters_opts *o, haven_table **clusters,
                                    haven_table **points, haven_table **areas);

#ifdef __cplusplus
}
#endif

#endif
