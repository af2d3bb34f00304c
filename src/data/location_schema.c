/*
 * location_schema.c - the location module's tables (police.uk street-level
 * crime and the layer of offender residences read by the location risk
 * profile, docs/assess.md), as steps the store's registry runs
 * (core/module.h, src/store/store.c).
 */
#include "core/module.h"

/* Schema 12: crime and offenders.
 *
 * crime_load: every police.uk file loaded (its SHA-256, so that the same
 * file again is a no-op) and what it held: rows, rows with a point, rows
 * without coordinates, anti-social behaviour rows without a Crime ID, and
 * points outside the force area named in the row.
 *
 * crime: one row per police.uk row.  crime_id is NULL where police.uk gives
 * none (anti-social behaviour).  month is YYYY-MM; force is "Falls within";
 * geom is the point in EPSG:27700 (NULL: the row had no coordinates: it is
 * counted, never placed).  A load replaces the rows of the (force, month)
 * pairs it holds.  pfa is the police force area the point lies in (ONS code;
 * NULL: none, or no point).
 *
 * offender_load, offender: the current layer of offender residences (police
 * only), a point and a pseudonymous reference each, never a name; a load
 * replaces the layer whole. */
static const char schema_v12[] =
    "CREATE TABLE crime_load("
    " id INTEGER PRIMARY KEY, file TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE, loaded_at TEXT NOT NULL,"
    " rows INTEGER NOT NULL, located INTEGER NOT NULL, without_location INTEGER NOT NULL,"
    " asb_without_id INTEGER NOT NULL, outside_force INTEGER NOT NULL);"
    "CREATE TABLE crime("
    " id INTEGER PRIMARY KEY, load_id INTEGER NOT NULL REFERENCES crime_load(id), source_row INTEGER NOT NULL,"
    " crime_id TEXT, month TEXT NOT NULL CHECK(length(month) = 7), force TEXT NOT NULL, crime_type TEXT NOT NULL,"
    " lsoa_code TEXT, pfa TEXT);"
    "SELECT AddGeometryColumn('crime', 'geom', 27700, 'POINT', 'XY', 0);"
    "SELECT CreateSpatialIndex('crime', 'geom');"
    "CREATE INDEX crime_force_month ON crime(force, month);"
    "CREATE TABLE offender_load("
    " id INTEGER PRIMARY KEY, file TEXT NOT NULL, sha256 TEXT NOT NULL, loaded_at TEXT NOT NULL,"
    " features INTEGER NOT NULL);"
    "CREATE TABLE offender("
    " id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, load_id INTEGER NOT NULL REFERENCES offender_load(id),"
    " x REAL NOT NULL, y REAL NOT NULL);";

static const hv_schema_step steps[] = {{12, schema_v12, NULL}};

static haven_status counts(haven_ctx *ctx, haven_table *t)
{
	static const hv_info_item items[] = {
	    {"crimes", "SELECT count(*) FROM crime"},
	    {"crime_months", "SELECT count(DISTINCT month) FROM crime"},
	    {"offenders", "SELECT count(*) FROM offender"},
	};
	return hv_info_counts(ctx, t, "location", items, sizeof items / sizeof items[0]);
}

const hv_module hv_location_module = {"location", steps, sizeof steps / sizeof steps[0], counts};
