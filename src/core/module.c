/*
 * module.c - the rows modules add to haven_store_info's table (core/module.h).
 */
#include "core/module.h"
#include "core/sql.h"
#include "core/table.h"

/* A new row (section, item, NULL): the caller sets its value, column 2. */
static haven_status info_row(haven_ctx *ctx, haven_table *t, const char *section, const char *item)
{
	haven_status rc = hv_table_add_row(ctx, t);
	if (!rc)
		rc = hv_table_set_text(ctx, t, 0, section);
	if (!rc)
		rc = hv_table_set_text(ctx, t, 1, item);
	return rc;
}

haven_status hv_info_text(haven_ctx *ctx, haven_table *t, const char *section, const char *item, const char *value)
{
	haven_status rc = info_row(ctx, t, section, item);
	return rc ? rc : hv_table_set_text(ctx, t, 2, value);
}

haven_status hv_info_int(haven_ctx *ctx, haven_table *t, const char *section, const char *item, int64_t value)
{
	haven_status rc = info_row(ctx, t, section, item);
	return rc ? rc : hv_table_set_int(ctx, t, 2, value);
}

haven_status hv_info_counts(haven_ctx *ctx, haven_table *t, const char *section, const hv_info_item *items, size_t n)
{
	haven_status rc = HAVEN_OK;
	for (size_t i = 0; i < n && !rc; i++) {
		int64_t v;
		if (!(rc = hv_query_int(ctx, items[i].sql, &v)))
			rc = hv_info_int(ctx, t, section, items[i].item, v);
	}
	return rc;
}

haven_status hv_info_grouped(haven_ctx *ctx, haven_table *t, const char *section, const char *sql)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx, sql, &st);
	int s = SQLITE_ROW;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *item = (const char *)sqlite3_column_text(st, 0);
		rc = hv_info_int(ctx, t, section, item ? item : "none", sqlite3_column_int64(st, 1));
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, section);
	sqlite3_finalize(st);
	return rc;
}
