/*
 * geocode_schema.c - what the geocode module gives the store (core/module.h):
 * no tables of its own (a home's place is in the register's home_version),
 * only its counts.
 */
#include "core/module.h"

/* The current homes in the reader's scope by how they were placed ("not_run" before geocoding),
 * and those whose point is not in the LA the register gives. */
static haven_status counts(haven_ctx *ctx, haven_table *t)
{
	static const hv_info_item items[] = {
	    {"la_mismatches", "SELECT count(*) FROM temp.homes WHERE geo_la_check IN ('mismatch','outside')"},
	};
	haven_status rc = hv_info_grouped(ctx, t, "geocoding",
	                                  "SELECT coalesce(geo_method, 'not_run'), count(*) FROM temp.homes "
	                                  "GROUP BY 1 ORDER BY 1");
	return rc ? rc : hv_info_counts(ctx, t, "geocoding", items, sizeof items / sizeof items[0]);
}

const hv_module hv_geocode_module = {"geocode", NULL, 0, counts};
