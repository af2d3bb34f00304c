/*
 * store.c - create, open, migrate and describe a haven store.
 *
 * The schema lives here, as an ordered list of migrations; user_version is
 * the number of migrations applied.  A store made by a newer binary is
 * refused rather than guessed at.  See docs/ARCHITECTURE.md ("The store").
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "govern/govern.h"
#include "govern/scope.h"
#include "ref/areas.h"
#include "haven/store.h"
#include "core/output.h"
#include "core/sql.h"
#include <spatialite.h>

/* Migration 1: the foundation schema.  Geometry columns are added by
 * AddGeometryColumn so SpatiaLite knows their SRID and type. */
static const char schema_v1[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"

	/* ONS boundaries, one row per area of each kind. */
	"CREATE TABLE area("
	" id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL CHECK(kind IN ('la','district','pfa','region')),"
	" code TEXT NOT NULL, name TEXT NOT NULL,"
	" UNIQUE(kind, code));"
	"SELECT AddGeometryColumn('area', 'geom', 27700, 'MULTIPOLYGON', 'XY', 1);"
	"SELECT CreateSpatialIndex('area', 'geom');"
	"CREATE TABLE area_load("
	" id INTEGER PRIMARY KEY, kind TEXT NOT NULL, source TEXT NOT NULL, loaded_at TEXT NOT NULL,"
	" features INTEGER NOT NULL, repaired INTEGER NOT NULL,"
	" code_field TEXT NOT NULL, name_field TEXT NOT NULL, source_crs TEXT NOT NULL);"

	/* Postcode and UPRN gazetteer: a keyed lookup of BNG points.  Postcodes
	 * are kept in canonical form ("SW1A 1AA"); e/n are NULL for postcodes
	 * the source gives no grid reference for. */
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
	" live INTEGER NOT NULL, terminated INTEGER NOT NULL, no_coords INTEGER NOT NULL);"

	/* HMCI register disclosures: one snapshot per import, history per home. */
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

/* Migration 2: the audit log (docs/audit.md).  seq is the entry's leaf
 * index in the RFC 6962 tree and starts at 0.  entry holds the canonical
 * bytes the tree hashes, leaf_hash SHA-256(0x00 || entry); the other columns
 * repeat the entry's fields for querying, and verification checks they
 * still encode to entry.  The triggers stop haven (or anyone using SQL
 * politely) changing or removing entries and keys; verification does not
 * rely on them, since anyone with the file can drop them.  audit_key holds
 * the public half of the key that signs checkpoints; the secret half never
 * enters the store. */
static const char schema_v2[] =
	"CREATE TABLE audit("
	" seq INTEGER PRIMARY KEY CHECK(seq >= 0),"
	" at INTEGER NOT NULL,"
	" operation TEXT NOT NULL CHECK(operation IN"
	"  ('collection','alteration','consultation','disclosure','combination','erasure')),"
	" user_name TEXT NOT NULL, authority TEXT NOT NULL,"
	" purpose TEXT NOT NULL, justification TEXT,"
	" object TEXT NOT NULL, row_count INTEGER NOT NULL CHECK(row_count >= 0),"
	" recipients TEXT, authoriser TEXT,"
	" entry BLOB NOT NULL,"
	" leaf_hash BLOB NOT NULL CHECK(length(leaf_hash) = 32),"
	" CHECK(operation <> 'disclosure' OR recipients IS NOT NULL));"
	"CREATE INDEX audit_at ON audit(at);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;"
	"CREATE TABLE audit_key("
	" id INTEGER PRIMARY KEY,"
	" public_key BLOB NOT NULL UNIQUE CHECK(length(public_key) = 32),"
	" recorded_at TEXT NOT NULL);"
	"CREATE TRIGGER audit_key_no_update BEFORE UPDATE ON audit_key"
	" BEGIN SELECT RAISE(ABORT, 'audit keys cannot be changed'); END;"
	"CREATE TRIGGER audit_key_no_delete BEFORE DELETE ON audit_key"
	" BEGIN SELECT RAISE(ABORT, 'audit keys cannot be removed'); END;";

/* Migration 3: governance (docs/governance.md).  Who may act (authorities,
 * users, roles), for what (the purposes registry, seeded from the 2013
 * protocol), exceptional use (authorisations signed by a senior's Ed25519
 * key; the store keeps public keys only), HMCI's disclosure requests with
 * their 12-monthly confirmations and the extracts made for them, and
 * complaints linked to audit entries. */
static const char schema_v3[] =
	"CREATE TABLE authority("
	" code TEXT PRIMARY KEY,"
	" kind TEXT NOT NULL CHECK(kind IN ('police','la','occ','dfe','probation','hmci')),"
	" name TEXT NOT NULL,"
	" scope TEXT NOT NULL CHECK(scope IN ('national','areas')),"
	" created_at TEXT NOT NULL);"
	"CREATE TABLE authority_area("
	" authority_code TEXT NOT NULL REFERENCES authority(code),"
	" area_kind TEXT NOT NULL CHECK(area_kind IN ('pfa','la')),"
	" area_code TEXT NOT NULL,"
	" PRIMARY KEY(authority_code, area_kind, area_code));"
	/* Public keys an authority signs with, as known to this store: e.g. the
	 * HMCI key that signs extract manifests, registered by a receiver. */
	"CREATE TABLE authority_key("
	" id INTEGER PRIMARY KEY,"
	" authority_code TEXT NOT NULL REFERENCES authority(code),"
	" public_key TEXT NOT NULL UNIQUE,"
	" label TEXT,"
	" added_at TEXT NOT NULL);"
	"CREATE TABLE app_user("
	" name TEXT PRIMARY KEY,"
	" authority_code TEXT NOT NULL REFERENCES authority(code),"
	" role TEXT NOT NULL CHECK(role IN ('analyst','senior','admin')),"
	" public_key TEXT,"
	" default_purpose TEXT,"
	" created_at TEXT NOT NULL,"
	" disabled_at TEXT,"
	" CHECK(role <> 'senior' OR public_key IS NOT NULL));"
	"CREATE TABLE purpose("
	" authority_kind TEXT NOT NULL,"
	" code TEXT NOT NULL,"
	" description TEXT NOT NULL,"
	" PRIMARY KEY(authority_kind, code));"
	"INSERT INTO purpose VALUES"
	" ('police','safeguarding','strategic and operational safeguarding of children living in the homes'),"
	" ('police','community-policing','community policing of the homes and the children living in them'),"
	" ('police','offender-management','managing offenders who pose a risk to children'),"
	" ('police','crime-prevention','preventing crime against children by those who target homes'),"
	" ('police','ofsted-concerns','sharing concerns about a home with Ofsted'),"
	" ('probation','offender-management','managing offenders who pose a risk to children (MAPPA)'),"
	" ('la','safeguarding','safeguarding children and the authority''s statutory duties'),"
	" ('occ','visits','planning the Children''s Commissioner''s visits to homes'),"
	" ('dfe','policy','the distribution and capacity of homes, and policy'),"
	" ('hmci','regulation','registering and inspecting children''s homes'),"
	" ('hmci','disclosure','disclosing the register to receivers under the 2013 protocol');"
	"CREATE TABLE authorisation("
	" id INTEGER PRIMARY KEY,"
	" authority_code TEXT NOT NULL REFERENCES authority(code),"
	" senior TEXT NOT NULL REFERENCES app_user(name),"
	" user_name TEXT NOT NULL REFERENCES app_user(name),"
	" use TEXT NOT NULL, reason TEXT NOT NULL,"
	" issued_at TEXT NOT NULL, expires_at TEXT NOT NULL,"
	" nonce TEXT NOT NULL UNIQUE,"
	" signature TEXT NOT NULL,"
	" used_at TEXT);"
	"CREATE TABLE disclosure_request("
	" id INTEGER PRIMARY KEY,"
	" authority_code TEXT NOT NULL REFERENCES authority(code),"
	" requester TEXT NOT NULL,"
	" requester_role TEXT NOT NULL CHECK(requester_role IN"
	"  ('chief-officer','director-of-childrens-services','senior-official')),"
	" requested_on TEXT NOT NULL,"
	" kind TEXT NOT NULL CHECK(kind IN ('one-off','monthly')),"
	" deliver_to TEXT NOT NULL,"
	" created_at TEXT NOT NULL,"
	" withdrawn_on TEXT);"
	"CREATE TABLE request_confirmation("
	" id INTEGER PRIMARY KEY,"
	" request_id INTEGER NOT NULL REFERENCES disclosure_request(id),"
	" confirmed_on TEXT NOT NULL,"
	" confirmed_by TEXT NOT NULL,"
	" recorded_at TEXT NOT NULL);"
	"CREATE TABLE extract("
	" id INTEGER PRIMARY KEY,"
	" request_id INTEGER NOT NULL REFERENCES disclosure_request(id),"
	" made_at TEXT NOT NULL, made_by TEXT NOT NULL,"
	" file_sha256 TEXT NOT NULL, homes INTEGER NOT NULL);"
	"CREATE TABLE complaint("
	" id INTEGER PRIMARY KEY,"
	" about TEXT NOT NULL CHECK(about IN ('home','child')),"
	" urn TEXT, advocate TEXT,"
	" summary TEXT NOT NULL,"
	" status TEXT NOT NULL CHECK(status IN ('open','investigating','upheld','not-upheld','withdrawn')),"
	" outcome TEXT,"
	" received_on TEXT NOT NULL, recorded_by TEXT NOT NULL, updated_at TEXT NOT NULL,"
	" CHECK(about <> 'child' OR advocate IS NOT NULL),"
	" CHECK(about <> 'home' OR urn IS NOT NULL));"
	"CREATE TABLE complaint_audit("
	" complaint_id INTEGER NOT NULL REFERENCES complaint(id),"
	" audit_seq INTEGER NOT NULL,"
	" PRIMARY KEY(complaint_id, audit_seq));"
	/* The owner recorded by 'haven init' becomes the first authority. */
	"INSERT INTO authority(code, kind, name, scope, created_at)"
	" SELECT c.value, k.value, n.value,"
	"  CASE WHEN k.value IN ('police','la','probation') THEN 'areas' ELSE 'national' END,"
	"  coalesce((SELECT value FROM meta WHERE key = 'created_at'), '')"
	" FROM meta c, meta k, meta n"
	" WHERE c.key = 'owner_code' AND k.key = 'owner_kind' AND n.key = 'owner_name';"
	"INSERT INTO authority_area(authority_code, area_kind, area_code)"
	" SELECT code, CASE kind WHEN 'police' THEN 'pfa' ELSE 'la' END, code FROM authority"
	" WHERE kind IN ('police','la');";

/* Where each snapshot came from, so that an older signed extract cannot be
 * imported after a newer one (docs/disclosure.md, "Replay"): origin
 * 'manifest' (verified, with the issuer's extract sequence number and
 * register date) or 'unsigned' (admitted by an admin without a manifest);
 * NULL for snapshots imported before this was recorded. */
static const char schema_v4[] = "ALTER TABLE snapshot ADD COLUMN origin TEXT CHECK(origin IN ('manifest','unsigned'));"
                                "ALTER TABLE snapshot ADD COLUMN issuer TEXT;"
                                "ALTER TABLE snapshot ADD COLUMN extract_seq INTEGER;"
                                "ALTER TABLE snapshot ADD COLUMN register_as_at TEXT;"
                                "CREATE INDEX snapshot_issuer ON snapshot(issuer, extract_seq);";

/* Recorded scopes (govern/scope.c) and which LAs each area holds
 * (ref/areas.c): a scope changes only by an admin's rescope, never by a
 * boundary load. */
static const char schema_v5[] = "CREATE TABLE area_la(kind TEXT NOT NULL, code TEXT NOT NULL, la_code TEXT NOT NULL,"
                                " PRIMARY KEY(kind, code, la_code)) WITHOUT ROWID;"
                                "CREATE TABLE authority_scope("
                                " authority_code TEXT NOT NULL REFERENCES authority(code), la_code TEXT NOT NULL,"
                                " PRIMARY KEY(authority_code, la_code)) WITHOUT ROWID;"
                                "ALTER TABLE authority ADD COLUMN scope_recorded_at TEXT;";

static const char *const migrations[] = {schema_v1, schema_v2, schema_v3, schema_v4, schema_v5};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int haven_store_schema_version(void) { return N_MIGRATIONS; }

void haven_store_close(haven_ctx *ctx) { hv_ctx_close_store(ctx); }

/* Open the SQLite file with SpatiaLite attached and haven's pragmas set. */
static haven_status connect(haven_ctx *ctx, const char *path, int create)
{
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &ctx->db, flags, NULL) != SQLITE_OK) {
		haven_status st = hv_error(ctx, HAVEN_ERR_IO, "%s: cannot open: %s", path,
		                           ctx->db ? sqlite3_errmsg(ctx->db) : "out of memory");
		hv_ctx_close_store(ctx);
		return st;
	}
	sqlite3_extended_result_codes(ctx->db, 1);
	sqlite3_busy_timeout(ctx->db, 5000);
	ctx->splite = spatialite_alloc_connection();
	spatialite_init_ex(ctx->db, ctx->splite, 0);
	ctx->store_path = strdup(path);
	if (!ctx->store_path) {
		hv_ctx_close_store(ctx);
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	}
	return HAVEN_OK;
}

static haven_status set_pragmas(haven_ctx *ctx)
{
	/* journal_mode=WAL persists in the file; the others are per connection. */
	return hv_exec(ctx, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
}

static haven_status write_owner(haven_ctx *ctx, const haven_owner *owner)
{
	char created[21];
	hv_format_time(hv_now(ctx), created);
	haven_status rc = hv_meta_set(ctx, "marking", HAVEN_MARKING);
	if (!rc)
		rc = hv_meta_set(ctx, "owner_kind", owner->kind);
	if (!rc)
		rc = hv_meta_set(ctx, "owner_code", owner->code);
	if (!rc)
		rc = hv_meta_set(ctx, "owner_name", owner->name);
	if (!rc)
		rc = hv_meta_set(ctx, "created_at", created);
	if (!rc)
		rc = hv_meta_set(ctx, "created_by", haven_version());
	return rc;
}

/* Apply migrations from+1 .. N in one transaction.  When creating a store
 * (owner not NULL) the owner is written to meta right after migration 1, so
 * later migrations can build on it as they do for an existing store; the
 * first user is added after the last (see hv_govern_init). */
static haven_status migrate(haven_ctx *ctx, int from, const haven_owner *owner)
{
	haven_status rc = hv_begin(ctx);
	if (rc)
		return rc;
	for (int v = from; v < N_MIGRATIONS && !rc; v++) {
		rc = hv_exec(ctx, migrations[v]);
		if (rc) {
			char msg[sizeof ctx->errmsg];
			snprintf(msg, sizeof msg, "%s", ctx->errmsg);
			hv_error(ctx, rc, "migrating schema to version %d: %s", v + 1, msg);
		} else if (v == 0 && owner) {
			rc = write_owner(ctx, owner);
		}
	}
	/* Migration 3 made the governance tables: the store gets its first
	 * user (and a probation owner its areas) in the same transaction. */
	if (!rc && from < 3)
		rc = hv_govern_init(ctx, owner);
	/* Migration 5: which LAs each loaded area holds, then every scope the
	 * boundaries already make known is recorded. */
	if (!rc && from < 5 && !(rc = hv_area_la_rebuild(ctx)))
		rc = hv_scope_after_boundaries(ctx);
	if (!rc) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", N_MIGRATIONS);
		rc = hv_exec(ctx, sql);
	}
	if (!rc)
		rc = hv_commit(ctx);
	if (rc)
		hv_rollback(ctx);
	return rc;
}

haven_status haven_store_create(haven_ctx *ctx, const char *path, const haven_owner *owner)
{
	hv_clear(ctx);
	hv_ctx_close_store(ctx);
	if (!owner || !owner->kind || !owner->code || !owner->name || !*owner->kind || !*owner->code || !*owner->name)
		return hv_error(ctx, HAVEN_ERR_USAGE, "a store needs an owner: kind, code and name");
	static const char *const kinds[] = {"police", "la", "occ", "dfe", "probation", "hmci"};
	int known = 0;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		known |= strcmp(owner->kind, kinds[i]) == 0;
	if (!known)
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "owner kind '%s' is not one of police, la, occ, dfe, probation, hmci", owner->kind);
	/* Make the file ourselves so it is 0600 from its first byte; SQLite gives
	 * the -wal and -shm files the same mode. */
	int fd = hv_file_create(path);
	if (fd < 0)
		return hv_error(ctx, HAVEN_ERR_IO, "%s: cannot create store: %s", path, strerror(errno));
	close(fd);
	haven_status rc = connect(ctx, path, 0);
	if (!rc)
		rc = hv_exec(ctx, "PRAGMA application_id = 1213613390;"); /* HAVEN_APPLICATION_ID */
	if (!rc)
		rc = set_pragmas(ctx);
	if (!rc)
		rc = hv_exec(ctx, "SELECT InitSpatialMetadataFull(1, 'NONE');"
		                  "SELECT InsertEpsgSrid(27700); SELECT InsertEpsgSrid(4326);");
	if (!rc)
		rc = migrate(ctx, 0, owner);
	if (rc) {
		char msg[sizeof ctx->errmsg];
		snprintf(msg, sizeof msg, "%s", ctx->errmsg);
		hv_ctx_close_store(ctx);
		unlink(path);
		return hv_error(ctx, rc, "%s: cannot create store: %s", path, msg);
	}
	return HAVEN_OK;
}

/* The store, and its -wal and -shm files when they exist, must be private
 * to their owner: they hold OFFICIAL-SENSITIVE data, and SQLite gives new
 * -wal and -shm files the store's own mode.  Checked before SQLite opens
 * anything.  -wal and -shm must be regular files, not links to elsewhere. */
static haven_status check_private(haven_ctx *ctx, const char *path)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	haven_status rc = HAVEN_OK;
	for (int i = 0; !rc && i < 3; i++) {
		char *p = sqlite3_mprintf("%s%s", path, suffix[i]);
		struct stat sb;
		if (!p)
			rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		else if ((i ? lstat(p, &sb) : stat(p, &sb)) != 0) {
			if (!i || errno != ENOENT)
				rc = hv_error(ctx, HAVEN_ERR_IO, "%s: %s", p, strerror(errno));
		} else if (i && !S_ISREG(sb.st_mode))
			rc = hv_error(ctx, HAVEN_ERR_DENIED, "%s: not a regular file; refusing to open the store %s", p,
			              path);
		else if (sb.st_mode & 077)
			rc = hv_error(ctx, HAVEN_ERR_DENIED,
			              "%s: mode %04o lets group or others read or write it; a store must be private to "
			              "its owner: chmod 600 %s",
			              p, (unsigned)(sb.st_mode & 07777), p);
		sqlite3_free(p);
	}
	return rc;
}

haven_status haven_store_open(haven_ctx *ctx, const char *path)
{
	hv_clear(ctx);
	hv_ctx_close_store(ctx);
	haven_status rc = check_private(ctx, path);
	if (rc)
		return rc;
	rc = connect(ctx, path, 0);
	if (rc)
		return rc;
	int64_t app = 0, ver = 0;
	/* A file that is not SQLite at all fails here with SQLITE_NOTADB. */
	if (hv_query_int(ctx, "PRAGMA application_id", &app) != HAVEN_OK || app != HAVEN_APPLICATION_ID) {
		hv_ctx_close_store(ctx);
		return hv_error(ctx, HAVEN_ERR_NOT_STORE, "%s: not a haven store (made with 'haven init')", path);
	}
	rc = hv_query_int(ctx, "PRAGMA user_version", &ver);
	if (rc) {
		hv_ctx_close_store(ctx);
		return rc;
	}
	if (ver > N_MIGRATIONS) {
		hv_ctx_close_store(ctx);
		return hv_error(ctx, HAVEN_ERR_SCHEMA,
		                "%s: store schema version %lld is newer than this haven (%s) understands (%d); "
		                "upgrade haven",
		                path, (long long)ver, haven_version(), N_MIGRATIONS);
	}
	rc = set_pragmas(ctx);
	if (!rc && ver < N_MIGRATIONS)
		rc = migrate(ctx, (int)ver, NULL);
	if (rc) {
		char msg[sizeof ctx->errmsg];
		snprintf(msg, sizeof msg, "%s", ctx->errmsg);
		hv_ctx_close_store(ctx);
		return hv_error(ctx, rc, "%s: %s", path, msg);
	}
	return HAVEN_OK;
}

/* ---- info ------------------------------------------------------------- */

static void add_count(haven_ctx *ctx, cJSON *obj, const char *name, const char *sql)
{
	int64_t v = 0;
	if (hv_query_int(ctx, sql, &v) == HAVEN_OK)
		cJSON_AddNumberToObject(obj, name, (double)v);
}

/* Add {key: count} pairs from a two-column query (text key, integer count). */
static void add_grouped(haven_ctx *ctx, cJSON *obj, const char *sql)
{
	sqlite3_stmt *st;
	if (hv_prepare(ctx, sql, &st))
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		cJSON_AddNumberToObject(obj, k ? k : "none", (double)sqlite3_column_int64(st, 1));
	}
	sqlite3_finalize(st);
}

haven_status haven_store_info(haven_ctx *ctx, cJSON **out)
{
	hv_clear(ctx);
	*out = NULL;
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	cJSON *root = cJSON_CreateObject();
	if (!root)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	cJSON_AddStringToObject(root, "store", ctx->store_path);
	cJSON_AddNumberToObject(root, "schema_version", N_MIGRATIONS);
	char buf[256];
	static const char *const meta_keys[] = {"marking", "owner_kind", "owner_code", "owner_name", "created_at"};
	for (size_t i = 0; i < sizeof meta_keys / sizeof meta_keys[0]; i++) {
		hv_meta_get(ctx, meta_keys[i], buf, sizeof buf);
		cJSON_AddStringToObject(root, meta_keys[i], buf);
	}

	cJSON *areas = cJSON_AddObjectToObject(root, "boundaries");
	add_grouped(ctx, areas, "SELECT kind, count(*) FROM area GROUP BY kind ORDER BY kind");

	cJSON *gaz = cJSON_AddObjectToObject(root, "gazetteer");
	add_count(ctx, gaz, "postcodes_live", "SELECT count(*) FROM postcode");
	add_count(ctx, gaz, "postcodes_without_coordinates", "SELECT count(*) FROM postcode WHERE e IS NULL");
	add_count(ctx, gaz, "postcodes_terminated", "SELECT count(*) FROM postcode_terminated");
	add_count(ctx, gaz, "postcode_sectors", "SELECT count(*) FROM postcode_sector");
	add_count(ctx, gaz, "uprns", "SELECT count(*) FROM uprn");

	cJSON *reg = cJSON_AddObjectToObject(root, "register");
	add_count(ctx, reg, "snapshots", "SELECT count(*) FROM snapshot");
	sqlite3_stmt *st;
	if (hv_prepare(ctx, "SELECT received FROM snapshot ORDER BY received DESC LIMIT 1", &st) == HAVEN_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			cJSON_AddStringToObject(reg, "latest_snapshot", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	add_count(ctx, reg, "homes_current", "SELECT count(*) FROM home_version WHERE valid_to IS NULL");
	add_count(ctx, reg, "places_current", "SELECT coalesce(sum(places), 0) FROM home_version WHERE valid_to IS NULL");
	add_count(ctx, reg, "homes_ever", "SELECT count(DISTINCT urn) FROM home_version");
	add_count(ctx, reg, "synthetic_current",
	          "SELECT count(*) FROM home_version WHERE valid_to IS NULL AND synthetic = 1");
	add_count(ctx, reg, "enforcement_actions", "SELECT count(*) FROM enforcement");
	add_count(ctx, reg, "changes", "SELECT count(*) FROM register_change");

	cJSON *gov = cJSON_AddObjectToObject(root, "governance");
	add_count(ctx, gov, "authorities", "SELECT count(*) FROM authority");
	add_count(ctx, gov, "users", "SELECT count(*) FROM app_user WHERE disabled_at IS NULL");
	add_count(ctx, gov, "authorisations", "SELECT count(*) FROM authorisation");
	add_count(ctx, gov, "requests", "SELECT count(*) FROM disclosure_request");
	add_count(ctx, gov, "extracts", "SELECT count(*) FROM extract");
	add_count(ctx, gov, "complaints", "SELECT count(*) FROM complaint");
	add_count(ctx, gov, "audit_entries", "SELECT count(*) FROM audit");

	cJSON *geo = cJSON_AddObjectToObject(root, "geocoding");
	cJSON *methods = cJSON_AddObjectToObject(geo, "by_method");
	add_grouped(ctx, methods,
	            "SELECT coalesce(geo_method, 'not_run'), count(*) FROM home_version WHERE valid_to IS NULL "
	            "GROUP BY 1 ORDER BY 1");
	add_count(ctx, geo, "la_mismatches",
	          "SELECT count(*) FROM home_version WHERE valid_to IS NULL AND geo_la_check IN ('mismatch','outside')");
	*out = root;
	return HAVEN_OK;
}

/* ---- digest ----------------------------------------------------------- */

static haven_status digest_table(haven_ctx *ctx, const char *table, crypto_hash_sha256_state *h)
{
	sqlite3_stmt *st;
	haven_status rc = hv_preparef(ctx, &st, "SELECT * FROM \"%w\"", table);
	if (rc)
		return rc;
	crypto_hash_sha256_update(h, (const unsigned char *)table, strlen(table) + 1);
	int ncol = sqlite3_column_count(st), s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < ncol; i++) {
			unsigned char type = (unsigned char)sqlite3_column_type(st, i);
			const void *p = NULL;
			uint64_t len = 0;
			int64_t iv;
			double dv;
			switch (type) {
			case SQLITE_INTEGER:
				iv = sqlite3_column_int64(st, i);
				p = &iv;
				len = sizeof iv;
				break;
			case SQLITE_FLOAT:
				dv = sqlite3_column_double(st, i);
				p = &dv;
				len = sizeof dv;
				break;
			case SQLITE_TEXT:
				p = sqlite3_column_text(st, i);
				len = (uint64_t)sqlite3_column_bytes(st, i);
				break;
			case SQLITE_BLOB:
				p = sqlite3_column_blob(st, i);
				len = (uint64_t)sqlite3_column_bytes(st, i);
				break;
			default:
				break;
			}
			crypto_hash_sha256_update(h, &type, 1);
			crypto_hash_sha256_update(h, (const unsigned char *)&len, sizeof len);
			if (len)
				crypto_hash_sha256_update(h, p, len);
		}
	}
	if (s != SQLITE_DONE)
		rc = hv_error_sql(ctx, table);
	sqlite3_finalize(st);
	return rc;
}

haven_status haven_store_digest(haven_ctx *ctx, char hex[65])
{
	hv_clear(ctx);
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	sqlite3_stmt *st;
	rc = hv_prepare(ctx,
	                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
	                "AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
	                &st);
	if (rc)
		return rc;
	while (!rc && sqlite3_step(st) == SQLITE_ROW)
		rc = digest_table(ctx, (const char *)sqlite3_column_text(st, 0), &h);
	sqlite3_finalize(st);
	if (rc)
		return rc;
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(hex, 65, d, sizeof d);
	return HAVEN_OK;
}
