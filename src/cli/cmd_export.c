/*
 * cmd_export.c - haven export, haven map.
 */
#include <string.h>

#include "cli.h"
#include "commands.h"

/* The options an export and a map share: what the aggregate is of. */
#define AGGREGATE_OPTIONS                                                                                              \
	{"geography", required_argument, NULL, 'g'}, {"as-at", required_argument, NULL, 'd'},                          \
	    {"from", required_argument, NULL, 'f'}, {"to", required_argument, NULL, 't'},                              \
	    {"threshold", required_argument, NULL, 'T'}, {"k-homes", required_argument, NULL, 'K'},                    \
	    {"out", required_argument, NULL, 'o'},                                                                     \
	{                                                                                                              \
		"force", no_argument, NULL, 'F'                                                                        \
	}

/* --top N: a number of flows from 1; 0 (printed) when it is not. */
static int top_opt(const char *arg)
{
	uint64_t v;
	if (cli_parse_uint(arg, 100000, &v) && v >= 1)
		return (int)v;
	fprintf(stderr, "haven: --top '%s' wants a number of flows from 1 to 100000\n", cli_esc(arg));
	return 0;
}

/* Parse one of AGGREGATE_OPTIONS into a; 1 if c was one, 0 if not, -1 on a
 * bad value (printed). */
static int aggregate_opt(int c, haven_aggregate_opts *a, const char **out, int *force)
{
	uint64_t v;
	switch (c) {
	case 'g': a->geography = optarg; return 1;
	case 'd': a->as_at = optarg; return 1;
	case 'f': a->from = optarg; return 1;
	case 't': a->to = optarg; return 1;
	case 'o': *out = optarg; return 1;
	case 'F': *force = 1; return 1;
	case 'T':
	case 'K':
		if (!cli_parse_uint(optarg, 1000, &v)) {
			fprintf(stderr, "haven: --%s '%s' is not a whole number up to 1000\n",
			        c == 'T' ? "threshold" : "k-homes", cli_esc(optarg));
			return -1;
		}
		*(c == 'T' ? &a->threshold : &a->k_homes) = (int)v;
		return 1;
	default: return 0;
	}
}

static void report(const char *what, const char *path, const haven_output_report *r)
{
	if (!cli_quiet)
		printf("wrote %s %s: %zu rows, %ld cells suppressed, %ld rounded\n", what, cli_esc(path), r->rows,
		       r->suppressed, r->rounded);
}

haven_status cmd_export(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {AGGREGATE_OPTIONS,
	                                     {"measures", required_argument, NULL, 'm'},
	                                     {"format", required_argument, NULL, 'x'},
	                                     {"layer", required_argument, NULL, 'l'},
	                                     {"crs", required_argument, NULL, 'c'},
	                                     {"level", required_argument, NULL, 'L'},
	                                     {"list-measures", no_argument, NULL, 'M'},
	                                     {"top", required_argument, NULL, 'N'},
	                                     CLI_FORMAT_OPTIONS,
	                                     {NULL, 0, NULL, 0}};
	haven_aggregate_opts a = {0};
	haven_export_opts e = {0};
	haven_format fmt = HAVEN_FMT_TEXT;
	cli_list measures = {0};
	int list = 0, c, r;
	haven_status st = HAVEN_OK;
	while (!st && (c = cli_getopt(argc, argv, "", opts)) != -1) {
		if ((r = aggregate_opt(c, &a, &e.path, &e.overwrite)) < 0)
			st = HAVEN_ERR_USAGE;
		else if (r)
			continue;
		else if (c == 'm')
			st = cli_list_add(&measures, optarg);
		else if (c == 'x')
			e.format = optarg;
		else if (c == 'l')
			e.layer = optarg;
		else if (c == 'c')
			e.crs = optarg;
		else if (c == 'L')
			e.level = optarg;
		else if (c == 'M')
			list = 1;
		else if (c == 'N')
			st = (e.top = top_opt(optarg)) ? HAVEN_OK : HAVEN_ERR_USAGE;
		else if (!cli_format_opt(c, &fmt))
			st = cli_usage();
	}
	if (!st && list) {
		haven_table *t = NULL;
		if (!(st = cli_positional(argc, 0))) {
			st = haven_measures(ctx, &t);
			st = cli_write_table(ctx, st, t, fmt);
		}
	} else if (!st && (cli_positional(argc, 1) || !a.geography || !e.format || !e.path))
		st = cli_usage();
	else if (!st && !(st = cli_open_store(ctx, argv[optind]))) {
		a.measures = (const char *const *)measures.items;
		a.n_measures = measures.n;
		haven_output_report rep;
		if (!(st = haven_export(ctx, &a, &e, &rep)))
			report(e.format, e.path, &rep);
	}
	cli_list_free(&measures);
	return st;
}

haven_status cmd_map(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {AGGREGATE_OPTIONS,
	                                     {"measure", required_argument, NULL, 'm'},
	                                     {"level", required_argument, NULL, 'L'},
	                                     {"classes", required_argument, NULL, 'k'},
	                                     {"nclasses", required_argument, NULL, 'n'},
	                                     {"title", required_argument, NULL, 'i'},
	                                     {"top", required_argument, NULL, 'N'},
	                                     {NULL, 0, NULL, 0}};
	haven_aggregate_opts a = {0};
	haven_map_opts m = {0};
	int c, r;
	uint64_t v;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if ((r = aggregate_opt(c, &a, &m.path, &m.overwrite)) < 0)
			return HAVEN_ERR_USAGE;
		if (r)
			continue;
		if (c == 'm')
			m.measure = optarg;
		else if (c == 'L')
			m.level = optarg;
		else if (c == 'k')
			m.classes = optarg;
		else if (c == 'i')
			m.title = optarg;
		else if (c == 'N') {
			if (!(m.top = top_opt(optarg)))
				return HAVEN_ERR_USAGE;
		} else if (c == 'n' && cli_parse_uint(optarg, 9, &v) && v >= 2)
			m.nclasses = (int)v;
		else if (c == 'n') {
			fprintf(stderr, "haven: --nclasses '%s': from 2 to 9\n", cli_esc(optarg));
			return HAVEN_ERR_USAGE;
		} else
			return cli_usage();
	}
	if (cli_positional(argc, 1) || !a.geography || !m.measure || !m.path)
		return cli_usage();
	haven_status st = cli_open_store(ctx, argv[optind]);
	haven_output_report rep;
	if (!st && !(st = haven_map(ctx, &a, &m, &rep)))
		report("map", m.path, &rep);
	return st;
}
