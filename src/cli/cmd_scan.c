/*
 * cmd_scan.c - haven scan (an analyst's own SaTScan files) and haven
 * missing scan (the store's episodes): the space-time permutation scan.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "haven/scan.h"

/* The scan's options both commands take. */
#define SCAN_OPTIONS                                                                                                   \
	{"max-radius", required_argument, NULL, 'r'}, {"max-days", required_argument, NULL, 'd'},                      \
	    {"prospective", no_argument, NULL, 'P'}, {"replicates", required_argument, NULL, 'R'},                     \
	    {"seed", required_argument, NULL, 'S'}, {"min-cases", required_argument, NULL, 'm'},                       \
	    {"clusters", required_argument, NULL, 'k'}, CLI_FORMAT_OPTIONS

/* SaTScan's own default seed, so that a default run is repeatable. */
#define DEFAULT_SEED 12345678u

static void scan_defaults(haven_scan_opts *o)
{
	memset(o, 0, sizeof *o);
	o->max_radius = NAN;
	o->replicates = 999;
	o->seed = DEFAULT_SEED;
}

static int parse_metres(const char *what, const char *s, double *v)
{
	char *end = NULL;
	double x = strtod(s, &end);
	if (!*s || *end || !isfinite(x) || x < 0) {
		fprintf(stderr, "haven: %s '%s' is not a distance in metres\n", what, cli_esc(s));
		return 0;
	}
	*v = x;
	return 1;
}

/* 1 when c was a scan option (*st set on a bad value), else 0. */
static int scan_opt(int c, haven_scan_opts *o, haven_format *fmt, haven_status *st)
{
	uint64_t v = 0;
	const char *what = NULL;
	switch (c) {
	case 'r':
		if (!parse_metres("--max-radius", optarg, &o->max_radius))
			*st = HAVEN_ERR_USAGE;
		return 1;
	case 'P': o->prospective = 1; return 1;
	case 'd':
		if (cli_parse_uint(optarg, 36600, &v) && v >= 1)
			o->max_days = (int)v;
		else
			what = "--max-days (1 to 36600)";
		break;
	case 'R':
		if (cli_parse_uint(optarg, 999999, &v))
			o->replicates = (unsigned)v;
		else
			what = "--replicates (0 to 999999)";
		break;
	case 'S':
		if (cli_parse_uint(optarg, UINT64_MAX, &v))
			o->seed = v;
		else
			what = "--seed";
		break;
	case 'm':
		if (cli_parse_uint(optarg, 1000000, &v) && v >= 1)
			o->min_cases = (unsigned)v;
		else
			what = "--min-cases (1 to 1000000)";
		break;
	case 'k':
		if (cli_parse_uint(optarg, 100000, &v) && v >= 1)
			o->clusters = (unsigned)v;
		else
			what = "--clusters (1 to 100000)";
		break;
	default: return cli_format_opt(c, fmt);
	}
	if (what) {
		fprintf(stderr, "haven: %s: '%s' is not a whole number in range\n", what, cli_esc(optarg));
		*st = HAVEN_ERR_USAGE;
	}
	return 1;
}

haven_status cmd_scan(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"cases", required_argument, NULL, 'c'},
	                                     {"coordinates", required_argument, NULL, 'x'},
	                                     {"start", required_argument, NULL, 's'},
	                                     {"end", required_argument, NULL, 'e'},
	                                     {"latlong", no_argument, NULL, 'L'},
	                                     SCAN_OPTIONS,
	                                     {NULL, 0, NULL, 0}};
	haven_scan_opts o;
	scan_defaults(&o);
	const char *cases = NULL, *coords = NULL, *start = NULL, *end = NULL;
	int latlong = 0, c;
	haven_format fmt = HAVEN_FMT_TEXT;
	haven_status st = HAVEN_OK;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'c')
			cases = optarg;
		else if (c == 'x')
			coords = optarg;
		else if (c == 's')
			start = optarg;
		else if (c == 'e')
			end = optarg;
		else if (c == 'L')
			latlong = 1;
		else if (!scan_opt(c, &o, &fmt, &st))
			return cli_usage();
		if (st)
			return st;
	}
	if (cli_positional(argc, 0) || !cases || !coords || !start || !end || isnan(o.max_radius) || !o.max_days)
		return cli_usage();
	haven_table *t = NULL;
	st = haven_scan_files(ctx, cases, coords, start, end, latlong, &o, &t);
	return cli_write_table(ctx, st, t, fmt);
}

haven_status cmd_missing_scan(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"of", required_argument, NULL, 'o'},
	                                     {"cell", required_argument, NULL, 'g'},
	                                     {"from", required_argument, NULL, 'f'},
	                                     {"to", required_argument, NULL, 't'},
	                                     SCAN_OPTIONS,
	                                     {NULL, 0, NULL, 0}};
	haven_missing_scan_opts o = {0};
	scan_defaults(&o.scan);
	haven_format fmt = HAVEN_FMT_TEXT;
	haven_status st = HAVEN_OK;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'o')
			o.of = optarg;
		else if (c == 'g') {
			if (!parse_metres("--cell", optarg, &o.cell))
				return HAVEN_ERR_USAGE;
		} else if (c == 'f')
			o.from = optarg;
		else if (c == 't')
			o.to = optarg;
		else if (!scan_opt(c, &o.scan, &fmt, &st))
			return cli_usage();
		if (st)
			return st;
	}
	if (cli_positional(argc, 1) || isnan(o.scan.max_radius) || !o.scan.max_days)
		return cli_usage();
	if ((st = cli_open_store(ctx, argv[optind])))
		return st;
	haven_table *t = NULL;
	st = haven_missing_scan(ctx, &o, &t);
	return cli_write_table(ctx, st, t, fmt);
}
