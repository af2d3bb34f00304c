/*
 * cmd_disclose.c - haven request add, confirm, withdraw, list, due, and
 * haven disclose extract: HMCI's side of the 2013 protocol.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "haven/disclose.h"

haven_status cmd_request_add(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"authority", required_argument, NULL, 'a'},
	                                     {"requester", required_argument, NULL, 'r'},
	                                     {"role", required_argument, NULL, 'o'},
	                                     {"date", required_argument, NULL, 'd'},
	                                     {"kind", required_argument, NULL, 'k'},
	                                     {"deliver-to", required_argument, NULL, 't'},
	                                     {NULL, 0, NULL, 0}};
	haven_request_opts o = {0};
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'a': o.authority = optarg; break;
		case 'r': o.requester = optarg; break;
		case 'o': o.role = optarg; break;
		case 'd': o.date = optarg; break;
		case 'k': o.kind = optarg; break;
		case 't': o.deliver_to = optarg; break;
		default: return cli_usage();
		}
	}
	if (cli_positional(argc, 1) || !o.authority || !o.requester || !o.role || !o.date || !o.kind || !o.deliver_to)
		return cli_usage();
	haven_status st = cli_open_store(ctx, argv[optind]);
	int64_t id = 0;
	if (!st)
		st = haven_disclose_request_add(ctx, &o, &id);
	if (!st)
		printf("request %lld recorded: %s request of %s, made %s by %s (%s)\n", (long long)id, cli_esc(o.kind),
		       cli_esc(o.authority), cli_esc(o.date), cli_esc(o.requester), cli_esc(o.role));
	return st;
}

haven_status cmd_request_confirm(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"date", required_argument, NULL, 'd'}, {"by", required_argument, NULL, 'b'}, {NULL, 0, NULL, 0}};
	const char *date = NULL, *by = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'd')
			date = optarg;
		else if (c == 'b')
			by = optarg;
		else
			return cli_usage();
	}
	int64_t id;
	if (cli_positional(argc, 2) || !date || !by)
		return cli_usage();
	if (!cli_parse_id("request id", argv[optind + 1], &id))
		return HAVEN_ERR_USAGE;
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (!st)
		st = haven_disclose_request_confirm(ctx, id, date, by);
	if (!st)
		printf("request %lld confirmed on %s by %s\n", (long long)id, cli_esc(date), cli_esc(by));
	return st;
}

haven_status cmd_request_withdraw(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"date", required_argument, NULL, 'd'}, {NULL, 0, NULL, 0}};
	const char *date = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'd')
			date = optarg;
		else
			return cli_usage();
	}
	int64_t id;
	if (cli_positional(argc, 2) || !date)
		return cli_usage();
	if (!cli_parse_id("request id", argv[optind + 1], &id))
		return HAVEN_ERR_USAGE;
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (!st)
		st = haven_disclose_request_withdraw(ctx, id, date);
	if (!st)
		printf("request %lld withdrawn on %s\n", (long long)id, cli_esc(date));
	return st;
}

haven_status cmd_request_list(haven_ctx *ctx, int argc, char **argv)
{
	return cli_listing0(ctx, argc, argv, haven_disclose_request_list);
}

haven_status cmd_request_due(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"within", required_argument, NULL, 'w'}, CLI_FORMAT_OPTIONS, {NULL, 0, NULL, 0}};
	haven_format fmt = HAVEN_FMT_TEXT;
	uint64_t within = 31;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'w') {
			if (!cli_parse_uint(optarg, 3660, &within)) {
				fprintf(stderr, "haven: --within '%s' is not a number of days from 0 to 3660\n",
				        optarg);
				return HAVEN_ERR_USAGE;
			}
		} else if (!cli_format_opt(c, &fmt)) {
			return cli_usage();
		}
	}
	if (cli_positional(argc, 1))
		return HAVEN_ERR_USAGE;
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	haven_table *t = NULL;
	st = haven_disclose_request_due(ctx, (int)within, &t);
	return cli_write_table(ctx, st, t, fmt);
}

haven_status cmd_disclose_extract(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"request", required_argument, NULL, 'r'},
	                                     {"key", required_argument, NULL, 'k'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {NULL, 0, NULL, 0}};
	const char *request = NULL, *key = NULL, *out = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'r': request = optarg; break;
		case 'k': key = optarg; break;
		case 'o': out = optarg; break;
		default: return cli_usage();
		}
	}
	int64_t id;
	if (cli_positional(argc, 1) || !request || !key || !out)
		return cli_usage();
	if (!cli_parse_id("request id", request, &id))
		return HAVEN_ERR_USAGE;
	haven_status st = cli_open_store(ctx, argv[optind]);
	haven_extract_report r;
	if (!st)
		st = haven_disclose_extract(ctx, id, key, out, &r);
	if (st)
		return st;
	printf("extract %lld for request %lld of %s: %lld homes, %lld places (register as at %s), %s\n",
	       (long long)r.extract_id, (long long)id, cli_esc(r.authority), (long long)r.homes, (long long)r.places,
	       cli_esc(r.register_as_at), HAVEN_MARKING);
	printf("  scope: %s\n", cli_esc(r.scope));
	printf("  wrote %s (SHA-256 %s) and %s.manifest, signed by %s\n", cli_esc(out), r.sha256, cli_esc(out),
	       r.public_key);
	if (r.fulfilled)
		printf("  the one-off request is now fulfilled\n");
	return HAVEN_OK;
}
