/*
 * page.h - a printed page drawn with Cairo (page.c): what maps (map.c) and
 * charts (chart.c) share - the files (PNG, SVG, PDF through output.c), the
 * lettering (DejaVu Sans through fontconfig, text that cannot carry control
 * characters), the protective marking at the top and bottom, and the
 * footer of sources, disclosure control and dates read from the table's
 * metadata.
 */
#ifndef HAVEN_OUT_PAGE_H
#define HAVEN_OUT_PAGE_H

#include <cairo.h>

#include "core/context.h"
#include "haven/table.h"

enum { HV_PAGE_PNG, HV_PAGE_SVG, HV_PAGE_PDF };

/** The format of path by its extension among the first n of .png, .svg,
 *  .pdf (in that order), or -1. */
int hv_page_format(const char *path, int n);

/** The page being drawn: its size in points and its two faces. */
typedef struct hv_page {
	haven_ctx *ctx;
	double w, h;
	cairo_font_face_t *regular, *bold;
} hv_page;

/** Draws the page on cr; arg is the caller's. */
typedef haven_status (*hv_page_draw_fn)(hv_page *pg, cairo_t *cr, void *arg);

/** Draw a page of w x h points with draw into the file path (format fmt;
 *  PNG at scale pixels per point), created new, 0600, put in place whole;
 *  an existing file is replaced only with overwrite.  A PDF carries title,
 *  subject and marking as its metadata.  All borrowed.
 * \return HAVEN_ERR_IO when no font or the file cannot be written; draw's. */
haven_status hv_page_write(haven_ctx *ctx, const char *path, int fmt, int overwrite, double w, double h, double scale,
                           const char *title, const char *subject, const char *marking, hv_page_draw_fn draw,
                           void *arg);

enum { HV_LEFT, HV_CENTRE, HV_RIGHT };

/** s as text that cannot carry control characters or bad UTF-8 (the one
 *  escape haven_text_escape makes): malloc'd, NULL when out of memory. */
char *hv_page_printable(const char *s);

void hv_page_font(cairo_t *cr, cairo_font_face_t *face, double size);
double hv_page_text_width(cairo_t *cr, const char *s);

/** s in the current font with its baseline at y, aligned at x (HV_LEFT ...). */
void hv_page_text(cairo_t *cr, double x, double y, int align, const char *s);

/** s wrapped into lines at most w wide from baseline y, lead apart; returns
 *  the baseline after the last.  _height measures without drawing. */
double hv_page_wrapped(cairo_t *cr, double x, double y, double w, double lead, const char *s);
double hv_page_wrapped_height(cairo_t *cr, double w, double lead, const char *s);

/** "2025-03-31" (or a time that starts so) as "31 March 2025"; anything
 *  else as it is. */
void hv_page_date_words(const char *iso, char *buf, size_t n);

/** The page's title at x (smaller, down to 10 points, when it would not
 *  fit), and under it sub in grey. */
void hv_page_title(const hv_page *pg, cairo_t *cr, double x, const char *title, const char *sub);

/** The marking (NULL: none) centred at the top and bottom of the page. */
void hv_page_marking(const hv_page *pg, cairo_t *cr, const char *marking);

/** What a page's footer says, each a paragraph ("" or NULL: none): the
 *  sources' attributions, the disclosure rule and what it changed, the
 *  dates and how the page is drawn. */
typedef struct hv_page_notes {
	const char *attribution; /* borrowed from the table, or static; NULL: none */
	char rule[1024];
	char dates[1024];
} hv_page_notes;

/** The notes of released table t: its attribution (default: the ONS
 *  boundaries' when default_attribution), its disclosure control, its
 *  dates, what ("Map on the British National Grid ..."), haven's version. */
void hv_page_notes_of(haven_ctx *ctx, const haven_table *t, const char *what, int default_attribution,
                      hv_page_notes *n);

/** The notes n set from the bottom of the page up, to no higher than top,
 *  between x and x + w, in small grey type. */
void hv_page_footer(const hv_page *pg, cairo_t *cr, const hv_page_notes *n, double x, double w, double top);

#define HV_PAGE_INK 0x252525
#define HV_PAGE_GREY_TEXT 0x595959

/** Set cr's source to the colour 0xRRGGBB. */
void hv_page_colour(cairo_t *cr, unsigned v);

#endif
