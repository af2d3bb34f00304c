/*
 * map.c - maps of an aggregate table: a page drawn with Cairo (PNG, SVG,
 * PDF) or one offline HTML page with Leaflet.  docs/maps.md.
 *
 * The page is A4 landscape, the map drawn on the British National Grid
 * (the table's geometries are EPSG:27700: metres east and north, so the
 * map is to scale and north is up).  A rate is a choropleth: its values
 * fall into classes (quantile or Jenks breaks, hv_map_breaks) coloured
 * with ColorBrewer's YlGnBu, a sequential palette safe for colour-blind
 * readers.  A count is a proportional circle at a point on the area's
 * surface (inside it, unlike a centroid), its area proportional to the
 * count.  A cell holding a GSS symbol instead of a number is drawn as that
 * symbol: hatched when suppressed ("c"), grey otherwise, each named in the
 * legend, so a reader never mistakes a hidden value for a low one.  The 33
 * London authorities are specks at national scale: when the map holds
 * them at that scale they are drawn again, larger, in an inset.  The
 * legend, the inset, a north arrow and a scale bar stand in a panel beside
 * the map, never over it; the title and date above, the sources'
 * attributions and the disclosure rule below, and the table's protective
 * marking at the top and bottom of the page.  Text is DejaVu Sans, found
 * through fontconfig.
 */
#define GEOS_USE_ONLY_R_API
#include <cjson/cJSON.h>
#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <geos_c.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/crs.h"
#include "core/output.h"
#include "core/source.h"
#include "gate/gate.h"
#include "haven/export.h"
#include "out/map.h"
#include "out/page.h"

/* ---- class breaks -------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Class i of k over sorted s[0..n) ends at the value of rank ceil((i+1) n / k). */
static void quantile_breaks(const double *s, size_t n, int k, double *b)
{
	b[0] = s[0];
	for (int i = 1; i < k; i++)
		b[i] = s[((size_t)i * n + (size_t)k - 1) / (size_t)k - 1];
	b[k] = s[n - 1];
}

/* Fisher's exact optimal partition of sorted s[0..n) into k classes (the
 * dynamic programme Jenks' natural breaks approximate): cost[j][i] is the
 * least total squared deviation of s[0..i) in j + 1 classes, from[j][i]
 * where its last class starts.  O(k n^2): a few milliseconds for the
 * thousands of areas or grid cells a map holds. */
static haven_status jenks_breaks(haven_ctx *ctx, const double *s, size_t n, int k, double *b)
{
	size_t w = n + 1;
	double *p1 = calloc(w, sizeof *p1), *p2 = calloc(w, sizeof *p2);
	double *cost = calloc((size_t)k * w, sizeof *cost);
	size_t *from = calloc((size_t)k * w, sizeof *from);
	if (!p1 || !p2 || !cost || !from) {
		free(p1);
		free(p2);
		free(cost);
		free(from);
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		p1[i + 1] = p1[i] + s[i];
		p2[i + 1] = p2[i] + s[i] * s[i];
	}
/* The squared deviation of s[a..z) from its mean. */
#define SSD(a, z) fmax(0.0, (p2[z] - p2[a]) - (p1[z] - p1[a]) * (p1[z] - p1[a]) / (double)((z) - (a)))
	for (size_t i = 1; i <= n; i++)
		cost[i] = SSD(0, i);
	for (size_t j = 1; j < (size_t)k; j++)
		for (size_t i = j + 1; i <= n; i++) {
			double best = INFINITY;
			for (size_t m = j; m < i; m++) {
				double c = cost[(j - 1) * w + m] + SSD(m, i);
				if (c < best) {
					best = c;
					from[j * w + i] = m;
				}
			}
			cost[j * w + i] = best;
		}
#undef SSD
	size_t end = n;
	for (size_t j = (size_t)k - 1; j >= 1; j--) {
		size_t m = from[j * w + end];
		b[j] = s[m - 1];
		end = m;
	}
	b[0] = s[0];
	b[k] = s[n - 1];
	free(p1);
	free(p2);
	free(cost);
	free(from);
	return HAVEN_OK;
}

haven_status hv_map_breaks(haven_ctx *ctx, const double *v, size_t n, const char *method, int k, double *breaks,
                           int *nclasses)
{
	*nclasses = 0;
	int jenks = method && strcmp(method, "jenks") == 0;
	if (!method || (!jenks && strcmp(method, "quantile") != 0))
		return hv_error(ctx, HAVEN_ERR_USAGE, "classes '%s': a map's classes are quantile or jenks",
		                method ? method : "");
	if (k < 1 || k > HV_MAP_MAX_CLASSES)
		return hv_error(ctx, HAVEN_ERR_USAGE, "%d classes: a map has 1 to %d", k, HV_MAP_MAX_CLASSES);
	if (!n)
		return HAVEN_OK;
	double *s = malloc(n * sizeof *s);
	if (!s)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	memcpy(s, v, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_double);
	size_t distinct = 1;
	for (size_t i = 1; i < n; i++)
		distinct += s[i] != s[i - 1];
	if ((size_t)k > distinct)
		k = (int)distinct;
	haven_status rc = HAVEN_OK;
	if (jenks)
		rc = jenks_breaks(ctx, s, n, k, breaks);
	else
		quantile_breaks(s, n, k, breaks);
	free(s);
	if (rc)
		return rc;
	/* Quantiles of tied values coincide: a class ending where the one
	 * before it ends would be empty.  (The first may hold one value.) */
	int last = 1;
	for (int i = 2; i <= k; i++)
		if (breaks[i] > breaks[last])
			breaks[++last] = breaks[i];
	*nclasses = last;
	return HAVEN_OK;
}

int hv_map_class(const double *breaks, int nclasses, double x)
{
	for (int i = 0; i < nclasses - 1; i++)
		if (x <= breaks[i + 1])
			return i;
	return nclasses - 1;
}

/* ---- what is drawn ------------------------------------------------------- */

/* DfE's symbols for a value not shown, as the legend names them. */
static const struct {
	const char *symbol, *meaning;
} symbols[] = {
    {"c", "suppressed (disclosure control)"},
    {"z", "not applicable"},
    {"x", "not available"},
    {"k", "rounds to zero"},
    {"low", "low figure, not shown"},
    {"u", "low reliability, not shown"},
};
#define NSYMBOLS (sizeof symbols / sizeof symbols[0])
#define SYMBOL_X 2 /* an empty cell is drawn as "x", not available */

typedef struct area {
	const char *code, *name; /* borrowed from the table */
	double *xy;              /* every ring's vertices, x y x y ..., owned */
	size_t *ring;            /* the number of vertices of each ring, owned */
	size_t nrings;
	double x0, y0, x1, y1; /* its envelope */
	double px, py;         /* a point on its surface */
	double value;
	int symbol; /* index in symbols[], or -1: the cell is a number */
	int cls;    /* its class (a rate with a value) */
} area;

typedef struct layer {
	area *a;
	size_t n;
} layer;

typedef struct map {
	haven_ctx *ctx;
	const haven_table *t;
	const haven_map_opts *o;
	int level_col, code_col, name_col, geom_col;
	int measure;   /* the measure's column */
	int count;     /* 1: a count (circles); 0: a rate (choropleth) */
	layer rows;    /* the rows at the level asked for */
	layer regions; /* the region rows, outlined over a map of a finer level */
	int nclasses;  /* 0 when no row has a value */
	double breaks[HV_MAP_MAX_CLASSES + 1];
	int integral;                      /* every value is a whole number */
	double vmax;                       /* the greatest value: a circle's radius is RMAX at it */
	unsigned present;                  /* bit i: symbols[i] is drawn */
	int inset;                         /* London is drawn again, in an inset */
	double lx0, ly0, lx1, ly1;         /* the inset's extent, metres */
	hv_page *pg;                       /* while a page is drawn */
	cairo_font_face_t *regular, *bold; /* its faces (the page's) */
} map;

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

static void layer_free(layer *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->a[i].xy);
		free(l->a[i].ring);
	}
	free(l->a);
	l->a = NULL;
	l->n = 0;
}

/* Append ring r's vertices to a. */
static haven_status add_ring(haven_ctx *ctx, area *a, const GEOSGeometry *r, size_t *cap)
{
	const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx->geos, r);
	unsigned int n = 0;
	if (!cs || !GEOSCoordSeq_getSize_r(ctx->geos, cs, &n))
		return hv_error(ctx, HAVEN_ERR_GEOS, "%s: a ring cannot be read: %s", a->code, ctx->geos_msg);
	size_t have = 0;
	for (size_t i = 0; i < a->nrings; i++)
		have += a->ring[i];
	if (have + n > *cap) {
		size_t c = (have + n) * 2;
		double *xy = realloc(a->xy, c * 2 * sizeof *xy);
		if (!xy)
			return nomem(ctx);
		a->xy = xy;
		*cap = c;
	}
	size_t *ring = realloc(a->ring, (a->nrings + 1) * sizeof *ring);
	if (!ring)
		return nomem(ctx);
	a->ring = ring;
	if (n && !GEOSCoordSeq_copyToBuffer_r(ctx->geos, cs, a->xy + 2 * have, 0, 0))
		return hv_error(ctx, HAVEN_ERR_GEOS, "%s: a ring cannot be read: %s", a->code, ctx->geos_msg);
	a->ring[a->nrings++] = n;
	return HAVEN_OK;
}

/* a's rings, envelope and point on surface from the WKB of its geometry. */
static haven_status read_shape(haven_ctx *ctx, GEOSWKBReader *rd, area *a, const unsigned char *wkb, size_t len)
{
	GEOSGeometry *g = GEOSWKBReader_read_r(ctx->geos, rd, wkb, len), *p = NULL;
	haven_status rc = HAVEN_OK;
	if (!g || !GEOSGeom_getExtent_r(ctx->geos, g, &a->x0, &a->y0, &a->x1, &a->y1) ||
	    !(p = GEOSPointOnSurface_r(ctx->geos, g)) || GEOSisEmpty_r(ctx->geos, p) ||
	    !GEOSGeomGetX_r(ctx->geos, p, &a->px) || !GEOSGeomGetY_r(ctx->geos, p, &a->py))
		rc = hv_error(ctx, HAVEN_ERR_GEOS, "%s: its geometry cannot be read: %s", a->code, ctx->geos_msg);
	size_t cap = 0;
	int parts = rc ? 0 : GEOSGetNumGeometries_r(ctx->geos, g);
	for (int i = 0; !rc && i < parts; i++) {
		const GEOSGeometry *poly = GEOSGetGeometryN_r(ctx->geos, g, i);
		if (GEOSGeomTypeId_r(ctx->geos, poly) != GEOS_POLYGON) {
			rc = hv_error(ctx, HAVEN_ERR_VALUE, "%s: its geometry is not an area", a->code);
			break;
		}
		rc = add_ring(ctx, a, GEOSGetExteriorRing_r(ctx->geos, poly), &cap);
		int holes = GEOSGetNumInteriorRings_r(ctx->geos, poly);
		for (int h = 0; !rc && h < holes; h++)
			rc = add_ring(ctx, a, GEOSGetInteriorRingN_r(ctx->geos, poly, h), &cap);
	}
	if (p)
		GEOSGeom_destroy_r(ctx->geos, p);
	if (g)
		GEOSGeom_destroy_r(ctx->geos, g);
	return rc;
}

/* The measure's cell of row r: a number, or a symbol. */
static haven_status read_value(map *m, size_t r, area *a)
{
	haven_ctx *ctx = m->ctx;
	a->symbol = -1;
	switch (haven_table_type(ctx, m->t, r, m->measure)) {
	case HAVEN_CELL_INT: a->value = (double)haven_table_int(ctx, m->t, r, m->measure); return HAVEN_OK;
	case HAVEN_CELL_REAL:
		a->value = haven_table_real(ctx, m->t, r, m->measure);
		if (isfinite(a->value))
			return HAVEN_OK;
		break;
	case HAVEN_CELL_NULL: a->symbol = SYMBOL_X; return HAVEN_OK;
	case HAVEN_CELL_TEXT:
		for (size_t i = 0; i < NSYMBOLS; i++)
			if (strcmp(haven_table_text(ctx, m->t, r, m->measure), symbols[i].symbol) == 0) {
				a->symbol = (int)i;
				return HAVEN_OK;
			}
		break;
	case HAVEN_CELL_GEOM: break;
	}
	return hv_error(ctx, HAVEN_ERR_VALUE,
	                "'%s': row %zu (%s): '%s' in %s is neither a number nor a GSS symbol (c, z, x, k, low, u)",
	                haven_table_title(m->t), r + 1, a->code, haven_table_text(ctx, m->t, r, m->measure),
	                m->o->measure);
}

/* The measures of t, "a, b, c", for a message. */
static void measures(const haven_table *t, char *buf, size_t n)
{
	buf[0] = '\0';
	for (int c = 0; c < haven_table_ncols(t); c++) {
		haven_role role = haven_table_role(t, c, NULL);
		size_t l = strlen(buf);
		if (role == HAVEN_ROLE_COUNT || role == HAVEN_ROLE_RATE)
			snprintf(buf + l, n - l, "%s%s", l ? ", " : "", haven_table_colname(t, c));
	}
}

/* The columns an aggregate table has: the level, the area's code, name and
 * shape, and the measure asked for. */
static haven_status find_columns(map *m)
{
	const haven_table *t = m->t;
	haven_ctx *ctx = m->ctx;
	m->level_col = haven_table_find(t, "geographic_level");
	m->name_col = haven_table_find(t, "area_name");
	m->code_col = m->geom_col = -1;
	for (int c = 0; c < haven_table_ncols(t); c++) {
		const char *sub;
		haven_role role = haven_table_role(t, c, &sub);
		if (role == HAVEN_ROLE_AREA && m->code_col < 0)
			m->code_col = c;
		else if (role == HAVEN_ROLE_GEOMETRY && strcmp(sub, "area") == 0 && m->geom_col < 0)
			m->geom_col = c;
	}
	if (m->level_col < 0 || m->code_col < 0 || m->geom_col < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "'%s' is not an aggregate table (geographic_level, an area code and an area geometry)",
		                haven_table_title(t));
	char list[512];
	measures(t, list, sizeof list);
	m->measure = m->o->measure ? haven_table_find(t, m->o->measure) : -1;
	haven_role role = haven_table_role(t, m->measure, NULL);
	if (role != HAVEN_ROLE_COUNT && role != HAVEN_ROLE_RATE)
		return hv_error(ctx, HAVEN_ERR_USAGE, "'%s' is not a measure of '%s' (its measures: %s)",
		                m->o->measure ? m->o->measure : "", haven_table_title(t), list);
	m->count = role == HAVEN_ROLE_COUNT;
	return HAVEN_OK;
}

/* The levels of t, "la, region, england", for a message. */
static void levels(const map *m, char *buf, size_t n)
{
	buf[0] = '\0';
	for (size_t r = 0; r < haven_table_nrows(m->ctx, m->t); r++) {
		const char *v = haven_table_text(m->ctx, m->t, r, m->level_col);
		int seen = 0;
		for (size_t q = 0; v && !seen && q < r; q++) {
			const char *w = haven_table_text(m->ctx, m->t, q, m->level_col);
			seen = w && strcmp(v, w) == 0;
		}
		size_t l = strlen(buf);
		if (v && !seen)
			snprintf(buf + l, n - l, "%s%s", l ? ", " : "", v);
	}
}

/* Read the rows at level into l; the measure's too when with_values. */
static haven_status read_layer(map *m, const char *level, int with_values, layer *l)
{
	haven_ctx *ctx = m->ctx;
	const haven_table *t = m->t;
	size_t rows = haven_table_nrows(ctx, t);
	if (!rows)
		return HAVEN_OK;
	if (!(l->a = calloc(rows, sizeof *l->a)))
		return nomem(ctx);
	GEOSWKBReader *rd = GEOSWKBReader_create_r(ctx->geos);
	if (!rd)
		return hv_error(ctx, HAVEN_ERR_GEOS, "cannot read geometries: %s", ctx->geos_msg);
	haven_status rc = HAVEN_OK;
	for (size_t r = 0; !rc && r < rows; r++) {
		const char *lv = haven_table_text(ctx, t, r, m->level_col);
		if (!lv || strcmp(lv, level) != 0)
			continue;
		area *a = &l->a[l->n++];
		a->code = haven_table_text(ctx, t, r, m->code_col);
		a->code = a->code ? a->code : "";
		a->name = m->name_col >= 0 ? haven_table_text(ctx, t, r, m->name_col) : NULL;
		a->name = a->name ? a->name : a->code;
		size_t len;
		const unsigned char *wkb = haven_table_geom(ctx, t, r, m->geom_col, &len);
		if (!wkb)
			rc = hv_error(ctx, HAVEN_ERR_MISSING, "'%s': row %zu (%s) has no geometry",
			              haven_table_title(t), r + 1, a->code);
		else
			rc = read_shape(ctx, rd, a, wkb, len);
		if (!rc && with_values)
			rc = read_value(m, r, a);
	}
	GEOSWKBReader_destroy_r(ctx->geos, rd);
	return rc;
}

/* Read the table: the rows to draw, their classes; the regions to outline. */
static haven_status read_map(map *m)
{
	haven_ctx *ctx = m->ctx;
	const haven_map_opts *o = m->o;
	if (haven_table_sealed(m->t))
		return hv_error(ctx, HAVEN_ERR_DENIED, "'%s' is sealed: a table is mapped once released",
		                haven_table_title(m->t));
	const char *col = hv_gate_record_column(m->t);
	if (col)
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "'%s' names homes or people (column '%s'): a map shows aggregates only",
		                haven_table_title(m->t), col);
	if (!o->level)
		return hv_error(ctx, HAVEN_ERR_USAGE, "a map needs the level of the areas to draw (la, region, ...)");
	haven_status rc = find_columns(m);
	if (rc || (rc = read_layer(m, o->level, 1, &m->rows)))
		return rc;
	if (!m->rows.n) {
		char list[256];
		levels(m, list, sizeof list);
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND, "'%s' has no rows at level '%s' (its levels: %s)",
		                haven_table_title(m->t), o->level, list);
	}
	/* Regions outlined over the areas they hold, where the table has them. */
	if (strcmp(o->level, "la") == 0 || strcmp(o->level, "district") == 0 || strcmp(o->level, "grid") == 0)
		rc = read_layer(m, "region", 0, &m->regions);
	double *v = rc ? NULL : malloc(m->rows.n * sizeof *v);
	if (!rc && !v)
		rc = nomem(ctx);
	size_t nv = 0;
	m->integral = 1;
	for (size_t i = 0; !rc && i < m->rows.n; i++) {
		const area *a = &m->rows.a[i];
		if (a->symbol >= 0) {
			m->present |= 1u << a->symbol;
			continue;
		}
		v[nv++] = a->value;
		m->integral &= a->value == floor(a->value);
		m->vmax = fmax(m->vmax, a->value);
	}
	if (!rc && !m->count)
		rc = hv_map_breaks(ctx, v, nv, o->classes ? o->classes : "quantile", o->nclasses ? o->nclasses : 5,
		                   m->breaks, &m->nclasses);
	for (size_t i = 0; !rc && i < m->rows.n; i++)
		m->rows.a[i].cls = hv_map_class(m->breaks, m->nclasses, m->rows.a[i].value);
	free(v);
	return rc;
}

/* ---- drawing ------------------------------------------------------------- */

/* The page (out/map.h): A4 landscape, in points; a PNG has PNG_SCALE pixels a point. */
#define PAGE_W HV_MAP_PAGE_W
#define PAGE_H HV_MAP_PAGE_H
#define PNG_SCALE HV_MAP_PNG_SCALE
#define MARGIN HV_MAP_MARGIN
#define MAP_X HV_MAP_X
#define MAP_Y HV_MAP_Y
#define MAP_W HV_MAP_W
#define MAP_H HV_MAP_H
#define PANEL_X HV_MAP_PANEL_X
#define PANEL_W HV_MAP_PANEL_W
#define RMAX 12.0      /* the radius of the greatest count's circle */
#define HTML_RMAX 16.0 /* the same in CSS pixels, on the HTML page */

typedef struct rgb {
	double r, g, b;
} rgb;

static rgb hex(unsigned v)
{
	return (rgb){(double)(v >> 16 & 0xff) / 255.0, (double)(v >> 8 & 0xff) / 255.0, (double)(v & 0xff) / 255.0};
}

/* ColorBrewer's YlGnBu (Cynthia Brewer, colorbrewer2.org; Apache 2.0),
 * the scheme of k classes at row k - 1: sequential, light to dark, safe for
 * colour-blind readers and in greyscale print. */
static const unsigned palette[HV_MAP_MAX_CLASSES][HV_MAP_MAX_CLASSES] = {
    {0x41b6c4},
    {0xedf8b1, 0x2c7fb8},
    {0xedf8b1, 0x7fcdbb, 0x2c7fb8},
    {0xffffcc, 0xa1dab4, 0x41b6c4, 0x225ea8},
    {0xffffcc, 0xa1dab4, 0x41b6c4, 0x2c7fb8, 0x253494},
    {0xffffcc, 0xc7e9b4, 0x7fcdbb, 0x41b6c4, 0x2c7fb8, 0x253494},
    {0xffffcc, 0xc7e9b4, 0x7fcdbb, 0x41b6c4, 0x1d91c0, 0x225ea8, 0x0c2c84},
    {0xffffd9, 0xedf8b1, 0xc7e9b4, 0x7fcdbb, 0x41b6c4, 0x1d91c0, 0x225ea8, 0x0c2c84},
    {0xffffd9, 0xedf8b1, 0xc7e9b4, 0x7fcdbb, 0x41b6c4, 0x1d91c0, 0x225ea8, 0x253494, 0x081d58},
};
#define INK 0x252525       /* text */
#define GREY_TEXT 0x595959 /* secondary text */
#define NO_VALUE 0xd0d0d0  /* a symbol other than "c" */
#define BASE 0xf0f0f0      /* an area under a count's circles */
#define HATCH 0x525252     /* the lines over a suppressed area */
#define EDGE_RATE 0xffffff /* area edges on a choropleth */
#define EDGE_COUNT 0xbdbdbd
#define REGION_EDGE 0x4d4d4d
#define CIRCLE 0x2c7fb8 /* YlGnBu's blue */

static void colour(cairo_t *cr, unsigned v)
{
	rgb c = hex(v);
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* A suppressed area is hatched over white; another symbol is grey. */
static unsigned symbol_colour(int symbol)
{
	return strcmp(symbols[symbol].symbol, "c") == 0 ? 0xffffff : NO_VALUE;
}

/* The colour an area is filled with. */
static unsigned fill_of(const map *m, const area *a)
{
	if (a->symbol >= 0)
		return symbol_colour(a->symbol);
	return m->count ? BASE : palette[m->nclasses - 1][a->cls];
}

/* page x = ox + s e, page y = oy - s n: metres to points, north up. */
typedef struct view {
	double s, ox, oy;
	double x0, y0, x1, y1; /* the frame on the page */
} view;

/* The view that fits extent (e0, n0)-(e1, n1) centred in the frame. */
static view fit(double e0, double n0, double e1, double n1, double x0, double y0, double w, double h)
{
	view v;
	double ew = fmax(e1 - e0, 1.0), eh = fmax(n1 - n0, 1.0);
	v.s = fmin(w / ew, h / eh);
	v.ox = x0 + (w - ew * v.s) / 2 - e0 * v.s;
	v.oy = y0 + (h + eh * v.s) / 2 + n0 * v.s;
	v.x0 = x0;
	v.y0 = y0;
	v.x1 = x0 + w;
	v.y1 = y0 + h;
	return v;
}

/* Does a's envelope meet the view's frame? */
static int in_view(const view *v, const area *a)
{
	return v->ox + a->x1 * v->s >= v->x0 && v->ox + a->x0 * v->s <= v->x1 && v->oy - a->y0 * v->s >= v->y0 &&
	       v->oy - a->y1 * v->s <= v->y1;
}

/* a's rings as a path.  Vertices closer than a fifth of a point to the last
 * one drawn are left out: the boundaries are generalised to 20 m, and at
 * national scale most of their vertices share a pixel. */
static void area_path(cairo_t *cr, const area *a, const view *v)
{
	const double *p = a->xy;
	for (size_t r = 0; r < a->nrings; r++) {
		size_t n = a->ring[r];
		double lx = v->ox + p[0] * v->s, ly = v->oy - p[1] * v->s;
		cairo_move_to(cr, lx, ly);
		for (size_t i = 1; i < n; i++) {
			double x = v->ox + p[2 * i] * v->s, y = v->oy - p[2 * i + 1] * v->s;
			if (fabs(x - lx) + fabs(y - ly) < 0.2 && i + 1 < n)
				continue;
			cairo_line_to(cr, x, y);
			lx = x;
			ly = y;
		}
		cairo_close_path(cr);
		p += 2 * n;
	}
}

/* Diagonal lines over the current clip within (x0, y0)-(x1, y1). */
static void hatch(cairo_t *cr, double x0, double y0, double x1, double y1)
{
	double h = y1 - y0;
	for (double d = -h; d < x1 - x0; d += 3.0) {
		cairo_move_to(cr, x0 + d, y1);
		cairo_line_to(cr, x0 + d + h, y0);
	}
	colour(cr, HATCH);
	cairo_set_line_width(cr, 0.6);
	cairo_stroke(cr);
}

/* The symbol's swatch, or an area's fill, at the current path: hatched when
 * suppressed. */
static void symbol_fill(cairo_t *cr, int symbol, unsigned fill)
{
	colour(cr, fill);
	if (strcmp(symbols[symbol].symbol, "c") != 0) {
		cairo_fill(cr);
		return;
	}
	double x0, y0, x1, y1;
	cairo_fill_preserve(cr);
	cairo_path_extents(cr, &x0, &y0, &x1, &y1);
	cairo_save(cr);
	cairo_clip(cr);
	hatch(cr, x0, y0, x1, y1);
	cairo_restore(cr);
}

static int by_value_desc(const void *a, const void *b)
{
	const area *x = *(const area *const *)a, *y = *(const area *const *)b;
	return (x->value < y->value) - (x->value > y->value);
}

static double radius(const map *m, double value)
{
	return m->vmax > 0 ? RMAX * sqrt(value / m->vmax) : 0;
}

/* Is a drawn in the view: its envelope meets the frame, and its code
 * starts with only (NULL: any)? */
static int drawn(const view *v, const area *a, const char *only)
{
	return in_view(v, a) && (!only || strncmp(a->code, only, strlen(only)) == 0);
}

/* The map in view v: areas filled, edges, region outlines, circles; only
 * the areas and regions whose codes start with only and only_region (NULL:
 * any). */
static haven_status draw_areas(map *m, cairo_t *cr, const view *v, const char *only, const char *only_region)
{
	cairo_save(cr);
	cairo_rectangle(cr, v->x0, v->y0, v->x1 - v->x0, v->y1 - v->y0);
	cairo_clip(cr);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	for (size_t i = 0; i < m->rows.n; i++) {
		const area *a = &m->rows.a[i];
		if (!drawn(v, a, only))
			continue;
		area_path(cr, a, v);
		if (a->symbol >= 0) {
			symbol_fill(cr, a->symbol, fill_of(m, a));
		} else {
			colour(cr, fill_of(m, a));
			cairo_fill(cr);
		}
	}
	/* Edges after every fill, so each is drawn whole. */
	for (size_t i = 0; i < m->rows.n; i++)
		if (drawn(v, &m->rows.a[i], only))
			area_path(cr, &m->rows.a[i], v);
	colour(cr, m->count ? EDGE_COUNT : EDGE_RATE);
	cairo_set_line_width(cr, 0.3);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	cairo_stroke(cr);
	for (size_t i = 0; i < m->regions.n; i++)
		if (drawn(v, &m->regions.a[i], only_region))
			area_path(cr, &m->regions.a[i], v);
	colour(cr, REGION_EDGE);
	cairo_set_line_width(cr, 0.7);
	cairo_stroke(cr);
	if (m->count && m->vmax > 0) {
		/* The largest first, so that none hides a smaller one. */
		const area **order = malloc(m->rows.n * sizeof *order);
		if (!order) {
			cairo_restore(cr);
			return nomem(m->ctx);
		}
		size_t n = 0;
		for (size_t i = 0; i < m->rows.n; i++)
			if (m->rows.a[i].symbol < 0 && m->rows.a[i].value > 0 && drawn(v, &m->rows.a[i], only))
				order[n++] = &m->rows.a[i];
		qsort(order, n, sizeof *order, by_value_desc);
		rgb c = hex(CIRCLE);
		for (size_t i = 0; i < n; i++) {
			cairo_new_sub_path(cr);
			cairo_arc(cr, v->ox + order[i]->px * v->s, v->oy - order[i]->py * v->s,
			          radius(m, order[i]->value), 0, 2 * M_PI);
			cairo_set_source_rgba(cr, c.r, c.g, c.b, 0.75);
			cairo_fill_preserve(cr);
			colour(cr, 0xffffff);
			cairo_set_line_width(cr, 0.5);
			cairo_stroke(cr);
		}
		free(order);
	}
	cairo_restore(cr);
	return HAVEN_OK;
}

/* ---- text ---------------------------------------------------------------- */

/* A number for the legend: thousands separated, decimals places after the point. */
static void number(double v, int decimals, char *buf, size_t n)
{
	char raw[64];
	snprintf(raw, sizeof raw, "%.*f", decimals, v);
	const char *digits = raw + (raw[0] == '-');
	size_t whole = strcspn(digits, ".");
	size_t w = 0;
	if (raw[0] == '-' && w + 1 < n)
		buf[w++] = '-';
	for (size_t i = 0; digits[i] && w + 1 < n; i++) {
		if (i && i < whole && (whole - i) % 3 == 0 && w + 2 < n)
			buf[w++] = ',';
		buf[w++] = digits[i];
	}
	buf[w] = '\0';
}

/* How many decimals the legend shows: none for whole numbers, else as few
 * (1 to 3) as keep the breaks apart. */
static int decimals_of(const map *m)
{
	if (m->integral)
		return 0;
	for (int d = 1; d < 3; d++) {
		int apart = 1;
		for (int i = 1; i < m->nclasses; i++) {
			char a[64], b[64];
			number(m->breaks[i], d, a, sizeof a);
			number(m->breaks[i + 1], d, b, sizeof b);
			apart &= strcmp(a, b) != 0;
		}
		if (apart)
			return d;
	}
	return 3;
}

/* Class i's label: "12.5 to 20.1" (above the first number, up to the
 * second); whole numbers "13 to 20", each class from one above the last. */
static void class_label(const map *m, int i, char *buf, size_t n)
{
	int d = decimals_of(m);
	double lo = m->breaks[i], hi = m->breaks[i + 1];
	if (i > 0 && m->integral)
		lo += 1;
	char a[48], b[48];
	number(lo, d, a, sizeof a);
	number(hi, d, b, sizeof b);
	if (lo >= hi)
		snprintf(buf, n, "%s", b);
	else
		snprintf(buf, n, "%s to %s", a, b);
}

/* The measure in words: its unit as the table's metadata gives it
 * ("measure.places_per_100_cla": "places per 100 children looked after:
 * ..."), else its name ("places_per_10k_children" as "Places per 10k
 * children"); capitalised. */
static void measure_label(const map *m, char *buf, size_t n)
{
	const char *name = m->o->measure;
	char key[128];
	snprintf(key, sizeof key, "measure.%s", name);
	const char *meta = haven_table_meta(m->t, key);
	if (meta && strchr(meta, ':'))
		snprintf(buf, n, "%.*s", (int)(strchr(meta, ':') - meta), meta);
	else
		snprintf(buf, n, "%s", name);
	for (char *p = buf; *p; p++)
		if (*p == '_')
			*p = ' ';
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 'a' + 'A');
}

static const char *level_words(const char *level)
{
	static const char *const words[][2] = {{"la", "local authority"},    {"district", "local authority district"},
	                                       {"pfa", "police force area"}, {"region", "region"},
	                                       {"england", "country"},       {"grid", "grid cell"}};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(level, words[i][0]) == 0)
			return words[i][1];
	return level;
}

/* The map's title and the line under it. */
static void titles(const map *m, char *title, size_t tn, char *sub, size_t sn)
{
	char label[128], as_at[64];
	measure_label(m, label, sizeof label);
	const char *t = m->o->title ? m->o->title : haven_table_title(m->t);
	snprintf(title, tn, "%s", t && *t ? t : label);
	hv_page_date_words(haven_table_meta(m->t, "as_at"), as_at, sizeof as_at);
	snprintf(sub, sn, "%s by %s%s%s", label, level_words(m->o->level), *as_at ? ", as at " : "", as_at);
}

/* ---- the page ------------------------------------------------------------ */

static void ring_path(cairo_t *cr, GEOSContextHandle_t h, const GEOSGeometry *ring, double ox, double oy, double s)
{
	const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
	unsigned n = 0;
	GEOSCoordSeq_getSize_r(h, cs, &n);
	for (unsigned i = 0; i < n; i++) {
		double x, y;
		GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
		if (i)
			cairo_line_to(cr, ox + x * s, oy - y * s);
		else
			cairo_move_to(cr, ox + x * s, oy - y * s);
	}
	cairo_close_path(cr);
}

void hv_map_polygon_path(cairo_t *cr, GEOSContextHandle_t h, const GEOSGeometry *g, double ox, double oy, double s)
{
	int np = GEOSGetNumGeometries_r(h, g);
	for (int i = 0; i < np; i++) {
		const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, i);
		ring_path(cr, h, GEOSGetExteriorRing_r(h, p), ox, oy, s);
		for (int k = 0; k < GEOSGetNumInteriorRings_r(h, p); k++)
			ring_path(cr, h, GEOSGetInteriorRingN_r(h, p, k), ox, oy, s);
	}
}

void hv_map_view_open(cairo_t *cr, hv_map_view *v)
{
	double ew = v->e1 - v->e0, nh = v->n1 - v->n0;
	v->s = fmin(HV_MAP_W / ew, HV_MAP_H / nh);
	v->ox = HV_MAP_X + (HV_MAP_W - ew * v->s) / 2 - v->e0 * v->s;
	v->oy = HV_MAP_Y + (HV_MAP_H + nh * v->s) / 2 + v->n0 * v->s;
	cairo_save(cr);
	cairo_rectangle(cr, HV_MAP_X, HV_MAP_Y, HV_MAP_W, HV_MAP_H);
	cairo_clip(cr);
}

void hv_map_view_close(cairo_t *cr)
{
	cairo_restore(cr);
	cairo_rectangle(cr, HV_MAP_X, HV_MAP_Y, HV_MAP_W, HV_MAP_H);
	hv_page_colour(cr, 0xbdbdbd);
	cairo_set_line_width(cr, 0.5);
	cairo_stroke(cr);
}

void hv_map_view_foot(hv_page *pg, cairo_t *cr, const hv_map_view *v, const haven_table *t, const char *what,
                      int attribution)
{
	double y = HV_MAP_Y + HV_MAP_H - 34;
	hv_map_north_arrow(pg, cr, HV_MAP_PANEL_X + 8, y);
	hv_map_scale_bar(pg, cr, v->s, HV_MAP_PANEL_X + 34, y + 14, 0.5 * HV_MAP_PANEL_W);
	hv_page_notes notes;
	hv_page_notes_of(pg->ctx, t, what, attribution, &notes);
	hv_page_footer(pg, cr, &notes, HV_MAP_MARGIN, HV_MAP_PAGE_W - 2 * HV_MAP_MARGIN, HV_MAP_Y + HV_MAP_H + 12);
}

void hv_map_context_las(const hv_page *pg, cairo_t *cr, GEOSContextHandle_t h, const hv_areas *las, const double ext[4],
                        double ox, double oy, double s)
{
	cairo_save(cr);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	double view_m2 = (ext[2] - ext[0]) * (ext[3] - ext[1]);
	for (long i = 0; las && i < (long)hv_areas_count(las); i++) {
		double x0, y0, x1, y1;
		hv_areas_bounds(las, i, &x0, &y0, &x1, &y1);
		if (x1 < ext[0] || x0 > ext[2] || y1 < ext[1] || y0 > ext[3])
			continue;
		/* the part in view: drawn, and named when it is more than a sliver */
		GEOSGeometry *part = GEOSClipByRect_r(h, hv_areas_geom(las, i), ext[0], ext[1], ext[2], ext[3]);
		double part_m2 = 0;
		if (!part || GEOSisEmpty_r(h, part) || !GEOSArea_r(h, part, &part_m2) || part_m2 <= 0) {
			if (part)
				GEOSGeom_destroy_r(h, part);
			continue;
		}
		cairo_new_path(cr);
		hv_map_polygon_path(cr, h, part, ox, oy, s);
		colour(cr, 0xf2f2ef);
		cairo_fill_preserve(cr);
		colour(cr, 0xa8a8a8);
		cairo_set_line_width(cr, 0.6);
		cairo_stroke(cr);
		GEOSGeometry *at = part_m2 > 0.03 * view_m2 ? GEOSPointOnSurface_r(h, part) : NULL;
		double x, y;
		if (at && GEOSGeomGetX_r(h, at, &x) == 1 && GEOSGeomGetY_r(h, at, &y) == 1) {
			hv_page_font(cr, pg->regular, 8);
			colour(cr, 0x6e6e6e);
			hv_page_text(cr, ox + x * s, oy - y * s, HV_CENTRE, hv_areas_name(las, i));
		}
		if (at)
			GEOSGeom_destroy_r(h, at);
		GEOSGeom_destroy_r(h, part);
	}
	cairo_restore(cr);
}

/* A length of 1, 2 or 5 times a power of ten, at most x. */
static double nice_length(double x)
{
	if (x <= 0)
		return 0;
	double p = pow(10, floor(log10(x)));
	return x >= 5 * p ? 5 * p : x >= 2 * p ? 2 * p : p;
}

void hv_map_scale_bar(const hv_page *pg, cairo_t *cr, double s, double x, double y, double w)
{
	double metres = nice_length(w / s);
	double len = metres * s;
	for (int i = 0; i < 4; i++) {
		cairo_rectangle(cr, x + len * i / 4, y, len / 4, 3.5);
		colour(cr, i % 2 ? 0xffffff : INK);
		cairo_fill_preserve(cr);
		colour(cr, INK);
		cairo_set_line_width(cr, 0.5);
		cairo_stroke(cr);
	}
	hv_page_font(cr, pg->regular, 7);
	char a[32], b[32];
	double km = metres / 1000;
	snprintf(a, sizeof a, "%g", km / 2);
	snprintf(b, sizeof b, "%g km", km);
	hv_page_text(cr, x, y + 12, HV_CENTRE, "0");
	hv_page_text(cr, x + len / 2, y + 12, HV_CENTRE, a);
	hv_page_text(cr, x + len, y + 12, HV_LEFT, b);
}

void hv_map_north_arrow(const hv_page *pg, cairo_t *cr, double x, double y)
{
	cairo_move_to(cr, x, y);
	cairo_line_to(cr, x + 6, y + 18);
	cairo_line_to(cr, x, y + 14);
	cairo_close_path(cr);
	colour(cr, INK);
	cairo_fill(cr);
	cairo_move_to(cr, x, y);
	cairo_line_to(cr, x - 6, y + 18);
	cairo_line_to(cr, x, y + 14);
	cairo_close_path(cr);
	cairo_set_line_width(cr, 0.7);
	cairo_stroke(cr);
	hv_page_font(cr, pg->bold, 9);
	hv_page_text(cr, x, y + 29, HV_CENTRE, "N");
}

/* A legend row: a swatch at (x, y) and its label; returns the next row's y. */
static double legend_row(map *m, cairo_t *cr, double x, double y, int symbol, unsigned fill, const char *label)
{
	cairo_rectangle(cr, x, y, 18, 11);
	if (symbol >= 0) {
		symbol_fill(cr, symbol, fill);
	} else {
		colour(cr, fill);
		cairo_fill(cr);
	}
	cairo_rectangle(cr, x, y, 18, 11);
	colour(cr, 0x969696);
	cairo_set_line_width(cr, 0.4);
	cairo_stroke(cr);
	colour(cr, INK);
	hv_page_font(cr, m->regular, 8.5);
	hv_page_text(cr, x + 25, y + 8.5, HV_LEFT, label);
	return y + 15;
}

/* x to one significant digit, rounded down: 87 is 80, 153 is 100. */
static double round_down(double x)
{
	if (x <= 0)
		return 0;
	double p = pow(10, floor(log10(x)));
	return floor(x / p) * p;
}

/* The counts the legend's circles show: the greatest count to one
 * significant digit, a third and a tenth of it, so rounded; fewer when they
 * coincide or a count would be below 1.  Returns how many. */
static int legend_counts(const map *m, double v[3])
{
	double top = round_down(m->vmax);
	double want[3] = {top, round_down(top / 3), round_down(top / 10)};
	int n = 0;
	for (int i = 0; i < 3 && m->vmax > 0; i++) {
		if ((n && want[i] >= v[n - 1]) || (m->integral && want[i] < 1))
			break;
		v[n++] = want[i];
	}
	return n;
}

/* Nested circles for the legend's counts, each labelled at its top (a
 * label at least a line below the one above); returns the y below them. */
static double circle_legend(map *m, cairo_t *cr, double x, double y)
{
	double values[3], base = y + 2 * RMAX, cx = x + RMAX, label_y = -INFINITY;
	int n = legend_counts(m, values);
	rgb c = hex(CIRCLE);
	for (int i = 0; i < n; i++) {
		double r = radius(m, values[i]), ty = base - 2 * r;
		cairo_new_sub_path(cr);
		cairo_arc(cr, cx, base - r, r, 0, 2 * M_PI);
		cairo_set_source_rgba(cr, c.r, c.g, c.b, i ? 0.0 : 0.15);
		cairo_fill_preserve(cr);
		colour(cr, CIRCLE);
		cairo_set_line_width(cr, 0.7);
		cairo_stroke(cr);
		label_y = fmax(ty + 3, label_y + 10);
		cairo_move_to(cr, cx, ty);
		cairo_line_to(cr, x + 2 * RMAX + 8, label_y - 3);
		colour(cr, 0x969696);
		cairo_set_line_width(cr, 0.4);
		cairo_stroke(cr);
		char label[64];
		number(values[i], m->integral ? 0 : 1, label, sizeof label);
		colour(cr, INK);
		hv_page_font(cr, m->regular, 8);
		hv_page_text(cr, x + 2 * RMAX + 11, label_y, HV_LEFT, label);
	}
	return fmax(base, label_y) + 8;
}

/* How the legend reads: the classes, or the circles. */
static const char *how(const map *m)
{
	if (m->count)
		return "Circle area in proportion to the count";
	if (m->o->classes && strcmp(m->o->classes, "jenks") == 0)
		return "Classes: natural breaks (Jenks)";
	return "Classes: quantiles (about as many areas in each)";
}

/* The legend at the top of the panel; returns the y below it. */
static double legend(map *m, cairo_t *cr, double x, double y)
{
	char label[128];
	measure_label(m, label, sizeof label);
	colour(cr, INK);
	hv_page_font(cr, m->bold, 10);
	hv_page_text(cr, x, y + 10, HV_LEFT, label);
	colour(cr, GREY_TEXT);
	hv_page_font(cr, m->regular, 7.5);
	hv_page_text(cr, x, y + 21, HV_LEFT, how(m));
	y += 30;
	if (m->count && m->vmax > 0)
		y = circle_legend(m, cr, x, y);
	for (int i = 0; !m->count && i < m->nclasses; i++) {
		class_label(m, i, label, sizeof label);
		y = legend_row(m, cr, x, y, -1, palette[m->nclasses - 1][i], label);
	}
	for (size_t i = 0; i < NSYMBOLS; i++)
		if (m->present & (1u << i)) {
			snprintf(label, sizeof label, "%s   %s", symbols[i].symbol, symbols[i].meaning);
			y = legend_row(m, cr, x, y, (int)i, symbol_colour((int)i), label);
		}
	return y;
}

/* London's boroughs and the City (their GSS codes' prefix), and its region. */
#define LONDON "E09"
#define LONDON_REGION "E12000007"

/* Decide whether London needs an inset: the map holds London's boroughs
 * (E09) and they are small at its scale. */
static void plan_inset(map *m, const view *main)
{
	double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
	size_t n = 0;
	for (size_t i = 0; i < m->rows.n; i++) {
		const area *a = &m->rows.a[i];
		if (strncmp(a->code, LONDON, strlen(LONDON)) != 0)
			continue;
		n++;
		x0 = fmin(x0, a->x0);
		y0 = fmin(y0, a->y0);
		x1 = fmax(x1, a->x1);
		y1 = fmax(y1, a->y1);
	}
	if (n < 2 || (x1 - x0) * main->s > 0.2 * MAP_W)
		return;
	double pad = 0.03 * (x1 - x0);
	m->inset = 1;
	m->lx0 = x0 - pad;
	m->ly0 = y0 - pad;
	m->lx1 = x1 + pad;
	m->ly1 = y1 + pad;
}

/* The inset in the box (x, y, w, h), shrunk to London's shape, and its
 * extent marked on the main map. */
static haven_status draw_inset(map *m, cairo_t *cr, double x, double y, double w, double h, const view *main)
{
	colour(cr, INK);
	hv_page_font(cr, m->bold, 8.5);
	hv_page_text(cr, x, y + 9, HV_LEFT, "London");
	y += 14;
	h -= 14 + 20;
	double ew = m->lx1 - m->lx0, eh = m->ly1 - m->ly0;
	if (ew / eh > w / h)
		h = w * eh / ew;
	else
		w = h * ew / eh;
	view v = fit(m->lx0, m->ly0, m->lx1, m->ly1, x, y, w, h);
	haven_status rc = draw_areas(m, cr, &v, LONDON, LONDON_REGION);
	cairo_rectangle(cr, x, y, w, h);
	colour(cr, INK);
	cairo_set_line_width(cr, 0.6);
	cairo_stroke(cr);
	hv_map_scale_bar(m->pg, cr, v.s, x, y + h + 5, w / 3);
	/* Where the inset is on the main map. */
	cairo_rectangle(cr, main->ox + m->lx0 * main->s, main->oy - m->ly1 * main->s, ew * main->s, eh * main->s);
	cairo_set_line_width(cr, 0.6);
	cairo_stroke(cr);
	return rc;
}

static void footer_notes(const map *m, const char *projection, hv_page_notes *n)
{
	hv_page_notes_of(m->ctx, m->t, projection, 1, n);
}

static void footer(map *m, cairo_t *cr)
{
	hv_page_notes n;
	footer_notes(m, "Map on the British National Grid (EPSG:27700)", &n);
	hv_page_footer(m->pg, cr, &n, MARGIN, PAGE_W - 2 * MARGIN, MAP_Y + MAP_H + 14);
}

static haven_status draw_page(map *m, cairo_t *cr)
{
	hv_page_marking(m->pg, cr, haven_table_marking(m->t));
	char title[512], sub[512];
	titles(m, title, sizeof title, sub, sizeof sub);
	hv_page_title(m->pg, cr, MARGIN, title, sub);

	double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
	for (size_t i = 0; i < m->rows.n; i++) {
		x0 = fmin(x0, m->rows.a[i].x0);
		y0 = fmin(y0, m->rows.a[i].y0);
		x1 = fmax(x1, m->rows.a[i].x1);
		y1 = fmax(y1, m->rows.a[i].y1);
	}
	/* Room at the frame's edge for an area's circle. */
	double pad = m->count ? RMAX : 4;
	view main = fit(x0, y0, x1, y1, MAP_X + pad, MAP_Y + pad, MAP_W - 2 * pad, MAP_H - 2 * pad);
	main.x0 = MAP_X;
	main.y0 = MAP_Y;
	main.x1 = MAP_X + MAP_W;
	main.y1 = MAP_Y + MAP_H;
	haven_status rc = draw_areas(m, cr, &main, NULL, NULL);
	plan_inset(m, &main);

	double y = legend(m, cr, PANEL_X, MAP_Y);
	double bottom = MAP_Y + MAP_H - 36;
	if (!rc && m->inset && bottom - y > 90)
		rc = draw_inset(m, cr, PANEL_X, y + 10, PANEL_W, bottom - y - 10, &main);
	hv_map_north_arrow(m->pg, cr, PANEL_X + 8, bottom + 2);
	hv_map_scale_bar(m->pg, cr, main.s, PANEL_X + 34, bottom + 16, 0.3 * PANEL_W);
	footer(m, cr);
	return rc;
}

/* ---- files --------------------------------------------------------------- */

enum { FMT_PNG = HV_PAGE_PNG, FMT_SVG = HV_PAGE_SVG, FMT_PDF = HV_PAGE_PDF, FMT_HTML };

static int format_of(const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	if (dot && strcasecmp(dot, ".html") == 0)
		return FMT_HTML;
	return hv_page_format(path, 3);
}

static haven_status draw_map_page(hv_page *pg, cairo_t *cr, void *arg)
{
	map *m = arg;
	m->pg = pg;
	m->regular = pg->regular;
	m->bold = pg->bold;
	haven_status rc = draw_page(m, cr);
	m->pg = NULL;
	m->regular = m->bold = NULL;
	return rc;
}

static haven_status write_cairo(map *m, int fmt)
{
	char title[512], sub[512];
	titles(m, title, sizeof title, sub, sizeof sub);
	return hv_page_write(m->ctx, m->o->path, fmt, m->o->overwrite, PAGE_W, PAGE_H, PNG_SCALE, title, sub,
	                     haven_table_marking(m->t), draw_map_page, m);
}

/* ---- the HTML page ---------------------------------------------------------- */

/* Debian's libjs-leaflet: inlined into every HTML map, never linked to. */
#define LEAFLET_DIR "/usr/share/javascript/leaflet"

/* The page's own style: the same layout as the printed page. */
static const char page_css[] = "html,body{margin:0;background:#fff;color:#252525;font-family:'DejaVu Sans',sans-serif}"
                               ".marking{text-align:center;font-weight:bold;font-size:13px;padding:6px 0}"
                               "header{padding:0 24px}h1{font-size:22px;margin:6px 0 2px}"
                               ".sub{color:#595959;margin:0 0 10px}"
                               "main{display:flex;gap:20px;padding:0 24px}"
                               "#map{flex:1 1 auto;height:72vh;min-height:420px;border:1px solid #d9d9d9}"
                               ".leaflet-container{background:#fff;font-family:inherit}"
                               "aside{flex:0 0 300px;font-size:12px}aside h2{font-size:14px;margin:0}"
                               ".how{color:#595959;font-size:11px;margin:2px 0 8px}"
                               "aside ul{list-style:none;padding:0;margin:0}"
                               "aside li{display:flex;align-items:center;gap:8px;margin:4px 0}"
                               "footer{padding:10px 24px 0;color:#595959;font-size:11px}footer p{margin:2px 0}";

/* The page's script: draws the GeoJSON (haven-data) as the config
 * (haven-map) says - the same classes, colours and symbols as the printed
 * map - with a tooltip naming each area, its value or symbol.  Text from
 * the data is set as text (textContent), never as markup. */
static const char page_js[] =
    "(function () {\n"
    "'use strict';\n"
    "function json(id) { return JSON.parse(document.getElementById(id).textContent); }\n"
    "var cfg = json('haven-map'), data = json('haven-data');\n"
    "var map = L.map('map', {attributionControl: false, zoomSnap: 0.25});\n"
    "L.control.scale({imperial: false}).addTo(map);\n"
    "function symbolOf(p) {\n"
    "  var s = p[cfg.measure + '_symbol'];\n"
    "  if (s) return cfg.symbols[s] ? s : 'x';\n"
    "  return typeof p[cfg.measure] === 'number' ? null : 'x';\n"
    "}\n"
    "function classOf(v) {\n"
    "  var n = cfg.breaks.length - 1;\n"
    "  for (var i = 0; i < n - 1; i++) if (v <= cfg.breaks[i + 1]) return i;\n"
    "  return n - 1;\n"
    "}\n"
    "function fillOf(p) {\n"
    "  var s = symbolOf(p);\n"
    "  if (s) return cfg.symbols[s].fill;\n"
    "  return cfg.count ? cfg.base : cfg.colours[classOf(p[cfg.measure])];\n"
    "}\n"
    "function tip(p) {\n"
    "  var s = symbolOf(p), div = document.createElement('div'), b = document.createElement('b');\n"
    "  b.textContent = p.area_name || p.area_code;\n"
    "  div.appendChild(b);\n"
    "  div.appendChild(document.createElement('br'));\n"
    "  div.appendChild(document.createTextNode(cfg.label + ': ' + (s ? s + ' (' + cfg.symbols[s].meaning + ')'\n"
    "    : p[cfg.measure].toLocaleString('en-GB', {maximumFractionDigits: 2}))));\n"
    "  return div;\n"
    "}\n"
    "var areas = L.geoJSON(data, {\n"
    "  style: function (f) {\n"
    "    return {fillColor: fillOf(f.properties), fillOpacity: 1, color: cfg.edge, weight: 0.7};\n"
    "  },\n"
    "  onEachFeature: function (f, layer) {\n"
    "    layer.bindTooltip(tip(f.properties), {sticky: true});\n"
    "    layer.on('mouseover', function () { layer.setStyle({weight: 2.5, color: '#252525'}); });\n"
    "    layer.on('mouseout', function () { areas.resetStyle(layer); });\n"
    "  }\n"
    "}).addTo(map);\n"
    "map.fitBounds(areas.getBounds());\n"
    "if (cfg.count) {\n"
    "  var circles = data.features.filter(function (f) {\n"
    "    var p = f.properties;\n"
    "    return !symbolOf(p) && p[cfg.measure] > 0 && cfg.points[p.area_code];\n"
    "  });\n"
    "  circles.sort(function (a, b) { return b.properties[cfg.measure] - a.properties[cfg.measure]; });\n"
    "  circles.forEach(function (f) {\n"
    "    var p = f.properties;\n"
    "    L.circleMarker(cfg.points[p.area_code], {radius: cfg.rmax * Math.sqrt(p[cfg.measure] / cfg.vmax),\n"
    "      color: '#fff', weight: 0.8, fillColor: cfg.circle, fillOpacity: 0.75})\n"
    "      .bindTooltip(tip(p), {sticky: true}).addTo(map);\n"
    "  });\n"
    "}\n"
    "})();\n";

/* The hatching of a suppressed area, as the printed map draws it. */
static const char hatch_svg[] =
    "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><defs>"
    "<pattern id=\"hatch\" patternUnits=\"userSpaceOnUse\" width=\"5\" height=\"5\" patternTransform=\"rotate(45)\">"
    "<rect width=\"5\" height=\"5\" fill=\"#ffffff\"/>"
    "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"5\" stroke=\"#525252\" stroke-width=\"1.4\"/></pattern></defs></svg>\n";

/* s as HTML text: escaped, its control characters shown (printable). */
static void html_text(FILE *f, const char *s)
{
	char *p = hv_page_printable(s);
	for (const char *c = p ? p : ""; *c; c++)
		switch (*c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*c, f);
		}
	free(p);
}

/* n bytes of JSON inside a <script> element: every '<' (which JSON holds
 * only inside strings) as \u003c, so no text in it can end the element. */
static void json_script(FILE *f, const char *id, const char *json, size_t n)
{
	fprintf(f, "<script type=\"application/json\" id=\"%s\">", id);
	for (size_t i = 0; i < n; i++)
		if (json[i] == '<')
			fputs("\\u003c", f);
		else
			fputc(json[i], f);
	fputs("</script>\n", f);
}

/* A legend swatch: fill is a colour or the hatching. */
static void html_swatch(FILE *f, const char *fill)
{
	fprintf(f,
	        "<svg width=\"22\" height=\"13\"><rect x=\"0.5\" y=\"0.5\" width=\"21\" height=\"12\" fill=\"%s\" "
	        "stroke=\"#969696\" stroke-width=\"0.6\"/></svg>",
	        fill);
}

static const char *hex_colour(unsigned v, char buf[8])
{
	snprintf(buf, 8, "#%06x", v & 0xffffffu);
	return buf;
}

/* A symbol's fill on the page: the hatching, or its colour. */
static const char *html_fill(int symbol, char buf[8])
{
	return strcmp(symbols[symbol].symbol, "c") == 0 ? "url(#hatch)" : hex_colour(symbol_colour(symbol), buf);
}

/* The legend, as the printed page's: classes (or circles) and symbols. */
static void html_legend(const map *m, FILE *f)
{
	char label[128], c[8];
	measure_label(m, label, sizeof label);
	fputs("<aside><h2>", f);
	html_text(f, label);
	fputs("</h2><p class=\"how\">", f);
	fputs(how(m), f);
	fputs("</p><ul>\n", f);
	for (int i = 0; !m->count && i < m->nclasses; i++) {
		class_label(m, i, label, sizeof label);
		fputs("<li>", f);
		html_swatch(f, hex_colour(palette[m->nclasses - 1][i], c));
		fputs("<span>", f);
		html_text(f, label);
		fputs("</span></li>\n", f);
	}
	double values[3];
	for (int i = 0; m->count && i < legend_counts(m, values); i++) {
		double r = HTML_RMAX * sqrt(values[i] / m->vmax);
		number(values[i], m->integral ? 0 : 1, label, sizeof label);
		fprintf(f,
		        "<li><svg width=\"%d\" height=\"%d\"><circle cx=\"%g\" cy=\"%g\" r=\"%g\" fill=\"%s\" "
		        "fill-opacity=\"0.75\" stroke=\"#ffffff\"/></svg><span>",
		        (int)(2 * HTML_RMAX + 2), (int)(2 * HTML_RMAX + 2), HTML_RMAX + 1, HTML_RMAX + 1, r,
		        hex_colour(CIRCLE, c));
		html_text(f, label);
		fputs("</span></li>\n", f);
	}
	for (size_t i = 0; i < NSYMBOLS; i++)
		if (m->present & (1u << i)) {
			fputs("<li>", f);
			html_swatch(f, html_fill((int)i, c));
			fprintf(f, "<span><b>%s</b> %s</span></li>\n", symbols[i].symbol, symbols[i].meaning);
		}
	fputs("</ul></aside>\n", f);
}

/* What the page's script needs: the measure, classes, colours, symbols,
 * and for a count each area's point on surface in longitude and latitude. */
static haven_status html_config(map *m, char **out)
{
	haven_ctx *ctx = m->ctx;
	char label[128], c[8];
	measure_label(m, label, sizeof label);
	cJSON *cfg = cJSON_CreateObject(), *breaks = cJSON_AddArrayToObject(cfg, "breaks"),
	      *colours = cJSON_AddArrayToObject(cfg, "colours"), *syms = cJSON_AddObjectToObject(cfg, "symbols"),
	      *points = cJSON_AddObjectToObject(cfg, "points");
	int ok = cfg && breaks && colours && syms && points && cJSON_AddStringToObject(cfg, "measure", m->o->measure) &&
	         cJSON_AddStringToObject(cfg, "label", label) && cJSON_AddBoolToObject(cfg, "count", m->count) &&
	         cJSON_AddStringToObject(cfg, "base", hex_colour(BASE, c)) &&
	         cJSON_AddStringToObject(cfg, "edge", hex_colour(m->count ? EDGE_COUNT : 0x737373, c)) &&
	         cJSON_AddStringToObject(cfg, "circle", hex_colour(CIRCLE, c)) &&
	         cJSON_AddNumberToObject(cfg, "rmax", HTML_RMAX) && cJSON_AddNumberToObject(cfg, "vmax", m->vmax);
	for (int i = 0; ok && m->nclasses && i <= m->nclasses; i++)
		ok = cJSON_AddItemToArray(breaks, cJSON_CreateNumber(m->breaks[i])) &&
		     (i == m->nclasses ||
		      cJSON_AddItemToArray(colours, cJSON_CreateString(hex_colour(palette[m->nclasses - 1][i], c))));
	for (size_t i = 0; ok && i < NSYMBOLS; i++) {
		cJSON *s = cJSON_AddObjectToObject(syms, symbols[i].symbol);
		ok = s && cJSON_AddStringToObject(s, "meaning", symbols[i].meaning) &&
		     cJSON_AddStringToObject(s, "fill", html_fill((int)i, c));
	}
	haven_status rc = HAVEN_OK;
	for (size_t i = 0; ok && !rc && m->count && i < m->rows.n; i++) {
		const area *a = &m->rows.a[i];
		double lon, lat;
		if (a->symbol >= 0 || a->value <= 0 || (rc = hv_bng_to_lonlat(ctx, a->px, a->py, &lon, &lat)))
			continue;
		cJSON *p = cJSON_CreateArray();
		ok = p && cJSON_AddItemToObject(points, a->code, p) &&
		     cJSON_AddItemToArray(p, cJSON_CreateNumber(lat)) &&
		     cJSON_AddItemToArray(p, cJSON_CreateNumber(lon));
	}
	*out = ok && !rc ? cJSON_PrintUnformatted(cfg) : NULL;
	cJSON_Delete(cfg);
	if (!rc && !*out)
		rc = nomem(ctx);
	return rc;
}

/* Leaflet's file name, whole: HAVEN_ERR_IO naming the package when absent. */
static haven_status read_leaflet(haven_ctx *ctx, const char *name, unsigned char **data, size_t *len)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", LEAFLET_DIR, name);
	haven_status rc = hv_input_read(ctx, path, 4 << 20, "Leaflet", data, len);
	if (rc == HAVEN_ERR_IO) {
		char msg[sizeof ctx->errmsg];
		snprintf(msg, sizeof msg, "%s", haven_errmsg(ctx));
		rc = hv_error(ctx, rc, "%s (an HTML map inlines Leaflet: Debian's libjs-leaflet)", msg);
	}
	return rc;
}

/* Leaflet's file without its last line when that names a source map
 * ("//# sourceMappingURL=" in the script, the same in a comment in the style): a
 * browser's developer tools would fetch it. */
static size_t without_source_map(const unsigned char *text, size_t n)
{
	size_t end = n;
	while (end && (text[end - 1] == '\n' || text[end - 1] == '\r'))
		end--;
	size_t start = end;
	while (start && text[start - 1] != '\n')
		start--;
	const char *line = (const char *)text + start;
	return strncmp(line, "//# sourceMappingURL=", 21) == 0 || strncmp(line, "/*# sourceMappingURL=", 21) == 0
	           ? start
	           : n;
}

/* The page: everything inlined, so that it opens offline and asks nothing
 * of any server; its Content-Security-Policy forbids every fetch as well. */
static haven_status html_page(haven_ctx *ctx, FILE *f, const hv_map_html *h)
{
	unsigned char *css = NULL, *js = NULL;
	size_t css_n, js_n;
	haven_status rc = read_leaflet(ctx, "leaflet.css", &css, &css_n);
	if (!rc)
		rc = read_leaflet(ctx, "leaflet.min.js", &js, &js_n);
	if (!rc && (strstr((const char *)css, "</") || strstr((const char *)js, "</script")))
		rc = hv_error(ctx, HAVEN_ERR_FORMAT, "%s: Leaflet holds text that would end its element", LEAFLET_DIR);
	if (rc) {
		free(css);
		free(js);
		return rc;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
	      "style-src 'unsafe-inline'; img-src data:\">\n"
	      "<meta name=\"referrer\" content=\"no-referrer\">\n<title>",
	      f);
	html_text(f, h->title);
	fputs("</title>\n<style>\n", f);
	fwrite(css, 1, without_source_map(css, css_n), f);
	fprintf(f, "\n%s\n</style>\n<script>\n", page_css);
	fwrite(js, 1, without_source_map(js, js_n), f);
	fputs("\n</script>\n</head>\n<body>\n", f);
	if (h->marking) {
		fputs("<div class=\"marking\">", f);
		html_text(f, h->marking);
		fputs("</div>\n", f);
	}
	fputs("<header><h1>", f);
	html_text(f, h->title);
	fputs("</h1><p class=\"sub\">", f);
	html_text(f, h->sub);
	fputs("</p></header>\n<main><div id=\"map\"></div>\n", f);
	h->legend(f, h->arg);
	fputs("</main>\n<footer>", f);
	const char *paras[] = {h->notes->attribution, h->notes->rule, h->notes->dates};
	for (int i = 0; i < 3; i++)
		if (paras[i] && *paras[i]) {
			fputs("<p>", f);
			html_text(f, paras[i]);
			fputs("</p>", f);
		}
	fputs("</footer>\n", f);
	if (h->marking) {
		fputs("<div class=\"marking\">", f);
		html_text(f, h->marking);
		fputs("</div>\n", f);
	}
	if (h->extra)
		fputs(h->extra, f);
	for (size_t i = 0; i < h->njson; i++)
		json_script(f, h->json[i].id, h->json[i].text, h->json[i].n);
	fprintf(f, "<script>\n%s</script>\n</body>\n</html>\n", h->script);
	free(css);
	free(js);
	return HAVEN_OK;
}

void hv_map_html_text(FILE *f, const char *s)
{
	html_text(f, s);
}

haven_status hv_map_html_write(haven_ctx *ctx, const char *path, int overwrite, const hv_map_html *h)
{
	hv_output out;
	haven_status rc = hv_output_open(ctx, path, overwrite ? NULL : "not replaced without --force", &out);
	if (rc)
		return rc;
	return hv_output_end(ctx, &out, html_page(ctx, out.f, h));
}

static void legend_of(FILE *f, void *arg)
{
	html_legend(arg, f);
}

/* The page of map m around geojson, into the file o->path. */
static haven_status write_html(map *m, const char *geojson, size_t n)
{
	char *cfg = NULL;
	haven_status rc = html_config(m, &cfg);
	if (rc)
		return rc;
	char title[512], sub[512];
	titles(m, title, sizeof title, sub, sizeof sub);
	hv_page_notes nt;
	footer_notes(m, "Map in longitude and latitude (Web Mercator), no background tiles", &nt);
	hv_map_html h = {.title = title,
	                 .sub = sub,
	                 .marking = haven_table_marking(m->t),
	                 .legend = legend_of,
	                 .arg = m,
	                 .notes = &nt,
	                 .extra = hatch_svg,
	                 .json = {{"haven-data", geojson, n}, {"haven-map", cfg, strlen(cfg)}},
	                 .njson = 2,
	                 .script = page_js};
	rc = hv_map_html_write(m->ctx, m->o->path, m->o->overwrite, &h);
	cJSON_free(cfg);
	return rc;
}

haven_status hv_map_geojson(haven_ctx *ctx, const haven_table *t, const char *level, char **json, size_t *n)
{
	char mem[64];
	*json = NULL;
	*n = 0;
	snprintf(mem, sizeof mem, "/vsimem/haven-map-%p.geojson", (const void *)t);
	haven_export_opts eo = {.format = "geojson", .path = mem, .level = level, .overwrite = 1};
	haven_status rc = haven_export_write(ctx, t, &eo);
	vsi_l_offset len = 0;
	GByte *buf = rc ? NULL : VSIGetMemFileBuffer(mem, &len, TRUE);
	if (!rc && !buf)
		rc = hv_error(ctx, HAVEN_ERR_GDAL, "%s: the map's GeoJSON was not written", mem);
	VSIUnlink(mem);
	if (rc)
		return rc;
	*json = (char *)buf;
	*n = (size_t)len;
	return HAVEN_OK;
}

/* The rows at the level as GeoJSON, and the page around it. */
static haven_status export_html(map *m)
{
	char *json;
	size_t n;
	haven_status rc = hv_map_geojson(m->ctx, m->t, m->o->level, &json, &n);
	if (!rc)
		rc = write_html(m, json, n);
	CPLFree(json);
	return rc;
}

/* Read the table for a map of o: the rows, classes and symbols. */
static haven_status begin(haven_ctx *ctx, const haven_table *t, const haven_map_opts *o, map *m)
{
	*m = (map){.ctx = ctx, .t = t, .o = o};
	return read_map(m);
}

static void end(map *m)
{
	layer_free(&m->rows);
	layer_free(&m->regions);
}

haven_status hv_map_write_html(haven_ctx *ctx, const haven_table *t, const haven_map_opts *o, const char *geojson,
                               size_t n)
{
	map m;
	haven_status rc = begin(ctx, t, o, &m);
	if (!rc)
		rc = write_html(&m, geojson, n);
	end(&m);
	return rc;
}

haven_status hv_map_check(haven_ctx *ctx, const haven_map_opts *o)
{
	if (format_of(o->path) < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "%s: a map is a .png, .svg, .pdf or .html file",
		                o->path ? o->path : "");
	if (o->classes && strcmp(o->classes, "quantile") != 0 && strcmp(o->classes, "jenks") != 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "classes '%s': a map's classes are quantile or jenks",
		                o->classes);
	if (o->nclasses < 0 || o->nclasses > HV_MAP_MAX_CLASSES)
		return hv_error(ctx, HAVEN_ERR_USAGE, "%d classes: a map has 1 to %d", o->nclasses, HV_MAP_MAX_CLASSES);
	return hv_output_vacant(ctx, o->path, o->overwrite ? NULL : "not replaced without --force");
}

haven_status haven_map_write(haven_ctx *ctx, const haven_table *t, const haven_map_opts *o)
{
	int fmt = format_of(o->path);
	if (fmt < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "%s: a map is a .png, .svg, .pdf or .html file",
		                o->path ? o->path : "");
	map m;
	haven_status rc = begin(ctx, t, o, &m);
	if (!rc)
		rc = fmt == FMT_HTML ? export_html(&m) : write_cairo(&m, fmt);
	end(&m);
	return rc;
}
