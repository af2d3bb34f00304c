/*
 * module.h - what a module gives the store: its schema steps and its counts.
 *
 * Each module that keeps tables in the store describes them in one
 * hv_module (beside its code, in <module>_schema.c); src/store/store.c holds
 * the registry, the one list of every module, as GDAL's gdalallregister.cpp
 * lists every driver.  The store is at schema version V when every module's
 * steps for versions 1..V have run: opening a store at version v runs, for
 * each version from v+1 in order, each module's step for that version in
 * registry order, all in one transaction.  haven_store_info asks each
 * module, in registry order, for its counts.  See docs/ARCHITECTURE.md ("The
 * store").
 */
#ifndef HAVEN_MODULE_H
#define HAVEN_MODULE_H

#include "core/context.h"
#include "haven/store.h"
#include "haven/table.h"

/** One step of a module's schema: the SQL it runs when the store reaches
 *  version (1, 2, ...), then hook, if not NULL, in the same transaction
 *  (e.g. seeding rows that need more than SQL).  hook's owner is the new
 *  store's owner (haven_store_create), or NULL when an older store is being
 *  migrated.  A released version's steps never change: a module that needs
 *  more adds a step at a new version. */
typedef struct hv_schema_step {
	int version;
	const char *sql;
	haven_status (*hook)(haven_ctx *ctx, const haven_owner *owner);
} hv_schema_step;

/** A module as the store sees it.  Static, never freed. */
typedef struct hv_module {
	const char *name;
	const hv_schema_step *steps; /* in version order; NULL: no tables */
	size_t n_steps;
	/** Add the module's rows to haven_store_info's table (columns section,
	 *  item, value) with hv_info_*; NULL: nothing to count. */
	haven_status (*counts)(haven_ctx *ctx, haven_table *t);
} hv_module;

/** Rows of haven_store_info's table: section and item say what is
 *  described, the value is text or an integer.  t borrowed; strings copied. */
haven_status hv_info_text(haven_ctx *ctx, haven_table *t, const char *section, const char *item, const char *value);
haven_status hv_info_int(haven_ctx *ctx, haven_table *t, const char *section, const char *item, int64_t value);

/** A count: its item name and the query, with no parameters, that gives it. */
typedef struct hv_info_item {
	const char *item, *sql;
} hv_info_item;

/** One row in section for each of items[0..n), valued by its query. */
haven_status hv_info_counts(haven_ctx *ctx, haven_table *t, const char *section, const hv_info_item *items, size_t n);

/** One row in section per row of a query of two columns, the item (NULL
 *  reads "none") and its count. */
haven_status hv_info_grouped(haven_ctx *ctx, haven_table *t, const char *section, const char *sql);

#endif
