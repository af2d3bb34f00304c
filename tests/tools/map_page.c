/*
 * map_page.c - a map for the CLI tests, until `haven map` draws them: the
 * aggregate table of the store's la, region and England areas (as
 * tu_aggregate builds it, values from tu_spread, "c" in North Yorkshire's
 * cells), released to the acting user, mapped at la level.
 *
 *   map_page STORE FILE MEASURE    FILE: .png, .svg, .pdf or .html
 *
 * The store's user is HAVEN_USER (an admin).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/map.h"
#include "testutil.h"

static const char *cell(const char *measure, const char *level, const char *code, size_t row, char *buf)
{
	(void)level;
	return strcmp(code, "E06000065") == 0 ? "c" : tu_spread(measure, row, buf);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: map_page STORE FILE MEASURE\n");
		return 2;
	}
	haven_global_init();
	haven_ctx *ctx;
	haven_status rc = haven_ctx_new(&ctx);
	haven_act_opts act = {.user = getenv("HAVEN_USER")};
	if (!rc && !(rc = haven_store_open(ctx, argv[1])) && !(rc = haven_act(ctx, &act))) {
		haven_table *t = tu_aggregate(ctx, "la region england", cell);
		haven_map_opts o = {.measure = argv[3], .level = "la", .path = argv[2]};
		if (!(rc = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR)))
			rc = haven_map_write(ctx, t, &o);
		haven_table_free(t);
	}
	if (rc)
		fprintf(stderr, "map_page: %s\n", ctx ? haven_errmsg(ctx) : haven_status_name(rc));
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return (int)rc;
}
