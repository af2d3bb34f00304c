/*
 * module.h - what a module gives the store: its schema steps.
 *
 * Each module that keeps tables in the store describes them in one
 * hv_module (beside its code, in <module>_schema.c); src/store/store.c holds
 * the registry, the one list of every module, as GDAL's gdalallregister.cpp
 * lists every driver.  The store is at schema version V when every module's
 * steps for versions 1..V have run: opening a store at version v runs, for
 * each version from v+1 in order, each module's step for that version in
 * registry order, all in one transaction.  See docs/ARCHITECTURE.md ("The
 * store").
 */
#ifndef HAVEN_MODULE_H
#define HAVEN_MODULE_H

#include "core/context.h"
#include "haven/store.h"

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
} hv_module;

#endif
