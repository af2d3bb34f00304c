/*
 * placement_schema.c - the placements module's tables in the store, as
 * steps the store's registry runs (core/module.h, src/store/store.c).
 * docs/placements.md is the contract.
 */
#include "core/module.h"

/* The placements' table; method is the origin method's CHECK, the one
 * thing schema 14 changed. */
#define PLACEMENT(method)                                                                                              \
	"CREATE TABLE placement("                                                                                      \
	" id INTEGER PRIMARY KEY, load_id INTEGER NOT NULL REFERENCES placement_load(id),"                             \
	" source_row INTEGER NOT NULL, child INTEGER NOT NULL REFERENCES placement_child(id),"                         \
	" placing_la TEXT NOT NULL, urn TEXT NOT NULL, start_day INTEGER NOT NULL, end_day INTEGER,"                   \
	" origin_district TEXT, origin_x REAL NOT NULL, origin_y REAL NOT NULL,"                                       \
	" origin_method TEXT NOT NULL " method ","                                                                     \
	" CHECK(end_day IS NULL OR end_day >= start_day),"                                                             \
	" CHECK((origin_method = 'district') = (origin_district IS NOT NULL)),"                                        \
	" UNIQUE(child, urn, start_day));"

/* Schema 10: children's placements in children's homes.
 *
 * placement_load: every import of a placement file (the file's name, its
 * bytes' SHA-256, what it did); an import that changes nothing leaves none.
 *
 * placement_child: one row per child, the keyed pseudonym (HMAC-SHA-256 of
 * the raw identifier under the key whose fingerprint is missing_key's: the
 * same key, so a child has the same pseudonym in missing episodes and
 * placements).  The raw identifier is never stored.  A placement refers to
 * its child by this row's id: an integer, not 64 hex digits a row.
 *
 * placement: one row per placement, known by (child, urn, start_day).
 * Dates are days since 1970-01-01 (integers: the measures compare them, and
 * a million placements are read in a fraction of a second); end_day NULL
 * while the placement is current.  placing_la is the 2024 ONS code of the LA
 * responsible for the child.  The origin is where the child came from,
 * found at import (origin_method): 'district', the mean point of the
 * gazetteer's postcodes in origin_district (the file's postcode district,
 * as the sector centroids weigh them); 'la_weighted', the placing LA's
 * population-weighted centre (none are bundled, so no import makes it yet);
 * 'la_surface', a point on the surface of the placing LA's boundary (GEOS).
 * Eastings and northings, EPSG:27700. */
static const char schema_v10[] =
    "CREATE TABLE placement_load("
    " id INTEGER PRIMARY KEY, file TEXT NOT NULL, sha256 TEXT NOT NULL, loaded_at TEXT NOT NULL,"
    " rows_read INTEGER NOT NULL, added INTEGER NOT NULL, updated INTEGER NOT NULL,"
    " unchanged INTEGER NOT NULL, rejected INTEGER NOT NULL);"
    "CREATE TABLE placement_child("
    " id INTEGER PRIMARY KEY, pseudonym TEXT NOT NULL UNIQUE CHECK(length(pseudonym) = 64));"
    /* the placements */
    PLACEMENT("CHECK(origin_method IN ('district','la_weighted','la_surface'))");

/* Schema 14: the origin method's CHECK as comparisons, not an IN list of
 * three: SQLite makes a table of an IN list of more than two constants
 * again for every row an INSERT writes (missing_schema.c, schema 14, has
 * the figures).  The table is made again with the new CHECK and its rows
 * copied across, the same ids; nothing else changes. */
static const char schema_v14[] =
    /* the old table aside */
    "ALTER TABLE placement RENAME TO placement_v13;"
    /* the new table */
    PLACEMENT("CHECK(origin_method = 'district' OR origin_method = 'la_weighted' OR origin_method = 'la_surface')")
    /* its rows */
    "INSERT INTO placement SELECT * FROM placement_v13 ORDER BY id;"
    "DROP TABLE placement_v13;";

static const hv_schema_step steps[] = {{10, schema_v10, NULL}, {14, schema_v14, NULL}};

static haven_status counts(haven_ctx *ctx, haven_table *t)
{
	static const hv_info_item items[] = {
	    {"placements", "SELECT count(*) FROM placement"},
	    {"children", "SELECT count(*) FROM placement_child"},
	    {"current", "SELECT count(*) FROM placement WHERE end_day IS NULL"},
	};
	return hv_info_counts(ctx, t, "placements", items, sizeof items / sizeof items[0]);
}

const hv_module hv_placement_module = {"placements", steps, sizeof steps / sizeof steps[0], counts};
