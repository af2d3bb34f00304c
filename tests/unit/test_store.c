/*
 * test_store.c - creating, opening and refusing stores.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/context.h"
#include "core/sql.h"
#include "testutil.h"

static void test_create_sets_everything(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("create.db");
	assert_int_equal(tu_int(ctx, "PRAGMA application_id"), HAVEN_APPLICATION_ID);
	assert_int_equal(tu_int(ctx, "PRAGMA user_version"), haven_store_schema_version());
	assert_int_equal(tu_int(ctx, "PRAGMA foreign_keys"), 1);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM spatial_ref_sys WHERE srid IN (27700, 4326)"), 2);
	/* areas, homes, zones (schema 11) and crimes (schema 12); the missing
	 * episodes' points (schema 8) have no on-disk index, the episodes one by
	 * group */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM geometry_columns WHERE srid = 27700"), 4);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM geometry_columns WHERE spatial_index_enabled = 1"), 4);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'missing_episode_%'"
	                             " AND sql LIKE '%USING rtree%'"),
	                 0);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'missing_episode_group'"), 1);
	char buf[64];
	tu_ok(ctx, hv_meta_get(ctx, "marking", buf, sizeof buf));
	assert_string_equal(buf, "OFFICIAL-SENSITIVE");
	tu_ok(ctx, hv_meta_get(ctx, "owner_code", buf, sizeof buf));
	assert_string_equal(buf, "X00");
	tu_ok(ctx, hv_meta_get(ctx, "created_at", buf, sizeof buf));
	assert_string_equal(buf, "2025-04-15T09:00:00Z"); /* HAVEN_NOW from ctest */

	sqlite3_stmt *st;
	tu_ok(ctx, hv_prepare(ctx, "PRAGMA journal_mode", &st));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);

	struct stat sb;
	assert_int_equal(stat(tu_tmp("create.db"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	haven_ctx_free(ctx);
}

static void test_create_refuses_existing_file(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("exists.db");
	haven_owner owner = {.kind = "hmci", .code = "X00", .name = "Test"};
	tu_assert_status(ctx, haven_store_create(ctx, tu_tmp("exists.db"), &owner), HAVEN_ERR_IO);
	tu_assert_msg(ctx, "exists.db");
	owner.kind = "bank";
	tu_assert_status(ctx, haven_store_create(ctx, tu_tmp("other.db"), &owner), HAVEN_ERR_USAGE);
	tu_assert_msg(ctx, "bank");
	assert_int_not_equal(access(tu_tmp("other.db"), F_OK), 0);
	haven_ctx_free(ctx);
}

static void test_open_refuses_foreign_files(void **state)
{
	(void)state;
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	/* 1: a text file (private: a file group or others can read is refused
	 * before it is read, see test_open_refuses_loose_modes) */
	tu_write("text.db", "this is not a database\n");
	chmod(tu_tmp("text.db"), 0600);
	tu_assert_status(ctx, haven_store_open(ctx, tu_tmp("text.db")), HAVEN_ERR_NOT_STORE);
	tu_assert_msg(ctx, "not a haven store");
	/* 2: a SQLite database that is not haven's */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(tu_tmp("plain.db"), &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	chmod(tu_tmp("plain.db"), 0600);
	tu_assert_status(ctx, haven_store_open(ctx, tu_tmp("plain.db")), HAVEN_ERR_NOT_STORE);
	/* 3: a missing file */
	tu_assert_status(ctx, haven_store_open(ctx, tu_tmp("missing.db")), HAVEN_ERR_IO);
	tu_assert_msg(ctx, "missing.db");
	haven_ctx_free(ctx);
}

/* A store, or its -wal or -shm, that group or others may read or write is
 * refused before SQLite opens it (it would give new -wal and -shm files the
 * same mode), naming the file and the chmod that fixes it; nothing changes. */
static void test_open_refuses_loose_modes(void **state)
{
	(void)state;
	static const struct {
		int n;
		const char *suffix; /* the file whose mode is set ("" the store) */
		mode_t mode;        /* 0: a symbolic link instead */
		haven_status want;
		const char *needle;
	} cases[] = {
	    {1, "", 0644, HAVEN_ERR_DENIED, "loose.db: mode 0644 lets group or others"},
	    {2, "", 0640, HAVEN_ERR_DENIED, "chmod 600"},
	    {3, "", 0602, HAVEN_ERR_DENIED, "mode 0602"},
	    {4, "-wal", 0644, HAVEN_ERR_DENIED, "loose.db-wal: mode 0644"},
	    {5, "-shm", 0660, HAVEN_ERR_DENIED, "loose.db-shm: mode 0660"},
	    {6, "-wal", 0, HAVEN_ERR_DENIED, "loose.db-wal: not a regular file"},
	    {7, "-wal", 0600, HAVEN_OK, ""},
	    {8, "", 0600, HAVEN_OK, ""},
	};
	haven_ctx *ctx = tu_new_store("loose.db");
	char before[65], after[65];
	tu_digest(ctx, before);
	haven_store_close(ctx);
	char path[1024], other[1024];
	snprintf(path, sizeof path, "%s", tu_tmp("loose.db"));
	snprintf(other, sizeof other, "%s", tu_tmp("elsewhere"));
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char file[1100], wal[1100], shm[1100];
		snprintf(file, sizeof file, "%s%s", path, cases[i].suffix);
		snprintf(wal, sizeof wal, "%s-wal", path);
		snprintf(shm, sizeof shm, "%s-shm", path);
		if (*cases[i].suffix && cases[i].mode)
			fclose(fopen(file, "w")); /* an empty -wal or -shm, as a crash may leave */
		else if (*cases[i].suffix)
			assert_int_equal(symlink(other, file), 0);
		if (cases[i].mode)
			assert_int_equal(chmod(file, cases[i].mode), 0);
		haven_status st = haven_store_open(ctx, path);
		if (st != cases[i].want || !strstr(haven_errmsg(ctx), cases[i].needle))
			fail_msg("case %d: got %s '%s', want %s '%s'", cases[i].n, haven_status_name(st),
			         haven_errmsg(ctx), haven_status_name(cases[i].want), cases[i].needle);
		if (st == HAVEN_OK) {
			tu_digest(ctx, after);
			assert_string_equal(before, after);
			haven_store_close(ctx);
		} else {
			/* Refused before SQLite touched anything: no -wal or -shm made. */
			struct stat sb;
			if (strcmp(cases[i].suffix, "-wal") != 0)
				assert_int_not_equal(lstat(wal, &sb), 0);
			if (strcmp(cases[i].suffix, "-shm") != 0)
				assert_int_not_equal(lstat(shm, &sb), 0);
		}
		chmod(path, 0600);
		if (*cases[i].suffix)
			unlink(file);
		assert_int_not_equal(access(other, F_OK), 0);
	}
	haven_ctx_free(ctx);
}

static void test_open_refuses_newer_schema(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("newer.db");
	tu_ok(ctx, hv_exec(ctx, "PRAGMA user_version = 999"));
	char before[65];
	tu_digest(ctx, before);
	haven_store_close(ctx);
	tu_assert_status(ctx, haven_store_open(ctx, tu_tmp("newer.db")), HAVEN_ERR_SCHEMA);
	tu_assert_msg(ctx, "newer");
	/* Nothing was touched: open it raw and compare. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(tu_tmp("newer.db"), &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 999);
	sqlite3_finalize(st);
	sqlite3_close(db);
	haven_ctx_free(ctx);
}

/* The schema of the file at path, read with plain SQLite (opening it with
 * haven would migrate it): user_version, then every object in order.
 * Caller frees. */
static char *raw_schema(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT (SELECT user_version FROM pragma_user_version) || ':' || "
	                                    "group_concat(type || ' ' || name || ' ' || coalesce(sql, ''), ';') "
	                                    "FROM (SELECT * FROM sqlite_master ORDER BY rowid)",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char *s = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return s;
}

/* A migration that fails says which version and which module's step
 * failed, and leaves the store exactly as it was: each case takes a new
 * store back to an older version (as an older haven left it) with one
 * object in the way of a module's step. */
static void test_migration_failure_names_the_step(void **state)
{
	(void)state;
	static const struct {
		const char *name, *older, *want;
	} cases[] = {
	    {"audit at 2",
	     "DROP INDEX snapshot_issuer; ALTER TABLE snapshot DROP COLUMN origin; ALTER TABLE snapshot DROP COLUMN "
	     "issuer; ALTER TABLE snapshot DROP COLUMN extract_seq; ALTER TABLE snapshot DROP COLUMN register_as_at; "
	     "DROP TABLE complaint_audit; DROP TABLE complaint; DROP TABLE extract; DROP TABLE request_confirmation; "
	     "DROP TABLE disclosure_request; DROP TABLE authorisation; DROP TABLE app_user; DROP TABLE purpose; "
	     "DROP TABLE authority_key; DROP TABLE authority_area; DROP TABLE authority; DROP TRIGGER "
	     "audit_no_update; DROP TRIGGER audit_no_delete; DROP TABLE audit; PRAGMA user_version = 1;",
	     "migrating schema to version 2 (audit): table audit_key already exists"},
	    {"oversight at 3",
	     "DROP INDEX snapshot_issuer; ALTER TABLE snapshot DROP COLUMN origin; ALTER TABLE snapshot DROP COLUMN "
	     "issuer; ALTER TABLE snapshot DROP COLUMN extract_seq; ALTER TABLE snapshot DROP COLUMN register_as_at; "
	     "DROP TABLE complaint_audit; DROP TABLE extract; DROP TABLE request_confirmation; "
	     "DROP TABLE disclosure_request; DROP TABLE authorisation; DROP TABLE app_user; DROP TABLE purpose; "
	     "DROP TABLE authority_key; DROP TABLE authority_area; DROP TABLE authority; PRAGMA user_version = 2;",
	     "migrating schema to version 3 (oversight): table complaint already exists"},
	    {"register at 4", "ALTER TABLE snapshot DROP COLUMN register_as_at; PRAGMA user_version = 3;",
	     "migrating schema to version 4 (register): duplicate column name: origin"},
	    {"stats at 6", "DROP TABLE stats_value; PRAGMA user_version = 5;",
	     "migrating schema to version 6 (stats): table stats_load already exists"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char file[32];
		snprintf(file, sizeof file, "older%zu.db", i + 1);
		haven_ctx *ctx = tu_new_store(file);
		tu_ok(ctx, hv_exec(ctx, cases[i].older));
		haven_store_close(ctx);
		char *before = raw_schema(tu_tmp(file));
		haven_status st = haven_store_open(ctx, tu_tmp(file));
		if (st != HAVEN_ERR_SQL || !strstr(haven_errmsg(ctx), cases[i].want))
			fail_msg("%s: got %s '%s', want HAVEN_ERR_SQL '%s'", cases[i].name, haven_status_name(st),
			         haven_errmsg(ctx), cases[i].want);
		char *after = raw_schema(tu_tmp(file));
		if (strcmp(before, after) != 0)
			fail_msg("%s: the failed migration changed the store", cases[i].name);
		free(before);
		free(after);
		haven_ctx_free(ctx);
	}
}

static void test_reopen_and_digest_stable(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("reopen.db");
	char a[65], b[65];
	tu_digest(ctx, a);
	haven_store_close(ctx);
	tu_ok(ctx, haven_store_open(ctx, tu_tmp("reopen.db")));
	tu_digest(ctx, b);
	assert_string_equal(a, b);
	tu_ok(ctx, hv_meta_set(ctx, "probe", "1"));
	tu_digest(ctx, b);
	assert_string_not_equal(a, b);
	haven_ctx_free(ctx);
}

/* The row of info's table for section and item; fails the test when there
 * is not exactly one. */
static size_t info_row(haven_ctx *ctx, const haven_table *t, const char *section, const char *item)
{
	size_t found = 0, row = 0;
	for (size_t r = 0; r < haven_table_nrows(ctx, t); r++)
		if (strcmp(haven_table_text(ctx, t, r, 0), section) == 0 &&
		    strcmp(haven_table_text(ctx, t, r, 1), item) == 0)
			found++, row = r;
	if (found != 1)
		fail_msg("info has %zu rows for %s %s", found, section, item);
	return row;
}

/* haven_store_info is a table (section, item, value) with the store's own
 * rows and every module's counts; it needs someone acting, and writing it
 * records the consultation and marks it. */
static void test_info(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("info.db");
	haven_boundaries_opts o = {"la", tu_fixture("boundaries/small.geojson"), NULL, NULL, NULL, 0};
	tu_ok(ctx, haven_boundaries_load(ctx, &o, NULL));
	haven_table *t = NULL;
	tu_ok(ctx, haven_store_info(ctx, &t));
	tu_release(ctx, t);
	assert_int_equal(haven_table_ncols(t), 3);
	assert_string_equal(haven_table_colname(t, 0), "section");
	assert_string_equal(haven_table_colname(t, 1), "item");
	assert_string_equal(haven_table_colname(t, 2), "value");
	static const struct {
		const char *section, *item, *text; /* text NULL: the value is the integer n */
		int64_t n;
	} cases[] = {
	    {"store", "path", NULL, -1},           /* checked below */
	    {"store", "schema_version", NULL, -1}, /* checked below */
	    {"store", "marking", "OFFICIAL-SENSITIVE", 0},
	    {"store", "owner_kind", "hmci", 0},
	    {"store", "owner_code", "X00", 0},
	    {"store", "owner_name", "Test", 0},
	    {"store", "created_at", "2025-04-15T09:00:00Z", 0},
	    {"boundaries", "la", NULL, 3},
	    {"gazetteer", "postcodes_live", NULL, 0},
	    {"gazetteer", "uprns", NULL, 0},
	    {"register", "snapshots", NULL, 0},
	    {"register", "homes_current", NULL, 0},
	    {"geocoding", "la_mismatches", NULL, 0},
	    {"audit", "entries", NULL, 1}, /* the boundary load: an admin's alteration */
	    {"governance", "authorities", NULL, 1},
	    {"governance", "users", NULL, 1},
	    {"disclosure", "requests", NULL, 0},
	    {"oversight", "complaints", NULL, 0},
	    {"location", "crimes", NULL, 0},
	    {"location", "offenders", NULL, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t r = info_row(ctx, t, cases[i].section, cases[i].item);
		if (cases[i].n < 0)
			continue;
		int ok = cases[i].text ? haven_table_type(ctx, t, r, 2) == HAVEN_CELL_TEXT &&
		                             strcmp(haven_table_text(ctx, t, r, 2), cases[i].text) == 0
		                       : haven_table_type(ctx, t, r, 2) == HAVEN_CELL_INT &&
		                             haven_table_int(ctx, t, r, 2) == cases[i].n;
		if (!ok)
			fail_msg("%s %s: got '%s' %lld", cases[i].section, cases[i].item,
			         haven_table_text(ctx, t, r, 2) ? haven_table_text(ctx, t, r, 2) : "(null)",
			         (long long)haven_table_int(ctx, t, r, 2));
	}
	assert_string_equal(haven_table_text(ctx, t, info_row(ctx, t, "store", "path"), 2), tu_tmp("info.db"));
	assert_int_equal(haven_table_int(ctx, t, info_row(ctx, t, "store", "schema_version"), 2),
	                 haven_store_schema_version());
	/* No register yet: no latest snapshot. */
	for (size_t r = 0; r < haven_table_nrows(ctx, t); r++)
		assert_string_not_equal(haven_table_text(ctx, t, r, 1), "latest_snapshot");

	/* Released, it is marked and its consultation recorded. */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	tu_ok(ctx, haven_table_write(ctx, t, HAVEN_FMT_CSV, f));
	fclose(f);
	assert_non_null(strstr(buf, "section,item,value,protective_marking"));
	assert_non_null(strstr(buf, "store,owner_code,X00,OFFICIAL-SENSITIVE"));
	free(buf);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM audit WHERE operation = 'consultation' AND object = "
	                             "'store summary' AND user_name = 'admin'"),
	                 1);
	haven_table_free(t);

	/* Nobody acting: refused, no table. */
	haven_store_close(ctx);
	tu_ok(ctx, haven_store_open(ctx, tu_tmp("info.db")));
	t = NULL;
	tu_assert_status(ctx, haven_store_info(ctx, &t), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "nobody is acting");
	assert_null(t);
	haven_ctx_free(ctx);
}

static void test_dates(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int ok;
		int64_t days;
	} cases[] = {
	    {"1970-01-01", 1, 0}, {"2000-02-29", 1, 11016}, {"1900-02-29", 0, 0},
	    {"2025-13-01", 0, 0}, {"2025-04-31", 0, 0},     {"2025-4-01", 0, 0},
	    {"", 0, 0},           {"2025-04-15", 1, 20193}, {"2025-04-15x", 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t d = -1;
		int ok = hv_parse_date(cases[i].s, &d);
		if (ok != cases[i].ok || (ok && d != cases[i].days))
			fail_msg("date case %zu '%s': ok %d days %lld", i + 1, cases[i].s, ok, (long long)d);
	}
	int64_t t;
	assert_true(hv_parse_time("2025-04-15T09:00:00Z", &t));
	assert_int_equal(t, 20193LL * 86400 + 9 * 3600);
	char buf[21];
	hv_format_time(t, buf);
	assert_string_equal(buf, "2025-04-15T09:00:00Z");
}

TU_MAIN(NULL, NULL, cmocka_unit_test(test_create_sets_everything), cmocka_unit_test(test_create_refuses_existing_file),
        cmocka_unit_test(test_open_refuses_foreign_files), cmocka_unit_test(test_open_refuses_loose_modes),
        cmocka_unit_test(test_open_refuses_newer_schema), cmocka_unit_test(test_migration_failure_names_the_step),
        cmocka_unit_test(test_reopen_and_digest_stable), cmocka_unit_test(test_info), cmocka_unit_test(test_dates))
