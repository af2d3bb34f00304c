/*
 * cmd_oversight.c - haven transparency report, haven complaint add|list|update,
 * haven erase.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

haven_status cmd_transparency(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"from", required_argument, NULL, 'f'},
	                                     {"to", required_argument, NULL, 't'},
	                                     {"checkpoint", required_argument, NULL, 'k'},
	                                     CLI_FORMAT_OPTIONS,
	                                     {NULL, 0, NULL, 0}};
	const char *from = NULL, *to = NULL, *cp_path = NULL;
	haven_format fmt = HAVEN_FMT_TEXT;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'f')
			from = optarg;
		else if (c == 't')
			to = optarg;
		else if (c == 'k')
			cp_path = optarg;
		else if (!cli_format_opt(c, &fmt))
			return cli_usage();
	}
	if (cli_positional(argc, 1) || !from || !to)
		return cli_usage();
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	char *cp = NULL;
	if (cp_path && (st = haven_audit_checkpoint_load(ctx, cp_path, &cp)))
		return st;
	haven_table *t = NULL;
	st = haven_transparency_report(ctx, from, to, cp, &t);
	haven_free(cp);
	return cli_write_table(ctx, st, t, fmt);
}

/* "3,7,12" -> a new array of audit sequence numbers; 0 on a bad list. */
static int parse_seqs(const char *s, int64_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!s)
		return 1;
	size_t cap = 1;
	for (const char *p = s; *p; p++)
		cap += *p == ',';
	int64_t *v = calloc(cap, sizeof *v);
	if (!v)
		return 0;
	const char *p = s;
	while (*p) {
		uint64_t x;
		char buf[32];
		size_t len = strcspn(p, ",");
		if (len == 0 || len >= sizeof buf) {
			free(v);
			return 0;
		}
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (!cli_parse_uint(buf, INT64_MAX, &x)) {
			free(v);
			return 0;
		}
		v[(*n)++] = (int64_t)x;
		p += len + (p[len] == ',');
	}
	*out = v;
	return 1;
}

haven_status cmd_complaint_add(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"about", required_argument, NULL, 'a'},
	                                     {"urn", required_argument, NULL, 'u'},
	                                     {"advocate", required_argument, NULL, 'v'},
	                                     {"summary", required_argument, NULL, 's'},
	                                     {"received", required_argument, NULL, 'r'},
	                                     {"audit", required_argument, NULL, 'e'},
	                                     {NULL, 0, NULL, 0}};
	haven_complaint cp = {0};
	const char *audit = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'a': cp.about = optarg; break;
		case 'u': cp.urn = optarg; break;
		case 'v': cp.advocate = optarg; break;
		case 's': cp.summary = optarg; break;
		case 'r': cp.received = optarg; break;
		case 'e': audit = optarg; break;
		default: return cli_usage();
		}
	}
	if (cli_positional(argc, 1) || !cp.about || !cp.summary)
		return cli_usage();
	int64_t *seqs;
	if (!parse_seqs(audit, &seqs, &cp.n_audit)) {
		fprintf(stderr, "haven complaint add: --audit wants audit sequence numbers like 3,7,12\n");
		return HAVEN_ERR_USAGE;
	}
	cp.audit_seqs = seqs;
	haven_status st = cli_open_store(ctx, argv[optind]);
	int64_t id = 0;
	if (!st)
		st = haven_complaint_add(ctx, &cp, &id);
	free(seqs);
	if (!st)
		printf("complaint %lld recorded (open)\n", (long long)id);
	return st;
}

haven_status cmd_complaint_update(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"status", required_argument, NULL, 's'},
	                                     {"outcome", required_argument, NULL, 'o'},
	                                     {"audit", required_argument, NULL, 'e'},
	                                     {NULL, 0, NULL, 0}};
	const char *status = NULL, *outcome = NULL, *audit = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 's')
			status = optarg;
		else if (c == 'o')
			outcome = optarg;
		else if (c == 'e')
			audit = optarg;
		else
			return cli_usage();
	}
	int64_t id;
	if (cli_positional(argc, 2) || !status)
		return cli_usage();
	if (!cli_parse_id("complaint id", argv[optind + 1], &id))
		return HAVEN_ERR_USAGE;
	int64_t *seqs;
	size_t n;
	if (!parse_seqs(audit, &seqs, &n)) {
		fprintf(stderr, "haven complaint update: --audit wants audit sequence numbers like 3,7,12\n");
		return HAVEN_ERR_USAGE;
	}
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (!st)
		st = haven_complaint_update(ctx, id, status, outcome, seqs, n);
	free(seqs);
	if (!st)
		printf("complaint %lld is now %s\n", (long long)id, cli_esc(status));
	return st;
}

haven_status cmd_complaint_list(haven_ctx *ctx, int argc, char **argv)
{
	return cli_listing(ctx, argc, argv, "status", haven_complaint_list);
}

haven_status cmd_erase(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"before", required_argument, NULL, 'b'}, {NULL, 0, NULL, 0}};
	const char *before = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'b')
			before = optarg;
		else
			return cli_usage();
	}
	if (cli_positional(argc, 1) || !before)
		return cli_usage();
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	haven_erase_report r;
	if ((st = haven_erase(ctx, before, &r)))
		return st;
	printf("erased disclosed data that expired before %s: %lld home versions, %lld change records, "
	       "%lld enforcement actions (recorded in the audit log)\n",
	       cli_esc(before), (long long)r.versions, (long long)r.changes, (long long)r.enforcement);
	return HAVEN_OK;
}
