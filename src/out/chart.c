/*
 * chart.c - charts of children missing from care, drawn with Cairo on the
 * printed page maps use (page.c: files, lettering, marking, footer):
 *
 *   - trends: a measure of a released trends table (haven_trends) over its
 *     periods, one line per area for up to 12 areas (a legend beside), or
 *     small multiples of up to 48 areas on one scale;
 *   - the funnel plot of homes' episode rates per place against the
 *     reference rate with exact Poisson limits at 95% and 99.8%
 *     (analysis/missing_trends.c); the points are the homes of the table
 *     the gate released, and an audience that may see aggregates only gets
 *     the line and limits alone.
 *
 * A cell the gate suppressed ("c") or that holds no number is a gap in its
 * line, said under the chart.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/missing_trends.h"
#include "core/table.h"
#include "gate/gate.h"
#include "govern/scope.h"
#include "haven/gate.h"
#include "core/output.h"
#include "out/page.h"

#define PAGE_W 842.0 /* A4 landscape, in points */
#define PAGE_H 595.0
#define PNG_SCALE 2.0
#define MARGIN 36.0
#define PLOT_Y 96.0
#define PLOT_H (PAGE_H - PLOT_Y - 120.0)
#define MAX_LINES 12
#define MAX_PANELS 48

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

/* Twelve colours told apart by colour-blind readers: Paul Tol's "muted"
 * scheme and three of his "dark" (personal.sron.nl/~pault, free to use). */
static const unsigned line_colours[MAX_LINES] = {0x332288, 0x88CCEE, 0x44AA99, 0x117733, 0x999933, 0xDDCC77,
                                                 0xCC6677, 0x882255, 0xAA4499, 0x222255, 0x225555, 0x663333};

/* ---- axes -------------------------------------------------------------------- */

typedef struct frame {
	double x, y, w, h;     /* on the page */
	double x0, x1, y0, y1; /* the data shown */
} frame;

static double px(const frame *f, double v)
{
	return f->x + (v - f->x0) / (f->x1 - f->x0) * f->w;
}

static double py(const frame *f, double v)
{
	return f->y + f->h - (v - f->y0) / (f->y1 - f->y0) * f->h;
}

/* A round step giving about n ticks over span. */
static double nice_step(double span, int n)
{
	double raw = span / n, mag = pow(10, floor(log10(raw))), r = raw / mag;
	return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

static void tick_label(double v, double step, char *buf, size_t n)
{
	int decimals = step >= 1 ? 0 : (int)ceil(-log10(step));
	snprintf(buf, n, "%.*f", decimals > 4 ? 4 : decimals, v);
}

/* The frame, the y axis with its grid, its ticks (size 0: none) and its
 * label (NULL: none). */
static void y_axis(const hv_page *pg, cairo_t *cr, frame *f, const char *label, double size)
{
	double step = nice_step(f->y1 - f->y0 > 0 ? f->y1 - f->y0 : 1, 5);
	f->y1 = ceil(f->y1 / step) * step;
	if (f->y1 <= f->y0)
		f->y1 = f->y0 + step;
	hv_page_font(cr, pg->regular, size > 0 ? size : 5);
	cairo_set_line_width(cr, 0.4);
	for (double v = f->y0; v <= f->y1 + step / 2; v += step) {
		char buf[32];
		hv_page_colour(cr, 0xdddddd);
		cairo_move_to(cr, f->x, py(f, v));
		cairo_line_to(cr, f->x + f->w, py(f, v));
		cairo_stroke(cr);
		if (size <= 0)
			continue;
		hv_page_colour(cr, HV_PAGE_GREY_TEXT);
		tick_label(v, step, buf, sizeof buf);
		hv_page_text(cr, f->x - 4, py(f, v) + size / 3, HV_RIGHT, buf);
	}
	hv_page_colour(cr, HV_PAGE_INK);
	cairo_set_line_width(cr, 0.8);
	cairo_rectangle(cr, f->x, f->y, f->w, f->h);
	cairo_stroke(cr);
	if (label) {
		cairo_save(cr);
		cairo_translate(cr, f->x - 40, f->y + f->h / 2);
		cairo_rotate(cr, -M_PI / 2);
		hv_page_font(cr, pg->regular, fmax(size, 5) + 1);
		hv_page_text(cr, 0, 0, HV_CENTRE, label);
		cairo_restore(cr);
	}
}

/* The marking, the title and under it sub, then the period and scope of
 * released table t. */
static void head(const hv_page *pg, cairo_t *cr, const haven_table *t, const char *title, const char *sub)
{
	hv_page_marking(pg, cr, haven_table_marking(t));
	const char *period = haven_table_meta(t, "period"), *scope = haven_table_meta(t, "scope");
	char line[512];
	snprintf(line, sizeof line, "%s, %s%s%s", sub, period ? period : "", scope ? "; scope: " : "",
	         scope ? scope : "");
	hv_page_title(pg, cr, MARGIN, title, line);
}

/* ---- trends ------------------------------------------------------------------ */

typedef struct series {
	const char *code, *name; /* borrowed from the table */
	double *v;               /* per period; NAN: a gap */
} series;

typedef struct trend_chart {
	haven_ctx *ctx;
	const haven_table *t;
	const char *measure;
	const char **periods; /* borrowed labels, in order */
	size_t np;
	series *s;
	size_t ns, gaps;
	double max;
} trend_chart;

static void trend_free(trend_chart *c)
{
	for (size_t i = 0; i < c->ns; i++)
		free(c->s[i].v);
	free(c->s);
	free(c->periods);
}

/* The index of label among the periods, added when new (rows come in area
 * then period order, so the first area brings every period in order). */
static size_t period_index(trend_chart *c, const char *label, size_t cap)
{
	for (size_t i = 0; i < c->np; i++)
		if (strcmp(c->periods[i], label) == 0)
			return i;
	if (c->np == cap)
		return (size_t)-1;
	c->periods[c->np] = label;
	return c->np++;
}

/* The column of t named measure, which must hold counts or rates. */
static haven_status number_column(haven_ctx *ctx, const haven_table *t, const char *measure, int *col)
{
	*col = haven_table_find(t, measure);
	haven_role role = *col >= 0 ? haven_table_role(t, *col, NULL) : HAVEN_ROLE_NONE;
	if (role != HAVEN_ROLE_COUNT && role != HAVEN_ROLE_RATE)
		return hv_error(ctx, HAVEN_ERR_USAGE, "'%s' is not a number column of '%s'", measure,
		                haven_table_title(t));
	return HAVEN_OK;
}

static haven_status read_trends(trend_chart *c)
{
	haven_ctx *ctx = c->ctx;
	const haven_table *t = c->t;
	int pc = haven_table_find(t, "period"), ac = haven_table_find(t, "area_code"),
	    nc = haven_table_find(t, "area_name"), mc;
	if (pc < 0 || ac < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "'%s' is not a trends table (no period or area_code)",
		                haven_table_title(t));
	haven_status rc = number_column(ctx, t, c->measure, &mc);
	if (rc)
		return rc;
	size_t rows = haven_table_nrows(ctx, t);
	c->periods = malloc((rows ? rows : 1) * sizeof *c->periods);
	c->s = calloc(rows ? rows : 1, sizeof *c->s);
	if (!c->periods || !c->s)
		return nomem(ctx);
	for (size_t r = 0; r < rows; r++)
		period_index(c, haven_table_text(ctx, t, r, pc), rows);
	for (size_t r = 0; r < rows; r++) {
		const char *code = haven_table_text(ctx, t, r, ac);
		code = code ? code : "";
		series *s = c->ns ? &c->s[c->ns - 1] : NULL;
		if (!s || strcmp(s->code, code) != 0) {
			s = &c->s[c->ns++];
			s->code = code;
			s->name = nc >= 0 ? haven_table_text(ctx, t, r, nc) : NULL;
			if (!(s->v = malloc(c->np * sizeof *s->v)))
				return nomem(ctx);
			for (size_t p = 0; p < c->np; p++)
				s->v[p] = NAN;
		}
		size_t p = period_index(c, haven_table_text(ctx, t, r, pc), rows);
		haven_cell_type ty = haven_table_type(ctx, t, r, mc);
		if (ty == HAVEN_CELL_INT || ty == HAVEN_CELL_REAL) {
			s->v[p] = haven_table_real(ctx, t, r, mc);
			c->max = fmax(c->max, s->v[p]);
		} else
			c->gaps++;
	}
	return HAVEN_OK;
}

/* Period labels under the frame, thinned to about 12. */
static void x_labels(const hv_page *pg, cairo_t *cr, const trend_chart *c, const frame *f, double size, int every_max)
{
	size_t every = c->np / (size_t)every_max + 1;
	hv_page_colour(cr, HV_PAGE_GREY_TEXT);
	hv_page_font(cr, pg->regular, size);
	for (size_t p = 0; p < c->np; p += every)
		hv_page_text(cr, px(f, (double)p), f->y + f->h + size + 3, HV_CENTRE, c->periods[p]);
}

static void line(cairo_t *cr, const trend_chart *c, const series *s, const frame *f, double width)
{
	cairo_set_line_width(cr, width);
	int pen = 0;
	for (size_t p = 0; p < c->np; p++) {
		if (isnan(s->v[p])) {
			pen = 0;
			continue;
		}
		if (pen)
			cairo_line_to(cr, px(f, (double)p), py(f, s->v[p]));
		else
			cairo_move_to(cr, px(f, (double)p), py(f, s->v[p]));
		if (c->np == 1 || (!pen && (p + 1 == c->np || isnan(s->v[p + 1])))) /* a lone point */
			cairo_arc(cr, px(f, (double)p), py(f, s->v[p]), width, 0, 2 * M_PI);
		pen = 1;
	}
	cairo_stroke(cr);
}

static haven_status draw_trends(hv_page *pg, cairo_t *cr, void *arg)
{
	trend_chart *c = arg;
	head(pg, cr, c->t, haven_table_title(c->t), c->measure);
	double x1 = c->np > 1 ? (double)(c->np - 1) : 1;
	if (c->ns <= MAX_LINES) {
		frame f = {MARGIN + 50, PLOT_Y, PAGE_W - 2 * MARGIN - 50 - 190, PLOT_H, 0,
		           x1,          0,      c->max > 0 ? c->max : 1};
		y_axis(pg, cr, &f, c->measure, 8);
		x_labels(pg, cr, c, &f, 7.5, 12);
		for (size_t i = 0; i < c->ns; i++) {
			hv_page_colour(cr, line_colours[i]);
			line(cr, c, &c->s[i], &f, 1.6);
			/* the legend */
			double ly = PLOT_Y + 10 + 16 * (double)i;
			cairo_rectangle(cr, f.x + f.w + 16, ly - 7, 14, 8);
			cairo_fill(cr);
			hv_page_colour(cr, HV_PAGE_INK);
			hv_page_font(cr, pg->regular, 8);
			char label[160];
			snprintf(label, sizeof label, "%s%s%.40s", c->s[i].code, c->s[i].name ? " " : "",
			         c->s[i].name ? c->s[i].name : "");
			hv_page_text(cr, f.x + f.w + 36, ly, HV_LEFT, label);
		}
	} else {
		size_t n = c->ns < MAX_PANELS ? c->ns : MAX_PANELS;
		int cols = 8, rows = (int)((n + 7) / 8);
		double gw = (PAGE_W - 2 * MARGIN - 30) / cols, gh = PLOT_H / rows;
		for (size_t i = 0; i < n; i++) {
			frame f = {MARGIN + 30 + gw * (double)(i % 8),
			           PLOT_Y + gh * (double)(i / 8) + 10,
			           gw - 8,
			           gh - 22,
			           0,
			           x1,
			           0,
			           c->max > 0 ? c->max : 1};
			y_axis(pg, cr, &f, NULL, i % 8 ? 0 : 5); /* one scale: ticks in the first column */
			hv_page_colour(cr, line_colours[0]);
			line(cr, c, &c->s[i], &f, 0.9);
			hv_page_colour(cr, HV_PAGE_INK);
			hv_page_font(cr, pg->regular, 6);
			char label[64];
			snprintf(label, sizeof label, "%.28s", c->s[i].name ? c->s[i].name : c->s[i].code);
			hv_page_text(cr, f.x, f.y - 2, HV_LEFT, label);
		}
	}
	char note[256] = "";
	if (c->ns > MAX_PANELS)
		snprintf(note, sizeof note, "The first %d of %zu areas, by code. ", MAX_PANELS, c->ns);
	if (c->gaps)
		snprintf(note + strlen(note), sizeof note - strlen(note),
		         "%zu gaps: a value suppressed by disclosure control (c) or not available.", c->gaps);
	hv_page_colour(cr, HV_PAGE_GREY_TEXT);
	hv_page_font(cr, pg->regular, 7.5);
	hv_page_text(cr, MARGIN, PLOT_Y + PLOT_H + 34, HV_LEFT, note);
	hv_page_notes notes;
	const char *by = haven_table_meta(c->t, "by");
	char what[96];
	snprintf(what, sizeof what, "One point per %s (calendar, or April to March for a financial year)",
	         by ? by : "period");
	hv_page_notes_of(pg->ctx, c->t, what, 0, &notes);
	hv_page_footer(pg, cr, &notes, MARGIN, PAGE_W - 2 * MARGIN, PLOT_Y + PLOT_H + 48);
	return HAVEN_OK;
}

/* What every chart checks first: a released table t (NULL: none yet, the
 * funnel), a .png or .svg path free unless overwrite; *fmt its format. */
static haven_status check_path(haven_ctx *ctx, const haven_table *t, const char *path, int overwrite, int *fmt)
{
	hv_clear(ctx);
	if (t && haven_table_sealed(t))
		return hv_error(ctx, HAVEN_ERR_DENIED, "'%s' is sealed: release it first", haven_table_title(t));
	if ((*fmt = hv_page_format(path, 2)) < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "%s: a chart is a .png or .svg file", path ? path : "");
	return hv_output_vacant(ctx, path, overwrite ? NULL : "not replaced without --force");
}

haven_status haven_trends_chart(haven_ctx *ctx, const haven_table *t, const char *measure, const char *path,
                                int overwrite)
{
	int fmt;
	haven_status rc = check_path(ctx, t, path, overwrite, &fmt);
	if (rc)
		return rc;
	trend_chart c = {.ctx = ctx, .t = t, .measure = measure ? measure : "episodes"};
	if (!(rc = read_trends(&c)))
		rc = hv_page_write(ctx, path, fmt, overwrite, PAGE_W, PAGE_H, PNG_SCALE, haven_table_title(t),
		                   c.measure, haven_table_marking(t), draw_trends, &c);
	trend_free(&c);
	return rc;
}

/* ---- the funnel ---------------------------------------------------------------- */

typedef struct funnel {
	const haven_table *t; /* the released table drawn from */
	double rate;          /* the reference: episodes per place */
	double xmax, ymax;
	size_t n;
	double *places, *episodes; /* per home; none for an aggregates-only audience */
	int homes;                 /* the audience may see homes */
} funnel;

static void limit_curve(cairo_t *cr, const funnel *fu, const frame *f, double level, int upper)
{
	int pen = 0;
	for (int i = 1; i <= 200; i++) {
		double x = f->x1 * i / 200.0, lo, hi;
		hv_poisson_limits(fu->rate * x, level, &lo, &hi);
		double y = fmin((upper ? hi : lo) / x, f->y1);
		if (pen)
			cairo_line_to(cr, px(f, x), py(f, y));
		else
			cairo_move_to(cr, px(f, x), py(f, y));
		pen = 1;
	}
	cairo_stroke(cr);
}

static haven_status draw_funnel(hv_page *pg, cairo_t *cr, void *arg)
{
	funnel *fu = arg;
	char sub[128];
	snprintf(sub, sizeof sub, "Episodes per registered place against a reference of %.3f", fu->rate);
	head(pg, cr, fu->t, "Missing episodes per place by home, with Poisson control limits", sub);
	/* x ticks, the axis ending on the last */
	double step = nice_step(fu->xmax, 8);
	frame f = {MARGIN + 50, PLOT_Y,  PAGE_W - 2 * MARGIN - 50 - 190, PLOT_H, 0, ceil(fu->xmax / step) * step,
	           0,           fu->ymax};
	y_axis(pg, cr, &f, "episodes per place", 8);
	hv_page_font(cr, pg->regular, 8);
	hv_page_colour(cr, HV_PAGE_GREY_TEXT);
	for (double v = 0; v <= f.x1 + step / 2; v += step) {
		char buf[32];
		tick_label(v, step, buf, sizeof buf);
		hv_page_text(cr, px(&f, v), f.y + f.h + 11, HV_CENTRE, buf);
	}
	hv_page_text(cr, f.x + f.w / 2, f.y + f.h + 24, HV_CENTRE, "registered places (mean over the period)");
	cairo_save(cr);
	cairo_rectangle(cr, f.x, f.y, f.w, f.h);
	cairo_clip(cr);
	hv_page_colour(cr, HV_PAGE_INK);
	cairo_set_line_width(cr, 1.2);
	cairo_move_to(cr, f.x, py(&f, fu->rate));
	cairo_line_to(cr, f.x + f.w, py(&f, fu->rate));
	cairo_stroke(cr);
	static const double dash[] = {4, 3};
	hv_page_colour(cr, 0x4477aa);
	cairo_set_line_width(cr, 1);
	cairo_set_dash(cr, dash, 2, 0);
	limit_curve(cr, fu, &f, 0.95, 1);
	limit_curve(cr, fu, &f, 0.95, 0);
	cairo_set_dash(cr, NULL, 0, 0);
	hv_page_colour(cr, 0xcc3311);
	limit_curve(cr, fu, &f, 0.998, 1);
	limit_curve(cr, fu, &f, 0.998, 0);
	for (size_t i = 0; i < fu->n; i++) {
		double lo, hi, lo95, hi95;
		hv_poisson_limits(fu->rate * fu->places[i], 0.998, &lo, &hi);
		hv_poisson_limits(fu->rate * fu->places[i], 0.95, &lo95, &hi95);
		hv_page_colour(cr, fu->episodes[i] > hi ? 0xcc3311 : fu->episodes[i] > hi95 ? 0xee7733 : 0x777777);
		cairo_arc(cr, px(&f, fu->places[i]), py(&f, fmin(fu->episodes[i] / fu->places[i], f.y1)), 2.2, 0,
		          2 * M_PI);
		cairo_fill(cr);
	}
	cairo_restore(cr);
	/* the legend */
	double lx = f.x + f.w + 16, ly = PLOT_Y + 10;
	static const struct {
		unsigned colour;
		int dashed;
		const char *label;
	} keys[] = {{HV_PAGE_INK, 0, "reference rate"}, {0x4477aa, 1, "95% limits"}, {0xcc3311, 0, "99.8% limits"}};
	hv_page_font(cr, pg->regular, 8);
	for (size_t i = 0; i < 3; i++, ly += 16) {
		hv_page_colour(cr, keys[i].colour);
		cairo_set_dash(cr, dash, keys[i].dashed ? 2 : 0, 0);
		cairo_move_to(cr, lx, ly - 3);
		cairo_line_to(cr, lx + 18, ly - 3);
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
		hv_page_colour(cr, HV_PAGE_INK);
		hv_page_text(cr, lx + 24, ly, HV_LEFT, keys[i].label);
	}
	hv_page_colour(cr, HV_PAGE_GREY_TEXT);
	char note[160];
	if (fu->homes)
		snprintf(note, sizeof note, "%zu homes; red above the 99.8%% limit, orange above 95%%", fu->n);
	else
		snprintf(note, sizeof note, "Homes are not shown: this audience receives aggregates only");
	hv_page_wrapped(cr, lx, ly + 8, 170, 10, note);
	hv_page_notes notes;
	hv_page_notes_of(pg->ctx, fu->t, "Exact Poisson limits (chi-square/gamma)", 0, &notes);
	hv_page_footer(pg, cr, &notes, MARGIN, PAGE_W - 2 * MARGIN, PLOT_Y + PLOT_H + 40);
	return HAVEN_OK;
}

/* The funnel's data from the released table t: every home's places and
 * episodes, or the national row alone. */
static haven_status read_funnel(haven_ctx *ctx, funnel *fu)
{
	const haven_table *t = fu->t;
	int pc = haven_table_find(t, "places"), ec = haven_table_find(t, "episodes");
	size_t rows = haven_table_nrows(ctx, t);
	double te = 0, tp = 0;
	fu->places = malloc((rows ? rows : 1) * sizeof *fu->places);
	fu->episodes = malloc((rows ? rows : 1) * sizeof *fu->episodes);
	if (!fu->places || !fu->episodes)
		return nomem(ctx);
	for (size_t r = 0; r < rows; r++) {
		haven_cell_type a = haven_table_type(ctx, t, r, pc), b = haven_table_type(ctx, t, r, ec);
		if ((a != HAVEN_CELL_INT && a != HAVEN_CELL_REAL) || (b != HAVEN_CELL_INT && b != HAVEN_CELL_REAL))
			continue; /* suppressed or not available */
		double p = haven_table_real(ctx, t, r, pc), e = haven_table_real(ctx, t, r, ec);
		te += e;
		tp += p;
		if (fu->homes && p > 0) {
			fu->places[fu->n] = p;
			fu->episodes[fu->n++] = e;
			fu->xmax = fmax(fu->xmax, p);
			fu->ymax = fmax(fu->ymax, e / p);
		}
	}
	if (tp <= 0)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		                "no home in the scope had registered places in the period: there is no funnel to draw");
	fu->rate = te / tp;
	if (!fu->homes || fu->xmax <= 0)
		fu->xmax = 12; /* a children's home has a few places: most have 1 to 12 */
	fu->xmax = ceil(fu->xmax * 1.05);
	/* Up to the 99.8% limit of a home of one place, or three times the
	 * reference: a home open a few days of the period has a rate far above
	 * anything else, and is drawn at the top edge. */
	double lo, hi;
	hv_poisson_limits(fu->rate, 0.998, &lo, &hi);
	double top = fmax(hi * 1.1, fu->rate * 3);
	fu->ymax = fu->n ? fmin(fu->ymax * 1.05, top) : top; /* without homes: the line and its limits */
	if (fu->ymax <= 0)
		fu->ymax = 1;
	return HAVEN_OK;
}

haven_status haven_trends_funnel(haven_ctx *ctx, const haven_outliers_opts *o, const char *path, int overwrite)
{
	int fmt;
	haven_status rc = check_path(ctx, NULL, path, overwrite, &fmt);
	if (rc)
		return rc;
	funnel fu = {0};
	haven_table *t = NULL;
	haven_outliers_opts all = *o;
	all.all = 1;
	all.inspection = 0;
	/* Per-home points only for an audience that may see homes: the gate
	 * would refuse the table of homes to any other. */
	fu.homes = !hv_scope_aggregates_only(ctx);
	rc = fu.homes ? haven_trends_outliers(ctx, &all, &t) : hv_trends_national(ctx, &all, &t);
	if (!rc)
		rc = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR);
	fu.t = t;
	if (!rc)
		rc = read_funnel(ctx, &fu);
	if (!rc)
		rc = hv_page_write(ctx, path, fmt, overwrite, PAGE_W, PAGE_H, PNG_SCALE,
		                   "Funnel plot of missing episodes", haven_table_meta(t, "period"),
		                   haven_table_marking(t), draw_funnel, &fu);
	free(fu.places);
	free(fu.episodes);
	haven_table_free(t);
	return rc;
}

/* ---- the scorecard's ranked bars -------------------------------------------------- */

typedef struct bar {
	const char *label; /* borrowed from the table */
	double v;
} bar;

typedef struct ranked {
	const haven_table *t;
	const char *measure;
	bar *b;
	size_t n, gaps;
	double top; /* the first row's value, NAN when not a number */
	double max;
} ranked;

static int cmp_bar(const void *a, const void *b)
{
	const bar *x = a, *y = b;
	return (x->v < y->v) - (x->v > y->v);
}

static haven_status draw_ranked(hv_page *pg, cairo_t *cr, void *arg)
{
	ranked *r = arg;
	char sub[160];
	snprintf(sub, sizeof sub, "%s, highest first", r->measure);
	head(pg, cr, r->t, haven_table_title(r->t), sub);
	double row = fmin(12, (pg->h - PLOT_Y - 120) / (double)(r->n ? r->n : 1));
	double size = fmax(3, fmin(8, row * 0.8));
	frame f = {MARGIN + 150,
	           PLOT_Y,
	           pg->w - 2 * MARGIN - 160,
	           row * (double)(r->n ? r->n : 1),
	           0,
	           fmax(r->max, isnan(r->top) ? 0 : r->top) * 1.05,
	           0,
	           1};
	if (f.x1 <= 0)
		f.x1 = 1;
	hv_page_font(cr, pg->regular, size);
	for (size_t i = 0; i < r->n; i++) {
		double y = f.y + row * (double)i;
		hv_page_colour(cr, line_colours[0]);
		cairo_rectangle(cr, f.x, y + row * 0.1, px(&f, r->b[i].v) - f.x, row * 0.8);
		cairo_fill(cr);
		hv_page_colour(cr, HV_PAGE_INK);
		hv_page_text(cr, f.x - 4, y + row * 0.5 + size / 3, HV_RIGHT, r->b[i].label);
	}
	if (!isnan(r->top)) {
		hv_page_colour(cr, 0xcc3311);
		cairo_set_line_width(cr, 1.2);
		cairo_move_to(cr, px(&f, r->top), f.y - 4);
		cairo_line_to(cr, px(&f, r->top), f.y + f.h + 4);
		cairo_stroke(cr);
		char label[96];
		snprintf(label, sizeof label, "first row (England or the scope): %.1f", r->top);
		hv_page_font(cr, pg->regular, 8);
		hv_page_text(cr, px(&f, r->top), f.y - 8, HV_CENTRE, label);
	}
	double step = nice_step(f.x1, 6);
	hv_page_colour(cr, HV_PAGE_GREY_TEXT);
	hv_page_font(cr, pg->regular, 8);
	for (double v = 0; v <= f.x1 + step / 2; v += step) {
		char buf[32];
		tick_label(v, step, buf, sizeof buf);
		hv_page_text(cr, px(&f, v), f.y + f.h + 12, HV_CENTRE, buf);
	}
	char note[160] = "";
	if (r->gaps)
		snprintf(note, sizeof note, "%zu areas not shown: suppressed by disclosure control (c) or no value.",
		         r->gaps);
	hv_page_text(cr, MARGIN, f.y + f.h + 26, HV_LEFT, note);
	hv_page_notes notes;
	hv_page_notes_of(pg->ctx, r->t, "Ranked by value", 0, &notes);
	hv_page_footer(pg, cr, &notes, MARGIN, pg->w - 2 * MARGIN, f.y + f.h + 40);
	return HAVEN_OK;
}

haven_status haven_trends_scorecard_chart(haven_ctx *ctx, const haven_table *t, const char *measure, const char *path,
                                          int overwrite)
{
	int fmt;
	haven_status rc = check_path(ctx, t, path, overwrite, &fmt);
	if (rc)
		return rc;
	ranked r = {.t = t, .measure = measure ? measure : "ri_held_pct", .top = NAN};
	int mc, nc = haven_table_find(t, "area_name"), ac = haven_table_find(t, "area_code"),
	        lc = haven_table_find(t, "geographic_level");
	if ((rc = number_column(ctx, t, r.measure, &mc)))
		return rc;
	size_t rows = haven_table_nrows(ctx, t);
	if (!(r.b = malloc((rows ? rows : 1) * sizeof *r.b)))
		return nomem(ctx);
	for (size_t i = 0; i < rows; i++) {
		haven_cell_type ty = haven_table_type(ctx, t, i, mc);
		int number = ty == HAVEN_CELL_INT || ty == HAVEN_CELL_REAL;
		if (i == 0) { /* the first row: England or the scope */
			r.top = number ? haven_table_real(ctx, t, i, mc) : NAN;
			continue;
		}
		const char *level = lc >= 0 ? haven_table_text(ctx, t, i, lc) : NULL;
		if (level && strcmp(level, "la") != 0) /* an aggregates-only scorecard's regions: bars are LAs */
			continue;
		if (!number) {
			r.gaps++;
			continue;
		}
		const char *name = nc >= 0 ? haven_table_text(ctx, t, i, nc) : NULL;
		r.b[r.n].label = name ? name : haven_table_text(ctx, t, i, ac);
		r.b[r.n].v = haven_table_real(ctx, t, i, mc);
		r.max = fmax(r.max, r.b[r.n++].v);
	}
	qsort(r.b, r.n, sizeof *r.b, cmp_bar);
	/* portrait: a bar a line */
	rc = hv_page_write(ctx, path, fmt, overwrite, PAGE_H, PAGE_W, PNG_SCALE, haven_table_title(t), r.measure,
	                   haven_table_marking(t), draw_ranked, &r);
	free(r.b);
	return rc;
}
