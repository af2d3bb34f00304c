/*
 * haven/gazetteer.h - load the store's postcode and UPRN gazetteer.
 *
 * The gazetteer is a keyed lookup of British National Grid points: every
 * postcode (live and terminated) with its centroid, local authority and
 * police force area, the centroid of every postcode sector, and, when an OS
 * Open UPRN file is loaded, the point of every UPRN.  It is loaded from the
 * national files as published (ONSPD, NSPL, OS Open UPRN or any CSV with a
 * postcode and a grid reference or latitude/longitude), plain or gzipped.
 * See docs/gazetteer.md.
 */
#ifndef HAVEN_GAZETTEER_H
#define HAVEN_GAZETTEER_H

#include <stdint.h>
#include "haven/context.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options for haven_gazetteer_load().  Every field may be 0/NULL, and the
 *  whole struct may be NULL: columns are then found by name.  Strings are
 *  borrowed for the call. */
typedef struct haven_gazetteer_opts {
	int uprn;                   /* 1: the file is an OS Open UPRN style list */
	const char *postcode_field; /* column holding the postcode */
	const char *east_field;     /* BNG easting column (with north_field) */
	const char *north_field;    /* BNG northing column (with east_field) */
	const char *lat_field;      /* WGS84 latitude column (with lon_field) */
	const char *lon_field;      /* WGS84 longitude column (with lat_field) */
	int force;                  /* 1: replace even with fewer than half the rows held */
} haven_gazetteer_opts;

/** What a load did. */
typedef struct haven_gazetteer_report {
	int uprn;           /* 1 if the file was loaded as UPRNs */
	int64_t rows_read;  /* data rows in the file */
	int64_t live;       /* live postcodes (or UPRNs) stored */
	int64_t terminated; /* terminated postcodes stored */
	int64_t no_coords;  /* postcodes kept without a grid reference */
	int64_t sectors;    /* postcode sectors with a centroid */
	double seconds;     /* wall-clock time of the whole load */
} haven_gazetteer_report;

/** Load a postcode or UPRN file into the open store, replacing the postcode
 *  tables (postcode, postcode_terminated, postcode_sector) or the uprn table
 *  in one transaction, and record the load in gazetteer_load.  On any error
 *  nothing in the store changes.
 * \param path   borrowed; CSV, plain or gzip-compressed
 * \param opts   borrowed, may be NULL
 * \param report may be NULL; filled on HAVEN_OK (zeroed on failure)
 * \return HAVEN_ERR_MISSING (no postcode or coordinate columns),
 *         HAVEN_ERR_VALUE (an impossible postcode, UPRN or number),
 *         HAVEN_ERR_DUPLICATE (a postcode or UPRN twice), HAVEN_ERR_CRS
 *         (coordinates outside Great Britain, i.e. in the wrong CRS),
 *         HAVEN_ERR_FORMAT (malformed CSV); HAVEN_ERR_MISSING also for a file
 *         with no rows, or, without opts->force, one that would replace the
 *         rows held with fewer than half as many; input errors name file and
 *         row. */
haven_status haven_gazetteer_load(haven_ctx *ctx, const char *path, const haven_gazetteer_opts *opts,
                                  haven_gazetteer_report *report);

#ifdef __cplusplus
}
#endif
#endif
