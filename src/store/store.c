/*
 * store.c - create, open, migrate and describe a haven store.
 *
 * The one place that knows every module: the registry below lists them, and
 * each brings its own schema steps (core/module.h).  user_version is the
 * schema version reached.  A store made by a newer binary is refused rather
 * than guessed at.  See docs/ARCHITECTURE.md ("The store").
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "haven/store.h"
#include "core/module.h"
#include "core/output.h"
#include "core/sql.h"
#include <spatialite.h>

/* The store's own step at schema 1: meta, the first table, and (when the
 * store is being made) its marking and owner, so that every later step can
 * build on them as it does for an existing store. */
static haven_status write_owner(haven_ctx *ctx, const haven_owner *owner)
{
	if (!owner)
		return HAVEN_OK;
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

static const hv_schema_step store_steps[] = {
    {1, "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);", write_owner}};
static const hv_module store_module = {"store", store_steps, sizeof store_steps / sizeof store_steps[0]};

/* The registry: every module that keeps tables in the store, each defined
 * beside its code (<module>_schema.c).  Order matters: for each version,
 * the modules' steps run in this order, so a step may use what an earlier
 * module made at the same or an earlier version (govern's seeds read meta).
 * A new module adds its line here; a module's new tables are a new step at
 * the next version, in its own file (docs/ARCHITECTURE.md, "The store"). */
extern const hv_module hv_boundaries_module, hv_gazetteer_module, hv_register_module, hv_audit_module, hv_govern_module,
    hv_disclose_module, hv_oversight_module;
static const hv_module *const modules[] = {
    &store_module,    &hv_boundaries_module, &hv_gazetteer_module, &hv_register_module,
    &hv_audit_module, &hv_govern_module,     &hv_disclose_module,  &hv_oversight_module,
};
#define N_MODULES (sizeof modules / sizeof modules[0])

/* The schema version: the highest version any module has a step for. */
int haven_store_schema_version(void)
{
	int v = 0;
	for (size_t m = 0; m < N_MODULES; m++)
		for (size_t i = 0; i < modules[m]->n_steps; i++)
			if (modules[m]->steps[i].version > v)
				v = modules[m]->steps[i].version;
	return v;
}

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

/* Take the store from schema version from to the newest, in one
 * transaction: for each version in order, each module's step for it in
 * registry order, its SQL then its hook.  owner: the new store's owner
 * when creating one, else NULL. */
static haven_status migrate(haven_ctx *ctx, int from, const haven_owner *owner)
{
	int to = haven_store_schema_version();
	haven_status rc = hv_begin(ctx);
	for (int v = from + 1; v <= to && !rc; v++)
		for (size_t m = 0; m < N_MODULES && !rc; m++)
			for (size_t i = 0; i < modules[m]->n_steps && !rc; i++) {
				const hv_schema_step *step = &modules[m]->steps[i];
				if (step->version != v)
					continue;
				if ((rc = hv_exec(ctx, step->sql))) {
					char msg[sizeof ctx->errmsg];
					snprintf(msg, sizeof msg, "%s", ctx->errmsg);
					hv_error(ctx, rc, "migrating schema to version %d (%s): %s", v,
					         modules[m]->name, msg);
				} else if (step->hook) {
					rc = step->hook(ctx, owner);
				}
			}
	if (!rc) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", to);
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
	int64_t app = 0, ver = 0, newest = haven_store_schema_version();
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
	if (ver > newest) {
		hv_ctx_close_store(ctx);
		return hv_error(ctx, HAVEN_ERR_SCHEMA,
		                "%s: store schema version %lld is newer than this haven (%s) understands (%d); "
		                "upgrade haven",
		                path, (long long)ver, haven_version(), (int)newest);
	}
	rc = set_pragmas(ctx);
	if (!rc && ver < newest)
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
	cJSON_AddNumberToObject(root, "schema_version", haven_store_schema_version());
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
