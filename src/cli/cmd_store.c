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

/* Print a JSON object as indented "key: value" lines; keys and text
 * values (the owner's name, the path, ...) are data, so escaped. */
static void print_obj(const cJSON *o, int depth)
{
	for (const cJSON *it = o->child; it; it = it->next) {
		printf("%*s%s:", depth * 2, "", cli_esc(it->string));
		if (cJSON_IsObject(it)) {
			printf(it->child ? "\n" : " none\n");
			print_obj(it, depth + 1);
		} else if (cJSON_IsString(it))
			printf(" %s\n", cli_esc(it->valuestring));
		else if (cJSON_IsNumber(it))
			printf(" %.15g\n", it->valuedouble);
		else
			printf("\n");
	}
}

haven_status cmd_info(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
	int json = 0, c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'j')
			json = 1;
		else
			return cli_usage();
	}
	if (cli_positional(argc, 1))
		return HAVEN_ERR_USAGE;
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	cJSON *info;
	if ((st = haven_store_info(ctx, &info)))
		return st;
	if (json) {
		char *s = cJSON_Print(info);
		if (s)
			printf("%s\n", s);
		cJSON_free(s);
	} else {
		print_obj(info, 0);
	}
	cJSON_Delete(info);
	return HAVEN_OK;
}
