/*
 * cmd_boundaries.c - haven boundaries load, haven boundaries centres, haven where.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

haven_status cmd_boundaries_load(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"kind", required_argument, NULL, 'k'},
	                                     {"code-field", required_argument, NULL, 'c'},
	                                     {"name-field", required_argument, NULL, 'n'},
	                                     {"source-crs", required_argument, NULL, 's'},
	                                     {"force", no_argument, NULL, 'f'},
	                                     {NULL, 0, NULL, 0}};
	haven_boundaries_opts o = {NULL, NULL, NULL, NULL, NULL, 0};
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'k': o.kind = optarg; break;
		case 'c': o.code_field = optarg; break;
		case 'n': o.name_field = optarg; break;
		case 's': o.source_crs = optarg; break;
		case 'f': o.force = 1; break;
		default: return cli_usage();
		}
	}
	if (cli_positional(argc, 2))
		return HAVEN_ERR_USAGE;
	if (!o.kind)
		return cli_usage();
	o.path = argv[optind + 1];
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	haven_boundaries_report r;
	if ((st = haven_boundaries_load(ctx, &o, &r)))
		return st;
	printf("loaded %lld %s areas from %s\n", (long long)r.features, cli_esc(o.kind), cli_esc(o.path));
	printf("  repaired:    %lld\n", (long long)r.repaired);
	printf("  code field:  %s\n", cli_esc(r.code_field));
	printf("  name field:  %s\n", cli_esc(r.name_field));
	printf("  source CRS:  %s\n", cli_esc(r.source_crs));
	printf("  seconds:     %.2f\n", r.seconds);
	return HAVEN_OK;
}

haven_status cmd_boundaries_centres(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"code-field", required_argument, NULL, 'c'},
	                                     {"x-field", required_argument, NULL, 'x'},
	                                     {"y-field", required_argument, NULL, 'y'},
	                                     {"source-crs", required_argument, NULL, 's'},
	                                     {"force", no_argument, NULL, 'f'},
	                                     {NULL, 0, NULL, 0}};
	haven_centres_opts o = {0};
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'c': o.code_field = optarg; break;
		case 'x': o.x_field = optarg; break;
		case 'y': o.y_field = optarg; break;
		case 's': o.source_crs = optarg; break;
		case 'f': o.force = 1; break;
		default: return cli_usage();
		}
	}
	if (cli_positional(argc, 2))
		return HAVEN_ERR_USAGE;
	if (!o.x_field != !o.y_field) {
		fprintf(stderr, "haven boundaries centres: --x-field and --y-field go together\n");
		return cli_usage();
	}
	o.path = argv[optind + 1];
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	haven_centres_report r;
	if ((st = haven_boundaries_centres(ctx, &o, &r)))
		return st;
	if (r.noop)
		printf("%s: the %lld LA centres held are these; nothing written\n", cli_esc(o.path),
		       (long long)r.centres);
	else
		printf("loaded %lld population-weighted LA centres from %s (of %lld LAs in the boundaries)\n",
		       (long long)r.centres, cli_esc(o.path), (long long)r.las);
	printf("  near:        %lld (outside their LA's polygon, within %.0f m of it)\n", (long long)r.near,
	       HAVEN_WHERE_NEAR_METRES);
	printf("  code field:  %s\n", cli_esc(r.code_field));
	printf("  point from:  %s\n", cli_esc(r.point_from));
	printf("  source CRS:  %s\n", cli_esc(r.source_crs));
	printf("  seconds:     %.2f\n", r.seconds);
	return HAVEN_OK;
}

/* haven where --points: the batch form, parsed by cmd_where. */
static haven_status where_points(haven_ctx *ctx, const char *store, haven_where_opts *o, const char *near)
{
	if (!o->x || !o->y || !o->kind || !o->out) {
		fprintf(stderr, "haven where: --points needs --x, --y, --kind and --out\n");
		return cli_usage();
	}
	o->near = -1;
	if (near) {
		char *end;
		o->near = strtod(near, &end);
		if (!*near || *end || !(o->near >= 0)) {
			fprintf(stderr, "haven where: --near '%s' is not a distance in metres\n", cli_esc(near));
			return cli_usage();
		}
	}
	haven_status st = cli_open_store(ctx, store);
	if (st)
		return st;
	haven_where_report r;
	if ((st = haven_where_points(ctx, o, &r)))
		return st;
	if (!cli_quiet)
		fprintf(stderr,
		        "wrote %s: %lld points, %lld inside an area, %lld nearest within %g m, %lld in none "
		        "(%.2f s)\n",
		        cli_esc(o->out), (long long)r.points, (long long)r.inside, (long long)r.nearest,
		        o->near < 0 ? HAVEN_WHERE_POINTS_NEAR : o->near, (long long)r.none, r.seconds);
	return HAVEN_OK;
}

haven_status cmd_where(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"point", required_argument, NULL, 'p'},
	                                     {"lonlat", required_argument, NULL, 'l'},
	                                     {"postcode", required_argument, NULL, 'P'},
	                                     {"points", required_argument, NULL, 'F'},
	                                     {"x", required_argument, NULL, 'x'},
	                                     {"y", required_argument, NULL, 'y'},
	                                     {"id", required_argument, NULL, 'i'},
	                                     {"kind", required_argument, NULL, 'k'},
	                                     {"crs", required_argument, NULL, 'c'},
	                                     {"near", required_argument, NULL, 'n'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {"force", no_argument, NULL, 'f'},
	                                     CLI_FORMAT_OPTIONS,
	                                     {NULL, 0, NULL, 0}};
	const char *point = NULL, *lonlat = NULL, *postcode = NULL, *near = NULL;
	haven_where_opts wo;
	memset(&wo, 0, sizeof wo);
	haven_format fmt = HAVEN_FMT_TEXT;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'p': point = optarg; break;
		case 'l': lonlat = optarg; break;
		case 'P': postcode = optarg; break;
		case 'F': wo.points = optarg; break;
		case 'x': wo.x = optarg; break;
		case 'y': wo.y = optarg; break;
		case 'i': wo.id = optarg; break;
		case 'k': wo.kind = optarg; break;
		case 'c': wo.crs = optarg; break;
		case 'n': near = optarg; break;
		case 'o': wo.out = optarg; break;
		case 'f': wo.force = 1; break;
		default:
			if (!cli_format_opt(c, &fmt))
				return cli_usage();
		}
	}
	if (cli_positional(argc, 1))
		return HAVEN_ERR_USAGE;
	if ((point != NULL) + (lonlat != NULL) + (postcode != NULL) + (wo.points != NULL) != 1) {
		fprintf(stderr, "haven where: give exactly one of --point E,N, --lonlat LON,LAT, --postcode PC and "
		                "--points FILE\n");
		return cli_usage();
	}
	if (wo.points && fmt != HAVEN_FMT_TEXT) {
		fprintf(stderr, "haven where: --points writes CSV to --out; --csv and --json are for one point\n");
		return cli_usage();
	}
	if (wo.points)
		return where_points(ctx, argv[optind], &wo, near);
	if (wo.x || wo.y || wo.id || wo.kind || wo.crs || near || wo.out || wo.force) {
		fprintf(stderr,
		        "haven where: --x, --y, --id, --kind, --crs, --near, --out and --force go with --points\n");
		return cli_usage();
	}
	double x = 0, y = 0;
	if (!postcode && !cli_parse_pair(point ? point : lonlat, &x, &y)) {
		fprintf(stderr, "haven where: '%s' is not two numbers separated by a comma\n",
		        cli_esc(point ? point : lonlat));
		return cli_usage();
	}
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	haven_table *t = NULL;
	st = postcode ? haven_boundaries_where_postcode(ctx, postcode, &t)
	     : point  ? haven_boundaries_where(ctx, x, y, &t)
	              : haven_boundaries_where_lonlat(ctx, x, y, &t);
	return cli_write_table(ctx, st, t, fmt);
}
