/*
 * cmd_hotspots.c - haven missing hotspots: Gi* hot spots of where children
 * missing from care are found or last seen (docs/hotspots.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "haven/hotspots.h"

/* A length in metres: a number, nothing after it. */
static int metres(const char *what, const char *s, double *v)
{
	char *end;
	*v = strtod(s, &end);
	if (end == s || *end) {
		fprintf(stderr, "haven: %s '%s' is not a number of metres\n", what, cli_esc(s));
		return 0;
	}
	return 1;
}

/* Whether path ends in .png or .svg, the map's formats. */
static int map_file(const char *path)
{
	const char *ext = strrchr(path, '.');
	return ext && (strcmp(ext, ".png") == 0 || strcmp(ext, ".svg") == 0);
}

haven_status cmd_missing_hotspots(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"cell", required_argument, NULL, 'c'},
	                                     {"band", required_argument, NULL, 'b'},
	                                     {"of", required_argument, NULL, 'o'},
	                                     {"from", required_argument, NULL, 's'},
	                                     {"to", required_argument, NULL, 't'},
	                                     {"permutations", required_argument, NULL, 'p'},
	                                     {"seed", required_argument, NULL, 'S'},
	                                     {"all", no_argument, NULL, 'A'},
	                                     {"layer", required_argument, NULL, 'l'},
	                                     {"map", required_argument, NULL, 'm'},
	                                     {"force", no_argument, NULL, 'F'},
	                                     {"format", required_argument, NULL, 'f'},
	                                     CLI_FORMAT_OPTIONS,
	                                     {NULL, 0, NULL, 0}};
	haven_hotspots_opts o = {.seed = HAVEN_HOTSPOTS_SEED};
	haven_format fmt = HAVEN_FMT_TEXT;
	const char *layer = NULL, *map = NULL;
	int force = 0, c, cell = 0, band = 0;
	uint64_t u;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'c') {
			if (!metres("--cell", optarg, &o.cell))
				return HAVEN_ERR_USAGE;
			cell = 1;
		} else if (c == 'b') {
			if (!metres("--band", optarg, &o.band))
				return HAVEN_ERR_USAGE;
			band = 1;
		} else if (c == 'o')
			o.of = optarg;
		else if (c == 's')
			o.from = optarg;
		else if (c == 't')
			o.to = optarg;
		else if (c == 'p') {
			if (!cli_parse_uint(optarg, 99999, &u) || u < 9) {
				fprintf(stderr, "haven: --permutations '%s': give 9 to 99999\n", cli_esc(optarg));
				return HAVEN_ERR_USAGE;
			}
			o.permutations = (long)u;
		} else if (c == 'S') {
			if (!cli_parse_uint(optarg, UINT64_MAX, &o.seed)) {
				fprintf(stderr, "haven: --seed '%s' is not a whole number\n", cli_esc(optarg));
				return HAVEN_ERR_USAGE;
			}
		} else if (c == 'A')
			o.all = 1;
		else if (c == 'l')
			layer = optarg;
		else if (c == 'm')
			map = optarg;
		else if (c == 'F')
			force = 1;
		else if (c == 'f') {
			if (!cli_format_value(optarg, &fmt))
				return HAVEN_ERR_USAGE;
		} else if (!cli_format_opt(c, &fmt))
			return cli_usage();
	}
	if (!cell || !band) {
		fprintf(stderr, "haven: missing hotspots needs --cell METRES and --band METRES\n");
		return cli_usage();
	}
	if (layer && !cli_layer_format(layer)) {
		fprintf(stderr, "haven: --layer '%s': give a .gpkg or .geojson file\n", cli_esc(layer));
		return HAVEN_ERR_USAGE;
	}
	if (map && !map_file(map)) {
		fprintf(stderr, "haven: --map '%s': give a .png or .svg file\n", cli_esc(map));
		return HAVEN_ERR_USAGE;
	}
	haven_status st = cli_positional(argc, 1);
	if (st || (st = cli_open_store(ctx, argv[optind])))
		return st;
	haven_table *t = NULL;
	st = haven_missing_hotspots(ctx, &o, &t);
	if (!st)
		st = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR);
	if (!st)
		st = haven_table_write(ctx, t, fmt, stdout);
	if (!st && layer) {
		haven_export_opts e = {
		    .format = cli_layer_format(layer), .path = layer, .layer = "hotspots", .overwrite = force};
		if (!(st = haven_export_write(ctx, t, &e)) && !cli_quiet)
			fprintf(stderr, "wrote %s\n", cli_esc(layer));
	}
	if (!st && map && !(st = haven_hotspots_map(ctx, t, map, force)) && !cli_quiet)
		fprintf(stderr, "wrote %s\n", cli_esc(map));
	haven_table_free(t);
	return st;
}
