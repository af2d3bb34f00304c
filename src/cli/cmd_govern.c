/*
 * cmd_govern.c - haven authority add|list|key add|key list, user add|list|disable,
 * purpose list, authorise.  Each runs as the acting user (CLI_ACTS).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

haven_status cmd_authority_add(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"kind", required_argument, NULL, 'k'},
	                                     {"code", required_argument, NULL, 'c'},
	                                     {"name", required_argument, NULL, 'n'},
	                                     {"area", required_argument, NULL, 'a'},
	                                     {NULL, 0, NULL, 0}};
	haven_authority_spec a = {.kind = NULL};
	cli_list areas = {NULL, 0};
	haven_status st = HAVEN_OK;
	int c;
	while (!st && (c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'k': a.kind = optarg; break;
		case 'c': a.code = optarg; break;
		case 'n': a.name = optarg; break;
		case 'a': st = cli_list_add(&areas, optarg); break;
		default: st = cli_usage();
		}
	}
	if (!st && (cli_positional(argc, 1) || !a.kind || !a.code || !a.name))
		st = cli_usage();
	if (!st)
		st = cli_open_store(ctx, argv[optind]);
	if (!st) {
		a.areas = (const char *const *)areas.items;
		a.n_areas = areas.n;
		st = haven_authority_add(ctx, &a);
	}
	if (!st)
		printf("registered authority %s (%s) \"%s\"\n", cli_esc(a.code), cli_esc(a.kind), cli_esc(a.name));
	cli_list_free(&areas);
	return st;
}

haven_status cmd_authority_rescope(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"authority", required_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
	const char *code = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'a')
			code = optarg;
		else
			return cli_usage();
	}
	if (cli_positional(argc, 1) || !code)
		return cli_usage();
	haven_status st = cli_open_store(ctx, argv[optind]);
	size_t added = 0, removed = 0;
	if (!st)
		st = haven_authority_rescope(ctx, code, &added, &removed);
	if (!st)
		printf("scope of authority %s recorded again: %zu local authorities added, %zu removed\n", cli_esc(code),
		       added, removed);
	return st;
}

haven_status cmd_authority_list(haven_ctx *ctx, int argc, char **argv)
{
	return cli_listing0(ctx, argc, argv, haven_authority_list);
}

haven_status cmd_authority_key_add(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"authority", required_argument, NULL, 'a'},
	                                     {"public-key", required_argument, NULL, 'p'},
	                                     {"label", required_argument, NULL, 'l'},
	                                     {NULL, 0, NULL, 0}};
	const char *authority = NULL, *key = NULL, *label = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'a': authority = optarg; break;
		case 'p': key = optarg; break;
		case 'l': label = optarg; break;
		default: return cli_usage();
		}
	}
	if (cli_positional(argc, 1) || !authority || !key)
		return cli_usage();
	haven_status st = cli_open_store(ctx, argv[optind]);
	int64_t id = 0;
	if (!st)
		st = haven_authority_key_add(ctx, authority, key, label, &id);
	if (!st)
		printf("recorded key %lld of %s\n", (long long)id, cli_esc(authority));
	return st;
}

haven_status cmd_authority_key_list(haven_ctx *ctx, int argc, char **argv)
{
	return cli_listing(ctx, argc, argv, "authority", haven_authority_key_list);
}

haven_status cmd_user_add(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
	                                     {"authority", required_argument, NULL, 'a'},
	                                     {"role", required_argument, NULL, 'r'},
	                                     {"key-file", required_argument, NULL, 'k'},
	                                     {"default-purpose", required_argument, NULL, 'p'},
	                                     {NULL, 0, NULL, 0}};
	haven_user_spec u = {.name = NULL};
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'n': u.name = optarg; break;
		case 'a': u.authority = optarg; break;
		case 'r': u.role = optarg; break;
		case 'k': u.key_file = optarg; break;
		case 'p': u.default_purpose = optarg; break;
		default: return cli_usage();
		}
	}
	if (cli_positional(argc, 1) || !u.name || !u.authority || !u.role)
		return cli_usage();
	haven_status st = cli_open_store(ctx, argv[optind]);
	char *path = NULL, pub[HAVEN_PUBKEY_B64];
	if (!st)
		st = haven_user_add(ctx, &u, &path, pub);
	if (!st) {
		printf("added user %s, %s of %s\n", cli_esc(u.name), cli_esc(u.role), cli_esc(u.authority));
		if (path)
			printf("wrote their secret key %s (mode 0600): give it to them alone\npublic key: %s\n",
			       cli_esc(path), pub);
	}
	haven_free(path);
	return st;
}

haven_status cmd_user_list(haven_ctx *ctx, int argc, char **argv)
{
	return cli_listing0(ctx, argc, argv, haven_user_list);
}

haven_status cmd_user_disable(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{NULL, 0, NULL, 0}};
	if (cli_getopt(argc, argv, "", opts) != -1 || cli_positional(argc, 2))
		return cli_usage();
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (!st)
		st = haven_user_disable(ctx, argv[optind + 1]);
	if (!st)
		printf("disabled user %s\n", cli_esc(argv[optind + 1]));
	return st;
}

haven_status cmd_purpose_list(haven_ctx *ctx, int argc, char **argv)
{
	return cli_listing(ctx, argc, argv, "kind", haven_purpose_list);
}

haven_status cmd_authorise(haven_ctx *ctx, int argc, char **argv)
{
	/* --reason is the authorisation's own reason here: main keeps it in
	 * argv because the synopsis names it. */
	static const struct option opts[] = {
	    {"key", required_argument, NULL, 'k'},     {"for", required_argument, NULL, 'f'},
	    {"use", required_argument, NULL, 'u'},     {"reason", required_argument, NULL, 'r'},
	    {"expires", required_argument, NULL, 'e'}, {NULL, 0, NULL, 0}};
	haven_authorise_opts o = {.key_file = NULL};
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'k': o.key_file = optarg; break;
		case 'f': o.user = optarg; break;
		case 'u': o.use = optarg; break;
		case 'r': o.reason = optarg; break;
		case 'e': o.expires = optarg; break;
		default: return cli_usage();
		}
	}
	if (cli_positional(argc, 1) || !o.key_file || !o.user || !o.use || !o.reason)
		return cli_usage();
	/* The senior acts under their own purpose; the reason given is the
	 * authorisation's, not a justification of the senior's own use. */
	cli_act.reason = NULL;
	haven_status st = cli_open_store(ctx, argv[optind]);
	int64_t id = 0;
	if (!st)
		st = haven_authorise(ctx, &o, &id);
	if (!st)
		printf("%lld\n", (long long)id);
	return st;
}
