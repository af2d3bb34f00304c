/*
 * measures.h - the registry of measures an aggregate can hold (measures.c)
 * haven_aggregate() (aggregate.c, haven/aggregate.h) computes them per area.
 *
 * A measure is one row of a table: a stable name scripts rely on, its unit,
 * how it is computed, its denominator, and its disclosure class (the role its
 * column gets, which decides what the gate does with it).  A later module
 * (missing episodes, placements, zones) adds its measures as rows.
 */
#ifndef HAVEN_ANALYSIS_MEASURES_H
#define HAVEN_ANALYSIS_MEASURES_H

#include "core/table.h"
#include "haven/aggregate.h"

/** A reference statistic (ref/stats.h): a published figure per LA, region
 *  and England, by year. */
typedef struct hv_statistic {
	const char *dataset, *indicator;
	const char *const *filters; /* "column=value", NULL-terminated */
} hv_statistic;

/** How a measure's value is obtained for an area (aggregate.c). */
typedef enum hv_measure_kind {
	HV_M_HOMES,       /* homes valid on the as-at date, of a sector or status when filter is set */
	HV_M_PLACES,      /* their places */
	HV_M_ENFORCEMENT, /* homes with an enforcement action dated in the period */
	HV_M_REGISTERED,  /* homes registered (registration date) in the period */
	HV_M_CLOSED,      /* homes closed or deregistered in snapshots received in the period */
	HV_M_STAT,        /* a published statistic (src/ref/stats.c) */
	HV_M_RATE,        /* numerator measure / denominator statistic x scale */
	HV_M_FLOWS,       /* the flows of placements between LAs as lines (analysis/placements.c), exported and
	                     mapped on their own, not by haven_aggregate */
	HV_M_PLACEMENTS,  /* a table of placements by placing LA (analysis/placements.c), exported on its own:
	                     filter "locations" or "capacity" */
	HV_M_MISSING      /* of the episodes of children missing from care that began in the period at the
	                     area's homes (missing_episode): filter says which figure - "episodes",
	                     "children", "repeat", "per_100_places", "ri_held_pct" */
} hv_measure_kind;

typedef struct hv_measure {
	const char *name;        /* stable identifier, the column name */
	const char *unit;        /* e.g. "homes", "places per 100 children looked after" */
	const char *role;        /* the column's role: "count:homes", "rate:places", ... */
	const char *computed;    /* how it is computed, one sentence */
	const char *denominator; /* "" or what it is divided by */
	hv_measure_kind kind;
	const char *filter;       /* HV_M_HOMES/PLACES: "sector=Private", "status=Active"; NULL: all */
	const char *numerator;    /* HV_M_RATE: the measure divided */
	const hv_statistic *stat; /* HV_M_STAT, HV_M_RATE: the statistic (divided by) */
	double scale;             /* HV_M_RATE: per this many */
	const char *sum_of;       /* "parts": this measure is the sum of these measures (column sums) */
} hv_measure;

/** The registry, in its printed order; n receives its length.  Static. */
const hv_measure *hv_measures(size_t *n);

/** The measure called name, or NULL. */
const hv_measure *hv_measure_find(const char *name);

#endif
