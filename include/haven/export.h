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
	int top;            /* the measure flows: keep the top largest flows after disclosure control, the
	                       published rest summed as "other" (gate/fold.c); 0: every row */
} haven_export_opts;

/** Write released table t (haven_release'd) as o says: one layer whose
 *  geometry is t's geometry column (role geometry:area) and whose
 *  attributes are its other columns, typed by their cells (integer, real,
 *  text); a GSS symbol in a count or rate column ("c", "z", "x", "k",
 *  "low", "u") is a NULL field with the symbol in the text field
 *  NAME_symbol, except in CSV, where it is the cell.  The marking and every
 *  metadata key of t go with it: GeoJSON's foreign member "metadata",
 *  GeoPackage metadata, the table comment in PostGIS, a sidecar
 *  PATH.meta.json for CSV and FlatGeobuf.  A file is written whole (a
 *  temporary name put in place, 0600, never through a link); a PostGIS
 *  table is made in one transaction.  An existing file or table is kept
 *  unless o->overwrite.  t and o borrowed.
 * \return HAVEN_ERR_DENIED for a sealed table, or one with a column of
 *  role home, text, geometry:point or none (an export never names a home or
 *  a person); HAVEN_ERR_USAGE for bad options or a cell a column cannot
 *  hold; HAVEN_ERR_CRS for an unknown CRS; HAVEN_ERR_IO when PATH exists
 *  or cannot be written; HAVEN_ERR_GDAL when GDAL fails. */
haven_status haven_export_write(haven_ctx *ctx, const haven_table *t, const haven_export_opts *o);

/** What an export or a map wrote. */
typedef struct haven_output_report {
	size_t rows;     /* rows written (areas drawn) */
	long suppressed; /* cells the gate suppressed ("c") */
	long rounded;    /* cells it rounded */
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
