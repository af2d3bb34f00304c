/*
 * export.h - a released table of areas leaves as a GIS file or a PostGIS
 * table, written through GDAL/OGR (export.c, docs/export.md).
 */
#ifndef HAVEN_OUT_EXPORT_H
#define HAVEN_OUT_EXPORT_H

#include "core/context.h"
#include "haven/table.h"

typedef struct hv_export_opts {
	const char *format; /* "geojson", "gpkg", "fgb", "csv", "postgis" */
	const char *path;   /* a file path, a "/vsimem/..." path, or for postgis "PG:conninfo" */
	const char *layer;  /* layer (table) name; NULL: "haven_export" */
	const char *crs;    /* output CRS for gpkg, fgb, postgis (e.g. "EPSG:4326"); NULL: EPSG:27700;
	                       GeoJSON is always RFC 7946 CRS84 */
	const char *level;  /* keep only rows whose geographic_level is this; NULL: every row */
	int overwrite;      /* replace an existing file (or table) */
} hv_export_opts;

/** Write released table t (haven_release'd: read with the public
 *  accessors) as o says: one layer whose geometry is t's geometry column
 *  (role geometry:area) and whose attributes are its other columns, typed
 *  by their cells (integer, real, text); a GSS symbol in a count or rate
 *  column ("c", "z", "x", "k", "low", "u") is a NULL field with the symbol
 *  in the text field NAME_symbol, except in CSV, where it is the cell.  The
 *  marking and every metadata key of t go with it: GeoJSON's foreign member
 *  "metadata", GeoPackage metadata, the table comment in PostGIS, a sidecar
 *  PATH.meta.json for CSV and FlatGeobuf.  GDAL writes a file in memory,
 *  then it is written as every haven file is (a temporary name put in
 *  place whole, 0600, never through a link: src/core/output.c); a PostGIS
 *  table is made in one transaction.  An existing file or table is kept
 *  unless o->overwrite.
 *  t and o borrowed.
 * \return HAVEN_ERR_DENIED for a sealed table, or one with a column of
 *  role home, text, geometry:point or none (an export never names a home or
 *  a person); HAVEN_ERR_USAGE for bad options or a cell a column cannot
 *  hold; HAVEN_ERR_CRS for an unknown CRS; HAVEN_ERR_IO when PATH exists
 *  or cannot be written; HAVEN_ERR_GDAL when GDAL fails. */
haven_status hv_export_write(haven_ctx *ctx, const haven_table *t, const hv_export_opts *o);

#endif
