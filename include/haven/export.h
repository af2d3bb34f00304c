/*
 * haven/export.h - aggregates written as GIS layers: GeoJSON (RFC 7946),
 * GeoPackage, FlatGeobuf, CSV and PostGIS, through GDAL/OGR.
 *
 * An export is an aggregate (haven/aggregate.h) released through the gate
 * (disclosure control, scope, the audit entry, the marking) and written
 * whole: to a temporary name put in place, never half-written, never a
 * home's point or anything naming a home or a child.  See docs/export.md.
 */
#ifndef HAVEN_EXPORT_H
#define HAVEN_EXPORT_H

#include "haven/aggregate.h"
#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where and how to write.  Every pointer is borrowed for the call. */
typedef struct haven_export_opts {
	const char *format; /* "geojson", "gpkg", "fgb", "csv" or "postgis" */
	const char *path;   /* a file, a GDAL "/vsimem/" path, or for postgis "PG:conninfo" */
	const char *layer;  /* the layer (table) name; NULL: "haven_export" */
	const char *crs;    /* gpkg, fgb, postgis: the output CRS (e.g. "EPSG:4326"); NULL: EPSG:27700.
	                       GeoJSON is always RFC 7946 (CRS84) */
	const char *level;  /* only the rows of this geographic_level; NULL: every row */
	int overwrite;      /* replace an existing file or table */
} haven_export_opts;

/** Write released table t (haven_release'd) as o says.
 * \return HAVEN_ERR_DENIED for a sealed table, or one with a column naming
 *         a home or a person, or a home's point; HAVEN_ERR_USAGE for an
 *         unknown format or CRS; HAVEN_ERR_IO for an existing file without
 *         overwrite, or when GDAL cannot write. */
haven_status haven_export_write(haven_ctx *ctx, const haven_table *t, const haven_export_opts *o);

/** What an export or a map wrote. */
typedef struct haven_output_report {
	size_t rows;       /* rows written (areas drawn) */
	long suppressed;   /* cells the gate suppressed ("c") */
	long rounded;      /* cells it rounded */
} haven_output_report;

/** The aggregate a (haven_aggregate), released to the acting user through
 *  the gate, written as o says.  report may be NULL.
 * \return as haven_aggregate(), haven_release() and haven_export_write(). */
haven_status haven_export(haven_ctx *ctx, const haven_aggregate_opts *a, const haven_export_opts *o,
                          haven_output_report *report);

#ifdef __cplusplus
}
#endif
#endif
