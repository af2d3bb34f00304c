/*
 * cmd_cluster.c - haven cluster (and haven missing clusters).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "haven/cluster.h"

/* A positive number of metres or days from the command line; 0 on error
 * (printed). */
static int positive(const char *what, const char *s, double *v)
{
	char *end;
	*v = strtod(s, &end);
	if (end == s || *end || !isfinite(*v) || *v <= 0) {
		fprintf(stderr, "haven: %s '%s' is not a number above 0\n", what, cli_esc(s));
		return 0;
	}
	return 1;
}

static int min_points(const char *s, int *v)
{
	uint64_t u;
	if (!cli_parse_uint(s, 1000000, &u) || u < 1) {
		fprintf(stderr, "haven: --min-points '%s' is not a whole number from 1 to 1000000\n", cli_esc(s));
		return 0;
	}
	*v = (int)u;
	return 1;
}

haven_status cmd_cluster(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"points", required_argument, NULL, 'p'}, {"x", required_argument, NULL, 'x'},
	    {"y", required_argument, NULL, 'y'},      {"id", required_argument, NULL, 'i'},
	    {"t", required_argument, NULL, 't'},      {"days", required_argument, NULL, 'd'},
	    {"eps", required_argument, NULL, 'e'},    {"min-points", required_argument, NULL, 'm'},
	    {"crs", required_argument, NULL, 'c'},    {"out", required_argument, NULL, 'o'},
	    {"force", no_argument, NULL, 'F'},        {NULL, 0, NULL, 0}};
	haven_cluster_opts o = {0};
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'p')
			o.points = optarg;
		else if (c == 'x')
			o.x = optarg;
		else if (c == 'y')
			o.y = optarg;
		else if (c == 'i')
			o.id = optarg;
		else if (c == 't')
			o.t = optarg;
		else if (c == 'd') {
			if (!positive("--days", optarg, &o.days))
				return HAVEN_ERR_USAGE;
		} else if (c == 'e') {
			if (!positive("--eps", optarg, &o.eps))
				return HAVEN_ERR_USAGE;
		} else if (c == 'm') {
			if (!min_points(optarg, &o.min_points))
				return HAVEN_ERR_USAGE;
		} else if (c == 'c')
			o.crs = optarg;
		else if (c == 'o')
			o.out = optarg;
		else if (c == 'F')
			o.force = 1;
		else
			return cli_usage();
	}
	if (cli_positional(argc, 0) || !o.points || !o.x || !o.y || !o.out || !(o.eps > 0) || !o.min_points)
		return cli_usage();
	if (!o.t != !(o.days > 0)) {
		fprintf(stderr, "haven: --t and --days go together\n");
		return HAVEN_ERR_USAGE;
	}
	haven_cluster_summary s;
	haven_status st = haven_cluster_file(ctx, &o, &s);
	if (st)
		return st;
	if (!cli_quiet)
		fprintf(stderr, "%lld points: %lld clusters; %lld core, %lld border, %lld noise; wrote %s\n",
		        (long long)s.points, (long long)s.clusters, (long long)s.core, (long long)s.border,
		        (long long)s.noise, cli_esc(o.out));
	return HAVEN_OK;
}

haven_status cmd_missing_clusters(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"of", required_argument, NULL, 'o'},
	                                     {"eps", required_argument, NULL, 'e'},
	                                     {"min-points", required_argument, NULL, 'm'},
	                                     {"days", required_argument, NULL, 'd'},
	                                     {"from", required_argument, NULL, 's'},
	                                     {"to", required_argument, NULL, 't'},
	                                     {"table", required_argument, NULL, 'T'},
	                                     {"layer", required_argument, NULL, 'l'},
	                                     {"format", required_argument, NULL, 'f'},
	                                     {"force", no_argument, NULL, 'F'},
	                                     CLI_FORMAT_OPTIONS,
	                                     {NULL, 0, NULL, 0}};
	haven_missing_clusters_opts o = {0};
	const char *table = "clusters", *layer = NULL;
	haven_format fmt = HAVEN_FMT_TEXT;
	int force = 0, c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'o')
			o.of = optarg;
		else if (c == 'e') {
			if (!positive("--eps", optarg, &o.eps))
				return HAVEN_ERR_USAGE;
		} else if (c == 'm') {
			if (!min_points(optarg, &o.min_points))
				return HAVEN_ERR_USAGE;
		} else if (c == 'd') {
			if (!positive("--days", optarg, &o.days))
				return HAVEN_ERR_USAGE;
		} else if (c == 's')
			o.from = optarg;
		else if (c == 't')
			o.to = optarg;
		else if (c == 'T')
			table = optarg;
		else if (c == 'l')
			layer = optarg;
		else if (c == 'F')
			force = 1;
		else if (c == 'f') {
			if (!cli_format_value(optarg, &fmt))
				return HAVEN_ERR_USAGE;
		} else if (!cli_format_opt(c, &fmt))
			return cli_usage();
	}
	if (cli_positional(argc, 1) || !o.of || !(o.eps > 0) || !o.min_points)
		return cli_usage();
	int which = strcmp(table, "clusters") == 0 ? 0
	            : strcmp(table, "points") == 0 ? 1
	            : strcmp(table, "areas") == 0  ? 2
	                                           : -1;
	if (which < 0) {
		fprintf(stderr, "haven: --table '%s': use clusters, points or areas\n", cli_esc(table));
		return HAVEN_ERR_USAGE;
	}
	const char *lfmt = cli_layer_format(layer);
	if (layer && (!lfmt || which == 2)) {
		fprintf(stderr, "haven: --layer FILE.geojson or FILE.gpkg, of the clusters' hulls or the points\n");
		return HAVEN_ERR_USAGE;
	}
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	haven_table *t = NULL;
	st = haven_missing_clusters(ctx, &o, which == 0 ? &t : NULL, which == 1 ? &t : NULL, which == 2 ? &t : NULL);
	if (!st)
		st = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR);
	if (!st)
		st = haven_table_write(ctx, t, fmt, stdout);
	if (!st && layer) {
		haven_export_opts e = {
		    .format = lfmt, .path = layer, .layer = which ? "points" : "clusters", .overwrite = force};
		st = haven_export_write(ctx, t, &e);
		if (!st && !cli_quiet)
			fprintf(stderr, "wrote %s\n", cli_esc(layer));
	}
	haven_table_free(t);
	return st;
}
