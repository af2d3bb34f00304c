/*
 * haven/where.h - batch point-in-polygon: which area of one kind each point
 * of the analyst's own file is in.
 *
 * The single-point question is haven_boundaries_where (haven/boundaries.h);
 * this answers it for a whole file at once, with the same rule: the area
 * covering the point (a point on a boundary is covered; where generalised
 * areas overlap, the first code in order), else the nearest area within a
 * distance of it (points just off a generalised coastline), else none.
 */
#ifndef HAVEN_WHERE_H
#define HAVEN_WHERE_H

#include <stdint.h>
#include "haven/context.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default distance, metres, within which a point in no area is given the
 *  nearest one.  The bundled boundaries are clipped to a coastline
 *  generalised to 20 m: 50 m keeps a seafront point in its area without
 *  pulling a boat or a pier's end into one. */
#define HAVEN_WHERE_POINTS_NEAR 50.0

/** What to do.  Strings borrowed for the call. */
typedef struct haven_where_opts {
	const char *points; /* the points: CSV, .csv.gz, GeoPackage, GeoJSON, ... (read as a table) */
	const char *x, *y;  /* the columns holding the coordinates; required */
	const char *id;     /* the column identifying each point; NULL: "id" */
	const char *kind;   /* "la", "district", "pfa" or "region"; required */
	const char *crs;    /* the coordinates' CRS (anything PROJ accepts); NULL: EPSG:27700 */
	double near;        /* metres; < 0: HAVEN_WHERE_POINTS_NEAR */
	const char *out;    /* the CSV written: id,code; required */
	int force;          /* 1: replace an existing out */
} haven_where_opts;

/** What a run did.  Plain values, owned by the caller. */
typedef struct haven_where_report {
	int64_t points;  /* rows read */
	int64_t inside;  /* points inside an area */
	int64_t nearest; /* points in none, given the nearest within near metres */
	int64_t none;    /* points in none and near none (empty code) */
	int64_t direct;  /* points answered from the grid without a polygon test */
	double seconds;  /* wall-clock time of the whole call */
} haven_where_report;

/** Write opts->out: a header "id,code" and one row per point of opts->points,
 *  in the file's order: the point's id as written and the GSS code of its
 *  area of opts->kind (empty when none).  The answer for every point is the
 *  one haven_boundaries_where gives for it, with opts->near as the distance
 *  for "nearest".  Reads only open data from the store: no acting user is
 *  needed and nothing is recorded (docs/cli.md).  Every row is read and
 *  checked before the file is written; on any error nothing is written.
 * \param opts   borrowed
 * \param report if not NULL, filled on HAVEN_OK
 * \return HAVEN_ERR_MISSING (a column or a coordinate missing),
 *         HAVEN_ERR_VALUE (a coordinate that is not a number), HAVEN_ERR_CRS (a
 *         point outside Great Britain once in EPSG:27700: a wrong --crs),
 *         HAVEN_ERR_PROJ (an unknown CRS), HAVEN_ERR_NOT_FOUND (no boundaries of
 *         the kind), HAVEN_ERR_IO (out exists without force), the reader's
 *         errors; messages name the file and row. */
haven_status haven_where_points(haven_ctx *ctx, const haven_where_opts *opts, haven_where_report *report);

#ifdef __cplusplus
}
#endif
#endif
