/*
 * cmd_store.c - haven init, haven info.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

haven_status cmd_init(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"owner-kind", required_argument, NULL, 'k'},
	                                     {"owner-code", required_argument, NULL, 'c'},
	                                     {"owner-name", required_argument, NULL, 'n'},
	                                     {"owner-area", required_argument, NULL, 'a'},
	                                     {"admin", required_argument, NULL, 'u'},
	                                     {NULL, 0, NULL, 0}};
	haven_owner owner = {.kind = NULL};
	cli_list areas = {NULL, 0};
	int c;
	haven_status st = HAVEN_OK;
	while (!st && (c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'k': owner.kind = optarg; break;
		case 'c': owner.code = optarg; break;
		case 'n': owner.name = optarg; break;
		case 'a': st = cli_list_add(&areas, optarg); break;
		case 'u': owner.admin = optarg; break;
		default: st = cli_usage();
		}
	}
	if (!st && (cli_positional(argc, 1) || !owner.kind || !owner.code))
		st = cli_usage();
	char admin[HAVEN_USER_NAME_MAX + 1];
	if (!st && !owner.admin && !(st = haven_user_login_name(ctx, admin, sizeof admin)))
		owner.admin = admin;
	if (!st) {
		if (!owner.name)
			owner.name = owner.code;
		owner.areas = (const char *const *)areas.items;
		owner.n_areas = areas.n;
		st = haven_store_create(ctx, argv[optind], &owner);
	}
	if (!st) {
		printf("created %s (schema %d, %s, owner %s %s \"%s\")\n", cli_esc(argv[optind]),
		       haven_store_schema_version(), HAVEN_MARKING, cli_esc(owner.kind), cli_esc(owner.code),
		       cli_esc(owner.name));
		printf("first user: %s, admin of %s (act as them with --as %s or HAVEN_USER=%s)\n",
		       cli_esc(owner.admin), cli_esc(owner.code), cli_esc(owner.admin), cli_esc(owner.admin));
	}
	cli_list_free(&areas);
	return st;
}

haven_status cmd_info(haven_ctx *ctx, int argc, char **argv)
{
	return cli_listing0(ctx, argc, argv, haven_store_info);
}
