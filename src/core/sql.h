/*
 * store_int.h - SQL helpers shared by the modules that read and write the store.
 */
#ifndef HAVEN_STORE_INT_H
#define HAVEN_STORE_INT_H

#include "core/context.h"

/** HAVEN_ERR_USAGE unless a store is open on ctx. */
haven_status hv_need_store(haven_ctx *ctx);

/** Run one or more SQL statements with no results. */
haven_status hv_exec(haven_ctx *ctx, const char *sql);

/** Prepare one statement; *out is finalized by the caller (sqlite3_finalize). */
haven_status hv_prepare(haven_ctx *ctx, const char *sql, sqlite3_stmt **out);

/** hv_prepare of a statement built printf-style with sqlite3_mprintf
 *  (%q, %Q and %w quote as SQLite does). */
haven_status hv_preparef(haven_ctx *ctx, sqlite3_stmt **out, const char *fmt, ...);

/** Transactions.  hv_begin takes the write lock at once (BEGIN IMMEDIATE), so an
 *  import either commits whole or hv_rollback leaves every table as it was. */
haven_status hv_begin(haven_ctx *ctx);
haven_status hv_commit(haven_ctx *ctx);
void hv_rollback(haven_ctx *ctx);

/** Read / write a meta value.  hv_meta_get copies into buf (empty if absent). */
haven_status hv_meta_get(haven_ctx *ctx, const char *key, char *buf, size_t n);
haven_status hv_meta_set(haven_ctx *ctx, const char *key, const char *value);

/** Bind helpers: text or NULL when s is NULL or empty. */
int hv_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);

/** Share of the rows a reference-data load may keep when it replaces a
 *  table's contents without --force (see hv_check_replace). */
#define HV_REPLACE_MIN_SHARE 0.5

/** The guard every load that replaces a table's contents runs before it
 *  commits: a load that would store no rows at all is refused, and so is one
 *  that would replace old rows with fewer than HV_REPLACE_MIN_SHARE of them
 *  unless force is set (a truncated or wrong file must not wipe the
 *  gazetteer or the boundaries).  what names the rows ("postcodes").
 * 
eturn HAVEN_ERR_MISSING, the message naming path and both counts. */
haven_status hv_check_replace(haven_ctx *ctx, const char *path, const char *what, int64_t old_rows, int64_t new_rows,
                              int force);

/** Hand the space of a big write-ahead log back after a large write (a
 *  reader holding it open only means it is truncated later). */
void hv_sql_checkpoint(haven_ctx *ctx);

/** Single integer result of a query with no parameters (e.g. SELECT count(*)). */
haven_status hv_query_int(haven_ctx *ctx, const char *sql, int64_t *out);

#endif
