/*
 * gazetteer_schema.c - the gazetteer module's tables in the store, as
 * steps the store's registry runs (core/module.h, src/store/store.c).
 */
#include "core/module.h"

/* Schema 1: the postcode and UPRN gazetteer, a keyed lookup of BNG points.
 * Postcodes are kept in canonical form ("SW1A 1AA"); e/n are NULL for
 * postcodes the source gives no grid reference for. */
static const char schema_v1[] =
    "CREATE TABLE postcode("
    " pc TEXT PRIMARY KEY, e REAL, n REAL, la_code TEXT, pfa_code TEXT) WITHOUT ROWID;"
    "CREATE TABLE postcode_terminated("
    " pc TEXT PRIMARY KEY, e REAL, n REAL, la_code TEXT, pfa_code TEXT, terminated TEXT)"
    " WITHOUT ROWID;"
    "CREATE TABLE postcode_sector("
    " sector TEXT PRIMARY KEY, e REAL NOT NULL, n REAL NOT NULL, postcodes INTEGER NOT NULL)"
    " WITHOUT ROWID;"
    "CREATE TABLE uprn(uprn INTEGER PRIMARY KEY, e REAL NOT NULL, n REAL NOT NULL);"
    "CREATE TABLE gazetteer_load("
    " id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK(kind IN ('postcode','uprn')),"
    " source TEXT NOT NULL, loaded_at TEXT NOT NULL, rows_read INTEGER NOT NULL,"
    " live INTEGER NOT NULL, terminated INTEGER NOT NULL, no_coords INTEGER NOT NULL);";

static const hv_schema_step steps[] = {{1, schema_v1, NULL}};

static haven_status counts(haven_ctx *ctx, haven_table *t)
{
	static const hv_info_item items[] = {
	    {"postcodes_live", "SELECT count(*) FROM postcode"},
	    {"postcodes_without_coordinates", "SELECT count(*) FROM postcode WHERE e IS NULL"},
	    {"postcodes_terminated", "SELECT count(*) FROM postcode_terminated"},
	    {"postcode_sectors", "SELECT count(*) FROM postcode_sector"},
	    {"uprns", "SELECT count(*) FROM uprn"},
	};
	return hv_info_counts(ctx, t, "gazetteer", items, sizeof items / sizeof items[0]);
}

const hv_module hv_gazetteer_module = {"gazetteer", steps, sizeof steps / sizeof steps[0], counts};
