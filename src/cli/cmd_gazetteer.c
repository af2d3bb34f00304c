/*
 * cmd_gazetteer.c - haven gazetteer load: parse the options, call
 * haven_gazetteer_load(), print what it did.
 */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

haven_status cmd_gazetteer_load(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"uprn", no_argument, NULL, 'u'},
	                                     {"postcode-field", required_argument, NULL, 'p'},
	                                     {"east-field", required_argument, NULL, 'e'},
	                                     {"north-field", required_argument, NULL, 'n'},
	                                     {"lat-field", required_argument, NULL, 'a'},
	                                     {"lon-field", required_argument, NULL, 'o'},
	                                     {"force", no_argument, NULL, 'f'},
	                                     {NULL, 0, NULL, 0}};
	haven_gazetteer_opts o = {0, NULL, NULL, NULL, NULL, NULL, 0};
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'u': o.uprn = 1; break;
		case 'p': o.postcode_field = optarg; break;
		case 'e': o.east_field = optarg; break;
		case 'n': o.north_field = optarg; break;
		case 'a': o.lat_field = optarg; break;
		case 'o': o.lon_field = optarg; break;
		case 'f': o.force = 1; break;
		default: return cli_usage();
		}
	}
	if (cli_positional(argc, 2))
		return HAVEN_ERR_USAGE;
	const char *store = argv[optind], *file = argv[optind + 1];
	haven_status st = cli_open_store(ctx, store);
	if (st)
		return st;
	haven_gazetteer_report r;
	if ((st = haven_gazetteer_load(ctx, file, &o, &r)))
		return st;
	double secs = r.seconds > 0 ? r.seconds : 1e-9;
	printf("loaded %s from %s into %s\n", r.uprn ? "UPRNs" : "postcodes", cli_esc(file), cli_esc(store));
	printf("rows read: %lld\n", (long long)r.rows_read);
	if (r.uprn) {
		printf("uprns: %lld\n", (long long)r.live);
	} else {
		printf("live: %lld\n", (long long)r.live);
		printf("terminated: %lld\n", (long long)r.terminated);
		printf("without coordinates: %lld\n", (long long)r.no_coords);
		printf("sectors: %lld\n", (long long)r.sectors);
	}
	printf("seconds: %.2f\n", r.seconds);
	printf("rows/s: %.0f\n", (double)r.rows_read / secs);
	return HAVEN_OK;
}
