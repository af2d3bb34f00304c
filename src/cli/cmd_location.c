/*
 * cmd_location.c - haven crime import, offenders import and location assess:
 * the location risk profile of a proposed new home (docs/assess.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "haven/location.h"

haven_status cmd_crime_import(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{NULL, 0, NULL, 0}};
	if (cli_getopt(argc, argv, "", opts) != -1 || argc - optind < 2)
		return cli_usage();
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	haven_crime_report r;
	const char *const *files = (const char *const *)&argv[optind + 1];
	if ((st = haven_crime_import(ctx, files, (size_t)(argc - optind - 1), &r)))
		return st;
	if (r.noop) {
		printf("every file was loaded before; nothing written\n");
		return HAVEN_OK;
	}
	printf("%lld crimes, %s to %s: %lld located, %lld without coordinates (kept, in no rate), %lld without a "
	       "Crime ID (anti-social behaviour), %lld outside the force area (kept where they lie); %lld replaced\n",
	       (long long)r.rows, r.first_month, r.last_month, (long long)r.located, (long long)r.without_location,
	       (long long)r.asb_without_id, (long long)r.outside_force, (long long)r.replaced);
	return HAVEN_OK;
}

haven_status cmd_offenders_import(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"source-crs", required_argument, NULL, 's'}, {NULL, 0, NULL, 0}};
	const char *crs = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 's')
			crs = optarg;
		else
			return cli_usage();
	}
	haven_status st;
	if ((st = cli_positional(argc, 2)) || (st = cli_open_store(ctx, argv[optind])))
		return st;
	const char *file = argv[optind + 1];
	haven_offenders_report r;
	if ((st = haven_offenders_import(ctx, file, crs, &r)))
		return st;
	if (r.noop)
		printf("%s: the layer held already; nothing written\n", cli_esc(file));
	else
		printf("%s: %lld offender residences (the layer of %lld replaced)\n", cli_esc(file),
		       (long long)r.features, (long long)r.replaced);
	return HAVEN_OK;
}

haven_status cmd_location_assess(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"postcode", required_argument, NULL, 'p'},
	                                     {"point", required_argument, NULL, 'e'},
	                                     {"lonlat", required_argument, NULL, 'l'},
	                                     {"radius", required_argument, NULL, 'r'},
	                                     {"pdf", required_argument, NULL, 'P'},
	                                     {"force", no_argument, NULL, 'F'},
	                                     {"of", required_argument, NULL, 'o'},
	                                     {"eps", required_argument, NULL, 'x'},
	                                     {"min-points", required_argument, NULL, 'm'},
	                                     {"cell", required_argument, NULL, 'c'},
	                                     {"band", required_argument, NULL, 'b'},
	                                     {"from", required_argument, NULL, 'f'},
	                                     {"to", required_argument, NULL, 't'},
	                                     CLI_FORMAT_OPTIONS,
	                                     {NULL, 0, NULL, 0}};
	haven_location_opts o = {0};
	haven_format fmt = HAVEN_FMT_TEXT;
	const char *pdf = NULL;
	int force = 0, c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'p')
			o.postcode = optarg;
		else if (c == 'e') {
			if (!cli_parse_pair(optarg, &o.e, &o.n)) {
				fprintf(stderr, "haven: --point wants two numbers E,N, not '%s'\n", cli_esc(optarg));
				return HAVEN_ERR_USAGE;
			}
			o.has_point = 1;
		} else if (c == 'l') {
			if (!cli_parse_pair(optarg, &o.lon, &o.lat)) {
				fprintf(stderr, "haven: --lonlat wants two numbers LON,LAT, not '%s'\n",
				        cli_esc(optarg));
				return HAVEN_ERR_USAGE;
			}
			o.has_lonlat = 1;
		} else if (c == 'r') {
			char *end;
			o.radius = strtod(optarg, &end);
			if (end == optarg || *end || !(o.radius > 0)) {
				fprintf(stderr, "haven: --radius wants a number of metres, not '%s'\n",
				        cli_esc(optarg));
				return HAVEN_ERR_USAGE;
			}
		} else if (c == 'x' || c == 'c' || c == 'b' || c == 'm') {
			char *end;
			double v = strtod(optarg, &end);
			if (end == optarg || *end || !(v > 0) || (c == 'm' && (v != (int)v || v > 1e6))) {
				fprintf(stderr, "haven: --%s wants a number above 0, not '%s'\n",
				        c == 'x'   ? "eps"
				        : c == 'c' ? "cell"
				        : c == 'b' ? "band"
				                   : "min-points",
				        cli_esc(optarg));
				return HAVEN_ERR_USAGE;
			}
			if (c == 'x')
				o.eps = v;
			else if (c == 'c')
				o.cell = v;
			else if (c == 'b')
				o.band = v;
			else
				o.min_points = (int)v;
		} else if (c == 'o')
			o.of = optarg;
		else if (c == 'f')
			o.from = optarg;
		else if (c == 't')
			o.to = optarg;
		else if (c == 'P')
			pdf = optarg;
		else if (c == 'F')
			force = 1;
		else if (!cli_format_opt(c, &fmt))
			return cli_usage();
	}
	haven_status st;
	if ((st = cli_positional(argc, 1)) || (st = cli_open_store(ctx, argv[optind])))
		return st;
	haven_table *t = NULL, *hulls = NULL;
	st = haven_location_assess(ctx, &o, &t, pdf ? &hulls : NULL);
	if (!st)
		st = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR);
	if (!st && hulls)
		st = haven_release(ctx, hulls, HAVEN_AUDIENCE_ACTOR);
	if (!st)
		st = haven_table_write(ctx, t, fmt, stdout);
	if (!st && pdf && !(st = haven_location_map(ctx, t, hulls, pdf, force)) && !cli_quiet)
		fprintf(stderr, "wrote %s\n", cli_esc(pdf));
	haven_table_free(hulls);
	haven_table_free(t);
	return st;
}
