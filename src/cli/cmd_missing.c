/*
 * cmd_missing.c - haven key init, haven missing import.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "haven/missing.h"

haven_status cmd_key_init(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{NULL, 0, NULL, 0}};
	if (cli_getopt(argc, argv, "", opts) != -1 || cli_positional(argc, 1))
		return cli_usage();
	char fp[65];
	haven_status st = haven_key_init(ctx, argv[optind], fp);
	if (st)
		return st;
	printf("wrote pseudonymisation key %s (mode 0600)\nfingerprint: %s\n", cli_esc(argv[optind]), fp);
	return HAVEN_OK;
}

haven_status cmd_missing_import(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"source", required_argument, NULL, 's'},    {"key", required_argument, NULL, 'k'},
	    {"skip-invalid", no_argument, NULL, 'i'},    {"rejects", required_argument, NULL, 'r'},
	    {"tolerance", required_argument, NULL, 't'}, {NULL, 0, NULL, 0}};
	haven_missing_opts o = {0};
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 's')
			o.source = optarg;
		else if (c == 'k')
			o.key = optarg;
		else if (c == 'i')
			o.skip_invalid = 1;
		else if (c == 'r')
			o.rejects = optarg;
		else if (c == 't') {
			char *end;
			o.tolerance_h = strtod(optarg, &end);
			if (end == optarg || *end || o.tolerance_h <= 0) {
				fprintf(stderr, "haven: --tolerance wants a number of hours above 0\n");
				return HAVEN_ERR_USAGE;
			}
		} else
			return cli_usage();
	}
	if (cli_positional(argc, 2) || !o.source || !o.key)
		return cli_usage();
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	const char *file = argv[optind + 1];
	haven_missing_report r;
	if ((st = haven_missing_import(ctx, file, &o, &r)))
		return st;
	if (r.noop)
		printf("%s: no report changed (%lld rows, %lld unchanged); nothing written\n", cli_esc(file),
		       (long long)r.rows, (long long)r.unchanged);
	else
		printf("%s: %lld rows: %lld added, %lld superseded, %lld unchanged\n", cli_esc(file), (long long)r.rows,
		       (long long)r.added, (long long)r.superseded, (long long)r.unchanged);
	if (r.rejected)
		printf("  %lld rows rejected, written with the reasons to %s\n", (long long)r.rejected,
		       cli_esc(o.rejects));
	printf("  %lld episodes: %lld with both reports, %lld of them with a conflict\n", (long long)r.episodes,
	       (long long)r.both, (long long)r.conflicts);
	return HAVEN_OK;
}
