/*
 * cmd_audit.c - haven audit keygen, checkpoint, verify, export.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

haven_status cmd_audit_keygen(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{NULL, 0, NULL, 0}};
	if (cli_getopt(argc, argv, "", opts) != -1 || cli_positional(argc, 1))
		return cli_usage();
	char pub[HAVEN_PUBKEY_B64];
	haven_status st = haven_audit_keygen(ctx, argv[optind], pub);
	if (st)
		return st;
	printf("wrote secret key %s (mode 0600)\npublic key: %s\n", cli_esc(argv[optind]), pub);
	return HAVEN_OK;
}

haven_status cmd_audit_checkpoint(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"key", required_argument, NULL, 'k'},
	                                     {"previous", required_argument, NULL, 'p'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {NULL, 0, NULL, 0}};
	const char *key = NULL, *previous = NULL, *out = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'k': key = optarg; break;
		case 'p': previous = optarg; break;
		case 'o': out = optarg; break;
		default: return cli_usage();
		}
	}
	if (cli_positional(argc, 1) || !key)
		return cli_usage();
	haven_status st = cli_open_store(ctx, argv[optind]);
	char *prev = NULL, *text = NULL;
	if (!st && previous)
		st = haven_audit_checkpoint_load(ctx, previous, &prev);
	if (!st)
		st = haven_audit_checkpoint(ctx, key, prev, &text);
	if (!st && out) {
		st = haven_audit_checkpoint_save(ctx, out, text);
		if (!st) /* the note's second line is the tree size */
			printf("wrote checkpoint %s: %lld entries; keep it off this machine\n", cli_esc(out),
			       strtoll(text + strcspn(text, "\n") + 1, NULL, 10));
	} else if (!st) {
		fputs(text, stdout);
	}
	haven_free(prev);
	haven_free(text);
	return st;
}

haven_status cmd_audit_verify(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"checkpoint", required_argument, NULL, 'c'}, {NULL, 0, NULL, 0}};
	const char *cpfile = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'c')
			cpfile = optarg;
		else
			return cli_usage();
	}
	if (cli_positional(argc, 1))
		return HAVEN_ERR_USAGE;
	haven_status st = cli_open_store(ctx, argv[optind]);
	char *cp = NULL;
	if (!st && cpfile)
		st = haven_audit_checkpoint_load(ctx, cpfile, &cp);
	haven_audit_report r = {.first_bad = -1};
	if (!st)
		st = haven_audit_verify(ctx, cp, &r);
	haven_free(cp);
	if (st == HAVEN_ERR_TAMPER && r.first_bad >= 0)
		fprintf(stderr, "first bad entry: %lld\n", (long long)r.first_bad);
	if (st)
		return st;
	printf("audit log: %lld entries, root %s\n", (long long)r.entries, r.root);
	if (*r.key_id)
		printf("audit key recorded in the store: key ID %s\n", r.key_id);
	if (r.checkpoint_checked)
		printf("checkpoint: %lld entries, signed by key %s, consistent with the log (proof of %zu hashes)\n",
		       (long long)r.checkpoint_size, r.key_id, r.proof_hashes);
	else
		printf("no checkpoint given: the entries agree with their bytes and hashes, but only a kept "
		       "checkpoint shows they were not rewritten\n");
	return HAVEN_OK;
}

haven_status cmd_audit_export(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {"force", no_argument, NULL, 'F'},
	                                     {NULL, 0, NULL, 0}};
	haven_format fmt = HAVEN_FMT_JSON;
	const char *out = NULL;
	int force = 0, c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'f' && strcmp(optarg, "json") == 0)
			fmt = HAVEN_FMT_JSON;
		else if (c == 'f' && strcmp(optarg, "csv") == 0)
			fmt = HAVEN_FMT_CSV;
		else if (c == 'o')
			out = optarg;
		else if (c == 'F')
			force = 1;
		else
			return cli_usage();
	}
	if (cli_positional(argc, 1) || (force && !out))
		return cli_usage();
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (!st)
		st = out ? haven_audit_export_file(ctx, fmt, out, force) : haven_audit_export(ctx, fmt, stdout);
	return st;
}
