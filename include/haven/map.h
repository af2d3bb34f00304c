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
} haven_map_opts;

/** Draw released table t (haven_release'd) as o says.
 * \return HAVEN_ERR_DENIED for a sealed table; HAVEN_ERR_USAGE for an
 *         unknown measure, level or extension; HAVEN_ERR_IO for an existing
 *         file without overwrite, or when it cannot be written. */
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
