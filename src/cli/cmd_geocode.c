/*
 * cmd_geocode.c - haven geocode, haven geocode report, haven geocode set.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

haven_status cmd_geocode(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"redo", no_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
	int redo = 0, c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'r')
			redo = 1;
		else
			return cli_usage();
	}
	if (cli_positional(argc, 1))
		return HAVEN_ERR_USAGE;
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	haven_geocode_report r;
	if ((st = haven_geocode_run(ctx, redo, &r)))
		return st;
	printf("geocoded %lld homes in %.3f s (%.0f homes/s)\n", (long long)r.homes, r.seconds,
	       r.seconds > 0 ? (double)r.homes / r.seconds : 0.0);
	printf("  uprn %lld, postcode %lld, terminated postcode %lld, sector %lld, unmatched %lld; manual kept %lld\n",
	       (long long)r.uprn, (long long)r.postcode, (long long)r.postcode_terminated, (long long)r.sector,
	       (long long)r.unmatched, (long long)r.manual_kept);
	printf("  LA cross-check: %lld inside their LA, %lld in another LA, %lld outside every LA\n",
	       (long long)r.la_ok, (long long)r.la_mismatch, (long long)r.la_outside);
	if (r.unmatched || r.la_mismatch || r.la_outside || r.sector)
		printf("  see 'haven geocode report %s'\n", cli_esc(argv[optind]));
	return HAVEN_OK;
}

haven_status cmd_geocode_report(haven_ctx *ctx, int argc, char **argv)
{
	return cli_listing0(ctx, argc, argv, haven_geocode_issues);
}

haven_status cmd_geocode_set(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"point", required_argument, NULL, 'p'}, {"reason", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
	const char *point = NULL, *reason = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'p')
			point = optarg;
		else if (c == 'r')
			reason = optarg;
		else
			return cli_usage();
	}
	if (cli_positional(argc, 2) || !point || !reason)
		return cli_usage();
	double e, n;
	if (!cli_parse_pair(point, &e, &n)) {
		fprintf(stderr, "haven geocode set: --point wants EASTING,NORTHING in metres, not '%s'\n",
		        cli_esc(point));
		return HAVEN_ERR_USAGE;
	}
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	if ((st = haven_geocode_set(ctx, argv[optind + 1], e, n, reason)))
		return st;
	printf("placed home %s at %.1f, %.1f by hand\n", cli_esc(argv[optind + 1]), e, n);
	return HAVEN_OK;
}
