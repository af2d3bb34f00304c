/*
 * haven/zones.h - offender exclusion zones (docs/zones.md): importing zones
 * from any OGR source, checking which homes lie in or near the zones live
 * at a time, and probation's proposed-address check.  Every table is sealed
 * and leaves through haven_release (haven/gate.h); police users of the
 * force see homes, everyone else counts, and a probation user's counts
 * below HAVEN_ZONES_MIN_COUNT read "fewer than 3".
 */
#ifndef HAVEN_ZONES_H
#define HAVEN_ZONES_H

#include <stdint.h>

#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Counts of homes below this are shown as "fewer than 3" to everyone but
 *  police users (docs/zones.md, "Who sees what"). */
#define HAVEN_ZONES_MIN_COUNT 3
/** More than HAVEN_ZONES_NOTICE_CHECKS proposed-address checks by one user
 *  within HAVEN_ZONES_NOTICE_METRES of one another in 24 hours raise a
 *  notice in the audit log and the transparency report. */
#define HAVEN_ZONES_NOTICE_CHECKS 5
#define HAVEN_ZONES_NOTICE_METRES 500.0
/** The largest radius of a zone, a buffer or an address check, metres. */
#define HAVEN_ZONES_MAX_RADIUS 20000.0

/** How to import a zones file.  Zero it, then set what is needed. */
typedef struct haven_zones_opts {
	const char *source_crs; /* the coordinates' CRS when the file does not say (borrowed); NULL: the file's,
	                           else EPSG:4326 for WKT and lon/lat columns, EPSG:27700 for easting/northing */
	const char *rejects;    /* with skip_invalid: the reject file to create (borrowed); else NULL */
	int skip_invalid;       /* 1: import the valid zones, write the others to rejects */
} haven_zones_opts;

/** What an import did.  Filled in by haven_zones_import(). */
typedef struct haven_zones_report {
	int noop;          /* 1: no zone changed (the same file again): nothing was written */
	char sha256[65];   /* SHA-256 of the file, hex */
	int64_t features;  /* features (rows) read */
	int64_t added;     /* zones never seen before */
	int64_t replaced;  /* zones whose reference was held with other content: replaced */
	int64_t unchanged; /* zones held with the same content */
	int64_t repaired;  /* zones whose invalid geometry was made valid (a notice each) */
	int64_t rejected;  /* zones written to the reject file (skip_invalid) */
} haven_zones_report;

/** Import a file of zones (GeoJSON, GeoPackage, shapefile, any OGR vector
 *  source's first layer, or CSV with WKT or lon/lat or easting/northing and
 *  a radius) as the acting user (police or probation), in one transaction:
 *  reprojected to EPSG:27700, invalid geometry repaired and reported, a zone
 *  outside England and Wales (touching no police force area) refused.  Every
 *  error names the file and feature and leaves the store exactly as it was,
 *  unless opts->skip_invalid: then invalid zones go, with a reason, to
 *  opts->rejects (a new file of mode 0600, marked).  The columns:
 *  docs/formats.md ("Zones file").
 * \param path, opts borrowed; report may be NULL.
 * \return HAVEN_ERR_DENIED for a user of another kind of authority. */
haven_status haven_zones_import(haven_ctx *ctx, const char *path, const haven_zones_opts *opts,
                                haven_zones_report *report);

/** What haven_zones_check computes.  Borrowed for the call. */
typedef struct haven_zones_check_opts {
	const char *as_at; /* "YYYY-MM-DD[THH:MM[:SS]]", clock time in Europe/London; NULL: now */
	double buffer;     /* metres around each zone (0 to HAVEN_ZONES_MAX_RADIUS) */
	const char *by;    /* "zone" (default): a row per zone and home; "home": a row per home */
} haven_zones_check_opts;

/** The zones live at o->as_at (valid on its date and, when a zone has time
 *  windows, in one of them) against the open homes the acting user may
 *  see: for each zone the homes inside it or within o->buffer of it, or
 *  (by home) for each home the zones touching it.  A police user gets the
 *  homes; anyone else a row per zone with counts (below
 *  HAVEN_ZONES_MIN_COUNT: "fewer than 3"); by home is a listing, refused
 *  by the gate to aggregates-only audiences.
 * \param out on HAVEN_OK a new sealed table; release it with haven_release()
 *            and free it with haven_table_free(). */
haven_status haven_zones_check(haven_ctx *ctx, const haven_zones_check_opts *o, haven_table **out);

/** A proposed-address check.  Borrowed for the call.  Exactly one of
 *  postcode, point (has_point: e, n in EPSG:27700), lonlat (has_lonlat:
 *  lon, lat in WGS84) or file (a CSV of addresses: id and postcode, or
 *  easting and northing, or lon and lat). */
typedef struct haven_zones_address_opts {
	const char *postcode;
	int has_point, has_lonlat;
	double e, n, lon, lat;
	const char *file;
	double radius;        /* metres, 1 to HAVEN_ZONES_MAX_RADIUS */
	const char *case_ref; /* the MAPPA case reference the check is for (required; audited) */
	int homes;            /* 1: the homes themselves (police users of the area only) */
} haven_zones_address_opts;

/** Probation's proposed-address check: for each address, the open homes
 *  the acting user may see within o->radius: how many, the nearest
 *  distance rounded to 100 m, and counts in distance bands (docs/zones.md).
 *  Police and probation users only.  A probation user's counts below
 *  HAVEN_ZONES_MIN_COUNT read "fewer than 3"; o->homes (a listing of the
 *  homes) is for police users only.  Every check is recorded with the
 *  case; many checks near one place raise a notice (HAVEN_ZONES_NOTICE_*).
 * \param out on HAVEN_OK a new sealed table; release it with haven_release()
 *            and free it with haven_table_free(). */
haven_status haven_zones_address(haven_ctx *ctx, const haven_zones_address_opts *o, haven_table **out);

/** The most homes a suggested zone is drawn around, and the default
 *  simplification (metres) of its outline. */
#define HAVEN_ZONES_PROPOSE_MAX 1000
#define HAVEN_ZONES_SIMPLIFY 25.0

/** A suggested zone.  Borrowed for the call. */
typedef struct haven_zones_propose_opts {
	const char *const *urns; /* the homes to keep the offender from */
	size_t n_urns;
	double radius;   /* metres around each home, 1 to HAVEN_ZONES_MAX_RADIUS */
	double simplify; /* the outline's tolerance, metres (0: HAVEN_ZONES_SIMPLIFY; at most radius / 2) */
} haven_zones_propose_opts;

/** A suggested exclusion zone for a licence (police users only): the
 *  homes' points buffered by o->radius, unioned, holes filled and
 *  simplified, as one row (zone, radius_m, homes, simplified_m, area_km2,
 *  geom: geometry:area), so it can be exported (haven_export_write: GeoJSON,
 *  GeoPackage) and mapped (haven_zones_map).  The homes are not in it.
 * \param out on HAVEN_OK a new sealed table; release it with haven_release()
 *            and free it with haven_table_free().
 * \return HAVEN_ERR_NOT_FOUND for a URN that is not an open home the user
 *         may see; HAVEN_ERR_DENIED for anyone but police. */
haven_status haven_zones_propose(haven_ctx *ctx, const haven_zones_propose_opts *o, haven_table **out);

/** Draw released table t of haven_zones_propose as a map page (PNG, SVG
 *  or PDF, by path's extension): the zone, a scale bar, grid north, the
 *  marking; the file created new, 0600, replaced only with overwrite. */
haven_status haven_zones_map(haven_ctx *ctx, const haven_table *t, const char *path, int overwrite);

#ifdef __cplusplus
}
#endif

#endif
