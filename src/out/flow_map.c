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
#include "out/flow_map.h"
#include "out/map.h"
#include "out/page.h"

typedef struct arc {
	double x0, y0, x1, y1; /* EPSG:27700 metres */
	int64_t placements, children;
} arc;

typedef struct fmap {
	haven_ctx *ctx;
	const haven_table *t;
	const haven_map_opts *o;
	arc *a;
	size_t n;
	int64_t pmax, other, total, suppressed;
	GEOSGeometry **las; /* the LA boundaries, simplified for the scale */
	size_t nlas;
	hv_map_view v; /* the extent of the flows, then the page frame fitted to it */
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

static haven_status read_arcs(fmap *m)
{
	const haven_table *t = m->t;
	int pl = haven_table_find(t, "placements"), ch = haven_table_find(t, "children"),
	    gc = haven_table_find(t, "geom"), pc = haven_table_find(t, "placing_code");
	if (pl < 0 || ch < 0 || gc < 0 || pc < 0 || !haven_table_meta(t, "flows_kept"))
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
		*a = (arc){xy[0], xy[1], xy[2], xy[3], p, hv_table_cell_int(t, i, ch)};
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
 * to a fifth of a point at the page's scale. */
static haven_status read_las(fmap *m)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(m->ctx,
	                             "SELECT ST_AsBinary(ST_SimplifyPreserveTopology(geom, 400)) FROM area"
	                             " WHERE kind = 'la' AND code LIKE 'E%' ORDER BY code",
	                             &st);
	if (rc)
		return rc;
	size_t cap = 0;
	int s;
	m->v.e0 = m->v.n0 = INFINITY;
	m->v.e1 = m->v.n1 = -INFINITY;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const void *wkb = sqlite3_column_blob(st, 0);
		size_t len = (size_t)sqlite3_column_bytes(st, 0);
		GEOSGeometry *g = wkb ? GEOSGeomFromWKB_buf_r(m->ctx->geos, wkb, len) : NULL;
		if (!g)
			continue;
		if (m->nlas == cap) {
			cap = cap ? cap * 2 : 256;
			GEOSGeometry **more = realloc(m->las, cap * sizeof *more);
			if (!more) {
				GEOSGeom_destroy_r(m->ctx->geos, g);
				rc = hv_error(m->ctx, HAVEN_ERR_NOMEM, "out of memory");
				break;
			}
			m->las = more;
		}
		m->las[m->nlas++] = g;
		double v;
		GEOSGeom_getXMin_r(m->ctx->geos, g, &v);
		m->v.e0 = fmin(m->v.e0, v);
		GEOSGeom_getYMin_r(m->ctx->geos, g, &v);
		m->v.n0 = fmin(m->v.n0, v);
		GEOSGeom_getXMax_r(m->ctx->geos, g, &v);
		m->v.e1 = fmax(m->v.e1, v);
		GEOSGeom_getYMax_r(m->ctx->geos, g, &v);
		m->v.n1 = fmax(m->v.n1, v);
	}
	sqlite3_finalize(st);
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

static void page_xy(const fmap *m, double e, double n, double *x, double *y)
{
	*x = m->v.ox + e * m->v.s;
	*y = m->v.oy - n * m->v.s;
}

/* One arc: the curve, and an arrowhead whose tip is at the host. */
static void draw_arc(const fmap *m, cairo_t *cr, const arc *a)
{
	double x0, y0, x1, y1;
	page_xy(m, a->x0, a->y0, &x0, &y0);
	page_xy(m, a->x1, a->y1, &x1, &y1);
	double dx = x1 - x0, dy = y1 - y0, len = hypot(dx, dy);
	if (len < 1)
		return;
	/* the control point: a fifth of the length to the right of the chord */
	double cx = (x0 + x1) / 2 - dy * 0.2, cy = (y0 + y1) / 2 + dx * 0.2;
	/* the head: at least 4.5 points, at most a third of a short arc */
	double w = width_of(m, a->placements), head = fmin(fmax(4.5, 2.2 * w), fmax(3.0, len / 3));
	/* the tangent at the host, and where the shaft stops for the head */
	double tx = x1 - cx, ty = y1 - cy, tl = hypot(tx, ty);
	tx /= tl;
	ty /= tl;
	double bx = x1 - tx * head, by = y1 - ty * head;
	/* the shaft: a quadratic Bézier as Cairo's cubic, ending at the head */
	double ex = bx, ey = by;
	cairo_move_to(cr, x0, y0);
	cairo_curve_to(cr, x0 + 2.0 / 3 * (cx - x0), y0 + 2.0 / 3 * (cy - y0), ex + 2.0 / 3 * (cx - ex),
	               ey + 2.0 / 3 * (cy - ey), ex, ey);
	cairo_set_line_width(cr, w);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
	cairo_set_source_rgba(cr, 0.03, 0.32, 0.61, 0.62);
	cairo_stroke(cr);
	/* the head: a triangle, wider than the shaft */
	double hw = fmax(head * 0.55, w * 0.9);
	cairo_move_to(cr, x1, y1);
	cairo_line_to(cr, bx - ty * hw, by + tx * hw);
	cairo_line_to(cr, bx + ty * hw, by - tx * hw);
	cairo_close_path(cr);
	cairo_set_source_rgba(cr, 0.03, 0.19, 0.42, 0.9);
	cairo_fill(cr);
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
		hv_map_polygon_path(cr, m->ctx->geos, m->las[i], m->v.ox, m->v.oy, m->v.s);
	hv_page_colour(cr, 0xf2f2f2);
	cairo_fill_preserve(cr);
	hv_page_colour(cr, 0xa6a6a6);
	cairo_set_line_width(cr, 0.3);
	cairo_stroke(cr);
	for (size_t i = 0; i < m->n; i++)
		draw_arc(m, cr, &m->a[i]);
	hv_map_view_close(cr);
	legend(m, pg, cr, HV_MAP_PANEL_X, HV_MAP_Y + 10);
	hv_map_view_foot(pg, cr, &m->v, t,
	                 "Map on the British National Grid (EPSG:27700); arcs between LAs' points on surface", 1);
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
		                 "LAs' points on surface",
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
	for (size_t i = 0; i < m->nlas; i++)
		GEOSGeom_destroy_r(m->ctx->geos, m->las[i]);
	free(m->las);
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
	haven_status rc = read_arcs(&m);
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
