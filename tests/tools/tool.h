/*
 * tool.h - the start and the end every test helper in tests/tools/ shares:
 * open a store, and commit (or report and roll back) the helper's one
 * transaction.
 */
#ifndef HAVEN_TOOL_H
#define HAVEN_TOOL_H

#include <stdio.h>

#include "haven/store.h"
#include "core/sql.h"

/** Process set-up, a new context in *ctx (NULL on failure), and the store
 *  at path opened on it. */
static inline haven_status tool_open(const char *path, haven_ctx **ctx)
{
	haven_global_init();
	haven_status st = haven_ctx_new(ctx);
	return st ? st : haven_store_open(*ctx, path);
}

/** Commit the helper's transaction when st is HAVEN_OK; otherwise print
 *  "name: message" and roll back.  Then free ctx and clean up.  Returns the
 *  exit status: the status's number. */
static inline int tool_end(const char *name, haven_ctx *ctx, haven_status st)
{
	if (!st)
		st = hv_commit(ctx);
	if (st) {
		fprintf(stderr, "%s: %s\n", name, ctx ? haven_errmsg(ctx) : haven_status_name(st));
		if (ctx)
			hv_rollback(ctx);
	}
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return (int)st;
}

#endif
