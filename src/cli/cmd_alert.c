/*
 * cmd_alert.c - haven alert list: every open home in an area, for police
 * to alert (docs/alert.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "haven/alert.h"

haven_status cmd_alert_list(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"near", required_argument, NULL, 'n'},
	                                     {"radius", required_argument, NULL, 'r'},
	                                     {"area", required_argument, NULL, 'a'},
	                                     {"zone", required_argument, NULL, 'z'},
	                                     {"as-at", required_argument, NULL, 'd'},
	                                     {"format", required_argument, NULL, 'f'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {"force", no_argument, NULL, 'F'},
	                                     {NULL, 0, NULL, 0}};
	haven_alert_opts o = {0};
	haven_alert_format fmt = HAVEN_ALERT_TEXT;
	const char *out = NULL;
	int force = 0, c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'n') {
			/* two numbers are a point (E,N); anything else a postcode */
			if (!cli_parse_pair(optarg, &o.e, &o.n))
				o.postcode = optarg;
			else
				o.has_point = 1;
		} else if (c == 'r') {
			char *end;
			o.radius = strtod(optarg, &end);
			if (end == optarg || *end) {
				fprintf(stderr, "haven: --radius wants a number of metres, not '%s'\n",
				        cli_esc(optarg));
				return HAVEN_ERR_USAGE;
			}
		} else if (c == 'a')
			o.area = optarg;
		else if (c == 'z')
			o.zone = optarg;
		else if (c == 'd')
			o.as_at = optarg;
		else if (c == 'f') {
			if (strcmp(optarg, "text") == 0)
				fmt = HAVEN_ALERT_TEXT;
			else if (strcmp(optarg, "csv") == 0)
				fmt = HAVEN_ALERT_CSV;
			else if (strcmp(optarg, "vcf") == 0)
				fmt = HAVEN_ALERT_VCF;
			else {
				fprintf(stderr, "haven: --format '%s': use text, csv or vcf\n", cli_esc(optarg));
				return HAVEN_ERR_USAGE;
			}
		} else if (c == 'o')
			out = optarg;
		else if (c == 'F')
			force = 1;
		else
			return cli_usage();
	}
	haven_status st = cli_positional(argc, 1);
	if (!st && !!o.postcode + !!o.has_point + !!o.area + !!o.zone != 1) {
		fprintf(stderr, "haven: give one of --near PC|E,N (with --radius), --area CODE or --zone REF\n");
		st = HAVEN_ERR_USAGE;
	}
	if (!st)
		st = cli_open_store(ctx, argv[optind]);
	haven_table *t = NULL;
	if (!st)
		st = haven_alert_list(ctx, &o, &t);
	if (!st)
		st = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR);
	if (!st)
		st = haven_alert_write(ctx, t, fmt, out, force, stdout);
	if (!st && out && !cli_quiet)
		fprintf(stderr, "wrote %s: %zu homes\n", cli_esc(out), haven_table_nrows(ctx, t));
	haven_table_free(t);
	return st;
}
