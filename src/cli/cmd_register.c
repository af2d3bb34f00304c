/*
 * cmd_register.c - haven register import, haven register changes,
 * haven register summary.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "haven/register.h"

haven_status cmd_register_import(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"received", required_argument, NULL, 'r'}, {"unsigned", no_argument, NULL, 'u'}, {NULL, 0, NULL, 0}};
	const char *received = NULL;
	unsigned flags = 0;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'r')
			received = optarg;
		else if (c == 'u')
			flags |= HAVEN_IMPORT_UNSIGNED;
		else
			return cli_usage();
	}
	if (cli_positional(argc, 2) || !received)
		return cli_usage();
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	const char *file = argv[optind + 1];
	haven_register_report r;
	if ((st = haven_register_import(ctx, file, received, flags, &r)))
		return st;
	if (r.noop) {
		printf("%s: already imported as the snapshot received %s (same SHA-256); nothing changed\n",
		       cli_esc(file), cli_esc(r.received));
		return HAVEN_OK;
	}
	printf("%s: snapshot received %s: %lld homes, %lld places%s\n", cli_esc(file), cli_esc(r.received),
	       (long long)r.homes, (long long)r.places,
	       r.verified            ? " (manifest verified)"
	       : r.admitted_unsigned ? " (UNSIGNED: admitted without a manifest)"
	                             : "");
	if (r.dropped)
		printf("  %lld homes outside this store's scope dropped, not imported\n", (long long)r.dropped);
	printf("  new %lld, reopened %lld, changed %lld, unchanged %lld, closed %lld\n", (long long)r.new_homes,
	       (long long)r.reopened, (long long)r.changed, (long long)r.unchanged, (long long)r.closed);
	printf("  %lld changes recorded, %lld new enforcement actions\n", (long long)r.changes,
	       (long long)r.enforcement);
	return HAVEN_OK;
}

haven_status cmd_register_changes(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"since", required_argument, NULL, 's'},
	                                     {"area", required_argument, NULL, 'a'},
	                                     CLI_FORMAT_OPTIONS,
	                                     {NULL, 0, NULL, 0}};
	const char *since = NULL, *area = NULL;
	haven_format fmt = HAVEN_FMT_TEXT;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 's')
			since = optarg;
		else if (c == 'a')
			area = optarg;
		else if (!cli_format_opt(c, &fmt))
			return cli_usage();
	}
	if (cli_positional(argc, 1))
		return HAVEN_ERR_USAGE;
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	haven_table *t = NULL;
	st = haven_register_changes(ctx, since, area, &t);
	return cli_write_table(ctx, st, t, fmt);
}

haven_status cmd_register_summary(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"by", required_argument, NULL, 'b'},
	                                     {"as-at", required_argument, NULL, 'd'},
	                                     CLI_FORMAT_OPTIONS,
	                                     {NULL, 0, NULL, 0}};
	const char *by = NULL, *as_at = NULL;
	haven_format fmt = HAVEN_FMT_TEXT;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'b')
			by = optarg;
		else if (c == 'd')
			as_at = optarg;
		else if (!cli_format_opt(c, &fmt))
			return cli_usage();
	}
	if (cli_positional(argc, 1) || !by)
		return cli_usage();
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	haven_table *t = NULL;
	st = haven_register_summary(ctx, by, as_at, &t);
	return cli_write_table(ctx, st, t, fmt);
}
