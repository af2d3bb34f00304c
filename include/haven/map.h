/*
 * haven/map.h - maps of an aggregate: PNG, SVG and PDF drawn with Cairo on
 * the British National Grid, and one self-contained offline HTML page
 * (Leaflet, no tile server, no request of any kind).  See docs/maps.md.
 */
#ifndef HAVEN_MAP_H
#define HAVEN_MAP_H

#include "haven/aggregate.h"
#include "haven/context.h"
#include "haven/export.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What to draw and where.  Every pointer is borrowed for the call. */
typedef struct haven_map_opts {
	const char *measure; /* the column to map: a rate is a choropleth, a count proportional circles */
	const char *level;   /* draw the rows of this geographic_level ("la", "region", ...) */
	const char *path;    /* FILE.png, .svg, .pdf or .html: the format is the extension */
	const char *classes; /* "quantile" (default) or "jenks" */
	int nclasses;        /* 0: 5 */
	const char *title;   /* NULL: from the table's title and metadata */
	int overwrite;       /* replace an existing file */
	int top;             /* the measure flows: the largest flows drawn; 0: 50 */
} haven_map_opts;

/** Draw the measure of the rows of released aggregate table t at o->level
 *  into the file o->path: a choropleth for a rate, proportional circles for
 *  a count; a cell holding a GSS symbol is drawn as that symbol (hatched
 *  when suppressed).  An HTML page holds the rows as GeoJSON written by
 *  haven_export_write, and Leaflet, inlined.  The file is created new,
 *  0600, and put in place whole; an existing one is replaced only with
 *  o->overwrite.  t and o are borrowed.
 * \return HAVEN_ERR_DENIED for a sealed table or one naming homes or
 *  people; HAVEN_ERR_USAGE for an unknown format, measure, classification
 *  or number of classes; HAVEN_ERR_NOT_FOUND for a level with no rows;
 *  HAVEN_ERR_VALUE for a measure cell neither a number nor a symbol;
 *  HAVEN_ERR_IO when the file cannot be written. */
haven_status haven_map_write(haven_ctx *ctx, const haven_table *t, const haven_map_opts *o);

/** The aggregate a of the measure o->measure (with its numerator, and
 *  homes on a grid, when a names no measures), released to the acting
 *  user through the gate, drawn as o says (o->level NULL: the geography's
 *  own level).  report may be NULL. */
haven_status haven_map(haven_ctx *ctx, const haven_aggregate_opts *a, const haven_map_opts *o,
                       haven_output_report *report);

#ifdef __cplusplus
}
#endif
#endif
