/*
 * haven/location.h - the location risk profile of a proposed new children's
 * home (docs/assess.md): police.uk street-level crime (haven crime import),
 * a layer of offender residences (haven offenders import: points with a
 * pseudonymous reference, police only, never shown as positions), and the
 * assessment of a place (haven location assess) as a sealed table released
 * through the gate, and drawn as a one-page map.
 */
#ifndef HAVEN_LOCATION_H
#define HAVEN_LOCATION_H

#include <stdint.h>

#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Counts of homes and offenders below this are shown as "fewer than 3" to
 *  everyone but police (and, for offenders, the LA) of the area. */
#define HAVEN_LOCATION_MIN_COUNT 3
/** The default and the largest radius of an assessment, metres. */
#define HAVEN_LOCATION_RADIUS 1000.0
#define HAVEN_LOCATION_MAX_RADIUS 10000.0
/** The defaults of the missing-episode clusters (DBSCAN: eps metres, min
 *  points) and hot spots (Gi*: square side and band, metres) an assessment
 *  runs, as haven missing clusters and haven missing hotspots would. */
#define HAVEN_LOCATION_EPS 150.0
#define HAVEN_LOCATION_MIN_POINTS 10
#define HAVEN_LOCATION_CELL 1000.0
#define HAVEN_LOCATION_BAND 2000.0

/** What a crime import did.  Filled in by haven_crime_import(). */
typedef struct haven_crime_report {
	int files;                /* files read */
	int noop;                 /* 1: every file was loaded before (same SHA-256): nothing written */
	int64_t rows;             /* data rows read (files already loaded are skipped, not counted) */
	int64_t located;          /* rows with a point */
	int64_t without_location; /* rows with no coordinates: kept, counted, never mapped or in a rate */
	int64_t asb_without_id;   /* rows with an empty Crime ID (police.uk gives anti-social behaviour none) */
	int64_t outside_force;    /* located rows whose point lies outside the force area named (kept) */
	int64_t replaced;         /* rows held before for the same force and months, replaced */
	char first_month[8], last_month[8];
} haven_crime_report;

/** Import police.uk street-level crime CSVs (.csv or .csv.gz; columns Crime
 *  ID, Month, Reported by, Falls within, Longitude, Latitude, Location, LSOA
 *  code, LSOA name, Crime type, Last outcome category, Context) as the acting
 *  user, all files in one transaction.  A file loaded before (by SHA-256) is
 *  skipped; a file's (force, month) pairs replace those held.  Every error
 *  names the file and row and leaves the store exactly as it was.
 * \param paths borrowed, n of them; report may be NULL. */
haven_status haven_crime_import(haven_ctx *ctx, const char *const *paths, size_t n, haven_crime_report *report);

/** What an offenders import did. */
typedef struct haven_offenders_report {
	int noop;         /* 1: the same file as the layer held: nothing written */
	int64_t features; /* points read and held */
	int64_t replaced; /* points of the previous layer replaced */
	char sha256[65];
} haven_offenders_report;

/** Import a layer of offender residences (police users only): points from a
 *  CSV (offender_ref with easting,northing or lon,lat) or any OGR point
 *  source (offender_ref and the geometry), each with a pseudonymous
 *  reference (never a name: the zones import's check).  The layer replaces
 *  the one held; the same file again is a no-op.  Errors name the file and
 *  row or feature; the store is left exactly as it was.
 * \param path borrowed; source_crs NULL or the CRS of the coordinates. */
haven_status haven_offenders_import(haven_ctx *ctx, const char *path, const char *source_crs,
                                    haven_offenders_report *report);

/** Where to assess.  Borrowed for the call.  Exactly one of postcode,
 *  point (has_point: e, n in EPSG:27700) or lonlat (has_lonlat: lon, lat in
 *  WGS84, refused outside Great Britain). */
typedef struct haven_location_opts {
	const char *postcode;
	int has_point, has_lonlat;
	double e, n, lon, lat;
	double radius; /* metres; 0: HAVEN_LOCATION_RADIUS */
	/* the missing-episode clusters and hot spots (docs/assess.md) */
	const char *of;        /* "found" (NULL: found) or "last-seen" */
	double eps;            /* DBSCAN's eps, metres; 0: HAVEN_LOCATION_EPS */
	int min_points;        /* 0: HAVEN_LOCATION_MIN_POINTS */
	double cell, band;     /* Gi*'s squares and band, metres; 0: HAVEN_LOCATION_CELL, _BAND */
	const char *from, *to; /* "YYYY-MM-DD": episodes starting in [from, to]; NULL: the first, the last */
} haven_location_opts;

/** The location risk profile of a place (docs/assess.md): one sealed table
 *  of rows (section, item, count, per_km2, la_per_km2, note): other open
 *  homes within the radius, exclusion zones touching it, offender
 *  residences within it, police.uk crime per km2 by type against the LA's
 *  own rate, and the missing-episode clusters and hot spots near it (as
 *  haven missing clusters and haven missing hotspots give them to the
 *  user).  Counts below HAVEN_LOCATION_MIN_COUNT read "fewer than 3" except
 *  for police of the area (and for offenders the LA of the area).  Audited
 *  as a consultation.
 * \param out on HAVEN_OK a new sealed table; release it with haven_release()
 *            and free it with haven_table_free().
 * \param hulls NULL, or on HAVEN_OK, for a police user where episodes are
 *            held, a new sealed table of the clusters near the place
 *            (cluster, distance_m, episodes, children, hull: geometry:hull)
 *            for the map, else NULL; release and free it as out. */
haven_status haven_location_assess(haven_ctx *ctx, const haven_location_opts *o, haven_table **out,
                                   haven_table **hulls);

/** Draw released table t of haven_location_assess as a one-page map (PDF,
 *  PNG or SVG by path's extension): the place and its radius on the British
 *  National Grid with a scale bar and grid north, the outlines of the
 *  clusters of released table hulls (NULL: none drawn), and the table's
 *  figures beside it.  No home, offender or episode is drawn.  The file is
 *  created new, 0600, replaced only with overwrite. */
haven_status haven_location_map(haven_ctx *ctx, const haven_table *t, const haven_table *hulls, const char *path,
                                int overwrite);

#ifdef __cplusplus
}
#endif

#endif
