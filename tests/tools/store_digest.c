/*
 * store_digest.c - test helper: print haven_store_digest of a store.
 *
 *   store_digest STORE
 *
 * The CLI tests check that a refused command left a store exactly as it
 * was by comparing digests before and after: the SHA-256 of every table's
 * rows (haven_store_digest), as the unit tests do, without the cost of
 * printing the whole store as SQL text.  Built only for the tests.
 */
#include <stdio.h>

#include "tool.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: store_digest STORE\n");
		return 2;
	}
	haven_ctx *ctx;
	char hex[65];
	haven_status st = tool_open(argv[1], &ctx);
	if (!st && !(st = haven_store_digest(ctx, hex)))
		puts(hex);
	if (!st && !(st = hv_begin(ctx)))
		st = HAVEN_OK; /* tool_end commits an empty transaction */
	return tool_end("store_digest", ctx, st);
}
