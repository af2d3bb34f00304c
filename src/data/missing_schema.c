/*
 * missing_schema.c - the missing-from-care module's tables in the store, as
 * steps the store's registry runs (core/module.h, src/store/store.c).
 * docs/missing.md is the contract.
 */
#include "core/module.h"

/* Schema 7: children missing from care.
 *
 * missing_key: the fingerprint of the one pseudonymisation key this store's
 * pseudonyms were made with (the key itself is held outside the store); an
 * import under another key is refused, since its pseudonyms would not match.
 *
 * missing_load: every import of a police or LA file (the bytes' SHA-256, what
 * it did).
 *
 * missing_report: one row per version of a source record, keyed by source
 * and source reference; a corrected record (same reference, different
 * content) supersedes the current version, which keeps its row with
 * superseded_by and superseded_at set (the history).  child is the keyed
 * pseudonym (HMAC-SHA-256 of the raw identifier, 64 hex digits): the raw
 * identifier is never stored.  Times are clock times as reported,
 * 'YYYY-MM-DDTHH:MM:SS' (Europe/London), sortable as text.  Locations are
 * eastings and northings (EPSG:27700, metres), whatever the file gave.  content is the SHA-256 of the version's fields,
 * so that a re-import of the same record is recognised as unchanged.
 *
 * missing_episode: one row per episode, the current reports linked (the same
 * pseudonym and home, start times within the tolerance): a police report, an
 * LA report or both.  Where both give a value the police report's is kept for
 * the place found and last seen, the LA's for return interviews; the higher
 * risk grading; an exploitation concern in either.  conflict names the fields
 * the two reports disagree on ('returned_at', 'risk', ... comma-separated).
 * host_la is the LA of the home on the day the child went missing (the
 * register's history), duration_h the hours until return (NULL while still
 * missing); last_seen and found are SpatiaLite points (EPSG:27700, made by
 * MakePoint), each found by bounding box through its own SQLite R*Tree,
 * missing_episode_last_seen and missing_episode_found (id = the episode's
 * id; the box of a point is the point, rounded outwards to 32-bit floats, so
 * a box query is then checked on X() and Y()).  They are plain R*Trees, not
 * SpatiaLite geometry columns: the linkage writes an episode and its
 * R*Tree entries itself, without the per-row triggers (geometry checks,
 * geometry_columns_time) that halved the import's speed.  Linked again by
 * every import that changes a report: only the episodes that changed are
 * written. */
static const char schema_v7[] =
    "CREATE TABLE missing_key("
    " id INTEGER PRIMARY KEY CHECK(id = 1), fingerprint TEXT NOT NULL, recorded_at TEXT NOT NULL);"
    "CREATE TABLE missing_load("
    " id INTEGER PRIMARY KEY, source TEXT NOT NULL CHECK(source IN ('police','la')),"
    " file TEXT NOT NULL, sha256 TEXT NOT NULL, loaded_at TEXT NOT NULL, rows_read INTEGER NOT NULL,"
    " added INTEGER NOT NULL, superseded INTEGER NOT NULL, unchanged INTEGER NOT NULL,"
    " rejected INTEGER NOT NULL);"
    "CREATE TABLE missing_report("
    " id INTEGER PRIMARY KEY,"
    " source TEXT NOT NULL CHECK(source IN ('police','la')), source_ref TEXT NOT NULL,"
    " load_id INTEGER NOT NULL REFERENCES missing_load(id), source_row INTEGER NOT NULL,"
    " superseded_by INTEGER REFERENCES missing_report(id), superseded_at TEXT,"
    " child TEXT NOT NULL CHECK(length(child) = 64), urn TEXT NOT NULL, placing_la TEXT,"
    " missing_from TEXT NOT NULL, returned_at TEXT CHECK(returned_at IS NULL OR returned_at >= missing_from),"
    " risk TEXT CHECK(risk IN ('none','low','medium','high')),"
    " cse INTEGER CHECK(cse IN (0,1)), cce INTEGER CHECK(cce IN (0,1)),"
    " ri_offered INTEGER CHECK(ri_offered IN (0,1)), ri_held INTEGER CHECK(ri_held IN (0,1)),"
    " ri_independent INTEGER CHECK(ri_independent IN (0,1)), ri_date TEXT,"
    " last_seen_x REAL, last_seen_y REAL, found_x REAL, found_y REAL, content TEXT NOT NULL,"
    " CHECK((last_seen_x IS NULL) = (last_seen_y IS NULL) AND (found_x IS NULL) = (found_y IS NULL)));"
    "CREATE UNIQUE INDEX missing_report_current ON missing_report(source, source_ref)"
    " WHERE superseded_by IS NULL;"
    "CREATE INDEX missing_report_child ON missing_report(child, urn, missing_from);"
    "CREATE TABLE missing_episode("
    " id INTEGER PRIMARY KEY,"
    " child TEXT NOT NULL, urn TEXT NOT NULL, placing_la TEXT, host_la TEXT,"
    " missing_from TEXT NOT NULL, returned_at TEXT, duration_h REAL,"
    " risk TEXT CHECK(risk IN ('none','low','medium','high')),"
    " cse INTEGER, cce INTEGER, ri_offered INTEGER, ri_held INTEGER, ri_independent INTEGER, ri_date TEXT,"
    " police_report INTEGER REFERENCES missing_report(id), la_report INTEGER REFERENCES missing_report(id),"
    " conflict TEXT, last_seen BLOB, found BLOB,"
    " CHECK(police_report IS NOT NULL OR la_report IS NOT NULL));"
    "CREATE VIRTUAL TABLE missing_episode_last_seen USING rtree(id, xmin, xmax, ymin, ymax);"
    "CREATE VIRTUAL TABLE missing_episode_found USING rtree(id, xmin, xmax, ymin, ymax);"
    "CREATE INDEX missing_episode_when ON missing_episode(missing_from);"
    "CREATE INDEX missing_episode_home ON missing_episode(urn, missing_from);"
    "CREATE INDEX missing_episode_child ON missing_episode(child);";

/* Schema 8: the episodes' points without on-disk R*Trees.  Writing an
 * entry into a SQLite R*Tree rewrites a node of about a page, some 10 us an
 * entry: at a million episodes the two trees were a quarter of an import,
 * and no query read them - the analyses of places (clusters, hot spots, the
 * scan) read the points of the episodes in scope once and index them in
 * memory.  A box query is a scan of X() and Y().  The index by child becomes
 * one by group (child, home), the order in which the linkage reads a
 * group's episodes. */
static const char schema_v8[] = "DROP TABLE missing_episode_last_seen;"
                                "DROP TABLE missing_episode_found;"
                                "DROP INDEX missing_episode_child;"
                                "CREATE INDEX missing_episode_group ON missing_episode(child, urn);";

static const hv_schema_step steps[] = {{7, schema_v7, NULL}, {8, schema_v8, NULL}};

static haven_status counts(haven_ctx *ctx, haven_table *t)
{
	static const hv_info_item items[] = {
	    {"reports", "SELECT count(*) FROM missing_report WHERE superseded_by IS NULL"},
	    {"episodes", "SELECT count(*) FROM missing_episode"},
	};
	return hv_info_counts(ctx, t, "missing", items, sizeof items / sizeof items[0]);
}

const hv_module hv_missing_module = {"missing", steps, sizeof steps / sizeof steps[0], counts};
