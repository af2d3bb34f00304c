/*
 * copy_rows.c - test helper: copy tables' rows from one store into another.
 *
 *   copy_rows STORE FROM TABLE...
 *
 * Built only for the tests, never installed.  Loading the national
 * boundaries and gazetteer takes seconds; a CLI test that needs them in a
 * store of its own owner copies the rows of the national store
 * (tests/national_store.sh, $HAVEN_NATIONAL) instead: every row of each
 * TABLE of FROM into the same, empty, table of STORE, in one transaction,
 * through haven's connection, so that SpatiaLite's triggers keep the
 * spatial index as a load does; then what a boundary load does after its
 * areas: area_la rebuilt, and scopes recorded (govern/scope.c).
 */
#include <stdio.h>

#include "govern/scope.h"
#include "ref/areas.h"
#include "tool.h"

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: copy_rows STORE FROM TABLE...\n");
		return 2;
	}
	haven_ctx *ctx;
	haven_status st = tool_open(argv[1], &ctx);
	sqlite3_stmt *s = NULL;
	/* ATTACH cannot run inside a transaction: before hv_begin. */
	if (!st && !(st = hv_preparef(ctx, &s, "ATTACH %Q AS src", argv[2])) && sqlite3_step(s) != SQLITE_DONE)
		st = hv_error_sql(ctx, argv[2]);
	sqlite3_finalize(s);
	if (!st)
		st = hv_begin(ctx);
	for (int i = 3; !st && i < argc; i++) {
		if (!(st = hv_preparef(ctx, &s, "INSERT INTO main.\"%w\" SELECT * FROM src.\"%w\"", argv[i], argv[i])) &&
		    sqlite3_step(s) != SQLITE_DONE)
			st = hv_error_sql(ctx, argv[i]);
		sqlite3_finalize(s);
	}
	if (!st && !(st = hv_area_la_rebuild(ctx, NULL)))
		st = hv_scope_after_boundaries(ctx);
	return tool_end("copy_rows", ctx, st);
}
