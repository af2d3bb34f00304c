/*
 * assess_map.c - the one-page map of a location risk profile (haven location
 * assess --pdf, docs/assess.md): the place and its radius, and the boundary
 * of the LA it lies in, on the British National Grid with the page, scale
 * bar and grid north every haven map has (page.c, map.c); the profile's
 * figures in the panel beside it.  No home, offender or episode is drawn:
 * the table holds none.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/output.h"
#include "core/table.h"
#include "out/map.h"
#include "out/page.h"
#include "ref/areas.h"
#include "haven/location.h"

typedef struct amap {
	const haven_table *t;
	GEOSContextHandle_t h;
	const GEOSGeometry *la; /* borrowed from the areas; NULL: not drawn */
	double e, n, r;
	double e0, n0, e1, n1, s, ox, oy;
} amap;

static const char *cell(const haven_table *t, size_t r, const char *col)
{
	int c = haven_table_find(t, col);
	const char *s = c >= 0 ? hv_table_cell_text(t, r, c) : NULL;
	return s ? s : "";
}

static haven_status draw(hv_page *pg, cairo_t *cr, void *arg)
{
	amap *m = arg;
	const haven_table *t = m->t;
	hv_page_marking(pg, cr, haven_table_marking(t));
	char sub[300];
	snprintf(sub, sizeof sub, "%s", hv_table_rows(t) ? cell(t, 0, "note") : "");
	hv_page_title(pg, cr, HV_MAP_MARGIN, "Location risk profile for a proposed children's home", sub);
	hv_map_frame(cr, m->e0, m->n0, m->e1, m->n1, &m->s, &m->ox, &m->oy);
	if (m->la) {
		cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
		hv_map_polygon_path(cr, m->h, m->la, m->ox, m->oy, m->s);
		cairo_set_source_rgba(cr, 0.55, 0.63, 0.80, 0.25);
		cairo_fill_preserve(cr);
		hv_page_colour(cr, 0x4a5f8a);
		cairo_set_line_width(cr, 0.8);
		cairo_stroke(cr);
	}
	double cx = m->ox + m->e * m->s, cy = m->oy - m->n * m->s;
	cairo_new_path(cr);
	cairo_arc(cr, cx, cy, m->r * m->s, 0, 2 * M_PI);
	cairo_set_source_rgba(cr, 0.84, 0.19, 0.12, 0.12);
	cairo_fill_preserve(cr);
	hv_page_colour(cr, 0xb30000);
	cairo_set_line_width(cr, 1.4);
	cairo_stroke(cr);
	cairo_move_to(cr, cx - 5, cy);
	cairo_line_to(cr, cx + 5, cy);
	cairo_move_to(cr, cx, cy - 5);
	cairo_line_to(cr, cx, cy + 5);
	cairo_set_line_width(cr, 1.2);
	cairo_stroke(cr);
	cairo_restore(cr);
	cairo_rectangle(cr, HV_MAP_X, HV_MAP_Y, HV_MAP_W, HV_MAP_H);
	hv_page_colour(cr, 0xbdbdbd);
	cairo_set_line_width(cr, 0.5);
	cairo_stroke(cr);
	/* the figures: one line each, crime types as many as fit */
	double y = HV_MAP_Y + 10, bottom = HV_MAP_Y + HV_MAP_H - 40;
	char line[400];
	int crime_head = 0;
	for (size_t r = 1; r < hv_table_rows(t) && y < bottom - 12; r++) {
		const char *sec = cell(t, r, "section"), *item = cell(t, r, "item"), *count = cell(t, r, "count");
		int pc = haven_table_find(t, "per_km2"), lc = haven_table_find(t, "la_per_km2");
		if (strcmp(sec, "crime") == 0) {
			if (!crime_head++) {
				hv_page_font(cr, pg->bold, 8);
				hv_page_colour(cr, HV_PAGE_INK);
				y += 4;
				hv_page_text(cr, HV_MAP_PANEL_X, y, HV_LEFT, "Crime per km2: radius / LA");
				y += 11;
			}
			hv_page_font(cr, pg->regular, 7.5);
			hv_page_colour(cr, HV_PAGE_INK);
			if (*count)
				snprintf(line, sizeof line, "%s: %.1f / %.1f (%s)", item, hv_table_cell_real(t, r, pc),
				         hv_table_cell_real(t, r, lc), count);
			else
				snprintf(line, sizeof line, "%s: %s", item, cell(t, r, "note"));
			y = hv_page_wrapped(cr, HV_MAP_PANEL_X, y, HV_MAP_PANEL_W, 9.5, line);
		} else {
			hv_page_font(cr, pg->bold, 8);
			hv_page_colour(cr, HV_PAGE_INK);
			snprintf(line, sizeof line, "%s: %s", item, *count ? count : "-");
			y = hv_page_wrapped(cr, HV_MAP_PANEL_X, y, HV_MAP_PANEL_W, 10, line);
			hv_page_font(cr, pg->regular, 7);
			hv_page_colour(cr, HV_PAGE_GREY_TEXT);
			y = hv_page_wrapped(cr, HV_MAP_PANEL_X, y, HV_MAP_PANEL_W, 8.5, cell(t, r, "note")) + 4;
		}
	}
	hv_map_north_arrow(pg, cr, HV_MAP_PANEL_X + 8, bottom + 6);
	hv_map_scale_bar(pg, cr, m->s, HV_MAP_PANEL_X + 34, bottom + 20, 0.5 * HV_MAP_PANEL_W);
	hv_page_notes notes;
	hv_page_notes_of(pg->ctx, t,
	                 "Map on the British National Grid (EPSG:27700): the place, the radius and the LA it lies in; "
	                 "no home, offender or episode is drawn",
	                 1, &notes);
	hv_page_footer(pg, cr, &notes, HV_MAP_MARGIN, HV_MAP_PAGE_W - 2 * HV_MAP_MARGIN, HV_MAP_Y + HV_MAP_H + 12);
	return HAVEN_OK;
}

static int meta_num(const haven_table *t, const char *key, double *v)
{
	const char *s = haven_table_meta(t, key);
	char *end;
	if (!s)
		return 0;
	*v = strtod(s, &end);
	return end != s && !*end && isfinite(*v);
}

haven_status haven_location_map(haven_ctx *ctx, const haven_table *t, const char *path, int overwrite)
{
	hv_clear(ctx);
	if (haven_table_sealed(t))
		return hv_error(ctx, HAVEN_ERR_DENIED, "'%s' is sealed: release it first", haven_table_title(t));
	int fmt = hv_page_format(path, 3);
	if (fmt < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "%s: a location map is a .pdf, .png or .svg file",
		                path ? path : "");
	amap m = {.t = t, .h = ctx->geos};
	if (!meta_num(t, "place_e", &m.e) || !meta_num(t, "place_n", &m.n) || !meta_num(t, "radius_m", &m.r))
		return hv_error(ctx, HAVEN_ERR_USAGE, "'%s' is not a location risk profile (haven location assess)",
		                haven_table_title(t));
	hv_areas *las = NULL;
	const char *la = haven_table_meta(t, "la");
	if (la && hv_areas_load(ctx, "la", &las) == HAVEN_OK) {
		long i = hv_areas_index(las, la);
		m.la = i >= 0 ? hv_areas_geom(las, i) : NULL;
	}
	hv_clear(ctx);
	/* the radius with a margin of one and a half times it */
	double pad = 2.5 * m.r;
	m.e0 = m.e - pad;
	m.e1 = m.e + pad;
	m.n0 = m.n - pad;
	m.n1 = m.n + pad;
	haven_status rc = hv_output_vacant(ctx, path, overwrite ? NULL : "not replaced without --force");
	if (!rc)
		rc = hv_page_write(ctx, path, fmt, overwrite, HV_MAP_PAGE_W, HV_MAP_PAGE_H, HV_MAP_PNG_SCALE,
		                   "Location risk profile", "the location risk profile of a proposed children's home",
		                   haven_table_marking(t), draw, &m);
	hv_areas_free(las);
	return rc;
}
