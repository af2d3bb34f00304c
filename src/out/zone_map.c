/*
 * zone_map.c - the map page of a suggested exclusion zone (haven zones
 * propose --map): the zone on the British National Grid with the page,
 * scale bar and grid north every haven map has (page.c, map.c), over the
 * local authorities' boundaries and names as a light context layer
 * (hv_map_context_las).  The homes it was drawn around are not drawn.
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
	const hv_areas *las; /* NULL: no LA boundaries loaded */
	hv_map_view v;
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
	hv_map_view *v = &m->v;
	hv_map_view_open(cr, v);
	/* the local authorities around it, a light layer beneath */
	const double ext[4] = {(HV_MAP_X - v->ox) / v->s, (v->oy - HV_MAP_Y - HV_MAP_H) / v->s,
	                       (HV_MAP_X + HV_MAP_W - v->ox) / v->s, (v->oy - HV_MAP_Y) / v->s};
	hv_map_context_las(pg, cr, m->h, m->las, ext, v->ox, v->oy, v->s);
	cairo_new_path(cr);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	hv_map_polygon_path(cr, m->h, m->g, v->ox, v->oy, v->s);
	cairo_set_source_rgba(cr, 0.84, 0.19, 0.12, 0.35);
	cairo_fill_preserve(cr);
	hv_page_colour(cr, 0xb30000);
	cairo_set_line_width(cr, 1.2);
	cairo_stroke(cr);
	hv_map_view_close(cr);
	hv_page_font(cr, pg->regular, 7.5);
	hv_page_colour(cr, HV_PAGE_GREY_TEXT);
	const char *drawn = haven_table_meta(m->t, "drawn");
	hv_page_wrapped(cr, HV_MAP_PANEL_X, HV_MAP_Y + 10, HV_MAP_PANEL_W, 9.5, drawn ? drawn : "");
	hv_map_view_foot(pg, cr, v, m->t,
	                 m->las
	                     ? "Map on the British National Grid (EPSG:27700), over the local authorities' boundaries"
	                     : "Map on the British National Grid (EPSG:27700)",
	                 m->las != NULL);
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
	hv_map_view *v = &m.v;
	GEOSGeom_getXMin_r(ctx->geos, g, &v->e0);
	GEOSGeom_getYMin_r(ctx->geos, g, &v->n0);
	GEOSGeom_getXMax_r(ctx->geos, g, &v->e1);
	GEOSGeom_getYMax_r(ctx->geos, g, &v->n1);
	/* a margin of a fifth of the zone's size, at least 500 m */
	double pad = fmax(500, 0.2 * fmax(v->e1 - v->e0, v->n1 - v->n0));
	v->e0 -= pad;
	v->n0 -= pad;
	v->e1 += pad;
	v->n1 += pad;
	/* the LA boundaries, when the store holds them: context, not the subject */
	hv_areas *las = NULL;
	if (hv_areas_load(ctx, "la", &las) == HAVEN_OK)
		m.las = las;
	hv_clear(ctx);
	haven_status rc = hv_output_vacant(ctx, path, overwrite ? NULL : "not replaced without --force");
	if (!rc)
		rc = hv_page_write(ctx, path, fmt, overwrite, HV_MAP_PAGE_W, HV_MAP_PAGE_H, HV_MAP_PNG_SCALE,
		                   "Suggested exclusion zone", "a suggested exclusion zone for a licence",
		                   haven_table_marking(t), draw, &m);
	hv_areas_free(las);
	GEOSGeom_destroy_r(ctx->geos, g);
	return rc;
}
