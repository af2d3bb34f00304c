/*
 * page.c - a printed page drawn with Cairo: files, lettering, marking and
 * footer, shared by maps (map.c) and charts (chart.c).  page.h.
 */
#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/output.h"
#include "out/page.h"

int hv_page_format(const char *path, int n)
{
	static const char *const ext[] = {".png", ".svg", ".pdf"};
	const char *dot = path ? strrchr(path, '.') : NULL;
	for (int i = 0; dot && i < n && i < 3; i++)
		if (strcasecmp(dot, ext[i]) == 0)
			return i;
	return -1;
}

void hv_page_colour(cairo_t *cr, unsigned v)
{
	cairo_set_source_rgb(cr, (double)(v >> 16 & 0xff) / 255.0, (double)(v >> 8 & 0xff) / 255.0,
	                     (double)(v & 0xff) / 255.0);
}

char *hv_page_printable(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	haven_text_escape(f, s ? s : "");
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

void hv_page_font(cairo_t *cr, cairo_font_face_t *face, double size)
{
	cairo_set_font_face(cr, face);
	cairo_set_font_size(cr, size);
}

double hv_page_text_width(cairo_t *cr, const char *s)
{
	cairo_text_extents_t e;
	cairo_text_extents(cr, s, &e);
	return e.x_advance;
}

void hv_page_text(cairo_t *cr, double x, double y, int align, const char *s)
{
	char *p = hv_page_printable(s);
	if (!p)
		return;
	double w = hv_page_text_width(cr, p);
	cairo_move_to(cr, align == HV_LEFT ? x : align == HV_CENTRE ? x - w / 2 : x - w, y);
	cairo_show_text(cr, p);
	free(p);
}

/* s wrapped into lines at most w wide from baseline y, lead apart, drawn
 * when draw; returns the baseline after the last. */
static double wrap(cairo_t *cr, double x, double y, double w, double lead, const char *s, int draw)
{
	char *p = hv_page_printable(s);
	if (!p)
		return y;
	char *line = p;
	while (*line) {
		char *end = line, *fit = NULL;
		while (*end) {
			char *next = end + strcspn(end + 1, " ") + 1;
			char c = *next;
			*next = '\0';
			int ok = hv_page_text_width(cr, line) <= w;
			*next = c;
			if (!ok && fit)
				break;
			fit = end = next;
		}
		char c = *end;
		*end = '\0';
		if (draw) {
			cairo_move_to(cr, x, y);
			cairo_show_text(cr, line);
		}
		*end = c;
		y += lead;
		line = end + strspn(end, " ");
	}
	free(p);
	return y;
}

double hv_page_wrapped(cairo_t *cr, double x, double y, double w, double lead, const char *s)
{
	return wrap(cr, x, y, w, lead, s, 1);
}

double hv_page_wrapped_height(cairo_t *cr, double w, double lead, const char *s)
{
	return wrap(cr, 0, 0, w, lead, s, 0);
}

static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                     "July",    "August",   "September", "October", "November", "December"};

void hv_page_date_words(const char *iso, char *buf, size_t n)
{
	int y, mo, d;
	char tail;
	if (iso && sscanf(iso, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) >= 3 && mo >= 1 && mo <= 12)
		snprintf(buf, n, "%d %s %d", d, months[mo - 1], y);
	else
		snprintf(buf, n, "%s", iso ? iso : "");
}

void hv_page_title(const hv_page *pg, cairo_t *cr, double x, const char *title, const char *sub)
{
	hv_page_colour(cr, HV_PAGE_INK);
	/* 17 points, smaller (to 10) when that would not fit the page */
	double size = 17;
	char *p = hv_page_printable(title);
	for (hv_page_font(cr, pg->bold, size); p && size > 10 && hv_page_text_width(cr, p) > pg->w - 2 * x;)
		hv_page_font(cr, pg->bold, --size);
	free(p);
	hv_page_text(cr, x, 52, HV_LEFT, title);
	hv_page_colour(cr, HV_PAGE_GREY_TEXT);
	hv_page_font(cr, pg->regular, 10.5);
	hv_page_text(cr, x, 70, HV_LEFT, sub);
}

void hv_page_marking(const hv_page *pg, cairo_t *cr, const char *marking)
{
	if (!marking)
		return;
	hv_page_colour(cr, HV_PAGE_INK);
	hv_page_font(cr, pg->bold, 10);
	hv_page_text(cr, pg->w / 2, 22, HV_CENTRE, marking);
	hv_page_text(cr, pg->w / 2, pg->h - 12, HV_CENTRE, marking);
}

void hv_page_notes_of(haven_ctx *ctx, const haven_table *t, const char *what, int default_attribution, hv_page_notes *n)
{
	n->attribution = haven_table_meta(t, "attribution");
	/* The boundaries drawn on a map are ONS's, licensed on this condition. */
	if ((!n->attribution || !*n->attribution) && default_attribution)
		n->attribution = "Source: Office for National Statistics licensed under the Open Government Licence "
		                 "v.3.0. Contains OS data (c) Crown copyright and database right 2024.";
	n->rule[0] = '\0';
	const char *r = haven_table_meta(t, "disclosure_rule");
	if (r && *r) {
		const char *sup = haven_table_meta(t, "cells_suppressed"), *rnd = haven_table_meta(t, "cells_rounded");
		snprintf(n->rule, sizeof n->rule, "Disclosure control: %s.%s%s%s%s%s", r,
		         sup ? " Cells suppressed: " : "", sup ? sup : "",
		         rnd ? (sup ? "; rounded: " : " Cells rounded: ") : "", rnd ? rnd : "", sup || rnd ? "." : "");
	}
	const char *gen = haven_table_meta(t, "generated_at");
	char now[21], when[64], as_at[64];
	hv_format_time(hv_now(ctx), now);
	hv_page_date_words(gen && *gen ? gen : now, when, sizeof when);
	hv_page_date_words(haven_table_meta(t, "as_at"), as_at, sizeof as_at);
	const char *snaps = haven_table_meta(t, "source_snapshots");
	int has_snaps = snaps && *snaps;
	snprintf(n->dates, sizeof n->dates, "%s%s%s%s%s%s%s. Made %s by haven %s.", *as_at ? "Data as at " : "", as_at,
	         *as_at ? ". " : "", has_snaps ? "Register snapshots: " : "", has_snaps ? snaps : "",
	         has_snaps ? ". " : "", what, when, haven_version());
}

void hv_page_footer(const hv_page *pg, cairo_t *cr, const hv_page_notes *n, double x, double w, double top)
{
	hv_page_colour(cr, HV_PAGE_GREY_TEXT);
	hv_page_font(cr, pg->regular, 7);
	/* Set from the bottom up, so that it ends above the marking there
	 * however many lines it takes. */
	int has_attr = n->attribution && *n->attribution;
	double h = (has_attr ? hv_page_wrapped_height(cr, w, 9, n->attribution) : 0) +
	           hv_page_wrapped_height(cr, w, 9, n->dates) +
	           (*n->rule ? hv_page_wrapped_height(cr, w, 9, n->rule) : 0);
	double y = fmax(top, pg->h - 24 - h + 9);
	if (has_attr)
		y = hv_page_wrapped(cr, x, y, w, 9, n->attribution);
	if (*n->rule)
		y = hv_page_wrapped(cr, x, y, w, 9, n->rule);
	hv_page_wrapped(cr, x, y, w, 9, n->dates);
}

static cairo_status_t put(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* DejaVu Sans in style (Book, Bold), found through fontconfig. */
static haven_status load_font(haven_ctx *ctx, const char *style, cairo_font_face_t **out)
{
	char spec[64];
	snprintf(spec, sizeof spec, "DejaVu Sans:style=%s", style);
	FcPattern *p = FcNameParse((const FcChar8 *)spec), *match = NULL;
	FcResult res;
	FcChar8 *family = NULL;
	if (p && FcConfigSubstitute(NULL, p, FcMatchPattern)) {
		FcDefaultSubstitute(p);
		match = FcFontMatch(NULL, p, &res);
	}
	FcPatternDestroy(p);
	if (!match || FcPatternGetString(match, FC_FAMILY, 0, &family) != FcResultMatch ||
	    strcmp((const char *)family, "DejaVu Sans") != 0) {
		if (match)
			FcPatternDestroy(match);
		return hv_error(ctx, HAVEN_ERR_IO,
		                "no font DejaVu Sans %s: pages are lettered in it (Debian's "
		                "fonts-dejavu-core)",
		                style);
	}
	*out = cairo_ft_font_face_create_for_pattern(match);
	FcPatternDestroy(match);
	return HAVEN_OK;
}

haven_status hv_page_write(haven_ctx *ctx, const char *path, int fmt, int overwrite, double w, double h, double scale,
                           const char *title, const char *subject, const char *marking, hv_page_draw_fn draw, void *arg)
{
	hv_page pg = {.ctx = ctx, .w = w, .h = h};
	haven_status rc = load_font(ctx, "Book", &pg.regular);
	if (!rc)
		rc = load_font(ctx, "Bold", &pg.bold);
	hv_output out;
	if (!rc)
		rc = hv_output_open(ctx, path, overwrite ? NULL : "not replaced without --force", &out);
	if (rc) {
		if (pg.regular)
			cairo_font_face_destroy(pg.regular);
		if (pg.bold)
			cairo_font_face_destroy(pg.bold);
		return rc;
	}
	cairo_surface_t *s;
	if (fmt == HV_PAGE_PNG) {
		s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(w * scale), (int)(h * scale));
	} else if (fmt == HV_PAGE_SVG) {
		s = cairo_svg_surface_create_for_stream(put, out.f, w, h);
		cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PT);
	} else {
		s = cairo_pdf_surface_create_for_stream(put, out.f, w, h);
		char now[21];
		/* The creation date is "now" as haven knows it, not the clock cairo reads. */
		hv_format_time(hv_now(ctx), now);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title ? title : "");
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, subject ? subject : "");
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_KEYWORDS, marking ? marking : "");
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "haven");
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, now);
	}
	cairo_t *cr = cairo_create(s);
	if (fmt == HV_PAGE_PNG)
		cairo_scale(cr, scale, scale);
	hv_page_colour(cr, 0xffffff);
	cairo_paint(cr);
	rc = draw(&pg, cr, arg);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	if (!rc && !st && fmt == HV_PAGE_PNG)
		st = cairo_surface_write_to_png_stream(s, put, out.f);
	cairo_surface_finish(s);
	if (!st)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	cairo_font_face_destroy(pg.regular);
	cairo_font_face_destroy(pg.bold);
	if (!rc && st)
		rc = hv_error(ctx, HAVEN_ERR_IO, "%s: cannot draw the page: %s", path, cairo_status_to_string(st));
	return hv_output_end(ctx, &out, rc);
}
