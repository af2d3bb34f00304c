/*
 * flow_map.c - the map of flows of children placed between local
 * authorities (haven map --measure flows): the largest flows the gate
 * published, each a curved arc from the placing LA's centre to the host
 * LA's, its width by placements, an arrowhead at the host, over the LA
 * boundaries.  Suppressed flows are not in the table it is given (gate/
 * fold.c drops them), so they can never be drawn.
 *
 * The arc is a quadratic curve bowed to the right of its direction, a
 * fifth of its length off the straight line, so that A to B and B to A are
 * two arcs, not one line drawn twice.  Arcs are drawn smallest first, so
 * that a large flow is never hidden under small ones.
 *
 * London's 33 boroughs are a few millimetres across on a national page,
 * and the arcs among them and out of them merge.  The Cairo page draws
 * London again, larger, in an inset in a corner of the map that covers no
 * land and no arc (plan_inset): the flows between two London boroughs are
 * drawn there only, the flows between London and elsewhere on the main
 * map and again, paler, in the inset up to its edge (the same arcs,
 * magnified).  The HTML page zooms, and has no inset.
 */
#include <cjson/cJSON.h>
#include <cpl_conv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/output.h"
#include "core/sql.h"
#include "core/table.h"
#include "govern/scope.h"
#include "out/flow_map.h"
#include "out/map.h"
#include "out/page.h"

typedef struct arc {
	double x0, y0, x1, y1; /* EPSG:27700 metres */
	int64_t placements, children;
	unsigned char lon0, lon1; /* the placing LA, the host LA is in London */
} arc;

/* An LA's boundary, simplified for the scale, and its extent. */
typedef struct shape {
	GEOSGeometry *g;
	double e0, n0, e1, n1;
	int london;
} shape;

/* London: the region, and the borough codes' prefix when the store has no
 * regions (the 32 boroughs and the City are E09, and E09 is London). */
#define LONDON_REGION "E12000007"
#define LONDON_PREFIX "E09"

typedef struct fmap {
	haven_ctx *ctx;
	const haven_table *t;
	const haven_map_opts *o;
	arc *a;
	size_t n;
	int64_t pmax, other, total, suppressed;
	shape *las; /* England's LAs */
	size_t nlas;
	char (*london)[16]; /* London's LAs' codes */
	size_t nlondon;
	hv_map_view v; /* the extent of the flows, then the page frame fitted to it */
	/* the London inset (plan_inset): its extent in metres (iv.e0..n1), its
	 * view (iv.s, ox, oy), its box on the page, the corner it is in, and
	 * the flows drawn in it only (both ends in London) */
	int inset;
	hv_map_view iv;
	double bx, by, bw, bh;
	const char *corner;
	size_t ninner;
} fmap;

static int cmp_arc(const void *p, const void *q)
{
	const arc *x = p, *y = q;
	return (x->placements > y->placements) - (x->placements < y->placements);
}

/* The line's two ends from its WKB (a LINESTRING of two points, NDR). */
static int line_ends(const unsigned char *wkb, size_t n, double xy[4])
{
	uint32_t type, np;
	if (n != 41 || wkb[0] != 1)
		return 0;
	memcpy(&type, wkb + 1, 4);
	memcpy(&np, wkb + 5, 4);
	if (type != 2 || np != 2)
		return 0;
	memcpy(xy, wkb + 9, 4 * sizeof *xy);
	return 1;
}

/* London's LAs: those the store's regions put in London (area_la), or the
 * E09 codes when it has no regions loaded. */
static haven_status read_london(fmap *m)
{
	sqlite3_stmt *st;
	haven_status rc =
	    hv_prepare(m->ctx,
	               "SELECT code FROM area WHERE kind = 'la' AND (code IN (SELECT la_code FROM area_la"
	               " WHERE kind = 'region' AND code = '" LONDON_REGION "') OR (code LIKE '" LONDON_PREFIX "%'"
	               " AND NOT EXISTS (SELECT 1 FROM area_la WHERE kind = 'region'))) ORDER BY code",
	               &st);
	if (rc)
		return rc;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);
		if (!code || strlen(code) >= sizeof *m->london)
			continue;
		char(*more)[16] = realloc(m->london, (m->nlondon + 1) * sizeof *more);
		if (!more) {
			rc = hv_error(m->ctx, HAVEN_ERR_NOMEM, "out of memory");
			break;
		}
		m->london = more;
		snprintf(m->london[m->nlondon++], sizeof *m->london, "%s", code);
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(m->ctx, "reading London's local authorities");
	sqlite3_finalize(st);
	return rc;
}

static int is_london(const fmap *m, const char *code)
{
	for (size_t i = 0; code && i < m->nlondon; i++)
		if (strcmp(m->london[i], code) == 0)
			return 1;
	return 0;
}

static haven_status read_arcs(fmap *m)
{
	const haven_table *t = m->t;
	int pl = haven_table_find(t, "placements"), ch = haven_table_find(t, "children"),
	    gc = haven_table_find(t, "geom"), pc = haven_table_find(t, "placing_code"),
	    hc = haven_table_find(t, "host_code");
	if (pl < 0 || ch < 0 || gc < 0 || pc < 0 || hc < 0 || !haven_table_meta(t, "flows_kept"))
		return hv_error(m->ctx, HAVEN_ERR_USAGE, "'%s' is not a table of the largest flows",
		                haven_table_title(t));
	size_t n = hv_table_rows(t);
	m->a = calloc(n ? n : 1, sizeof *m->a);
	if (!m->a)
		return hv_error(m->ctx, HAVEN_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const unsigned char *wkb = hv_table_cell_geom(t, i, gc, &len);
		if (haven_table_type(m->ctx, t, i, pl) != HAVEN_CELL_INT)
			continue; /* never a suppressed count */
		int64_t p = hv_table_cell_int(t, i, pl);
		const char *code = hv_table_cell_text(t, i, pc);
		if (code && strcmp(code, "other") == 0)
			m->other += p;
		double xy[4];
		if (!wkb || !line_ends(wkb, len, xy))
			continue;
		arc *a = &m->a[m->n++];
		*a = (arc){xy[0],
		           xy[1],
		           xy[2],
		           xy[3],
		           p,
		           hv_table_cell_int(t, i, ch),
		           (unsigned char)is_london(m, code),
		           (unsigned char)is_london(m, hv_table_cell_text(t, i, hc))};
		if (p > m->pmax)
			m->pmax = p;
	}
	if (m->n)
		qsort(m->a, m->n, sizeof *m->a, cmp_arc);
	const char *tot = haven_table_meta(t, "flows_between_las"), *sup = haven_table_meta(t, "flows_suppressed");
	m->total = tot ? atoll(tot) : (int64_t)m->n;
	m->suppressed = sup ? atoll(sup) : 0;
	return HAVEN_OK;
}

/* England's LA boundaries (open data: the store's boundaries), simplified
 * to tol metres, whose extent meets (e0, n0, e1, n1), with their extents;
 * *box the extent of them all. */
static haven_status read_shapes(fmap *m, double tol, const double ext[4], shape **out, size_t *n, double box[4])
{
	sqlite3_stmt *st;
	haven_status rc =
	    hv_prepare(m->ctx,
	               "SELECT code, ST_AsBinary(ST_SimplifyPreserveTopology(geom, ?)) FROM area"
	               " WHERE kind = 'la' AND code LIKE 'E%' AND MbrMaxX(geom) >= ? AND MbrMinX(geom) <= ?"
	               " AND MbrMaxY(geom) >= ? AND MbrMinY(geom) <= ? ORDER BY code",
	               &st);
	if (rc)
		return rc;
	/* ext is west, south, east, north; the query asks east of the west,
	 * west of the east, north of the south, south of the north */
	static const int order[4] = {0, 2, 1, 3};
	sqlite3_bind_double(st, 1, tol);
	for (int i = 0; i < 4; i++)
		sqlite3_bind_double(st, i + 2, ext[order[i]]);
	size_t cap = 0;
	int s;
	box[0] = box[1] = INFINITY;
	box[2] = box[3] = -INFINITY;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const void *wkb = sqlite3_column_blob(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		GEOSGeometry *g = wkb ? GEOSGeomFromWKB_buf_r(m->ctx->geos, wkb, len) : NULL;
		if (!g)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			shape *more = realloc(*out, cap * sizeof *more);
			if (!more) {
				GEOSGeom_destroy_r(m->ctx->geos, g);
				rc = hv_error(m->ctx, HAVEN_ERR_NOMEM, "out of memory");
				break;
			}
			*out = more;
		}
		shape *a = &(*out)[(*n)++];
		a->g = g;
		a->london = is_london(m, (const char *)sqlite3_column_text(st, 0));
		GEOSGeom_getXMin_r(m->ctx->geos, g, &a->e0);
		GEOSGeom_getYMin_r(m->ctx->geos, g, &a->n0);
		GEOSGeom_getXMax_r(m->ctx->geos, g, &a->e1);
		GEOSGeom_getYMax_r(m->ctx->geos, g, &a->n1);
		box[0] = fmin(box[0], a->e0);
		box[1] = fmin(box[1], a->n0);
		box[2] = fmax(box[2], a->e1);
		box[3] = fmax(box[3], a->n1);
	}
	sqlite3_finalize(st);
	return rc;
}

static void shapes_free(haven_ctx *ctx, shape *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		GEOSGeom_destroy_r(ctx->geos, a[i].g);
	free(a);
}

/* England's LAs, simplified to a fifth of a point at the page's scale:
 * the map's extent. */
static haven_status read_las(fmap *m)
{
	double all[4] = {-1e300, -1e300, 1e300, 1e300}, box[4];
	haven_status rc = read_shapes(m, 400, all, &m->las, &m->nlas, box);
	m->v.e0 = box[0];
	m->v.n0 = box[1];
	m->v.e1 = box[2];
	m->v.n1 = box[3];
	if (!rc && !m->nlas)
		rc = hv_error(
		    m->ctx, HAVEN_ERR_NOT_FOUND,
		    "the store holds no LA boundaries: load them with 'haven boundaries load STORE --kind la FILE'");
	return rc;
}

/* The width of an arc of p placements, in points: its area by count. */
static double width_of(const fmap *m, int64_t p)
{
	return 0.6 + 5.4 * sqrt((double)p / (double)(m->pmax > 0 ? m->pmax : 1));
}

/* An arc on a view of the page: its ends and the control point of its
 * curve, a fifth of its length to the right of the chord. */
typedef struct arc_path {
	double x0, y0, cx, cy, x1, y1, len;
} arc_path;

static arc_path arc_on(const hv_map_view *v, const arc *a)
{
	arc_path p = {.x0 = v->ox + a->x0 * v->s,
	              .y0 = v->oy - a->y0 * v->s,
	              .x1 = v->ox + a->x1 * v->s,
	              .y1 = v->oy - a->y1 * v->s};
	double dx = p.x1 - p.x0, dy = p.y1 - p.y0;
	p.len = hypot(dx, dy);
	p.cx = (p.x0 + p.x1) / 2 - dy * 0.2;
	p.cy = (p.y0 + p.y1) / 2 + dx * 0.2;
	return p;
}

/* The colours of an arc's shaft and head: an arc drawn where it belongs,
 * and, paler, the part of a flow between London and elsewhere that the
 * inset shows again up to its edge. */
enum { ARC_DRAWN, ARC_AGAIN };

/* One arc on view v: the curve, and an arrowhead whose tip is at the host. */
static void draw_arc(const fmap *m, cairo_t *cr, const hv_map_view *v, const arc *a, int style)
{
	arc_path p = arc_on(v, a);
	if (p.len < 1)
		return;
	/* the head: at least 4.5 points, at most a third of a short arc */
	double w = width_of(m, a->placements), head = fmin(fmax(4.5, 2.2 * w), fmax(3.0, p.len / 3));
	/* the tangent at the host, and where the shaft stops for the head */
	double tx = p.x1 - p.cx, ty = p.y1 - p.cy, tl = hypot(tx, ty);
	tx /= tl;
	ty /= tl;
	double bx = p.x1 - tx * head, by = p.y1 - ty * head;
	/* the shaft: a quadratic Bézier as Cairo's cubic, ending at the head */
	double ex = bx, ey = by;
	cairo_move_to(cr, p.x0, p.y0);
	cairo_curve_to(cr, p.x0 + 2.0 / 3 * (p.cx - p.x0), p.y0 + 2.0 / 3 * (p.cy - p.y0), ex + 2.0 / 3 * (p.cx - ex),
	               ey + 2.0 / 3 * (p.cy - ey), ex, ey);
	cairo_set_line_width(cr, w);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
	if (style == ARC_AGAIN)
		cairo_set_source_rgba(cr, 0.45, 0.6, 0.78, 0.55);
	else
		cairo_set_source_rgba(cr, 0.03, 0.32, 0.61, 0.62);
	cairo_stroke(cr);
	/* the head: a triangle, wider than the shaft */
	double hw = fmax(head * 0.55, w * 0.9);
	cairo_move_to(cr, p.x1, p.y1);
	cairo_line_to(cr, bx - ty * hw, by + tx * hw);
	cairo_line_to(cr, bx + ty * hw, by - tx * hw);
	cairo_close_path(cr);
	if (style == ARC_AGAIN)
		cairo_set_source_rgba(cr, 0.3, 0.42, 0.58, 0.75);
	else
		cairo_set_source_rgba(cr, 0.03, 0.19, 0.42, 0.9);
	cairo_fill(cr);
}

/* ---- the London inset -------------------------------------------------------- */

/* The inset's rules, in points and times the main map's scale. */
#define INSET_GAP 6.0    /* from the frame's corner */
#define INSET_CLEAR 4.0  /* between the box and any land or arc of the main map */
#define INSET_BIG 5.0    /* London's boroughs, enlarged no further than this */
#define INSET_SMALL 2.5  /* nor less: below it the inset is not worth its corner */
#define INSET_LONDON 0.2 /* London narrower than this share of the frame is small */
#define INSET_PAD 0.04   /* London's extent, widened by this share each side */
#define INSET_STRIP 20.0 /* under the map: London's name and the scale bar */

/* Whether London is the audience's business: a national scope, or one
 * that holds a London LA (the Metropolitan Police, a London borough).  A
 * force or an LA elsewhere sees London only as the far end of some of its
 * flows. */
static int london_in_scope(fmap *m)
{
	hv_scope *s = NULL;
	if (hv_scope_actor(m->ctx, &s)) {
		hv_clear(m->ctx);
		return 0;
	}
	int in = hv_scope_is_national(s);
	for (size_t i = 0; !in && i < m->nlondon; i++)
		in = hv_scope_has_la(s, m->london[i]);
	hv_scope_free(s);
	return in;
}

/* 1 when the page's box (x, y, w, h), INSET_CLEAR wider each way, covers
 * no LA and no arc drawn on the main map. */
static int box_free(const fmap *m, double x, double y, double w, double h)
{
	double x0 = x - INSET_CLEAR, y0 = y - INSET_CLEAR, x1 = x + w + INSET_CLEAR, y1 = y + h + INSET_CLEAR;
	double e0 = (x0 - m->v.ox) / m->v.s, e1 = (x1 - m->v.ox) / m->v.s, n0 = (m->v.oy - y1) / m->v.s,
	       n1 = (m->v.oy - y0) / m->v.s;
	GEOSContextHandle_t gh = m->ctx->geos;
	GEOSGeometry *r = GEOSGeom_createRectangle_r(gh, e0, n0, e1, n1);
	int free_ = r != NULL;
	for (size_t i = 0; free_ && i < m->nlas; i++) {
		const shape *a = &m->las[i];
		if (a->e1 >= e0 && a->e0 <= e1 && a->n1 >= n0 && a->n0 <= n1)
			free_ = GEOSIntersects_r(gh, r, a->g) == 0;
	}
	GEOSGeom_destroy_r(gh, r);
	/* the arcs, by 65 points along each curve, at most some 8 points apart
	 * on a national page (the inset's own are not on the main map) */
	for (size_t i = 0; free_ && i < m->n; i++) {
		if (m->a[i].lon0 && m->a[i].lon1)
			continue;
		arc_path p = arc_on(&m->v, &m->a[i]);
		for (int k = 0; free_ && k <= 64; k++) {
			double t = k / 64.0, u = 1 - t;
			double px = u * u * p.x0 + 2 * u * t * p.cx + t * t * p.x1,
			       py = u * u * p.y0 + 2 * u * t * p.cy + t * t * p.y1;
			free_ = !(px >= x0 && px <= x1 && py >= y0 && py <= y1);
		}
	}
	return free_;
}

/* The corners the inset may take, in the order it tries them. */
typedef struct corner {
	const char *name;
	int right, bottom;
} corner;

static const corner corners[] = {
    {"top right", 1, 0}, {"bottom right", 1, 1}, {"top left", 0, 0}, {"bottom left", 0, 1}};

/* The top left (*x, *y) of a box w by h points in corner c of the frame. */
static void corner_box(const corner *c, double w, double h, double *x, double *y)
{
	*x = c->right ? HV_MAP_X + HV_MAP_W - INSET_GAP - w : HV_MAP_X + INSET_GAP;
	*y = c->bottom ? HV_MAP_Y + HV_MAP_H - INSET_GAP - h : HV_MAP_Y + INSET_GAP;
}

/* Decide whether London is drawn again in an inset, and where.  It is
 * when a drawn flow has an end in London, London is small on the page
 * (narrower than INSET_LONDON of the frame: always at the national extent,
 * where it is less than a tenth), and London is the audience's business
 * (london_in_scope).  The box is in the first corner of top right (the
 * North Sea), bottom right, top left, bottom left where London fits at
 * INSET_SMALL times the main map's scale or more, as large as it fits there
 * up to INSET_BIG times, and covering no land and no arc of the main map
 * (box_free). */
static void plan_inset(fmap *m)
{
	size_t ends = 0;
	for (size_t i = 0; i < m->n; i++)
		ends += m->a[i].lon0 || m->a[i].lon1;
	double e0 = INFINITY, n0 = INFINITY, e1 = -INFINITY, n1 = -INFINITY;
	for (size_t i = 0; i < m->nlas; i++)
		if (m->las[i].london) {
			e0 = fmin(e0, m->las[i].e0);
			n0 = fmin(n0, m->las[i].n0);
			e1 = fmax(e1, m->las[i].e1);
			n1 = fmax(n1, m->las[i].n1);
		}
	if (!ends || !(e1 > e0 && n1 > n0) || (e1 - e0) * m->v.s >= INSET_LONDON * HV_MAP_W || !london_in_scope(m))
		return;
	double pad = INSET_PAD * fmax(e1 - e0, n1 - n0);
	e0 -= pad;
	n0 -= pad;
	e1 += pad;
	n1 += pad;
	double ew = e1 - e0, nh = n1 - n0;
	for (size_t c = 0; c < sizeof corners / sizeof *corners; c++) {
		double lo = INSET_SMALL * m->v.s, hi = INSET_BIG * m->v.s, x, y;
		corner_box(&corners[c], ew * lo, nh * lo + INSET_STRIP, &x, &y);
		if (!box_free(m, x, y, ew * lo, nh * lo + INSET_STRIP))
			continue;
		corner_box(&corners[c], ew * hi, nh * hi + INSET_STRIP, &x, &y);
		if (!box_free(m, x, y, ew * hi, nh * hi + INSET_STRIP)) {
			/* the largest scale that fits, within a 4,000th of the range */
			for (int i = 0; i < 12; i++) {
				double k = (lo + hi) / 2;
				corner_box(&corners[c], ew * k, nh * k + INSET_STRIP, &x, &y);
				if (box_free(m, x, y, ew * k, nh * k + INSET_STRIP))
					lo = k;
				else
					hi = k;
			}
			hi = lo;
			corner_box(&corners[c], ew * hi, nh * hi + INSET_STRIP, &x, &y);
		}
		m->inset = 1;
		m->corner = corners[c].name;
		m->iv = (hv_map_view){e0, n0, e1, n1, hi, x - e0 * hi, y + nh * hi + n0 * hi};
		m->bx = x;
		m->by = y;
		m->bw = ew * hi;
		m->bh = nh * hi + INSET_STRIP;
		m->ninner = 0;
		for (size_t i = 0; i < m->n; i++)
			m->ninner += m->a[i].lon0 && m->a[i].lon1;
		return;
	}
}

/* The inset: London's boroughs, and the LAs around them paler, in its box;
 * the flows between London and elsewhere, paler, to the box's edge; the
 * flows between two London boroughs; London's name, a scale bar, the box;
 * and a frame on the main map around what it enlarges. */
static haven_status draw_inset(fmap *m, hv_page *pg, cairo_t *cr)
{
	const hv_map_view *v = &m->iv;
	shape *las = NULL;
	size_t nlas = 0;
	double ext[4] = {v->e0, v->n0, v->e1, v->n1}, box[4];
	haven_status rc = read_shapes(m, 0.2 / v->s, ext, &las, &nlas, box);
	if (rc) {
		shapes_free(m->ctx, las, nlas);
		return rc;
	}
	/* the box, white; the map clipped to all of it but the strip */
	cairo_rectangle(cr, m->bx, m->by, m->bw, m->bh);
	hv_page_colour(cr, 0xffffff);
	cairo_fill(cr);
	cairo_save(cr);
	cairo_rectangle(cr, m->bx, m->by, m->bw, m->bh - INSET_STRIP);
	cairo_clip(cr);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	for (int london = 0; london < 2; london++) {
		cairo_new_path(cr);
		for (size_t i = 0; i < nlas; i++)
			if (las[i].london == london)
				hv_map_polygon_path(cr, m->ctx->geos, las[i].g, v->ox, v->oy, v->s);
		hv_page_colour(cr, london ? 0xf2f2f2 : 0xfbfbfb);
		cairo_fill_preserve(cr);
		hv_page_colour(cr, london ? 0xa6a6a6 : 0xd0d0d0);
		cairo_set_line_width(cr, london ? 0.4 : 0.3);
		cairo_stroke(cr);
	}
	for (size_t i = 0; i < m->n; i++)
		if (m->a[i].lon0 != m->a[i].lon1)
			draw_arc(m, cr, v, &m->a[i], ARC_AGAIN);
	for (size_t i = 0; i < m->n; i++)
		if (m->a[i].lon0 && m->a[i].lon1)
			draw_arc(m, cr, v, &m->a[i], ARC_DRAWN);
	cairo_restore(cr);
	/* the strip: London's name, the inset's scale bar */
	double sy = m->by + m->bh - INSET_STRIP;
	cairo_move_to(cr, m->bx, sy);
	cairo_line_to(cr, m->bx + m->bw, sy);
	hv_page_colour(cr, 0xbdbdbd);
	cairo_set_line_width(cr, 0.5);
	cairo_stroke(cr);
	hv_page_font(cr, pg->bold, 8.5);
	hv_page_colour(cr, HV_PAGE_INK);
	hv_page_text(cr, m->bx + 5, sy + 13, HV_LEFT, "London");
	hv_map_scale_bar(pg, cr, v->s, m->bx + 52, sy + 4, m->bw - 85);
	shapes_free(m->ctx, las, nlas);
	/* the box, and what it enlarges on the main map */
	cairo_rectangle(cr, m->bx, m->by, m->bw, m->bh);
	hv_page_colour(cr, HV_PAGE_INK);
	cairo_set_line_width(cr, 0.9);
	cairo_stroke(cr);
	cairo_rectangle(cr, m->v.ox + v->e0 * m->v.s, m->v.oy - v->n1 * m->v.s, (v->e1 - v->e0) * m->v.s,
	                (v->n1 - v->n0) * m->v.s);
	cairo_set_line_width(cr, 0.6);
	cairo_stroke(cr);
	return HAVEN_OK;
}

static void number(int64_t v, char *buf, size_t n)
{
	char raw[32];
	snprintf(raw, sizeof raw, "%lld", (long long)v);
	size_t len = strlen(raw), o = 0;
	for (size_t i = 0; i < len && o + 2 < n; i++) {
		if (i && (len - i) % 3 == 0 && raw[i - 1] != '-')
			buf[o++] = ',';
		buf[o++] = raw[i];
	}
	buf[o] = 0;
}

static double legend(fmap *m, hv_page *pg, cairo_t *cr, double x, double y)
{
	double w = HV_MAP_PANEL_W;
	char a[32], b[32], line[512];
	hv_page_font(cr, pg->bold, 10);
	hv_page_colour(cr, HV_PAGE_INK);
	hv_page_text(cr, x, y, HV_LEFT, "Placements between local authorities");
	y += 16;
	hv_page_font(cr, pg->regular, 8.5);
	number((int64_t)m->n, a, sizeof a);
	number(m->total, b, sizeof b);
	snprintf(line, sizeof line, "The %s largest flows drawn, of %s between two LAs.", a, b);
	y = hv_page_wrapped(cr, x, y, w, 11, line);
	/* widths for three sizes, none below what the gate publishes */
	int64_t v[3] = {m->pmax, m->pmax / 3, HV_CONTROL_THRESHOLD + 1};
	for (int i = 0; i < 3 && m->pmax > 0; i++) {
		if (v[i] > m->pmax || (i && v[i] >= v[i - 1]))
			continue;
		double lw = width_of(m, v[i]);
		cairo_move_to(cr, x, y + 2);
		cairo_line_to(cr, x + 34, y + 2);
		cairo_set_line_width(cr, lw);
		cairo_set_source_rgba(cr, 0.03, 0.32, 0.61, 0.62);
		cairo_stroke(cr);
		cairo_move_to(cr, x + 44, y + 2);
		cairo_line_to(cr, x + 36, y + 2 - fmax(2.5, lw * 0.9));
		cairo_line_to(cr, x + 36, y + 2 + fmax(2.5, lw * 0.9));
		cairo_close_path(cr);
		cairo_set_source_rgba(cr, 0.03, 0.19, 0.42, 0.9);
		cairo_fill(cr);
		number(v[i], a, sizeof a);
		snprintf(line, sizeof line, "%s placement%s", a, v[i] == 1 ? "" : "s");
		hv_page_colour(cr, HV_PAGE_INK);
		hv_page_text(cr, x + 52, y + 5, HV_LEFT, line);
		y += 16;
	}
	y += 4;
	hv_page_colour(cr, HV_PAGE_GREY_TEXT);
	y = hv_page_wrapped(cr, x, y, w, 11,
	                    "Each arc runs from the placing LA's centre to the LA of the home, bowed to its right; "
	                    "the arrowhead is at the home's LA.");
	if (m->inset) {
		y += 4;
		char inner[128];
		number((int64_t)m->ninner, a, sizeof a);
		if (m->ninner)
			snprintf(inner, sizeof inner, "the %s flow%s between two London boroughs %s drawn there only",
			         a, m->ninner == 1 ? "" : "s", m->ninner == 1 ? "is" : "are");
		else
			snprintf(inner, sizeof inner, "no flow between two London boroughs is among those drawn");
		snprintf(line, sizeof line,
		         "London, framed, is drawn again %.1f times larger in the inset (%s): %s; flows between London "
		         "and elsewhere run on the main map, and again, paler, to the inset's edge.",
		         m->iv.s / m->v.s, m->corner, inner);
		y = hv_page_wrapped(cr, x, y, w, 11, line);
	}
	y += 4;
	number(m->suppressed, a, sizeof a);
	snprintf(line, sizeof line,
	         "Flows of 1 to 5 children are suppressed, with others that would give them away (%s flows): "
	         "they are never drawn.",
	         a);
	hv_page_colour(cr, HV_PAGE_INK);
	y = hv_page_wrapped(cr, x, y, w, 11, line);
	if (m->other > 0) {
		number(m->other, a, sizeof a);
		snprintf(line, sizeof line, "Smaller flows not drawn: %s placements (published counts only).", a);
		y = hv_page_wrapped(cr, x, y + 4, w, 11, line);
	}
	return y;
}

static haven_status draw(hv_page *pg, cairo_t *cr, void *arg)
{
	fmap *m = arg;
	const haven_table *t = m->t;
	hv_page_marking(pg, cr, haven_table_marking(t));
	const char *period = haven_table_meta(t, "placements");
	char sub[256];
	snprintf(sub, sizeof sub, "%s; %s", period ? period : "",
	         haven_table_meta(t, "scope") ? haven_table_meta(t, "scope") : "");
	hv_page_title(pg, cr, HV_MAP_MARGIN,
	              m->o->title ? m->o->title : "Children placed in homes outside their local authority", sub);
	hv_map_view_open(cr, &m->v);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	for (size_t i = 0; i < m->nlas; i++)
		hv_map_polygon_path(cr, m->ctx->geos, m->las[i].g, m->v.ox, m->v.oy, m->v.s);
	hv_page_colour(cr, 0xf2f2f2);
	cairo_fill_preserve(cr);
	hv_page_colour(cr, 0xa6a6a6);
	cairo_set_line_width(cr, 0.3);
	cairo_stroke(cr);
	plan_inset(m);
	for (size_t i = 0; i < m->n; i++)
		if (!(m->inset && m->a[i].lon0 && m->a[i].lon1))
			draw_arc(m, cr, &m->v, &m->a[i], ARC_DRAWN);
	haven_status rc = m->inset ? draw_inset(m, pg, cr) : HAVEN_OK;
	hv_map_view_close(cr);
	if (rc)
		return rc;
	legend(m, pg, cr, HV_MAP_PANEL_X, HV_MAP_Y + 10);
	hv_map_view_foot(pg, cr, &m->v, t,
	                 "Map on the British National Grid (EPSG:27700); arcs between LAs' centres "
	                 "(population-weighted where loaded, else a point on surface)",
	                 1);
	return HAVEN_OK;
}

/* ---- the HTML page ----------------------------------------------------------- */

/* The page's script: the LA boundaries, then each flow (drawn smallest
 * first) as a quadratic curve bowed to the right of its direction, sampled
 * in a plane of longitude scaled by the cosine of the latitude, its width
 * by placements, and an arrowhead whose tip is at the host.  Only flows
 * whose counts are numbers are drawn (the table holds no other).  Text
 * from the data is set as text, never as markup. */
static const char flow_js[] =
    "(function () {\n"
    "'use strict';\n"
    "function json(id) { return JSON.parse(document.getElementById(id).textContent); }\n"
    "var cfg = json('haven-map'), flows = json('haven-data'), las = json('haven-las');\n"
    "var map = L.map('map', {attributionControl: false, zoomSnap: 0.25});\n"
    "L.control.scale({imperial: false}).addTo(map);\n"
    "var base = L.geoJSON(las, {interactive: false, style: function () {\n"
    "  return {fillColor: '#f2f2f2', fillOpacity: 1, color: '#a6a6a6', weight: 0.6};\n"
    "}}).addTo(map);\n"
    "map.fitBounds(base.getBounds());\n"
    "var fs = flows.features.filter(function (f) {\n"
    "  var p = f.properties;\n"
    "  return f.geometry && typeof p.placements === 'number' && typeof p.children === 'number';\n"
    "});\n"
    "fs.sort(function (a, b) { return a.properties.placements - b.properties.placements; });\n"
    "function tip(p) {\n"
    "  var div = document.createElement('div'), b = document.createElement('b');\n"
    "  b.textContent = p.placing_name + ' \\u2192 ' + p.host_name;\n"
    "  div.appendChild(b);\n"
    "  div.appendChild(document.createElement('br'));\n"
    "  div.appendChild(document.createTextNode(p.placements.toLocaleString('en-GB') + ' placements, ' +\n"
    "    p.children.toLocaleString('en-GB') + ' children'));\n"
    "  return div;\n"
    "}\n"
    "fs.forEach(function (f) {\n"
    "  var c = f.geometry.coordinates, p = f.properties;\n"
    "  var k = Math.cos((c[0][1] + c[1][1]) / 2 * Math.PI / 180);\n"
    "  var x0 = c[0][0] * k, y0 = c[0][1], x1 = c[1][0] * k, y1 = c[1][1];\n"
    "  var dx = x1 - x0, dy = y1 - y0, len = Math.sqrt(dx * dx + dy * dy);\n"
    "  if (len <= 0) return;\n"
    "  var cx = (x0 + x1) / 2 + dy * 0.2, cy = (y0 + y1) / 2 - dx * 0.2, pts = [];\n"
    "  for (var i = 0; i <= 32; i++) {\n"
    "    var t = i / 32, u = 1 - t;\n"
    "    pts.push([u * u * y0 + 2 * u * t * cy + t * t * y1, (u * u * x0 + 2 * u * t * cx + t * t * x1) / k]);\n"
    "  }\n"
    "  var w = 1 + 7 * Math.sqrt(p.placements / cfg.pmax);\n"
    "  L.polyline(pts, {color: '#3d7ab8', weight: w, opacity: 0.7, lineCap: 'butt', className: 'haven-arc'})\n"
    "    .bindTooltip(tip(p), {sticky: true}).addTo(map);\n"
    "  var tx = x1 - cx, ty = y1 - cy, tl = Math.sqrt(tx * tx + ty * ty);\n"
    "  tx /= tl; ty /= tl;\n"
    "  var h = Math.min(len / 3, 0.06 + 0.06 * Math.sqrt(p.placements / cfg.pmax)), bx = x1 - tx * h, by = y1 - ty * "
    "h;\n"
    "  L.polygon([[y1, x1 / k], [by + tx * h * 0.55, (bx - ty * h * 0.55) / k],\n"
    "    [by - tx * h * 0.55, (bx + ty * h * 0.55) / k]],\n"
    "    {interactive: false, stroke: false, fillColor: '#08306b', fillOpacity: 1, className: "
    "'haven-head'}).addTo(map);\n"
    "});\n"
    "})();\n";

static void html_legend(FILE *f, void *arg)
{
	const fmap *m = arg;
	char a[32], b[32];
	number((int64_t)m->n, a, sizeof a);
	number(m->total, b, sizeof b);
	fprintf(f,
	        "<aside><h2>Placements between local authorities</h2>"
	        "<p id=\"flows-drawn\" data-drawn=\"%zu\">The %s largest flows drawn, of %s between two LAs.</p><ul>\n",
	        m->n, a, b);
	int64_t v[3] = {m->pmax, m->pmax / 3, HV_CONTROL_THRESHOLD + 1};
	for (int i = 0; i < 3 && m->pmax > 0; i++) {
		if (v[i] > m->pmax || (i && v[i] >= v[i - 1]))
			continue;
		double w = 1 + 7 * sqrt((double)v[i] / (double)m->pmax);
		number(v[i], a, sizeof a);
		fprintf(
		    f,
		    "<li><svg width=\"48\" height=\"16\"><line x1=\"0\" y1=\"8\" x2=\"38\" y2=\"8\" stroke=\"#3d7ab8\" "
		    "stroke-opacity=\"0.7\" stroke-width=\"%.1f\"/><polygon points=\"48,8 37,2 37,14\" "
		    "fill=\"#08306b\"/></svg><span>%s placement%s</span></li>\n",
		    w, a, v[i] == 1 ? "" : "s");
	}
	fputs("</ul><p class=\"how\">Each arc runs from the placing LA's centre to the LA of the home, bowed to its "
	      "right; the arrowhead is at the home's LA. Hover over an arc for its counts.</p>",
	      f);
	number(m->suppressed, a, sizeof a);
	fprintf(f,
	        "<p>Flows of 1 to 5 children are suppressed, with others that would give them away (%s flows): they "
	        "are never drawn.</p>",
	        a);
	if (m->other > 0) {
		number(m->other, a, sizeof a);
		fprintf(f, "<p>Smaller flows not drawn: %s placements (published counts only).</p>", a);
	}
	fputs("</aside>\n", f);
}

/* England's LA boundaries as a GeoJSON FeatureCollection in longitude and
 * latitude, simplified for a national map (SpatiaLite's own writer). */
static haven_status las_geojson(fmap *m, char **out)
{
	*out = NULL;
	sqlite3_stmt *st;
	haven_status rc =
	    hv_prepare(m->ctx,
	               "SELECT '{\"type\":\"FeatureCollection\",\"features\":[' || coalesce(group_concat("
	               "'{\"type\":\"Feature\",\"properties\":{},\"geometry\":' ||"
	               " AsGeoJSON(Transform(ST_SimplifyPreserveTopology(geom, 400), 4326), 5) || '}', ','),"
	               " '') || ']}' FROM area WHERE kind = 'la' AND code LIKE 'E%'",
	               &st);
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		*out = strdup((const char *)sqlite3_column_text(st, 0));
	else
		rc = hv_error_sql(m->ctx, "writing the LA boundaries as GeoJSON");
	sqlite3_finalize(st);
	if (!rc && !*out)
		rc = hv_error(m->ctx, HAVEN_ERR_NOMEM, "out of memory");
	return rc;
}

static haven_status write_html(fmap *m)
{
	haven_ctx *ctx = m->ctx;
	char *las = NULL, *cfg = NULL, *json = NULL;
	size_t n = 0;
	haven_status rc = hv_map_geojson(ctx, m->t, NULL, &json, &n);
	if (!rc)
		rc = las_geojson(m, &las);
	cJSON *c = rc ? NULL : cJSON_CreateObject();
	if (!rc && (!c || !cJSON_AddNumberToObject(c, "pmax", (double)(m->pmax > 0 ? m->pmax : 1)) ||
	            !(cfg = cJSON_PrintUnformatted(c))))
		rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	cJSON_Delete(c);
	if (!rc) {
		const haven_table *t = m->t;
		char sub[256];
		const char *period = haven_table_meta(t, "placements"), *scope = haven_table_meta(t, "scope");
		snprintf(sub, sizeof sub, "%s; %s", period ? period : "", scope ? scope : "");
		hv_page_notes nt;
		hv_page_notes_of(ctx, t,
		                 "Map in longitude and latitude (Web Mercator), no background tiles; arcs between "
		                 "LAs' centres (population-weighted where loaded, else a point on surface)",
		                 1, &nt);
		hv_map_html h = {
		    .title = m->o->title ? m->o->title : "Children placed in homes outside their local authority",
		    .sub = sub,
		    .marking = haven_table_marking(t),
		    .legend = html_legend,
		    .arg = m,
		    .notes = &nt,
		    .json = {{"haven-data", json, n}, {"haven-las", las, strlen(las)}, {"haven-map", cfg, strlen(cfg)}},
		    .njson = 3,
		    .script = flow_js};
		rc = hv_map_html_write(ctx, m->o->path, m->o->overwrite, &h);
	}
	CPLFree(json);
	free(las);
	cJSON_free(cfg);
	return rc;
}

static void fmap_free(fmap *m)
{
	shapes_free(m->ctx, m->las, m->nlas);
	free(m->london);
	free(m->a);
}

int hv_flow_map_format(const char *path)
{
	size_t n = path ? strlen(path) : 0;
	if (n >= 5 && strcasecmp(path + n - 5, ".html") == 0)
		return HV_FLOW_MAP_HTML;
	return hv_page_format(path, 3);
}

haven_status hv_flow_map_write(haven_ctx *ctx, const haven_table *t, const haven_map_opts *o)
{
	if (haven_table_sealed(t))
		return hv_error(ctx, HAVEN_ERR_DENIED, "'%s' is sealed: release it first", haven_table_title(t));
	int fmt = hv_flow_map_format(o->path);
	if (fmt < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "%s: a flow map is a .png, .svg, .pdf or .html file",
		                o->path ? o->path : "");
	fmap m = {.ctx = ctx, .t = t, .o = o};
	haven_status rc = read_london(&m);
	if (!rc)
		rc = read_arcs(&m);
	if (!rc)
		rc = read_las(&m);
	if (!rc && fmt == HV_FLOW_MAP_HTML)
		rc = write_html(&m);
	else if (!rc)
		rc = hv_page_write(ctx, o->path, fmt, o->overwrite, HV_MAP_PAGE_W, HV_MAP_PAGE_H, HV_MAP_PNG_SCALE,
		                   "Children placed in homes outside their local authority",
		                   "the largest flows of placements between local authorities", haven_table_marking(t),
		                   draw, &m);
	fmap_free(&m);
	return rc;
}
