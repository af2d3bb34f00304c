/*
 * homes.c - the register's read model: homes valid on a date, in a scope.
 *
 * home_version is a type-2 history (data/register.c): a version is valid
 * from valid_from up to, not including, valid_to (NULL while current).  The
 * view below is the one place that turns "homes on date D in scope S" into
 * SQL; listings, geocoding, extracts and counts select from it.
 */
#include <string.h>
#include <strings.h>

#include "core/sql.h"
#include "data/homes.h"

#define HOMES_IN_SCOPE " AND v.la_code IN (SELECT la_code FROM temp.homes_scope)"

haven_status hv_homes_view(haven_ctx *ctx, const char *as_at, const hv_scope *scope)
{
	if (as_at && !hv_parse_date(as_at, NULL))
		return hv_error(ctx, HAVEN_ERR_VALUE, "'%s' is not a date (YYYY-MM-DD)", as_at);
	haven_status rc = hv_exec(ctx, "DROP VIEW IF EXISTS temp.homes; DROP VIEW IF EXISTS temp.home_versions;"
	                               "CREATE TEMP TABLE IF NOT EXISTS homes_scope(la_code TEXT PRIMARY KEY);"
	                               "DELETE FROM temp.homes_scope;");
	int all = !scope || hv_scope_is_national(scope);
	sqlite3_stmt *st = NULL;
	if (!rc && !all && !(rc = hv_prepare(ctx, "INSERT INTO temp.homes_scope(la_code) VALUES(?)", &st))) {
		for (size_t i = 0; !rc && i < hv_scope_la_count(scope); i++) {
			sqlite3_bind_text(st, 1, hv_scope_la(scope, i), -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = hv_error_sql(ctx, "setting the scope of the homes read");
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
	}
	if (rc)
		return rc;
	char *sql = as_at ? sqlite3_mprintf("CREATE TEMP VIEW homes AS SELECT * FROM main.home_version v"
	                                    " WHERE v.valid_from <= %Q AND (v.valid_to IS NULL OR v.valid_to > %Q)%s",
	                                    as_at, as_at, all ? "" : HOMES_IN_SCOPE)
	                  : sqlite3_mprintf("CREATE TEMP VIEW homes AS SELECT * FROM main.home_version v"
	                                    " WHERE v.valid_to IS NULL%s",
	                                    all ? "" : HOMES_IN_SCOPE);
	if (!sql)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	rc = hv_exec(ctx, sql);
	sqlite3_free(sql);
	if (!rc)
		rc = hv_exec(ctx, all ? "CREATE TEMP VIEW home_versions AS SELECT * FROM main.home_version v"
		                      : "CREATE TEMP VIEW home_versions AS SELECT * FROM main.home_version v WHERE 1"
		                        HOMES_IN_SCOPE);
	return rc;
}

haven_status hv_homes_la(haven_ctx *ctx, const char *urn, char *la, size_t n)
{
	la[0] = '\0';
	sqlite3_stmt *st;
	haven_status rc =
	    hv_prepare(ctx, "SELECT la_code FROM home_version WHERE urn = ? ORDER BY valid_from DESC LIMIT 1", &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, urn, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(la, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return HAVEN_OK;
}

int hv_homes_open_status(const char *status)
{
	static const char *const closed[] = {"Resigned", "Cancelled", "Refused", "Closed", "Deregistered"};
	for (size_t i = 0; status && i < sizeof closed / sizeof closed[0]; i++)
		if (strcasecmp(status, closed[i]) == 0)
			return 0;
	return 1;
}
