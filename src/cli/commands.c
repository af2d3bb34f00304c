/*
 * commands.c - the table of haven subcommands.  'haven help' prints from it.
 * Keep it grouped by what users do, in the order of the pipeline.
 */
#include "cli.h"

haven_status cmd_init(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_info(haven_ctx *ctx, int argc, char **argv);

const cli_cmd cli_commands[] = {
	{"init", "STORE --owner-kind KIND --owner-code CODE [--owner-name NAME]",
	 "create a new store (SpatiaLite, EPSG:27700, OFFICIAL-SENSITIVE, file mode 0600)",
	 "  --owner-kind KIND   police, la, occ, dfe, probation or hmci\n"
	 "  --owner-code CODE   the owning authority's code (ONS GSS code for police and LAs)\n"
	 "  --owner-name NAME   its name (defaults to the code)\n",
	 cmd_init},
	{"info", "STORE [--json]", "summarise what a store holds",
	 "  --json   print the summary as a JSON object\n", cmd_info},
};

const size_t cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];
