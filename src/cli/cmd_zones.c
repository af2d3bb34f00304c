/*
 * cmd_zones.c - haven zones import, check and address: offender exclusion
 * zones and probation's proposed-address check (docs/zones.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "haven/zones.h"

/* A number of metres: 1 and *v, or 0 after saying what is wrong. */
static int metres(const char *what, const char *s, double *v)
{
	char *end;
	*v = strtod(s, &end);
	if (end == s || *end || !(*v >= 0)) {
		fprintf(stderr, "haven: %s wants a number of metres, not '%s'\n", what, cli_esc(s));
		return 0;
	}
	return 1;
}

haven_status cmd_zones_import(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"skip-invalid", no_argument, NULL, 'i'},
	                                     {"rejects", required_argument, NULL, 'r'},
	                                     {"source-crs", required_argument, NULL, 's'},
	                                     {NULL, 0, NULL, 0}};
	haven_zones_opts o = {0};
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'i')
			o.skip_invalid = 1;
		else if (c == 'r')
			o.rejects = optarg;
		else if (c == 's')
			o.source_crs = optarg;
		else
			return cli_usage();
	}
	if (cli_positional(argc, 2))
		return cli_usage();
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	const char *file = argv[optind + 1];
	haven_zones_report r;
	if ((st = haven_zones_import(ctx, file, &o, &r)))
		return st;
	if (r.noop)
		printf("%s: no zone changed (%lld zones, %lld unchanged); nothing written\n", cli_esc(file),
		       (long long)r.features, (long long)r.unchanged);
	else
		printf("%s: %lld zones: %lld added, %lld replaced, %lld unchanged, %lld repaired\n", cli_esc(file),
		       (long long)r.features, (long long)r.added, (long long)r.replaced, (long long)r.unchanged,
		       (long long)r.repaired);
	if (r.rejected)
		printf("  %lld zones rejected, written with the reasons to %s\n", (long long)r.rejected,
		       cli_esc(o.rejects));
	return HAVEN_OK;
}

static haven_status release_write(haven_ctx *ctx, haven_status st, haven_table *t, haven_format fmt)
{
	if (!st)
		st = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR);
	if (!st)
		st = haven_table_write(ctx, t, fmt, stdout);
	haven_table_free(t);
	return st;
}

/* --format VALUE, --csv or --json: 1 when c was one of them (*st set for a
 * bad value), else 0. */
static int format_option(int c, haven_format *fmt, haven_status *st)
{
	if (c != 'f')
		return cli_format_opt(c, fmt);
	if (!cli_format_value(optarg, fmt))
		*st = HAVEN_ERR_USAGE;
	return 1;
}

haven_status cmd_zones_check(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"as-at", required_argument, NULL, 'a'},
	                                     {"buffer", required_argument, NULL, 'b'},
	                                     {"by", required_argument, NULL, 'y'},
	                                     {"format", required_argument, NULL, 'f'},
	                                     CLI_FORMAT_OPTIONS,
	                                     {NULL, 0, NULL, 0}};
	haven_zones_check_opts o = {0};
	haven_format fmt = HAVEN_FMT_TEXT;
	haven_status st = HAVEN_OK;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'a')
			o.as_at = optarg;
		else if (c == 'b') {
			if (!metres("--buffer", optarg, &o.buffer))
				return HAVEN_ERR_USAGE;
		} else if (c == 'y')
			o.by = optarg;
		else if (!format_option(c, &fmt, &st))
			return cli_usage();
		if (st)
			return st;
	}
	haven_table *t = NULL;
	if ((st = cli_positional(argc, 1)) || (st = cli_open_store(ctx, argv[optind])))
		return st;
	st = haven_zones_check(ctx, &o, &t);
	return release_write(ctx, st, t, fmt);
}

haven_status cmd_zones_address(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"postcode", required_argument, NULL, 'p'},
	                                     {"point", required_argument, NULL, 'e'},
	                                     {"lonlat", required_argument, NULL, 'l'},
	                                     {"file", required_argument, NULL, 'i'},
	                                     {"radius", required_argument, NULL, 'r'},
	                                     {"case", required_argument, NULL, 'c'},
	                                     {"homes", no_argument, NULL, 'H'},
	                                     {"format", required_argument, NULL, 'f'},
	                                     CLI_FORMAT_OPTIONS,
	                                     {NULL, 0, NULL, 0}};
	haven_zones_address_opts o = {0};
	haven_format fmt = HAVEN_FMT_TEXT;
	haven_status st = HAVEN_OK;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'p')
			o.postcode = optarg;
		else if (c == 'e' || c == 'l') {
			double a, b;
			if (!cli_parse_pair(optarg, &a, &b)) {
				fprintf(stderr, "haven: --%s wants two numbers A,B, not '%s'\n",
				        c == 'e' ? "point" : "lonlat", cli_esc(optarg));
				return HAVEN_ERR_USAGE;
			}
			if (c == 'e') {
				o.has_point = 1;
				o.e = a;
				o.n = b;
			} else {
				o.has_lonlat = 1;
				o.lon = a;
				o.lat = b;
			}
		} else if (c == 'i')
			o.file = optarg;
		else if (c == 'r') {
			if (!metres("--radius", optarg, &o.radius))
				return HAVEN_ERR_USAGE;
		} else if (c == 'c')
			o.case_ref = optarg;
		else if (c == 'H')
			o.homes = 1;
		else if (!format_option(c, &fmt, &st))
			return cli_usage();
		if (st)
			return st;
	}
	haven_table *t = NULL;
	if ((st = cli_positional(argc, 1)) || (st = cli_open_store(ctx, argv[optind])))
		return st;
	st = haven_zones_address(ctx, &o, &t);
	return release_write(ctx, st, t, fmt);
}

haven_status cmd_zones_propose(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"urn", required_argument, NULL, 'u'},
	                                     {"radius", required_argument, NULL, 'r'},
	                                     {"simplify", required_argument, NULL, 's'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {"map", required_argument, NULL, 'm'},
	                                     {"force", no_argument, NULL, 'F'},
	                                     {NULL, 0, NULL, 0}};
	haven_zones_propose_opts o = {0};
	cli_list urns = {0};
	const char *out = NULL, *map = NULL;
	int force = 0, c;
	haven_status st = HAVEN_OK;
	while (!st && (c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'u')
			st = cli_list_add(&urns, optarg);
		else if (c == 'r' || c == 's') {
			if (!metres(c == 'r' ? "--radius" : "--simplify", optarg, c == 'r' ? &o.radius : &o.simplify))
				st = HAVEN_ERR_USAGE;
		} else if (c == 'o')
			out = optarg;
		else if (c == 'm')
			map = optarg;
		else if (c == 'F')
			force = 1;
		else
			st = cli_usage();
	}
	const char *format = out ? cli_layer_format(out) : NULL;
	if (!st && (cli_positional(argc, 1) || !out || !format || strcmp(format, "fgb") == 0)) {
		if (out && (!format || strcmp(format, "fgb") == 0))
			fprintf(stderr, "haven: --out %s: a suggested zone is written as .geojson or .gpkg\n",
			        cli_esc(out));
		st = HAVEN_ERR_USAGE;
	}
	if (!st)
		st = cli_open_store(ctx, argv[optind]);
	haven_table *t = NULL;
	if (!st) {
		o.urns = (const char *const *)urns.items;
		o.n_urns = urns.n;
		st = haven_zones_propose(ctx, &o, &t);
	}
	if (!st)
		st = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR);
	if (!st) {
		haven_export_opts e = {.format = format, .path = out, .layer = "suggested_zone", .overwrite = force};
		st = haven_export_write(ctx, t, &e);
	}
	if (!st && !cli_quiet)
		fprintf(stderr, "wrote %s\n", cli_esc(out));
	if (!st && map && !(st = haven_zones_map(ctx, t, map, force)) && !cli_quiet)
		fprintf(stderr, "wrote %s\n", cli_esc(map));
	haven_table_free(t);
	cli_list_free(&urns);
	return st;
}
