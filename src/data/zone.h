/*
 * zone.h - the zones module inside the library (zone.c): the zones live at a
 * time, the shape of a case reference, where an address check looks, and
 * the record of address checks.  The import is haven_zones_import
 * (haven/zones.h); the checks are in src/analysis/zone_check.c.
 */
#ifndef HAVEN_DATA_ZONE_H
#define HAVEN_DATA_ZONE_H

#include "core/context.h"
#include "haven/zones.h"

/** 1 when s is shaped like a reference, not a name: 1 to 64 characters of
 *  letters, digits, '/', '_', '.' and '-', at least one of them a digit
 *  (so no spaces, and no plain word).  docs/zones.md ("Case references"). */
int hv_zone_ref_ok(const char *s);

/** A moment in clock time (Europe/London): the day (days since
 *  1970-01-01), the minute of the day and the day of the week (0 Monday). */
typedef struct hv_zone_when {
	int64_t day;
	int minute, weekday;
	char text[32]; /* "YYYY-MM-DDTHH:MM" */
} hv_zone_when;

/** Parse "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS" (clock
 *  time in Europe/London); NULL: now (hv_now) in Europe/London.
 *  HAVEN_ERR_USAGE for anything else. */
haven_status hv_zone_when_parse(haven_ctx *ctx, const char *s, hv_zone_when *w);

/** One zone, read for a check.  geom is owned by the array (hv_zones_free). */
typedef struct hv_zone {
	int64_t id;
	char ref[65], case_ref[65], kind[24];
	char pfa[400];         /* the police force areas it touches, comma-separated */
	double cx, cy, radius; /* radius > 0: a point-with-radius zone (a circle, tested by distance) */
	GEOSGeometry *geom;    /* EPSG:27700 MultiPolygon */
} hv_zone;

/** The zones live at w: valid on its day and, for a zone with time
 *  windows, in one of them.  *out (n zones, by reference) is freed with
 *  hv_zones_free(). */
haven_status hv_zones_live(haven_ctx *ctx, const hv_zone_when *w, hv_zone **out, size_t *n);
void hv_zones_free(haven_ctx *ctx, hv_zone *z, size_t n);

/** Whether the zone whose reference is ref (borrowed) is live at w, as
 *  hv_zones_live decides it: HAVEN_OK if so; else HAVEN_ERR_NOT_FOUND with a
 *  message saying why - no such zone, not valid yet, expired, or outside its
 *  time windows (which it lists). */
haven_status hv_zone_live(haven_ctx *ctx, const char *ref, const hv_zone_when *w);

/** One place a proposed-address check looks from. */
typedef struct hv_zone_place {
	char label[80]; /* the postcode, "E x N y", or the file's id */
	double e, n;
} hv_zone_place;

/** The places of o (borrowed): its postcode, point, lon/lat, or every row
 *  of its file (id and postcode, easting and northing, or lon and lat;
 *  errors name the file and row).  *out freed with free(). */
haven_status hv_zone_places(haven_ctx *ctx, const haven_zones_address_opts *o, hv_zone_place **out, size_t *n);

/** Record n address checks by the acting user under case_ref, inside the
 *  caller's write transaction, and count, for each, the user's checks of
 *  the last 24 hours within HAVEN_ZONES_NOTICE_METRES of it (itself
 *  included): *most is the largest such count. */
haven_status hv_zone_record_checks(haven_ctx *ctx, const char *case_ref, const hv_zone_place *p, size_t n,
                                   double radius, int64_t *most);

#endif
