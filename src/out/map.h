/*
 * map.h - the insides of maps (map.c) that tests reach: the HTML page
 * around a GeoJSON, and class breaks; and the page every map shares.  haven_map_write() is in haven/map.h.
 * docs/maps.md.
 */
#ifndef HAVEN_OUT_MAP_H
#define HAVEN_OUT_MAP_H

#include <geos_c.h>
#include <stdio.h>

#include "core/table.h"
#include "haven/map.h"
#include "out/page.h"
#include "ref/areas.h"

/** Whether o can be drawn, as far as can be told before there is a table:
 *  the file's extension, the classes, an existing file without
 *  o->overwrite.  Errors as haven_map_write().  So that a command refuses
 *  before it releases anything (a release is audited). */
haven_status hv_map_check(haven_ctx *ctx, const haven_map_opts *o);

/** The HTML page haven_map_write writes, around a given GeoJSON: geojson, n
 *  bytes of RFC 7946 GeoJSON of t's rows at o->level as the export's writer
 *  makes it (each column a property, a symbol in NAME_symbol beside a
 *  null), inlined with Leaflet, the legend and the table's marking into the
 *  one file o->path.  Borrowed.
 * \return as haven_map_write. */
haven_status hv_map_write_html(haven_ctx *ctx, const haven_table *t, const haven_map_opts *o, const char *geojson,
                               size_t n);

/* A map's page, shared by every map drawn with Cairo (map.c, hotspot_map.c):
 * A4 landscape in points, a PNG at HV_MAP_PNG_SCALE pixels a point; the map's
 * frame on the left, the legend's panel on the right from HV_MAP_PANEL_X. */
#define HV_MAP_PAGE_W 842.0
#define HV_MAP_PAGE_H 595.0
#define HV_MAP_PNG_SCALE 2.0
#define HV_MAP_MARGIN 24.0
#define HV_MAP_X HV_MAP_MARGIN
#define HV_MAP_Y 88.0
#define HV_MAP_W 480.0
#define HV_MAP_H (HV_MAP_PAGE_H - HV_MAP_Y - 96.0)
#define HV_MAP_PANEL_X (HV_MAP_X + HV_MAP_W + 20.0)
#define HV_MAP_PANEL_W (HV_MAP_PAGE_W - HV_MAP_MARGIN - HV_MAP_PANEL_X)

/** A scale bar of a round length (1, 2 or 5 times a power of ten
 *  kilometres) at most w points long, for a map of s points a metre, its
 *  left end at (x, y), on page pg (its fonts).  Borrowed. */
void hv_map_scale_bar(const hv_page *pg, cairo_t *cr, double s, double x, double y, double w);

/** The path of every ring of the polygonal g (a polygon or a multipolygon,
 *  holes included: fill it with the even-odd rule) on cr, a point (x, y) in
 *  metres drawn at (ox + x s, oy - y s).  Borrowed. */
void hv_map_polygon_path(cairo_t *cr, GEOSContextHandle_t h, const GEOSGeometry *g, double ox, double oy, double s);

/** A page map of a rectangle of the British National Grid, shared by the
 *  maps of one place (zone_map.c, assess_map.c, hotspot_map.c) and the
 *  flow map (flow_map.c). */
typedef struct hv_map_view {
	double e0, n0, e1, n1; /* the rectangle to show (metres), set by the caller */
	double s, ox, oy;      /* set by hv_map_view_open: a point (x, y) in metres is drawn at (ox + x s, oy - y s) */
} hv_map_view;

/** Fit v's rectangle, centred, in the map's frame and clip cr to the frame
 *  (cairo_save): draw the map's layers, then hv_map_view_close. */
void hv_map_view_open(cairo_t *cr, hv_map_view *v);

/** Undo hv_map_view_open's clip and draw the frame's grey border. */
void hv_map_view_close(cairo_t *cr);

/** The foot of the panel and the page: grid north and a scale bar at the
 *  panel's foot, then released table t's notes (what, the ONS boundaries'
 *  attribution when attribution and t has none) and the footer.  Borrowed. */
void hv_map_view_foot(hv_page *pg, cairo_t *cr, const hv_map_view *v, const haven_table *t, const char *what,
                      int attribution);

/** The local authorities of las (borrowed; ref/areas.c) meeting the map's
 *  extent ext (west, south, east, north, metres) as a light context layer
 *  under a map's subject: each LA's part in view filled pale and outlined
 *  in grey, and named (pg's regular font) at a point on it when it covers
 *  more than 3% of the view.  Points drawn as hv_map_polygon_path does. */
void hv_map_context_las(const hv_page *pg, cairo_t *cr, GEOSContextHandle_t h, const hv_areas *las, const double ext[4],
                        double ox, double oy, double s);

/** Grid north (the British National Grid's, up the page): an arrow whose
 *  tip is at (x, y), and an N under it.  Borrowed. */
void hv_map_north_arrow(const hv_page *pg, cairo_t *cr, double x, double y);

/** The most classes a map has (the palette's length). */
/** An offline HTML map page (Leaflet inlined from Debian's libjs-leaflet,
 *  a Content-Security-Policy forbidding every fetch): the marking, title
 *  and subtitle, the map's div (#map), the legend legend() writes beside
 *  it, the footer's notes, JSON data as <script type="application/json">
 *  elements by id, and the page's script.  All borrowed. */
typedef struct hv_map_html {
	const char *title, *sub, *marking;
	void (*legend)(FILE *f, void *arg); /* writes the <aside> */
	void *arg;
	const hv_page_notes *notes;
	const char *extra; /* markup after the footer, or NULL */
	struct {
		const char *id, *text;
		size_t n;
	} json[3];
	size_t njson;
	const char *script;
} hv_map_html;

/** Write page h to path (created new, 0600, put in place whole; replaced
 *  only with overwrite).
 * \return HAVEN_ERR_IO when Leaflet is absent or the file cannot be written. */
haven_status hv_map_html_write(haven_ctx *ctx, const char *path, int overwrite, const hv_map_html *h);

/** The rows of released table t at level (NULL: all) as GeoJSON from the
 *  export's writer (RFC 7946, in memory: one writer of GeoJSON).
 * \param json on HAVEN_OK n bytes, not terminated; the caller frees with CPLFree() */
haven_status hv_map_geojson(haven_ctx *ctx, const haven_table *t, const char *level, char **json, size_t *n);

/** s as HTML text: escaped, its control characters shown. */
void hv_map_html_text(FILE *f, const char *s);

#define HV_MAP_MAX_CLASSES 9

/** Class breaks of the n values v (any order, borrowed) into at most k
 *  classes (1..HV_MAP_MAX_CLASSES) by method "quantile" or "jenks" (Fisher's
 *  exact natural breaks: least total squared deviation from the class
 *  means).  breaks[0] is the least value and breaks[i + 1] the greatest
 *  value of class i; class i holds the values above breaks[i] up to
 *  breaks[i + 1], the first class its least value too.  Quantile class i
 *  ends at the value of rank ceil((i + 1) n / k) in increasing order.
 *  Fewer classes come back when the values have fewer distinct values than
 *  k or quantiles coincide; *nclasses says how many (0 when n is 0).
 *  breaks needs k + 1 entries.
 * \return HAVEN_ERR_USAGE for an unknown method or k out of range;
 *  HAVEN_ERR_NOMEM. */
haven_status hv_map_breaks(haven_ctx *ctx, const double *v, size_t n, const char *method, int k, double *breaks,
                           int *nclasses);

/** The class of value x under breaks[0..nclasses] (hv_map_breaks): the
 *  first i with x <= breaks[i + 1]; the last class for anything greater. */
int hv_map_class(const double *breaks, int nclasses, double x);

#endif
