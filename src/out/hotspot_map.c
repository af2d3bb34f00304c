/*
 * hotspot_map.c - the map of a released hot spot table
 * (haven_hotspots_map, docs/hotspots.md): the squares coloured by class
 * over the outlines of the LAs around the study region, on the page maps
 * and charts share (page.c: the marking, the title, the footer).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/output.h"
#include "core/sql.h"
#include "core/table.h"
#include "haven/hotspots.h"
#include "out/map.h"
#include "out/page.h"

#define MIN_SQUARE 1.5 /* points: a square smaller than this is drawn this big, so one shows nationally */

/* ColorBrewer's RdBu, seven classes (colour-blind safe): cold 99% .. hot 99%. */
static const unsigned fills[7] = {0x2166ac, 0x67a9cf, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xef8a62, 0xb2182b};
static const char *const names[7] = {"cold 99%", "cold 95%", "cold 90%", "not significant",
                                     "hot 90%",  "hot 95%",  "hot 99%"};

typedef struct hmap {
	haven_ctx *ctx;
	const haven_table *t;
	int ce, cn, cc; /* columns: easting, northing, class */
	double cell;
	hv_map_view v; /* the grid's rectangle; page = (v.ox + e v.s, v.oy - n v.s) */
	size_t counts[7];
} hmap;

static double meta_num(const haven_table *t, const char *key)
{
	const char *v = haven_table_meta(t, key);
	return v ? atof(v) : NAN;
}

static int class_of(const char *s)
{
	for (int i = 0; s && i < 7; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* Walk WKB polygons or multipolygons (little or big endian) as paths. */
static const unsigned char *u32(const unsigned char *p, const unsigned char *end, int le, uint32_t *v)
{
	if (end - p < 4)
		return NULL;
	*v = le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
	        : (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
	return p + 4;
}

static const unsigned char *f64(const unsigned char *p, int le, double *v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = p[le ? i : 7 - i];
	memcpy(v, b, 8);
	return p + 8;
}

static const unsigned char *polygon_path(cairo_t *cr, const hmap *m, const unsigned char *p, const unsigned char *end)
{
	uint32_t type, rings;
	if (end - p < 1)
		return NULL;
	int le = *p++ == 1;
	if (!(p = u32(p, end, le, &type)) || type != 3 || !(p = u32(p, end, le, &rings)))
		return NULL;
	for (uint32_t r = 0; r < rings; r++) {
		uint32_t n;
		if (!(p = u32(p, end, le, &n)) || (size_t)(end - p) / 16 < n)
			return NULL;
		double lx = 0, ly = 0;
		for (uint32_t i = 0; i < n; i++) {
			double e, no;
			p = f64(f64(p, le, &e), le, &no);
			double x = m->v.ox + e * m->v.s, y = m->v.oy - no * m->v.s;
			if (i == 0)
				cairo_move_to(cr, x, y);
			else if (fabs(x - lx) + fabs(y - ly) >= 0.2 || i + 1 == n)
				cairo_line_to(cr, x, y);
			else
				continue;
			lx = x;
			ly = y;
		}
		cairo_close_path(cr);
	}
	return p;
}

static void wkb_path(cairo_t *cr, const hmap *m, const unsigned char *p, size_t len)
{
	const unsigned char *end = p + len;
	uint32_t type = 0, n;
	if (len < 9)
		return;
	int le = p[0] == 1;
	const unsigned char *q = u32(p + 1, end, le, &type);
	if (type == 3)
		polygon_path(cr, m, p, end);
	else if (type == 6 && (q = u32(q, end, le, &n)))
		for (uint32_t i = 0; q && i < n; i++)
			q = polygon_path(cr, m, q, end);
}

/* The outlines of the LAs whose envelopes meet the study region's. */
static haven_status outlines(hmap *m, cairo_t *cr)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(m->ctx,
	                             "SELECT AsBinary(geom) FROM area WHERE kind = 'la' AND MbrMaxX(geom) >= ?1"
	                             " AND MbrMinX(geom) <= ?2 AND MbrMaxY(geom) >= ?3 AND MbrMinY(geom) <= ?4",
	                             &st);
	if (rc)
		return rc;
	sqlite3_bind_double(st, 1, m->v.e0);
	sqlite3_bind_double(st, 2, m->v.e1);
	sqlite3_bind_double(st, 3, m->v.n0);
	sqlite3_bind_double(st, 4, m->v.n1);
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		wkb_path(cr, m, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return hv_error_sql(m->ctx, "reading the LA boundaries for the map");
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	hv_page_colour(cr, 0xffffff);
	cairo_fill_preserve(cr);
	hv_page_colour(cr, 0xb0b0b0);
	cairo_set_line_width(cr, 0.35);
	cairo_stroke(cr);
	return HAVEN_OK;
}

static void squares(hmap *m, cairo_t *cr)
{
	double side = fmax(m->cell * m->v.s, MIN_SQUARE), grow = (side - m->cell * m->v.s) / 2;
	/* not significant first, then cold and hot from the weakest, so the
	 * strongest are on top */
	static const int order[7] = {3, 2, 4, 1, 5, 0, 6};
	for (int k = 0; k < 7; k++) {
		int c = order[k];
		for (size_t r = 0; r < hv_table_rows(m->t); r++) {
			if (class_of(hv_table_cell_text(m->t, r, m->cc)) != c)
				continue;
			double e = hv_table_cell_real(m->t, r, m->ce), n = hv_table_cell_real(m->t, r, m->cn);
			cairo_rectangle(cr, m->v.ox + e * m->v.s - grow, m->v.oy - (n + m->cell) * m->v.s - grow, side,
			                side);
			m->counts[c]++;
		}
		hv_page_colour(cr, fills[c]);
		cairo_fill(cr);
	}
}

static void scale_and_legend(hmap *m, const hv_page *pg, cairo_t *cr)
{
	double y = HV_MAP_Y + 6;
	hv_page_font(cr, pg->bold, 9);
	hv_page_colour(cr, HV_PAGE_INK);
	hv_page_text(cr, HV_MAP_PANEL_X, y, HV_LEFT, "Gi* class (by q, FDR)");
	y += 10;
	for (int c = 6; c >= 0; c--) {
		if (c == 3 && !m->counts[3])
			continue; /* not listed: the squares without a class are the background */
		cairo_rectangle(cr, HV_MAP_PANEL_X, y, 18, 11);
		hv_page_colour(cr, fills[c]);
		cairo_fill_preserve(cr);
		hv_page_colour(cr, 0x808080);
		cairo_set_line_width(cr, 0.5);
		cairo_stroke(cr);
		char label[64];
		snprintf(label, sizeof label, "%s (%zu)", names[c], m->counts[c]);
		hv_page_font(cr, pg->regular, 8);
		hv_page_colour(cr, HV_PAGE_INK);
		hv_page_text(cr, HV_MAP_PANEL_X + 24, y + 9, HV_LEFT, label);
		y += 15;
	}
	char buf[256];
	const char *band = haven_table_meta(m->t, "band_m"), *perms = haven_table_meta(m->t, "permutations");
	snprintf(buf, sizeof buf,
	         "Squares of %.0f m; neighbours within %s m, the square included; %s conditional permutations; "
	         "classes where the Benjamini-Hochberg q is at most 0.10, 0.05, 0.01.%s",
	         m->cell, band ? band : "?", perms ? perms : "?",
	         m->counts[3] ? "" : " Squares without a class are not drawn.");
	hv_page_font(cr, pg->regular, 7.5);
	hv_page_colour(cr, HV_PAGE_GREY_TEXT);
	y = hv_page_wrapped(cr, HV_MAP_PANEL_X, y + 8, HV_MAP_PAGE_W - HV_MAP_MARGIN - HV_MAP_PANEL_X, 9.5, buf);
	/* grid north and a scale bar, where every map has them */
	double bottom = HV_MAP_Y + HV_MAP_H - 36;
	hv_map_north_arrow(pg, cr, HV_MAP_PANEL_X + 8, bottom + 2);
	hv_map_scale_bar(pg, cr, m->v.s, HV_MAP_PANEL_X + 34, bottom + 16, 0.3 * HV_MAP_PANEL_W);
}

static haven_status draw(hv_page *pg, cairo_t *cr, void *arg)
{
	hmap *m = arg;
	hv_page_marking(pg, cr, haven_table_marking(m->t));
	char sub[512];
	const char *scope = haven_table_meta(m->t, "scope");
	snprintf(sub, sizeof sub, "Getis-Ord Gi*, %zu squares listed; scope: %s", hv_table_rows(m->t),
	         scope ? scope : "");
	hv_page_title(pg, cr, HV_MAP_MARGIN, haven_table_title(m->t), sub);
	hv_map_view_open(cr, &m->v);
	haven_status rc = outlines(m, cr);
	if (!rc)
		squares(m, cr);
	cairo_restore(cr);
	if (rc)
		return rc;
	scale_and_legend(m, pg, cr);
	hv_page_notes notes;
	hv_page_notes_of(pg->ctx, m->t, "Map on the British National Grid (EPSG:27700)", 1, &notes);
	hv_page_footer(pg, cr, &notes, HV_MAP_MARGIN, HV_MAP_PAGE_W - 2 * HV_MAP_MARGIN, HV_MAP_Y + HV_MAP_H + 12);
	return HAVEN_OK;
}

haven_status haven_hotspots_map(haven_ctx *ctx, const haven_table *t, const char *path, int overwrite)
{
	hv_clear(ctx);
	if (haven_table_sealed(t))
		return hv_error(ctx, HAVEN_ERR_DENIED, "'%s' is sealed: release it first", haven_table_title(t));
	int fmt = hv_page_format(path, 2);
	if (fmt < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "%s: a hot spot map is a .png or .svg file", path ? path : "");
	hmap m = {.ctx = ctx,
	          .t = t,
	          .ce = haven_table_find(t, "easting"),
	          .cn = haven_table_find(t, "northing"),
	          .cc = haven_table_find(t, "class"),
	          .cell = meta_num(t, "cell_m")};
	double cols = meta_num(t, "grid_columns"), rows = meta_num(t, "grid_rows");
	m.v.e0 = meta_num(t, "grid_origin_e");
	m.v.n0 = meta_num(t, "grid_origin_n");
	m.v.e1 = m.v.e0 + cols * m.cell;
	m.v.n1 = m.v.n0 + rows * m.cell;
	if (m.ce < 0 || m.cn < 0 || m.cc < 0 || !(m.cell > 0) || !(m.v.e1 > m.v.e0) || !(m.v.n1 > m.v.n0))
		return hv_error(ctx, HAVEN_ERR_USAGE, "'%s' is not a table of hot spots (haven missing hotspots)",
		                haven_table_title(t));
	haven_status rc = hv_output_vacant(ctx, path, overwrite ? NULL : "not replaced without --force");
	if (!rc)
		rc = hv_page_write(ctx, path, fmt, overwrite, HV_MAP_PAGE_W, HV_MAP_PAGE_H, HV_MAP_PNG_SCALE,
		                   haven_table_title(t), "Getis-Ord Gi* hot spots", haven_table_marking(t), draw, &m);
	return rc;
}
