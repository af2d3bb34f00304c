/*
 * haven/geocode.h - place every home offline, from the store's gazetteer.
 *
 * Each current home is placed by the first method that works:
 *   uprn                 its UPRN is in the loaded OS Open UPRN     confidence 1.0
 *   postcode             its postcode is live in the gazetteer      confidence 0.9
 *   postcode_terminated  its postcode is a terminated one           confidence 0.7
 *   sector               centroid of its postcode sector ("M1 4")   confidence 0.4
 *   unmatched            none of these                              confidence 0
 * and a manual placement (haven_geocode_set) always wins.  Every point is
 * cross-checked against the local authority the register gives: the point
 * must lie in that LA's polygon (or within 200 m of it, for generalised
 * coastlines); otherwise the home is flagged 'mismatch' (in another LA) or
 * 'outside' (in no LA).
 */
#ifndef HAVEN_GEOCODE_H
#define HAVEN_GEOCODE_H

#include <stdint.h>
#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct haven_geocode_report {
	int64_t homes;               /* current homes looked at */
	int64_t uprn, postcode, postcode_terminated, sector, unmatched, manual_kept;
	int64_t la_ok, la_mismatch, la_outside;
	double seconds;
} haven_geocode_report;

/** Place current homes that have no location yet (all but manual ones when
 *  redo is non-zero), in one transaction.
 * \param report filled on HAVEN_OK; borrowed. */
haven_status haven_geocode_run(haven_ctx *ctx, int redo, haven_geocode_report *report);

/** Homes needing a person's eye: unmatched, placed outside their LA, or
 *  placed only to a postcode sector.
 * \param out on HAVEN_OK a new table; caller frees with haven_table_free(). */
haven_status haven_geocode_issues(haven_ctx *ctx, haven_table **out);

/** Place the current version of home urn at BNG (e, n) by hand, with the
 *  reason recorded.  HAVEN_ERR_NOT_FOUND for an unknown or closed URN,
 *  HAVEN_ERR_CRS for a point outside Great Britain, HAVEN_ERR_USAGE for an
 *  empty reason.  All arguments borrowed. */
haven_status haven_geocode_set(haven_ctx *ctx, const char *urn, double e, double n, const char *reason);

#ifdef __cplusplus
}
#endif
#endif
