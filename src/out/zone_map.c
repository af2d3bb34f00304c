/*
 * zone_map.c - the map page of a suggested exclusion zone (haven zones
 * propose --map): the zone on the British National Grid with the page,
 * scale bar and grid north every haven map has (page.c, map.c).  The homes
 * it was drawn around are not drawn.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/output.h"
#include "core/table.h"
#include "out/map.h"
#include "out/page.h"
#include "haven/zones.h"

typedef struct zmap {
	const haven_table *t;
	GEOSContextHandle_t h;
	const GEOSGeometry *g;
	double e0, n0, e1, n1, s, ox, oy;
} zmap;

static haven_status draw(hv_page *pg, cairo_t *cr, void *arg)
{
	zmap *m = arg;
	hv_page_marking(pg, cr, haven_table_marking(m->t));
	char sub[256];
	int c = haven_table_find(m->t, "homes"), r = haven_table_find(m->t, "radius_m"),
	    s = haven_table_find(m->t, "simplified_m"), a = haven_table_find(m->t, "area_km2");
	snprintf(sub, sizeof sub, "around %lld home%s, %lld m; outline simplified to %g m; %.2f km2",
	         (long long)hv_table_cell_int(m->t, 0, c), hv_table_cell_int(m->t, 0, c) == 1 ? "" : "s",
	         (long long)hv_table_cell_int(m->t, 0, r), hv_table_cell_real(m->t, 0, s),
	         hv_table_cell_real(m->t, 0, a));
	hv_page_title(pg, cr, HV_MAP_MARGIN, "Suggested exclusion zone", sub);
	hv_map_frame(cr, m->e0, m->n0, m->e1, m->n1, &m->s, &m->ox, &m->oy);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	hv_map_polygon_path(cr, m->h, m->g, m->ox, m->oy, m->s);
	cairo_set_source_rgba(cr, 0.84, 0.19, 0.12, 0.35);
	cairo_fill_preserve(cr);
	hv_page_colour(cr, 0xb30000);
	cairo_set_line_width(cr, 1.2);
	cairo_stroke(cr);
	cairo_restore(cr);
	cairo_rectangle(cr, HV_MAP_X, HV_MAP_Y, HV_MAP_W, HV_MAP_H);
	hv_page_colour(cr, 0xbdbdbd);
	cairo_set_line_width(cr, 0.5);
	cairo_stroke(cr);
	hv_page_font(cr, pg->regular, 7.5);
	hv_page_colour(cr, HV_PAGE_GREY_TEXT);
	const char *drawn = haven_table_meta(m->t, "drawn");
	hv_page_wrapped(cr, HV_MAP_PANEL_X, HV_MAP_Y + 10, HV_MAP_PANEL_W, 9.5, drawn ? drawn : "");
	double bottom = HV_MAP_Y + HV_MAP_H - 36;
	hv_map_north_arrow(pg, cr, HV_MAP_PANEL_X + 8, bottom + 2);
	hv_map_scale_bar(pg, cr, m->s, HV_MAP_PANEL_X + 34, bottom + 16, 0.5 * HV_MAP_PANEL_W);
	hv_page_notes notes;
	hv_page_notes_of(pg->ctx, m->t, "Map on the British National Grid (EPSG:27700)", 0, &notes);
	hv_page_footer(pg, cr, &notes, HV_MAP_MARGIN, HV_MAP_PAGE_W - 2 * HV_MAP_MARGIN, HV_MAP_Y + HV_MAP_H + 12);
	return HAVEN_OK;
}

haven_status haven_zones_map(haven_ctx *ctx, const haven_table *t, const char *path, int overwrite)
{
	hv_clear(ctx);
	if (haven_table_sealed(t))
		return hv_error(ctx, HAVEN_ERR_DENIED, "'%s' is sealed: release it first", haven_table_title(t));
	int fmt = hv_page_format(path, 3);
	if (fmt < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "%s: a zone map is a .png, .svg or .pdf file", path ? path : "");
	int gc = haven_table_find(t, "geom");
	size_t len = 0;
	const unsigned char *wkb = gc >= 0 && hv_table_rows(t) == 1 ? hv_table_cell_geom(t, 0, gc, &len) : NULL;
	if (!wkb)
		return hv_error(ctx, HAVEN_ERR_USAGE, "'%s' is not a suggested zone (haven zones propose)",
		                haven_table_title(t));
	GEOSGeometry *g = GEOSGeomFromWKB_buf_r(ctx->geos, wkb, len);
	if (!g)
		return hv_error(ctx, HAVEN_ERR_GEOS, "the zone cannot be read: %s", ctx->geos_msg);
	zmap m = {.t = t, .h = ctx->geos, .g = g};
	GEOSGeom_getXMin_r(ctx->geos, g, &m.e0);
	GEOSGeom_getYMin_r(ctx->geos, g, &m.n0);
	GEOSGeom_getXMax_r(ctx->geos, g, &m.e1);
	GEOSGeom_getYMax_r(ctx->geos, g, &m.n1);
	/* a margin of a fifth of the zone's size, at least 500 m */
	double pad = fmax(500, 0.2 * fmax(m.e1 - m.e0, m.n1 - m.n0));
	m.e0 -= pad;
	m.n0 -= pad;
	m.e1 += pad;
	m.n1 += pad;
	haven_status rc = hv_output_vacant(ctx, path, overwrite ? NULL : "not replaced without --force");
	if (!rc)
		rc = hv_page_write(ctx, path, fmt, overwrite, HV_MAP_PAGE_W, HV_MAP_PAGE_H, HV_MAP_PNG_SCALE,
		                   "Suggested exclusion zone", "a suggested exclusion zone for a licence",
		                   haven_table_marking(t), draw, &m);
	GEOSGeom_destroy_r(ctx->geos, g);
	return rc;
}
