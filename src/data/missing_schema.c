/*
 * missing_schema.c - the missing-from-care module's tables in the store, as
 * steps the store's registry runs (core/module.h, src/store/store.c).
 * docs/missing.md is the contract.
 */
#include <sodium.h>
#include <sqlite3.h>

#include "core/module.h"
#include "core/sql.h"

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

/* The reports' and episodes' tables from schema 9 on; risk is the risk
 * grading's CHECK, the one thing schema 14 changed. */
#define TABLES(risk)                                                                                                   \
	"CREATE TABLE missing_report("                                                                                 \
	" id INTEGER PRIMARY KEY,"                                                                                     \
	" source TEXT NOT NULL CHECK(source IN ('police','la')), source_ref TEXT NOT NULL,"                            \
	" load_id INTEGER NOT NULL, source_row INTEGER NOT NULL, superseded_by INTEGER, superseded_at TEXT,"           \
	" child INTEGER NOT NULL REFERENCES missing_child(id), urn TEXT NOT NULL, placing_la TEXT,"                    \
	" missing_from INTEGER NOT NULL,"                                                                              \
	" returned_at INTEGER CHECK(returned_at IS NULL OR returned_at >= missing_from),"                              \
	" risk TEXT " risk ","                                                                                         \
	" cse INTEGER CHECK(cse IN (0,1)), cce INTEGER CHECK(cce IN (0,1)),"                                           \
	" ri_offered INTEGER CHECK(ri_offered IN (0,1)), ri_held INTEGER CHECK(ri_held IN (0,1)),"                     \
	" ri_independent INTEGER CHECK(ri_independent IN (0,1)), ri_date TEXT,"                                        \
	" last_seen_x REAL, last_seen_y REAL, found_x REAL, found_y REAL,"                                             \
	" content BLOB NOT NULL CHECK(length(content) = 16),"                                                          \
	" CHECK((last_seen_x IS NULL) = (last_seen_y IS NULL) AND (found_x IS NULL) = (found_y IS NULL)));"            \
	"CREATE TABLE missing_episode("                                                                                \
	" id INTEGER PRIMARY KEY,"                                                                                     \
	" child INTEGER NOT NULL REFERENCES missing_child(id), urn TEXT NOT NULL, placing_la TEXT, host_la TEXT,"      \
	" missing_from INTEGER NOT NULL, returned_at INTEGER,"                                                         \
	" risk TEXT " risk ","                                                                                         \
	" cse INTEGER, cce INTEGER, ri_offered INTEGER, ri_held INTEGER, ri_independent INTEGER, ri_date TEXT,"        \
	" police_report INTEGER, la_report INTEGER, conflict TEXT,"                                                    \
	" last_seen_x REAL, last_seen_y REAL, found_x REAL, found_y REAL,"                                             \
	" CHECK(police_report IS NOT NULL OR la_report IS NOT NULL));"

/* Schema 9: less per report and per episode.
 *
 * missing_child: one row per child, the keyed pseudonym once (the 32 bytes
 * of HMAC-SHA-256, a BLOB, UNIQUE), which reports and episodes refer to by
 * its INTEGER id, where schemas 7 and 8 wrote its 64 hex digits into every
 * report, episode and index entry.
 *
 * Times are INTEGERs: the clock time as reported (Europe/London), as the
 * seconds from 1970-01-01T00:00:00 of the same clock (a wall-clock count,
 * not UTC: nothing about time zones changes; a day is secs / 86400).
 * content is the first 16 bytes of the SHA-256 of the version's fields (a
 * BLOB).  An episode's points are its columns last_seen_x/_y and
 * found_x/_y (EPSG:27700, metres), as a report's are, not SpatiaLite
 * BLOBs; its duration is (returned_at - missing_from) / 3600, not a column.
 *
 * Fewer indexes: the reports' current version by (source, source_ref) and
 * their group (child, home, start); the episodes' start and group.  No
 * REFERENCES whose referring column has no index (deleting a referred row
 * would scan the table): a report's load, the version superseding it and
 * an episode's reports are plain INTEGERs; reports and episodes refer to
 * missing_child, through their group indexes.
 *
 * The step renames the tables of schema 8 aside and makes the new ones; its
 * hook copies the rows across (lossless: the same ids, the pseudonyms'
 * bytes, the same clock times, the points' coordinates) and drops the old
 * tables. */
static const char schema_v9[] =
    "DROP INDEX missing_report_current; DROP INDEX missing_report_child;"
    "DROP INDEX missing_episode_when; DROP INDEX missing_episode_home; DROP INDEX missing_episode_group;"
    "ALTER TABLE missing_episode RENAME TO missing_episode_v8;"
    "ALTER TABLE missing_report RENAME TO missing_report_v8;"
    "CREATE TABLE missing_child("
    " id INTEGER PRIMARY KEY, pseudonym BLOB NOT NULL UNIQUE CHECK(length(pseudonym) = 32));"
    /* the reports and episodes */
    TABLES("CHECK(risk IN ('none','low','medium','high'))");

/* The indexes of schema 9, made after the rows are copied. */
#define INDEXES_V9                                                                                                     \
	"CREATE UNIQUE INDEX missing_report_current ON missing_report(source, source_ref)"                             \
	" WHERE superseded_by IS NULL;"                                                                                \
	"CREATE INDEX missing_report_child ON missing_report(child, urn, missing_from);"                               \
	"CREATE INDEX missing_episode_when ON missing_episode(missing_from);"                                          \
	"CREATE INDEX missing_episode_group ON missing_episode(child, urn);"
static const char indexes_v9[] = INDEXES_V9;

/* hv_unhex(TEXT): the bytes of lower- or upper-case hex digits, or NULL. */
static void unhex_fn(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	(void)argc;
	const unsigned char *s = sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);
	unsigned char out[64];
	size_t len;
	if (!s || n % 2 || n / 2 > (int)sizeof out ||
	    sodium_hex2bin(out, sizeof out, (const char *)s, (size_t)n, NULL, &len, NULL) || len != (size_t)n / 2) {
		sqlite3_result_null(c);
		return;
	}
	sqlite3_result_blob(c, out, (int)len, SQLITE_TRANSIENT);
}

/* The rows of schema 8 into the tables of schema 9, then the old tables
 * dropped.  A clock time 'YYYY-MM-DDTHH:MM:SS' becomes strftime('%s') of
 * it, the seconds of that clock since 1970 (SQLite reads the text as UTC,
 * so no zone is applied). */
static haven_status migrate_v9(haven_ctx *ctx, const haven_owner *owner)
{
	(void)owner;
	if (sqlite3_create_function(ctx->db, "hv_unhex", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, unhex_fn, NULL,
	                            NULL) != SQLITE_OK)
		return hv_error_sql(ctx, "migrating the missing-from-care tables");
	haven_status rc = hv_exec(
	    ctx,
	    "INSERT INTO missing_child(pseudonym)"
	    " SELECT p FROM (SELECT hv_unhex(child) AS p FROM missing_report_v8"
	    "  UNION SELECT hv_unhex(child) FROM missing_episode_v8) ORDER BY p;"
	    "INSERT INTO missing_report(id, source, source_ref, load_id, source_row, superseded_by, superseded_at,"
	    " child, urn, placing_la, missing_from, returned_at, risk, cse, cce, ri_offered, ri_held, ri_independent,"
	    " ri_date, last_seen_x, last_seen_y, found_x, found_y, content)"
	    " SELECT r.id, r.source, r.source_ref, r.load_id, r.source_row, r.superseded_by, r.superseded_at, c.id,"
	    " r.urn, r.placing_la, CAST(strftime('%s', r.missing_from) AS INTEGER),"
	    " CAST(strftime('%s', r.returned_at) AS INTEGER), r.risk, r.cse, r.cce, r.ri_offered, r.ri_held,"
	    " r.ri_independent, r.ri_date, r.last_seen_x, r.last_seen_y, r.found_x, r.found_y,"
	    " hv_unhex(substr(r.content, 1, 32))"
	    " FROM missing_report_v8 r JOIN missing_child c ON c.pseudonym = hv_unhex(r.child) ORDER BY r.id;"
	    "INSERT INTO missing_episode(id, child, urn, placing_la, host_la, missing_from, returned_at, risk, cse,"
	    " cce, ri_offered, ri_held, ri_independent, ri_date, police_report, la_report, conflict, last_seen_x,"
	    " last_seen_y, found_x, found_y)"
	    " SELECT e.id, c.id, e.urn, e.placing_la, e.host_la, CAST(strftime('%s', e.missing_from) AS INTEGER),"
	    " CAST(strftime('%s', e.returned_at) AS INTEGER), e.risk, e.cse, e.cce, e.ri_offered, e.ri_held,"
	    " e.ri_independent, e.ri_date, e.police_report, e.la_report, e.conflict, X(e.last_seen), Y(e.last_seen),"
	    " X(e.found), Y(e.found)"
	    " FROM missing_episode_v8 e JOIN missing_child c ON c.pseudonym = hv_unhex(e.child) ORDER BY e.id;"
	    /* Dropping a table another refers to deletes its rows one by one,
	     * each looked for in the referring columns: indexed first, so that
	     * is not a scan per row. */
	    "DROP TABLE missing_episode_v8;"
	    "CREATE INDEX missing_report_v8_superseded ON missing_report_v8(superseded_by);"
	    "DROP TABLE missing_report_v8;");
	if (!rc)
		rc = hv_exec(ctx, indexes_v9);
	sqlite3_create_function(ctx->db, "hv_unhex", 1, SQLITE_UTF8, NULL, NULL, NULL, NULL);
	return rc;
}

/* Schema 14: the risk grading's CHECK as comparisons, not an IN list.
 * SQLite evaluates an IN list of more than two constants by first making a
 * table of them, and an INSERT makes it again for every row it writes: the
 * reports' and episodes' CHECK(risk IN ('none','low','medium','high')) cost
 * 2.2-2.4 s a million rows, more than the rest of a report's row
 * (docs/benchmarks.md, "Schema 14").  The same constraint as four
 * comparisons costs a fraction of that.  The tables are made again with
 * the new CHECK and their rows copied across (the same ids, every column
 * as it was); nothing else changes. */
#define RISK_CHECK "CHECK(risk = 'none' OR risk = 'low' OR risk = 'medium' OR risk = 'high')"
static const char schema_v14[] =
    /* the old tables aside */
    "DROP INDEX missing_report_current; DROP INDEX missing_report_child;"
    "DROP INDEX missing_episode_when; DROP INDEX missing_episode_group;"
    "ALTER TABLE missing_episode RENAME TO missing_episode_v13;"
    "ALTER TABLE missing_report RENAME TO missing_report_v13;"
    /* the new tables */
    TABLES(RISK_CHECK)
    /* their rows */
    "INSERT INTO missing_report SELECT * FROM missing_report_v13 ORDER BY id;"
    "INSERT INTO missing_episode SELECT * FROM missing_episode_v13 ORDER BY id;"
    "DROP TABLE missing_episode_v13; DROP TABLE missing_report_v13;"
    /* their indexes */
    INDEXES_V9;

static const hv_schema_step steps[] = {
    {7, schema_v7, NULL}, {8, schema_v8, NULL}, {9, schema_v9, migrate_v9}, {14, schema_v14, NULL}};

static haven_status counts(haven_ctx *ctx, haven_table *t)
{
	static const hv_info_item items[] = {
	    {"reports", "SELECT count(*) FROM missing_report WHERE superseded_by IS NULL"},
	    {"episodes", "SELECT count(*) FROM missing_episode"},
	};
	return hv_info_counts(ctx, t, "missing", items, sizeof items / sizeof items[0]);
}

const hv_module hv_missing_module = {"missing", steps, sizeof steps / sizeof steps[0], counts};
