/*
 * sql.c - the SQL helpers every module uses on the open store (core/sql.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/sql.h"

haven_status hv_need_store(haven_ctx *ctx)
{
	if (!ctx->db)
		return hv_error(ctx, HAVEN_ERR_USAGE, "no store is open");
	return HAVEN_OK;
}

haven_status hv_check_replace(haven_ctx *ctx, const char *path, const char *what, int64_t old_rows, int64_t new_rows,
                              int force)
{
	if (new_rows == 0)
		return hv_error(ctx, HAVEN_ERR_MISSING, "%s: no %s in the file: nothing would be left; it is refused",
		                path, what);
	if (!force && (double)new_rows < HV_REPLACE_MIN_SHARE * (double)old_rows)
		return hv_error(
		    ctx, HAVEN_ERR_MISSING,
		    "%s: it would replace the %lld %s held with %lld, fewer than %.0f%% of them: a truncated "
		    "or wrong file?  It is refused; use --force to replace them anyway",
		    path, (long long)old_rows, what, (long long)new_rows, HV_REPLACE_MIN_SHARE * 100);
	return HAVEN_OK;
}

haven_status hv_exec(haven_ctx *ctx, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(ctx->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		haven_status st = hv_error(ctx, HAVEN_ERR_SQL, "%s", err ? err : sqlite3_errmsg(ctx->db));
		sqlite3_free(err);
		return st;
	}
	return HAVEN_OK;
}

haven_status hv_prepare(haven_ctx *ctx, const char *sql, sqlite3_stmt **out)
{
	if (sqlite3_prepare_v2(ctx->db, sql, -1, out, NULL) != SQLITE_OK)
		return hv_error_sql(ctx, "preparing a statement");
	return HAVEN_OK;
}

haven_status hv_preparef(haven_ctx *ctx, sqlite3_stmt **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	*out = NULL;
	if (!sql)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	haven_status rc = hv_prepare(ctx, sql, out);
	sqlite3_free(sql);
	return rc;
}

haven_status hv_begin(haven_ctx *ctx) { return hv_exec(ctx, "BEGIN IMMEDIATE"); }

haven_status hv_commit(haven_ctx *ctx) { return hv_exec(ctx, "COMMIT"); }

void hv_rollback(haven_ctx *ctx)
{
	if (ctx->db && !sqlite3_get_autocommit(ctx->db))
		sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
}

int hv_bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (!s || !*s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

haven_status hv_query_int(haven_ctx *ctx, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx, sql, &st);
	if (rc)
		return rc;
	*out = 0;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "query");
	sqlite3_finalize(st);
	return rc;
}

haven_status hv_meta_get(haven_ctx *ctx, const char *key, char *buf, size_t n)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx, "SELECT value FROM meta WHERE key = ?", &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	buf[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return HAVEN_OK;
}

haven_status hv_meta_set(haven_ctx *ctx, const char *key, const char *value)
{
	sqlite3_stmt *st;
	haven_status rc =
		hv_prepare(ctx, "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = hv_error_sql(ctx, "writing meta");
	sqlite3_finalize(st);
	return rc;
}

void hv_sql_checkpoint(haven_ctx *ctx)
{
	if (ctx->db)
		sqlite3_wal_checkpoint_v2(ctx->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}
