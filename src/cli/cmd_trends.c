/*
 * cmd_trends.c - haven missing trends, linkage, outliers and scorecard.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "haven/trends.h"

/* The options both commands take: --from, --to, --force and --format
 * text|csv|json (or --csv, --json); 1 when c was one of them. */
#define COMMON_OPTIONS                                                                                                 \
	{"from", required_argument, NULL, 's'}, {"to", required_argument, NULL, 't'},                                  \
	    {"format", required_argument, NULL, 'f'}, {"force", no_argument, NULL, 'F'}, CLI_FORMAT_OPTIONS

static int common_opt(int c, const char **from, const char **to, haven_format *fmt, int *force, haven_status *st)
{
	if (c == 's')
		*from = optarg;
	else if (c == 't')
		*to = optarg;
	else if (c == 'F')
		*force = 1;
	else if (c != 'f')
		return cli_format_opt(c, fmt);
	else if (!cli_format_value(optarg, fmt))
		*st = HAVEN_ERR_USAGE;
	return 1;
}

typedef haven_status (*chart_fn)(haven_ctx *ctx, const haven_table *t, const char *measure, const char *path,
                                 int overwrite);

/* Release t to the acting user, write it, then draw it with draw when chart
 * is set. */
static haven_status release_write(haven_ctx *ctx, haven_status st, haven_table *t, haven_format fmt, const char *chart,
                                  chart_fn draw, const char *measure, int force)
{
	if (!st)
		st = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR);
	if (!st)
		st = haven_table_write(ctx, t, fmt, stdout);
	if (!st && chart)
		st = draw(ctx, t, measure, chart, force);
	if (!st && chart && !cli_quiet)
		fprintf(stderr, "wrote %s\n", cli_esc(chart));
	haven_table_free(t);
	return st;
}

/* What trends and the scorecard take: --by, --area (trends only: a usage
 * error for the scorecard), --chart, --measure and the common options. */
typedef struct chart_args {
	const char *by, *area, *from, *to, *chart, *measure;
	haven_format fmt;
	int force;
} chart_args;

static haven_status parse_chart_args(int argc, char **argv, int with_area, chart_args *a)
{
	static const struct option opts[] = {
	    {"by", required_argument, NULL, 'b'},      {"chart", required_argument, NULL, 'c'},
	    {"measure", required_argument, NULL, 'm'}, COMMON_OPTIONS,
	    {"area", required_argument, NULL, 'a'},    {NULL, 0, NULL, 0}};
	memset(a, 0, sizeof *a);
	haven_status st = HAVEN_OK;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'b')
			a->by = optarg;
		else if (c == 'a' && with_area)
			a->area = optarg;
		else if (c == 'c')
			a->chart = optarg;
		else if (c == 'm')
			a->measure = optarg;
		else if (!common_opt(c, &a->from, &a->to, &a->fmt, &a->force, &st))
			return cli_usage();
		if (st)
			return st;
	}
	if (cli_positional(argc, 1) || (with_area && (!a->by || !a->area)))
		return cli_usage();
	return HAVEN_OK;
}

haven_status cmd_missing_trends(haven_ctx *ctx, int argc, char **argv)
{
	chart_args a;
	haven_status st = parse_chart_args(argc, argv, 1, &a);
	if (st || (st = cli_open_store(ctx, argv[optind])))
		return st;
	haven_trends_opts o = {.by = a.by, .area = a.area, .from = a.from, .to = a.to};
	haven_table *t = NULL;
	st = haven_trends(ctx, &o, &t);
	return release_write(ctx, st, t, a.fmt, a.chart, haven_trends_chart, a.measure, a.force);
}

haven_status cmd_missing_linkage(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"by", required_argument, NULL, 'b'},
	                                     {"area", required_argument, NULL, 'a'},
	                                     COMMON_OPTIONS,
	                                     {NULL, 0, NULL, 0}};
	haven_trends_opts o = {0};
	haven_format fmt = HAVEN_FMT_TEXT;
	int force = 0, c;
	haven_status st = HAVEN_OK;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'b')
			o.by = optarg;
		else if (c == 'a')
			o.area = optarg;
		else if (c == 'F' || !common_opt(c, &o.from, &o.to, &fmt, &force, &st))
			return cli_usage();
		if (st)
			return st;
	}
	if ((st = cli_positional(argc, 1)) || (st = cli_open_store(ctx, argv[optind])))
		return st;
	haven_table *t = NULL;
	st = haven_missing_linkage(ctx, &o, &t);
	return release_write(ctx, st, t, fmt, NULL, NULL, NULL, 0);
}

haven_status cmd_missing_outliers(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"inspection", no_argument, NULL, 'i'},
	                                     {"all", no_argument, NULL, 'A'},
	                                     {"funnel", required_argument, NULL, 'u'},
	                                     COMMON_OPTIONS,
	                                     {NULL, 0, NULL, 0}};
	haven_outliers_opts o = {0};
	haven_format fmt = HAVEN_FMT_TEXT;
	const char *funnel = NULL;
	int force = 0, c;
	haven_status st = HAVEN_OK;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'i')
			o.inspection = 1;
		else if (c == 'A')
			o.all = 1;
		else if (c == 'u')
			funnel = optarg;
		else if (!common_opt(c, &o.from, &o.to, &fmt, &force, &st))
			return cli_usage();
		if (st)
			return st;
	}
	if (cli_positional(argc, 1))
		return cli_usage();
	if ((st = cli_open_store(ctx, argv[optind])))
		return st;
	/* The funnel first: an aggregates-only audience gets its national line
	 * and limits, then the listing's refusal. */
	if (funnel) {
		if ((st = haven_trends_funnel(ctx, &o, funnel, force)))
			return st;
		if (!cli_quiet)
			fprintf(stderr, "wrote %s\n", cli_esc(funnel));
	}
	haven_table *t = NULL;
	st = haven_trends_outliers(ctx, &o, &t);
	return release_write(ctx, st, t, fmt, NULL, NULL, NULL, 0);
}

haven_status cmd_missing_scorecard(haven_ctx *ctx, int argc, char **argv)
{
	chart_args a;
	haven_status st = parse_chart_args(argc, argv, 0, &a);
	if (st || (st = cli_open_store(ctx, argv[optind])))
		return st;
	haven_scorecard_opts o = {.by = a.by, .from = a.from, .to = a.to};
	haven_table *t = NULL;
	st = haven_trends_scorecard(ctx, &o, &t);
	return release_write(ctx, st, t, a.fmt, a.chart, haven_trends_scorecard_chart, a.measure, a.force);
}
