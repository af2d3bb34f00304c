/*
 * haven/stats.h - reference statistics: DfE's published figures by local
 * authority, region and England (children looked after, the under-18
 * population...), kept in the store as the denominators of rates.
 *
 * A statistics file is a tidy CSV from DfE's "Explore education statistics"
 * (one row per time period, area and combination of filters; one column per
 * indicator).  Every figure is kept as published: a number, or one of the
 * GSS symbols, never read as 0.  These are open data: listing and looking
 * them up needs no acting user; loading them is an admin's governed
 * operation.  See docs/stats.md.
 */
#ifndef HAVEN_STATS_H
#define HAVEN_STATS_H

#include <stdint.h>
#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Room for a GSS symbol and its NUL: "c" suppressed, "z" not applicable,
 *  "x" not available, "k" rounds to zero, "low" rounds to zero but is not
 *  zero, "u" low reliability. */
#define HAVEN_STATS_SYMBOL_MAX 4

/** Longest dataset name, with its NUL. */
#define HAVEN_STATS_NAME_MAX 65

/** Options for haven_stats_import().  Every field may be 0/NULL, and the
 *  whole struct may be NULL.  Strings are borrowed for the call. */
typedef struct haven_stats_opts {
	const char *dataset;            /* the dataset's name (default: the file's name without .csv/.gz) */
	const char *const *filter_cols; /* columns to read as filters even where they hold numbers; NULL-terminated */
	int force;                      /* 1: replace the dataset even with fewer than half its figures */
} haven_stats_opts;

/** What an import did. */
typedef struct haven_stats_report {
	char dataset[HAVEN_STATS_NAME_MAX];
	int64_t rows_read; /* data rows in the file */
	int64_t figures;   /* figures stored: one per row and indicator */
	int64_t symbols;   /* of which GSS symbols */
	int64_t replaced;  /* figures the dataset held before (0 for a new dataset) */
	int indicators;    /* indicator columns */
	int filters;       /* filter columns */
	double seconds;
} haven_stats_report;

/** Load a DfE tidy statistics file (CSV, plain or gzipped, or any table GDAL
 *  reads) as the dataset opts->dataset, replacing whatever that dataset
 *  held, in one transaction with its audit entry; on any error the store is
 *  exactly as it was.  The acting user must be an admin.
 * \param path   borrowed
 * \param opts   borrowed, may be NULL
 * \param report may be NULL; filled on HAVEN_OK (zeroed on failure)
 * \return HAVEN_ERR_FORMAT (malformed CSV), HAVEN_ERR_MISSING (a required
 *         column or code, an empty figure, no indicator; or, without
 *         opts->force, fewer than half the figures held), HAVEN_ERR_VALUE (an
 *         unknown level, a bad time period or code, a figure that is neither
 *         a number nor a symbol), HAVEN_ERR_DUPLICATE (a figure given twice),
 *         HAVEN_ERR_USAGE (a bad dataset name or filter column),
 *         HAVEN_ERR_DENIED (not an admin); input errors name file and row. */
haven_status haven_stats_import(haven_ctx *ctx, const char *path, const haven_stats_opts *opts,
                                haven_stats_report *report);

/** Which figure to look up.  Strings borrowed. */
typedef struct haven_stats_key {
	const char *dataset;        /* e.g. "dfe_cla_number_and_rate_per_10k_by_la" */
	const char *indicator;      /* a column of the file, e.g. "population_estimate" */
	const char *const *filters; /* "column=value" for every filter column of the dataset, NULL-terminated;
	                               NULL when it has none */
	const char *time_period;    /* as in the file: "2025" (a year), "202425" (an academic or financial year) */
	const char *area_code;      /* an LA's, a region's or England's GSS code */
} haven_stats_key;

/** The figure for key: a number in *value with symbol "", or a GSS symbol
 *  in symbol with *value NaN.  A former code is looked up as its successor
 *  where that is the same area (North Yorkshire's E10000023 as E06000065); an
 *  area the dataset has no row for in a period it covers reads "x" (not
 *  available), as the new authorities do before a split (Cumberland before
 *  2023) unless the file says otherwise.
 * \param symbol receives the symbol or ""; HAVEN_STATS_SYMBOL_MAX bytes
 * \return HAVEN_ERR_NOT_FOUND for a dataset, indicator, filter combination
 *         or time period the store does not hold (the message says which
 *         and what there is); HAVEN_ERR_VALUE for an area that is not a GSS
 *         code; HAVEN_ERR_USAGE for a malformed key. */
haven_status haven_stats_value(haven_ctx *ctx, const haven_stats_key *key, double *value,
                               char symbol[HAVEN_STATS_SYMBOL_MAX]);

/** The datasets held: one row per dataset and indicator, with its filter
 *  columns, time periods, areas, figures, symbols and its latest load.  A
 *  table of open data (haven_release unseals it as it is).
 * \param out on HAVEN_OK a new table; caller frees with haven_table_free(). */
haven_status haven_stats_list(haven_ctx *ctx, haven_table **out);

#ifdef __cplusplus
}
#endif
#endif
