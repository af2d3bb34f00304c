/*
 * cmd_boundaries.c - haven boundaries load, haven where.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

haven_status cmd_boundaries_load(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"kind", required_argument, NULL, 'k'},
	                                     {"code-field", required_argument, NULL, 'c'},
	                                     {"name-field", required_argument, NULL, 'n'},
	                                     {"source-crs", required_argument, NULL, 's'},
	                                     {"force", no_argument, NULL, 'f'},
	                                     {NULL, 0, NULL, 0}};
	haven_boundaries_opts o = {NULL, NULL, NULL, NULL, NULL, 0};
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'k': o.kind = optarg; break;
		case 'c': o.code_field = optarg; break;
		case 'n': o.name_field = optarg; break;
		case 's': o.source_crs = optarg; break;
		case 'f': o.force = 1; break;
		default: return cli_usage();
		}
	}
	if (cli_positional(argc, 2))
		return HAVEN_ERR_USAGE;
	if (!o.kind)
		return cli_usage();
	o.path = argv[optind + 1];
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	haven_boundaries_report r;
	if ((st = haven_boundaries_load(ctx, &o, &r)))
		return st;
	printf("loaded %lld %s areas from %s\n", (long long)r.features, cli_esc(o.kind), cli_esc(o.path));
	printf("  repaired:    %lld\n", (long long)r.repaired);
	printf("  code field:  %s\n", cli_esc(r.code_field));
	printf("  name field:  %s\n", cli_esc(r.name_field));
	printf("  source CRS:  %s\n", cli_esc(r.source_crs));
	printf("  seconds:     %.2f\n", r.seconds);
	return HAVEN_OK;
}

haven_status cmd_where(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"point", required_argument, NULL, 'p'},
	                                     {"lonlat", required_argument, NULL, 'l'},
	                                     {"postcode", required_argument, NULL, 'P'},
	                                     CLI_FORMAT_OPTIONS,
	                                     {NULL, 0, NULL, 0}};
	const char *point = NULL, *lonlat = NULL, *postcode = NULL;
	haven_format fmt = HAVEN_FMT_TEXT;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'p': point = optarg; break;
		case 'l': lonlat = optarg; break;
		case 'P': postcode = optarg; break;
		default:
			if (!cli_format_opt(c, &fmt))
				return cli_usage();
		}
	}
	if (cli_positional(argc, 1))
		return HAVEN_ERR_USAGE;
	if ((point != NULL) + (lonlat != NULL) + (postcode != NULL) != 1) {
		fprintf(stderr, "haven where: give exactly one of --point E,N, --lonlat LON,LAT and --postcode PC\n");
		return cli_usage();
	}
	double x = 0, y = 0;
	if (!postcode && !cli_parse_pair(point ? point : lonlat, &x, &y)) {
		fprintf(stderr, "haven where: '%s' is not two numbers separated by a comma\n",
		        cli_esc(point ? point : lonlat));
		return cli_usage();
	}
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	haven_table *t = NULL;
	st = postcode ? haven_boundaries_where_postcode(ctx, postcode, &t)
	     : point  ? haven_boundaries_where(ctx, x, y, &t)
	              : haven_boundaries_where_lonlat(ctx, x, y, &t);
	return cli_write_table(ctx, st, t, fmt);
}
