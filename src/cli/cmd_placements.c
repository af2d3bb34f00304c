/*
 * cmd_placements.c - haven placements import, locations, flows, capacity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "haven/placements.h"

haven_status cmd_placements_import(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"key", required_argument, NULL, 'k'},
	                                     {"skip-invalid", no_argument, NULL, 'i'},
	                                     {"rejects", required_argument, NULL, 'r'},
	                                     {NULL, 0, NULL, 0}};
	haven_placements_opts o = {0};
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'k')
			o.key = optarg;
		else if (c == 'i')
			o.skip_invalid = 1;
		else if (c == 'r')
			o.rejects = optarg;
		else
			return cli_usage();
	}
	if (cli_positional(argc, 2) || !o.key)
		return cli_usage();
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	const char *file = argv[optind + 1];
	haven_placements_report r;
	if ((st = haven_placements_import(ctx, file, &o, &r)))
		return st;
	if (r.noop)
		printf("%s: no placement changed (%lld rows, %lld unchanged); nothing written\n", cli_esc(file),
		       (long long)r.rows, (long long)r.unchanged);
	else
		printf("%s: %lld rows: %lld added, %lld updated, %lld unchanged\n"
		       "  origins: %lld from the postcode district, %lld the placing LA's point on surface (no "
		       "centre loaded for the LA), %lld the placing LA's population-weighted centre\n",
		       cli_esc(file), (long long)r.rows, (long long)r.added, (long long)r.updated,
		       (long long)r.unchanged, (long long)r.by_district, (long long)r.by_la_surface,
		       (long long)r.by_la_weighted);
	if (r.rejected)
		printf("  %lld rows rejected, written with the reasons to %s\n", (long long)r.rejected,
		       cli_esc(o.rejects));
	printf("  %lld placements of %lld children held\n", (long long)r.placements, (long long)r.children);
	return HAVEN_OK;
}

typedef haven_status (*measure_fn)(haven_ctx *ctx, const haven_placements_query *q, haven_table **out);

/* The options every measure takes (--as-at, --from, --to, --csv, --json),
 * and those of one: --by (locations), --level and --top (flows), --net. */
enum { O_BY = 1, O_FLOWS = 2, O_PERIOD = 4 };

static haven_status measure(haven_ctx *ctx, int argc, char **argv, unsigned what, measure_fn fn)
{
	static const struct option opts[] = {{"as-at", required_argument, NULL, 'a'},
	                                     {"from", required_argument, NULL, 's'},
	                                     {"to", required_argument, NULL, 't'},
	                                     {"by", required_argument, NULL, 'b'},
	                                     {"level", required_argument, NULL, 'l'},
	                                     {"top", required_argument, NULL, 'n'},
	                                     {"net", no_argument, NULL, 'N'},
	                                     CLI_FORMAT_OPTIONS,
	                                     {NULL, 0, NULL, 0}};
	haven_placements_query q = {0};
	haven_format fmt = HAVEN_FMT_TEXT;
	int c, net = 0;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'a')
			q.as_at = optarg;
		else if ((c == 's' || c == 't') && (what & O_PERIOD))
			*(c == 's' ? &q.from : &q.to) = optarg;
		else if (c == 'b' && (what & O_BY))
			q.by = optarg;
		else if (c == 'l' && (what & O_FLOWS))
			q.by = optarg;
		else if (c == 'N' && (what & O_FLOWS))
			net = 1;
		else if (c == 'n' && (what & O_FLOWS)) {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (end == optarg || *end || v < 1 || v > 1000000) {
				fprintf(stderr, "haven: --top wants a number of flows from 1\n");
				return HAVEN_ERR_USAGE;
			}
			q.top = (int)v;
		} else if (!cli_format_opt(c, &fmt))
			return cli_usage();
	}
	haven_status st = cli_positional(argc, 1);
	if (st || (st = cli_open_store(ctx, argv[optind])))
		return st;
	haven_table *t = NULL;
	st = (net ? haven_placements_net : fn)(ctx, &q, &t);
	return cli_write_table(ctx, st, t, fmt);
}

haven_status cmd_placements_locations(haven_ctx *ctx, int argc, char **argv)
{
	return measure(ctx, argc, argv, O_BY | O_PERIOD, haven_placements_locations);
}

haven_status cmd_placements_flows(haven_ctx *ctx, int argc, char **argv)
{
	return measure(ctx, argc, argv, O_FLOWS | O_PERIOD, haven_placements_flows);
}

haven_status cmd_placements_capacity(haven_ctx *ctx, int argc, char **argv)
{
	return measure(ctx, argc, argv, 0, haven_placements_capacity);
}
