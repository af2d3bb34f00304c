/*
 * haven/aggregate.h - measures per area: the aggregate tables that exports
 * (haven/export.h) and maps (haven/map.h) are made of.
 *
 * An aggregate counts the homes valid on a date that the acting user may
 * see, per area of a geography (local authorities with their regions and
 * England, districts, police force areas, regions, England, or a grid of
 * squares on the British National Grid), one column per measure of the
 * registry (haven_measures()).  It is sealed like every table: released
 * through haven_release(), which applies disclosure control to it.  See
 * docs/export.md.
 */
#ifndef HAVEN_AGGREGATE_H
#define HAVEN_AGGREGATE_H

#include <stddef.h>
#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What an aggregate is of.  Every pointer is borrowed for the call. */
typedef struct haven_aggregate_opts {
	const char *geography;       /* "la", "district", "pfa", "region", "england" or "grid:METRES" */
	const char *const *measures; /* measure names (haven_measures); n_measures 0: homes and places */
	size_t n_measures;
	const char *as_at;     /* "YYYY-MM-DD"; NULL: the newest snapshot's date */
	const char *from, *to; /* the period of measures of events; NULL: the 12 months to as_at */
	int threshold;         /* counts of children from 1 to this are suppressed; 0: the gate's
	                          default, and never lower than it */
	int k_homes;           /* district and grid cells hold at least this many homes; 0: the
	                          gate's default (10), and never lower than it */
} haven_aggregate_opts;

/** The aggregate of o, as the acting user may see it (their scope).
 *  Columns geographic_level, area_code, area_name, parent, geom (the
 *  area's polygon, EPSG:27700), then one per measure in the order asked.
 *  Rows: every area of the geography (a true zero is 0), the totals they
 *  add up to (regions of LAs, England), and an "unlocated" row for homes
 *  the geography cannot place; grid cells of fewer than k_homes homes
 *  merge upward.  A cell holds a GSS symbol ("x" not available, "z" not
 *  applicable, or a statistic's own) where it has no number.
 * \param out on HAVEN_OK a new sealed table; caller frees with haven_table_free()
 * \return HAVEN_ERR_USAGE for an unknown geography or measure, or a rate
 *         without its numerator; HAVEN_ERR_VALUE for a bad date;
 *         HAVEN_ERR_NOT_FOUND when the store holds no snapshot or no
 *         boundaries of the geography. */
haven_status haven_aggregate(haven_ctx *ctx, const haven_aggregate_opts *o, haven_table **out);

/** The registry of measures, a public table: name, unit, class (the
 *  column's role: its disclosure class), computed, denominator, geographies.
 * \param out on HAVEN_OK a new table; caller frees with haven_table_free() */
haven_status haven_measures(haven_ctx *ctx, haven_table **out);

#ifdef __cplusplus
}
#endif
#endif
