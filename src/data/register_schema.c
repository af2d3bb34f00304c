/*
 * register_schema.c - the register module's tables in the store, as steps the store's
 * registry runs (core/module.h, src/store/store.c).
 */
#include "core/module.h"
#include "core/sql.h"

/* Schema 1: HMCI register disclosures, one snapshot per import and the
 * history of each home (docs/register.md).  The geometry column is added by
 * AddGeometryColumn so SpatiaLite knows its SRID and type. */
static const char schema_v1[] =
    "CREATE TABLE snapshot("
    " id INTEGER PRIMARY KEY, received TEXT NOT NULL UNIQUE, source TEXT NOT NULL,"
    " sha256 TEXT NOT NULL, homes INTEGER NOT NULL, places INTEGER NOT NULL,"
    " imported_at TEXT NOT NULL);"
    "CREATE TABLE home_version("
    " id INTEGER PRIMARY KEY,"
    " urn TEXT NOT NULL,"
    " valid_from TEXT NOT NULL, valid_to TEXT,"
    " snapshot_from INTEGER NOT NULL REFERENCES snapshot(id),"
    " snapshot_to INTEGER REFERENCES snapshot(id),"
    " name TEXT NOT NULL, address1 TEXT NOT NULL, address2 TEXT, address3 TEXT, town TEXT,"
    " postcode TEXT NOT NULL, telephone TEXT,"
    " registered_person TEXT, registered_person_address TEXT, responsible_individual TEXT,"
    " places INTEGER NOT NULL CHECK(places >= 0),"
    " la_code TEXT NOT NULL, la_name TEXT NOT NULL,"
    " registration_status TEXT NOT NULL,"
    " provision_type TEXT, sector TEXT, registration_date TEXT, uprn INTEGER,"
    " synthetic INTEGER NOT NULL DEFAULT 0, extra TEXT,"
    " fingerprint TEXT NOT NULL,"
    " geo_method TEXT CHECK(geo_method IN"
    "  ('uprn','postcode','postcode_terminated','sector','manual','unmatched')),"
    " geo_confidence REAL, geo_key TEXT,"
    " geo_la_check TEXT CHECK(geo_la_check IN ('ok','mismatch','outside')),"
    " geo_la_found TEXT, geo_district TEXT, geo_pfa TEXT, geo_region TEXT,"
    " geo_note TEXT, geo_at TEXT,"
    " CHECK(valid_to IS NULL OR valid_to > valid_from));"
    "SELECT AddGeometryColumn('home_version', 'geom', 27700, 'POINT', 'XY', 0);"
    "SELECT CreateSpatialIndex('home_version', 'geom');"
    "CREATE INDEX home_version_urn ON home_version(urn, valid_from);"
    "CREATE UNIQUE INDEX home_version_current ON home_version(urn) WHERE valid_to IS NULL;"
    "CREATE TABLE enforcement("
    " id INTEGER PRIMARY KEY, urn TEXT NOT NULL, action_date TEXT NOT NULL, nature TEXT NOT NULL,"
    " snapshot_id INTEGER NOT NULL REFERENCES snapshot(id),"
    " UNIQUE(urn, action_date, nature));"
    "CREATE TABLE register_change("
    " id INTEGER PRIMARY KEY,"
    " snapshot_id INTEGER NOT NULL REFERENCES snapshot(id),"
    " urn TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK(kind IN ('new','closed','deregistered','reopened','name',"
    "  'address','places','status','details','enforcement')),"
    " old_value TEXT, new_value TEXT);"
    "CREATE INDEX register_change_snapshot ON register_change(snapshot_id);";

/* Schema 4: where each snapshot came from, so that an older signed extract
 * cannot be imported after a newer one (docs/disclosure.md, "Replay"):
 * origin 'manifest' (verified, with the issuer's extract sequence number and
 * register date) or 'unsigned' (admitted by an admin without a manifest);
 * NULL for snapshots imported before this was recorded. */
static const char schema_v4[] = "ALTER TABLE snapshot ADD COLUMN origin TEXT CHECK(origin IN ('manifest','unsigned'));"
                                "ALTER TABLE snapshot ADD COLUMN issuer TEXT;"
                                "ALTER TABLE snapshot ADD COLUMN extract_seq INTEGER;"
                                "ALTER TABLE snapshot ADD COLUMN register_as_at TEXT;"
                                "CREATE INDEX snapshot_issuer ON snapshot(issuer, extract_seq);";

static const hv_schema_step steps[] = {{1, schema_v1, NULL}, {4, schema_v4, NULL}};

/* The snapshots and the homes they hold, in the reader's scope (the store
 * made the read model's views, data/homes.h); the newest snapshot's date
 * when there is one. */
static haven_status counts(haven_ctx *ctx, haven_table *t)
{
	static const hv_info_item items[] = {
	    {"snapshots", "SELECT count(*) FROM snapshot"},
	    {"homes_current", "SELECT count(*) FROM temp.homes"},
	    {"places_current", "SELECT coalesce(sum(places), 0) FROM temp.homes"},
	    {"homes_ever", "SELECT count(DISTINCT urn) FROM temp.home_versions"},
	    {"synthetic_current", "SELECT count(*) FROM temp.homes WHERE synthetic = 1"},
	    {"enforcement_actions", "SELECT count(*) FROM enforcement"},
	    {"changes", "SELECT count(*) FROM register_change"},
	};
	haven_status rc = hv_info_counts(ctx, t, "register", items, sizeof items / sizeof items[0]);
	sqlite3_stmt *st;
	if (!rc)
		rc = hv_prepare(ctx, "SELECT max(received) FROM snapshot", &st);
	if (rc)
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = hv_error_sql(ctx, "reading the newest snapshot");
	else if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		rc = hv_info_text(ctx, t, "register", "latest_snapshot", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc;
}

const hv_module hv_register_module = {"register", steps, sizeof steps / sizeof steps[0], counts};
