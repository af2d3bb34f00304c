/*
 * zone_schema.c - the zones module's tables in the store (offender exclusion
 * zones and the proposed-address checks made against the register), as
 * steps the store's registry runs (core/module.h, src/store/store.c).
 * docs/zones.md is the contract.
 */
#include "core/module.h"

/* Schema 11: zones.
 *
 * zone_load: every import of a zones file (the bytes' SHA-256, what it did).
 *
 * zone: one row per zone, keyed by its reference (ref, the file's zone
 * reference).  case_ref is the pseudonymous case reference the zone was made
 * for (a MAPPA or licence reference, never a person's name: the import
 * refuses anything that is not shaped like a reference).  kind is the
 * order's kind; valid_from and valid_to are dates (inclusive; valid_to NULL:
 * open-ended).  geom is the zone's area, a MULTIPOLYGON in EPSG:27700 with
 * SpatiaLite's R*Tree; a zone given as a point and a radius keeps them too
 * (centre_x, centre_y, radius_m), its area being the point buffered.  pfa
 * lists the police force areas (ONS codes, comma-separated) it touches:
 * every zone touches at least one (England and Wales).  repaired says why
 * its geometry was made valid on import, content is the SHA-256 of its
 * fields and geometry, so a re-import of the same zone is recognised.
 *
 * zone_window: the times an order applies, when it applies only at some:
 * days is a bit set of the days of the week (bit 0 Monday ... bit 6
 * Sunday), start_min and end_min minutes of the day, clock time in
 * Europe/London, end after start (24:00 is 1440).  A zone without windows
 * applies all the time.
 *
 * zone_address_check: every proposed-address check (haven zones address):
 * who, when, where (EPSG:27700) and under which case, so that many checks
 * around one place by one user are noticed (docs/zones.md, "Triangulation"). */
static const char schema_v11[] =
    "CREATE TABLE zone_load("
    " id INTEGER PRIMARY KEY, file TEXT NOT NULL, sha256 TEXT NOT NULL, loaded_at TEXT NOT NULL,"
    " features INTEGER NOT NULL, added INTEGER NOT NULL, replaced INTEGER NOT NULL,"
    " unchanged INTEGER NOT NULL, repaired INTEGER NOT NULL, rejected INTEGER NOT NULL);"
    "CREATE TABLE zone("
    " id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, case_ref TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK(kind IN ('exclusion','residence_restriction','no_contact')),"
    " valid_from TEXT NOT NULL, valid_to TEXT CHECK(valid_to IS NULL OR valid_to >= valid_from),"
    " centre_x REAL, centre_y REAL, radius_m REAL CHECK(radius_m IS NULL OR radius_m > 0),"
    " pfa TEXT NOT NULL, repaired TEXT, load_id INTEGER NOT NULL REFERENCES zone_load(id),"
    " source_feature INTEGER NOT NULL, content TEXT NOT NULL,"
    " CHECK((radius_m IS NULL) = (centre_x IS NULL) AND (centre_x IS NULL) = (centre_y IS NULL)));"
    "SELECT AddGeometryColumn('zone', 'geom', 27700, 'MULTIPOLYGON', 'XY', 1);"
    "SELECT CreateSpatialIndex('zone', 'geom');"
    "CREATE INDEX zone_case ON zone(case_ref);"
    "CREATE TABLE zone_window("
    " zone_id INTEGER NOT NULL REFERENCES zone(id) ON DELETE CASCADE,"
    " days INTEGER NOT NULL CHECK(days BETWEEN 1 AND 127),"
    " start_min INTEGER NOT NULL CHECK(start_min BETWEEN 0 AND 1439),"
    " end_min INTEGER NOT NULL CHECK(end_min BETWEEN 1 AND 1440 AND end_min > start_min));"
    "CREATE INDEX zone_window_zone ON zone_window(zone_id);"
    "CREATE TABLE zone_address_check("
    " id INTEGER PRIMARY KEY, user_name TEXT NOT NULL, authority TEXT NOT NULL, checked_at INTEGER NOT NULL,"
    " case_ref TEXT NOT NULL, x REAL NOT NULL, y REAL NOT NULL, radius_m REAL NOT NULL);"
    "CREATE INDEX zone_address_check_user ON zone_address_check(user_name, checked_at);";

static const hv_schema_step steps[] = {{11, schema_v11, NULL}};

static haven_status counts(haven_ctx *ctx, haven_table *t)
{
	static const hv_info_item items[] = {
	    {"zones", "SELECT count(*) FROM zone"},
	    {"address_checks", "SELECT count(*) FROM zone_address_check"},
	};
	return hv_info_counts(ctx, t, "zones", items, sizeof items / sizeof items[0]);
}

const hv_module hv_zones_module = {"zones", steps, sizeof steps / sizeof steps[0], counts};
