/*
 * commands.c - the table of haven subcommands.  'haven help' prints from it.
 * Keep it grouped by what users do, in the order of the pipeline.
 */
#include "cli.h"

haven_status cmd_init(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_info(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_gazetteer_load(haven_ctx *ctx, int argc, char **argv);

const cli_cmd cli_commands[] = {
	{"init", "STORE --owner-kind KIND --owner-code CODE [--owner-name NAME]",
	 "create a new store (SpatiaLite, EPSG:27700, OFFICIAL-SENSITIVE, file mode 0600)",
	 "  --owner-kind KIND   police, la, occ, dfe, probation or hmci\n"
	 "  --owner-code CODE   the owning authority's code (ONS GSS code for police and LAs)\n"
	 "  --owner-name NAME   its name (defaults to the code)\n",
	 cmd_init},
	{"info", "STORE [--json]", "summarise what a store holds",
	 "  --json   print the summary as a JSON object\n", cmd_info},
	{"gazetteer load", "STORE FILE [--uprn] [--postcode-field F] [--east-field F --north-field F] "
	 "[--lat-field F --lon-field F]",
	 "replace the postcode or UPRN gazetteer (ONSPD, NSPL, OS Open UPRN; CSV or .csv.gz)",
	 "  --uprn                 the file is OS Open UPRN style (UPRN, X_COORDINATE, Y_COORDINATE);\n"
	 "                         automatic when there is a UPRN column\n"
	 "  --postcode-field F     the postcode column (default: pcd, pcds, pcd2 or postcode)\n"
	 "  --east-field F         BNG easting column, with --north-field (default: oseast1m, easting, x)\n"
	 "  --north-field F        BNG northing column (default: osnrth1m, northing, y)\n"
	 "  --lat-field F          WGS84 latitude column, with --lon-field (default: lat, latitude)\n"
	 "  --lon-field F          WGS84 longitude column (default: long, lon, longitude)\n"
	 "Grid references are preferred to latitude/longitude when a file has both.  Local authority\n"
	 "(oscty or cty, else oslaua, laua or LADyyCD), police force area (pfa) and termination date\n"
	 "(doterm) are read when present.  Rows without a grid reference are kept and counted.\n"
	 "See docs/gazetteer.md.\n",
	 cmd_gazetteer_load},
};

const size_t cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];
