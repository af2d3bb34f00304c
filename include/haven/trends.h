/*
 * haven/trends.h - children missing from care: trends by area and period,
 * the linkage counts (police only, LA only, both) by area and period, homes whose episode rate stands out (a funnel plot with exact Poisson
 * control limits), and charts of both.  The episodes are the store's
 * missing_episode rows (docs/missing.md); every table is sealed and
 * leaves through haven_release (haven/gate.h).
 */
#ifndef HAVEN_TRENDS_H
#define HAVEN_TRENDS_H

#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What trends to compute.  Every pointer is borrowed for the call. */
typedef struct haven_trends_opts {
	const char *by;   /* "month", "quarter", "year" (calendar) or "fy" (April to March); NULL: month */
	const char *area; /* "la" (the placing LA), "host-la", "pfa", "region", "home" or "england"; NULL: england */
	const char *from; /* "YYYY-MM-DD": episodes starting on or after it; NULL: the first episode's period */
	const char *to;   /* "YYYY-MM-DD": episodes starting on or before it; NULL: the last episode's date */
} haven_trends_opts;

/** Trends of the episodes the acting user may see (docs/missing.md,
 *  "Scope"), one row per area and period of o: episodes, distinct children,
 *  children missing more than once in the period, episodes per child,
 *  median and 90th-percentile hours missing (returned episodes), the shares
 *  with an exploitation concern and with a return interview offered, held
 *  and held independently, the mean registered places of the area's open
 *  homes over the period, and episodes per 100 of those places.  Columns
 *  and definitions: docs/missing.md ("Trends").
 * \param out on HAVEN_OK a new sealed table; release it with haven_release()
 *            and free it with haven_table_free().
 * \return HAVEN_ERR_USAGE for an unknown --by or --area, HAVEN_ERR_VALUE for
 *         a bad date or a period running backwards, HAVEN_ERR_DENIED when
 *         nobody is acting. */
haven_status haven_trends(haven_ctx *ctx, const haven_trends_opts *o, haven_table **out);

/** The linkage counts (docs/missing.md, "Linkage counts"): the episodes
 *  of haven_trends - the same periods, areas, scope and rows - counted by
 *  how they are known: one row per area and period of o with period,
 *  period_start, geographic_level, area_code, area_name, episodes,
 *  police_only, la_only, both (a police and an LA report linked) and
 *  conflicts (of both, those whose reports disagree).  Every count is
 *  count:episodes, and episodes is declared the sum of police_only, la_only
 *  and both, for the gate's disclosure control.  o may be NULL; o->by NULL
 *  is month, o->area NULL is la (the placing LA); "home" is refused.
 * \param out on HAVEN_OK a new sealed table; release it with haven_release()
 *            and free it with haven_table_free().
 * \return as haven_trends; HAVEN_ERR_USAGE for --area home. */
haven_status haven_missing_linkage(haven_ctx *ctx, const haven_trends_opts *o, haven_table **out);

/** What outliers to look for.  Borrowed for the call. */
typedef struct haven_outliers_opts {
	const char *from, *to; /* as for haven_trends_opts */
	int inspection;        /* keep only homes judged Good or Outstanding at their latest full inspection */
	int all;               /* every home with places in the period, not only those above the 99.8% limit */
} haven_outliers_opts;

/** Each home's episodes in the period against the national rate per place:
 *  expected = national rate x the home's mean places; exact Poisson
 *  control limits at 95% and 99.8% (docs/missing.md, "Outliers").  One row
 *  per home above its 99.8% upper limit (o->all: per home), most extreme
 *  first: urn, places, episodes, expected, rate per place, the limits, and
 *  with o->inspection the home's latest Ofsted judgement.  A record-level
 *  table: the gate refuses it to aggregates-only audiences.
 * \param out on HAVEN_OK a new sealed table (release, then free with haven_table_free()). */
haven_status haven_trends_outliers(haven_ctx *ctx, const haven_outliers_opts *o, haven_table **out);

/** What scorecard to make.  Borrowed for the call. */
typedef struct haven_scorecard_opts {
	const char *from, *to; /* as for haven_trends_opts */
	const char *by;        /* "placing" (the placing LA, default) or "host" (the LA of the home) */
} haven_scorecard_opts;

/** The local-authority scorecard of the episodes the acting user may see
 *  over the period: a first row for England (or the scope's total), then
 *  one per LA: episodes, children, children missing more than once, and as
 *  shares and hours each beside its difference from the first row: repeat
 *  share, risk mix (none, low, medium, high), return interviews offered,
 *  held and held independently, median hours missing.  docs/missing.md
 *  ("Scorecard").
 * \param out on HAVEN_OK a new sealed table (release, then free with haven_table_free()). */
haven_status haven_trends_scorecard(haven_ctx *ctx, const haven_scorecard_opts *o, haven_table **out);

/** Draw a released scorecard t as a ranked bar chart of the column measure
 *  (NULL: ri_held_pct), highest first, with the first row's value as a
 *  line, into path (.png or .svg).  Errors as haven_trends_chart. */
haven_status haven_trends_scorecard_chart(haven_ctx *ctx, const haven_table *t, const char *measure, const char *path,
                                          int overwrite);

/** Draw the funnel plot of the outliers (o->from, o->to) into path (.png
 *  or .svg; created new, 0600, replaced only with overwrite): the national
 *  rate, the 95% and 99.8% limits over the places a home can have, and a
 *  point per home when the acting user may see homes.  An aggregates-only
 *  audience gets the national line and the limits only.  Whatever is drawn
 *  was released through the gate first.
 * \return as haven_trends_outliers; HAVEN_ERR_USAGE for another extension;
 *         HAVEN_ERR_IO when the file cannot be written. */
haven_status haven_trends_funnel(haven_ctx *ctx, const haven_outliers_opts *o, const char *path, int overwrite);

/** Draw a released trends table t (haven_trends) as line charts into path
 *  (.png or .svg): the column measure over the periods, one line per area
 *  for up to 12 areas, else small multiples of the first 48 areas.  t and
 *  path are borrowed.
 * \return HAVEN_ERR_DENIED for a sealed table; HAVEN_ERR_USAGE for an
 *         unknown measure or extension; HAVEN_ERR_IO. */
haven_status haven_trends_chart(haven_ctx *ctx, const haven_table *t, const char *measure, const char *path,
                                int overwrite);

#ifdef __cplusplus
}
#endif
#endif
