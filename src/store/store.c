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
#include "core/table.h"
#include "data/homes.h"
#include "govern/govern.h"
#include "govern/scope.h"
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

/* The store itself: its file, schema version, marking and owner. */
static haven_status store_counts(haven_ctx *ctx, haven_table *t)
{
	haven_status rc = hv_info_text(ctx, t, "store", "path", ctx->store_path);
	if (!rc)
		rc = hv_info_int(ctx, t, "store", "schema_version", haven_store_schema_version());
	static const char *const meta_keys[] = {"marking", "owner_kind", "owner_code", "owner_name", "created_at"};
	for (size_t i = 0; i < sizeof meta_keys / sizeof meta_keys[0] && !rc; i++) {
		char buf[256];
		if (!(rc = hv_meta_get(ctx, meta_keys[i], buf, sizeof buf)))
			rc = hv_info_text(ctx, t, "store", meta_keys[i], buf);
	}
	return rc;
}

static const hv_module store_module = {"store", store_steps, sizeof store_steps / sizeof store_steps[0], store_counts};

/* The registry: every module that keeps tables in the store or counts
 * in haven_store_info, each defined beside its code (<module>_schema.c).
 * Order matters: for each version, the modules' steps run in this order, so
 * a step may use what an earlier module made at the same or an earlier
 * version (govern's seeds read meta); info's sections come in this order.
 * A new module adds its line here; a module's new tables are a new step at
 * the next version, in its own file (docs/ARCHITECTURE.md, "The store"). */
extern const hv_module hv_boundaries_module, hv_gazetteer_module, hv_stats_module, hv_register_module,
    hv_geocode_module, hv_audit_module, hv_govern_module, hv_disclose_module, hv_oversight_module, hv_missing_module;
extern const hv_module hv_placement_module; /* placements (schema 10) */
/* zones (schema 11): offender exclusion zones and proposed-address checks */
extern const hv_module hv_zones_module;
extern const hv_module hv_location_module;
static const hv_module *const modules[] = {
    &store_module,      &hv_boundaries_module, &hv_gazetteer_module, &hv_stats_module,    &hv_register_module,
    &hv_geocode_module, &hv_audit_module,      &hv_govern_module,    &hv_disclose_module, &hv_oversight_module,
    &hv_missing_module,
    /* placements (schema 10) */
    &hv_placement_module,
    &hv_zones_module,
    &hv_location_module,
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

haven_status haven_store_info(haven_ctx *ctx, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	/* Counts of homes are disclosed data: someone must be acting; the
	 * counts are of the homes in the user's scope (the read model), and the
	 * release records the consultation. */
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	hv_scope *scope = NULL;
	if (!rc && (rc = hv_scope_actor(ctx, &scope)) == HAVEN_ERR_NOT_FOUND) {
		/* A scope not recorded yet (no boundaries loaded): no home to count. */
		hv_clear(ctx);
		rc = hv_scope_none(ctx, "not recorded yet (load the la and pfa boundaries)", &scope);
	}
	if (!rc)
		rc = hv_homes_view(ctx, NULL, scope);
	char seen[512] = "";
	if (scope)
		snprintf(seen, sizeof seen, "%s", hv_scope_describe(scope));
	hv_scope_free(scope);
	if (rc)
		return rc;
	static const char *const cols[] = {"section", "item", "value"};
	haven_table *t;
	if ((rc = hv_table_new(ctx, "Store summary", HV_TABLE_DISCLOSED, 3, cols, &t)))
		return rc;
	rc = hv_info_text(ctx, t, "store", "your_scope", seen);
	for (size_t m = 0; m < N_MODULES && !rc; m++)
		if (modules[m]->counts)
			rc = modules[m]->counts(ctx, t);
	if (!rc)
		rc = hv_table_roles(ctx, t, "section=label item=label value=label");
	if (!rc)
		rc = hv_table_object(ctx, t, "store summary");
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	*out = t;
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
