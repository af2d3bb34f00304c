/*
 * stats_int.h - reference statistics in the store: the import the governed
 * operation wraps, and the lookups other modules use (rates' denominators).
 * See docs/stats.md.
 */
#ifndef HAVEN_STATS_INT_H
#define HAVEN_STATS_INT_H

#include "core/context.h"
#include "haven/stats.h"

/** Room for a time period as DfE writes it ("2025", "202425") and its NUL. */
#define HV_STATS_PERIOD_MAX 8

/** Replace the dataset from path inside the caller's write transaction (the
 *  caller rolls back on any error).  Arguments and errors as
 *  haven_stats_import(); the public one is the governed operation around it
 *  (src/govern/reference.c). */
haven_status hv_stats_import(haven_ctx *ctx, const char *path, const haven_stats_opts *opts,
                             haven_stats_report *report);

/** The figure for key, as haven_stats_value() (which is this with the
 *  context's error cleared first).  key borrowed; symbol receives the GSS
 *  symbol or "" (HAVEN_STATS_SYMBOL_MAX bytes), *value the number or NaN.
 *
 *  The two denominators of the measures of capacity (docs/stats.md):
 *    dataset     "dfe_cla_number_and_rate_per_10k_by_la"
 *    filters     {"population_type=Children looked after on 31 March each year", NULL}
 *    indicator   "population_estimate" (children under 18) or "children_count"
 *                (children looked after by the LA on 31 March)
 *    time_period "2025" for 31 March 2025 (hv_stats_latest finds the newest) */
haven_status hv_stats_value(haven_ctx *ctx, const haven_stats_key *key, double *value,
                            char symbol[HAVEN_STATS_SYMBOL_MAX]);

/** The newest time period the dataset has figures of key->indicator with
 *  key->filters for (key->time_period and key->area_code are not used), not
 *  after not_after when that is not NULL (periods compare as text, so give
 *  one of the dataset's own form: "2025").  key and not_after borrowed.
 * \return HAVEN_ERR_NOT_FOUND, saying what the store lacks, as hv_stats_value. */
haven_status hv_stats_latest(haven_ctx *ctx, const haven_stats_key *key, const char *not_after,
                             char period[HV_STATS_PERIOD_MAX]);

#endif
