/*
 * map_page.c - maps for the CLI tests, until `haven map` draws them: the
 * aggregate table of the store's la, region and England areas (as
 * tu_aggregate builds it, with rates spread over 5 to 53, counts 1 to 40,
 * and "c" in North Yorkshire's cells), released to the acting user.
 *
 *   map_page STORE table CSV                 the table as CSV (geometries as WKT)
 *   map_page STORE html FILE MEASURE GEOJSON the HTML page of MEASURE at la
 *                                            level around GEOJSON
 *
 * The store's user is HAVEN_USER (an admin).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/source.h"
#include "out/map.h"
#include "testutil.h"

static const char *cell(const char *measure, const char *level, const char *code, size_t row, char *buf)
{
	(void)level;
	return strcmp(code, "E06000065") == 0 ? "c" : tu_spread(measure, row, buf);
}

static int tool_fail(haven_ctx *ctx, const char *what)
{
	fprintf(stderr, "map_page: %s: %s\n", what, ctx ? haven_errmsg(ctx) : "");
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return 1;
}

int main(int argc, char **argv)
{
	int html = argc == 6 && strcmp(argv[2], "html") == 0;
	if (!html && !(argc == 4 && strcmp(argv[2], "table") == 0)) {
		fprintf(stderr, "usage: map_page STORE table CSV | map_page STORE html FILE MEASURE GEOJSON\n");
		return 2;
	}
	haven_global_init();
	haven_ctx *ctx;
	if (haven_ctx_new(&ctx) || haven_store_open(ctx, argv[1]))
		return tool_fail(ctx, argv[1]);
	haven_act_opts act = {.user = getenv("HAVEN_USER")};
	if (haven_act(ctx, &act))
		return tool_fail(ctx, "acting");
	haven_table *t = tu_aggregate(ctx, "la region england", cell);
	if (haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR))
		return tool_fail(ctx, "releasing");
	haven_status rc;
	if (html) {
		unsigned char *json;
		size_t n;
		hv_map_opts o = {.measure = argv[4], .level = "la", .path = argv[3]};
		rc = hv_input_read(ctx, argv[5], 1 << 30, "a GeoJSON file", &json, &n);
		if (!rc)
			rc = hv_map_write_html(ctx, t, &o, (const char *)json, n);
		free(json);
	} else {
		FILE *f = fopen(argv[3], "w");
		rc = f ? haven_table_write(ctx, t, HAVEN_FMT_CSV, f) : HAVEN_ERR_IO;
		if (f && fclose(f) != 0 && !rc)
			rc = HAVEN_ERR_IO;
	}
	haven_table_free(t);
	if (rc)
		return tool_fail(ctx, argv[3]);
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return 0;
}
