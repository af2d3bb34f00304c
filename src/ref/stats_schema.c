/*
 * stats_schema.c - the reference statistics' tables in the store, as steps
 * the store's registry runs (core/module.h, src/store/store.c).
 */
#include "core/module.h"

/* Schema 6: DfE's published figures, long: one row per figure (an indicator
 * of a file's row), keyed by dataset, indicator, the row's filters as
 * canonical JSON ({"population_type":"..."}), time period and area code; a
 * number in value or a GSS symbol in symbol, never both.  area_code is the
 * code the figure is looked up by (a former code of the same area becomes
 * its successor's), code_given the code or DfE number as the file gave it,
 * source_row its row.  Every load is recorded; a dataset's latest load is
 * the one its figures came from (a load replaces the dataset whole). */
static const char schema_v6[] =
    "CREATE TABLE stats_load("
    " id INTEGER PRIMARY KEY, dataset TEXT NOT NULL, source TEXT NOT NULL, sha256 TEXT NOT NULL,"
    " loaded_at TEXT NOT NULL, rows_read INTEGER NOT NULL, figures INTEGER NOT NULL, symbols INTEGER NOT NULL,"
    " filters TEXT NOT NULL, indicators TEXT NOT NULL);"
    "CREATE TABLE stats_value("
    " dataset TEXT NOT NULL, indicator TEXT NOT NULL, filters TEXT NOT NULL, time_period TEXT NOT NULL,"
    " area_code TEXT NOT NULL, geographic_level TEXT NOT NULL, area_name TEXT NOT NULL,"
    " code_given TEXT NOT NULL, time_identifier TEXT NOT NULL,"
    " value REAL, symbol TEXT CHECK(symbol IN ('c','k','low','u','x','z')),"
    " source_row INTEGER NOT NULL,"
    " CHECK((value IS NULL) <> (symbol IS NULL)),"
    " PRIMARY KEY(dataset, indicator, filters, time_period, area_code)) WITHOUT ROWID;";

static const hv_schema_step steps[] = {{6, schema_v6, NULL}};

static haven_status counts(haven_ctx *ctx, haven_table *t)
{
	static const hv_info_item items[] = {
	    {"datasets", "SELECT count(DISTINCT dataset) FROM stats_value"},
	    {"figures", "SELECT count(*) FROM stats_value"},
	};
	return hv_info_counts(ctx, t, "statistics", items, sizeof items / sizeof items[0]);
}

const hv_module hv_stats_module = {"stats", steps, sizeof steps / sizeof steps[0], counts};
