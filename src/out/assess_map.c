/*
 * assess_map.c - the one-page map of a location risk profile (haven location
 * assess --pdf, docs/assess.md): the place and its radius, and the boundary
 * of the LA it lies in, on the British National Grid with the page, scale
 * bar and grid north every haven map has (page.c, map.c); the profile's
 * figures in the panel beside it; for a police user, the outlines of the
 * clusters of missing children near it (the released hulls table).  No
 * home, offender or episode is drawn: the tables hold none.
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
	const haven_table *hulls; /* released, or NULL */
	GEOSContextHandle_t h;
	const GEOSGeometry *la; /* borrowed from the areas; NULL: not drawn */
	double e, n, r;
	hv_map_view v;
} amap;

static const char *cell(const haven_table *t, size_t r, const char *col)
{
	int c = haven_table_find(t, col);
	const char *s = c >= 0 ? hv_table_cell_text(t, r, c) : NULL;
	return s ? s : "";
}

/* The outlines of the clusters of missing children near the place (a
 * police user's released hulls): polygons filled and outlined in purple, a
 * hull of one or two places (a point or a line) as a dot at its centre. */
static void draw_hulls(amap *m, cairo_t *cr)
{
	int c = m->hulls ? haven_table_find(m->hulls, "hull") : -1;
	GEOSWKBReader *rd = c >= 0 ? GEOSWKBReader_create_r(m->h) : NULL;
	for (size_t r = 0; rd && r < hv_table_rows(m->hulls); r++) {
		size_t len = 0;
		const unsigned char *wkb = hv_table_cell_geom(m->hulls, r, c, &len);
		GEOSGeometry *g = wkb ? GEOSWKBReader_read_r(m->h, rd, wkb, len) : NULL;
		if (!g)
			continue;
		int type = GEOSGeomTypeId_r(m->h, g);
		cairo_new_path(cr);
		if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) {
			hv_map_polygon_path(cr, m->h, g, m->v.ox, m->v.oy, m->v.s);
			cairo_set_source_rgba(cr, 0.45, 0.16, 0.60, 0.22);
			cairo_fill_preserve(cr);
			hv_page_colour(cr, 0x6a1b9a);
			cairo_set_line_width(cr, 1.0);
			cairo_stroke(cr);
		} else {
			GEOSGeometry *p = GEOSGetCentroid_r(m->h, g);
			double x, y;
			if (p && GEOSGeomGetX_r(m->h, p, &x) == 1 && GEOSGeomGetY_r(m->h, p, &y) == 1) {
				cairo_arc(cr, m->v.ox + x * m->v.s, m->v.oy - y * m->v.s, 3, 0, 2 * M_PI);
				hv_page_colour(cr, 0x6a1b9a);
				cairo_fill(cr);
			}
			if (p)
				GEOSGeom_destroy_r(m->h, p);
		}
		GEOSGeom_destroy_r(m->h, g);
	}
	if (rd)
		GEOSWKBReader_destroy_r(m->h, rd);
}

static haven_status draw(hv_page *pg, cairo_t *cr, void *arg)
{
	amap *m = arg;
	const haven_table *t = m->t;
	hv_page_marking(pg, cr, haven_table_marking(t));
	char sub[300];
	snprintf(sub, sizeof sub, "%s", hv_table_rows(t) ? cell(t, 0, "note") : "");
	hv_page_title(pg, cr, HV_MAP_MARGIN, "Location risk profile for a proposed children's home", sub);
	hv_map_view *v = &m->v;
	hv_map_view_open(cr, v);
	if (m->la) {
		cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
		hv_map_polygon_path(cr, m->h, m->la, v->ox, v->oy, v->s);
		cairo_set_source_rgba(cr, 0.55, 0.63, 0.80, 0.25);
		cairo_fill_preserve(cr);
		hv_page_colour(cr, 0x4a5f8a);
		cairo_set_line_width(cr, 0.8);
		cairo_stroke(cr);
	}
	draw_hulls(m, cr);
	double cx = v->ox + m->e * v->s, cy = v->oy - m->n * v->s;
	cairo_new_path(cr);
	cairo_arc(cr, cx, cy, m->r * v->s, 0, 2 * M_PI);
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
	hv_map_view_close(cr);
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
			if (strcmp(cell(t, r - 1, "section"), "crime") == 0)
				y += 6; /* after the crime rows' block */
			hv_page_font(cr, pg->bold, 8);
			hv_page_colour(cr, HV_PAGE_INK);
			snprintf(line, sizeof line, "%s: %s", item, *count ? count : "-");
			y = hv_page_wrapped(cr, HV_MAP_PANEL_X, y, HV_MAP_PANEL_W, 10, line);
			hv_page_font(cr, pg->regular, 7);
			hv_page_colour(cr, HV_PAGE_GREY_TEXT);
			y = hv_page_wrapped(cr, HV_MAP_PANEL_X, y, HV_MAP_PANEL_W, 8.5, cell(t, r, "note")) + 4;
		}
	}
	hv_map_view_foot(pg, cr, v, t,
	                 m->hulls && hv_table_rows(m->hulls)
	                     ? "Map on the British National Grid (EPSG:27700): the place, the radius, the LA it lies "
	                       "in and, in purple, the outlines of the clusters of missing children near it; no "
	                       "home, offender or episode is drawn"
	                     : "Map on the British National Grid (EPSG:27700): the place, the radius and the LA it "
	                       "lies in; no home, offender or episode is drawn",
	                 1);
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

haven_status haven_location_map(haven_ctx *ctx, const haven_table *t, const haven_table *hulls, const char *path,
                                int overwrite)
{
	hv_clear(ctx);
	if (haven_table_sealed(t))
		return hv_error(ctx, HAVEN_ERR_DENIED, "'%s' is sealed: release it first", haven_table_title(t));
	if (hulls && haven_table_sealed(hulls))
		return hv_error(ctx, HAVEN_ERR_DENIED, "'%s' is sealed: release it first", haven_table_title(hulls));
	int fmt = hv_page_format(path, 3);
	if (fmt < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "%s: a location map is a .pdf, .png or .svg file",
		                path ? path : "");
	amap m = {.t = t, .hulls = hulls, .h = ctx->geos};
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
	m.v = (hv_map_view){.e0 = m.e - pad, .n0 = m.n - pad, .e1 = m.e + pad, .n1 = m.n + pad};
	haven_status rc = hv_output_vacant(ctx, path, overwrite ? NULL : "not replaced without --force");
	if (!rc)
		rc = hv_page_write(ctx, path, fmt, overwrite, HV_MAP_PAGE_W, HV_MAP_PAGE_H, HV_MAP_PNG_SCALE,
		                   "Location risk profile", "the location risk profile of a proposed children's home",
		                   haven_table_marking(t), draw, &m);
	hv_areas_free(las);
	return rc;
}
