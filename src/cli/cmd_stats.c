/*
 * cmd_stats.c - haven stats import, list and value: parse the options, call
 * the library, print what it gives.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"

haven_status cmd_stats_import(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"dataset", required_argument, NULL, 'd'},
	                                     {"filter-column", required_argument, NULL, 'F'},
	                                     {"force", no_argument, NULL, 'f'},
	                                     {NULL, 0, NULL, 0}};
	haven_stats_opts o = {NULL, NULL, 0};
	cli_list cols = {NULL, 0};
	haven_status st = HAVEN_OK;
	int c;
	while (!st && (c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'd': o.dataset = optarg; break;
		case 'F': st = cli_list_add(&cols, optarg); break;
		case 'f': o.force = 1; break;
		default: st = cli_usage();
		}
	}
	/* The library takes the columns NULL-terminated. */
	const char **names = st ? NULL : calloc(cols.n + 1, sizeof *names);
	if (!st && !names) {
		fprintf(stderr, "haven: out of memory\n");
		st = HAVEN_ERR_NOMEM;
	}
	for (size_t i = 0; names && i < cols.n; i++)
		names[i] = cols.items[i];
	o.filter_cols = names;
	if (!st)
		st = cli_positional(argc, 2);
	const char *store = st ? NULL : argv[optind], *file = st ? NULL : argv[optind + 1];
	if (!st)
		st = cli_open_store(ctx, store);
	haven_stats_report r;
	if (!st && !(st = haven_stats_import(ctx, file, &o, &r))) {
		printf("loaded dataset %s from %s into %s\n", cli_esc(r.dataset), cli_esc(file), cli_esc(store));
		printf("rows read: %lld\n", (long long)r.rows_read);
		printf("indicators: %d\n", r.indicators);
		printf("filters: %d\n", r.filters);
		printf("figures: %lld\n", (long long)r.figures);
		printf("symbols: %lld\n", (long long)r.symbols);
		printf("replaced: %lld\n", (long long)r.replaced);
		printf("seconds: %.2f\n", r.seconds);
	}
	free(names);
	cli_list_free(&cols);
	return st;
}

haven_status cmd_stats_list(haven_ctx *ctx, int argc, char **argv)
{
	return cli_listing0(ctx, argc, argv, haven_stats_list);
}

haven_status cmd_stats_value(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"dataset", required_argument, NULL, 'd'}, {"indicator", required_argument, NULL, 'i'},
	    {"period", required_argument, NULL, 'p'},  {"area", required_argument, NULL, 'a'},
	    {"filter", required_argument, NULL, 'F'},  {NULL, 0, NULL, 0}};
	enum { MAX_FILTERS = 32 };
	const char *filters[MAX_FILTERS + 1] = {NULL};
	size_t n = 0;
	haven_stats_key k = {NULL, NULL, filters, NULL, NULL};
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'd': k.dataset = optarg; break;
		case 'i': k.indicator = optarg; break;
		case 'p': k.time_period = optarg; break;
		case 'a': k.area_code = optarg; break;
		case 'F':
			/* Not split at commas: a filter's value may hold one. */
			if (n == MAX_FILTERS) {
				fprintf(stderr, "haven stats value: more than %d filters\n", MAX_FILTERS);
				return HAVEN_ERR_USAGE;
			}
			filters[n++] = optarg;
			break;
		default: return cli_usage();
		}
	}
	if (cli_positional(argc, 1))
		return HAVEN_ERR_USAGE;
	if (!k.dataset || !k.indicator || !k.time_period || !k.area_code)
		return cli_usage();
	haven_status st = cli_open_store(ctx, argv[optind]);
	double v;
	char symbol[HAVEN_STATS_SYMBOL_MAX];
	if (!st && !(st = haven_stats_value(ctx, &k, &v, symbol))) {
		if (*symbol)
			printf("%s\n", symbol);
		else
			printf("%.15g\n", v);
	}
	return st;
}
