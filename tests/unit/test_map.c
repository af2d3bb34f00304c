/*
 * test_map.c - maps of an aggregate table (src/out/map.c, docs/maps.md),
 * numbered cases:
 *   1  class breaks (quantile, Jenks) of known data against hand-worked values
 *   2  PNG, SVG and PDF written, 0600, in their formats (SVG parsed as XML)
 *   3  a PNG decoded: not blank, the legend's colours, the London inset, a
 *      suppressed area hatched
 *   4  what the page says (the PDF's text): title, date, legend, symbols,
 *      marking, attributions
 *   5  refusals and bad input: nothing written
 *   6  the HTML page: one file, Leaflet inlined, no fetch, data that cannot
 *      break out of its element, the same legend
 * The aggregate tables are built with the internal API (tu_aggregate) from
 * the bundled ONS la and region boundaries, as src/analysis builds them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo.h>
#include <cpl_minixml.h>

#include "core/table.h"
#include "out/map.h"
#include "testutil.h"

#define RATE "places_per_10k_children"
#define NORTH_YORKSHIRE "E06000065"

static haven_ctx *ctx;

/* The symbol (or NULL) the next table holds in place of code's measures. */
static const char *symbol_code, *symbol;

/* Values spread over a range, a few per class; symbol in symbol_code's. */
static const char *cell(const char *measure, const char *level, const char *code, size_t row, char *buf)
{
	(void)level;
	if (symbol_code && strcmp(code, symbol_code) == 0)
		return symbol;
	return tu_spread(measure, row, buf);
}

/* A released aggregate table with sym in place of code's values (NULL: none). */
static haven_table *table(const char *levels, const char *code, const char *sym)
{
	symbol_code = code;
	symbol = sym;
	haven_table *t = tu_aggregate(ctx, levels, cell);
	tu_release(ctx, t);
	return t;
}

static int setup(void **state)
{
	(void)state;
	ctx = tu_national_store("boundaries.db", "map.db");
	haven_boundaries_opts o = {"region", tu_data("boundaries/rgn_dec2023_en_bgc.geojson.gz"), NULL, NULL, NULL, 0};
	tu_ok(ctx, haven_boundaries_load(ctx, &o, NULL));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	haven_ctx_free(ctx);
	return 0;
}

/* ---- 1 class breaks -------------------------------------------------------- */

static void test_breaks(void **state)
{
	(void)state;
	static const struct {
		const char *name, *method;
		double v[12];
		size_t n;
		int k, want_n;
		double want[6];
	} cases[] = {
	    /* ranks ceil(i 10 / 5) = 2, 4, 6, 8 */
	    {"1.1 quantiles of 1..10 in 5", "quantile", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 10, 5, 5, {1, 2, 4, 6, 8, 10}},
	    /* unsorted; ranks ceil(7/3) = 3, ceil(14/3) = 5 */
	    {"1.2 quantiles of 7 values in 3", "quantile", {7, 1, 5, 3, 2, 6, 4}, 7, 3, 3, {1, 3, 5, 7}},
	    /* ranks 2 and 4 are both 1: one class fewer, {1,1,1,1} {2,3} */
	    {"1.3 tied quantiles merge", "quantile", {1, 1, 1, 1, 2, 3}, 6, 3, 2, {1, 1, 3}},
	    /* rank ceil(5/2) = 3 */
	    {"1.4 quantiles of 0 1 5 6 20 in 2", "quantile", {0, 1, 5, 6, 20}, 5, 2, 2, {0, 5, 20}},
	    /* {0,1,5,6} {20}: 9+4+4+9 = 26, against 112 for {0,1,5} {6,20} and 141.2 for {0,1} {5,6,20} */
	    {"1.5 Jenks of 0 1 5 6 20 in 2", "jenks", {0, 1, 5, 6, 20}, 5, 2, 2, {0, 6, 20}},
	    /* three clusters, each of squared deviation 2 */
	    {"1.6 Jenks of three clusters", "jenks", {21, 1, 12, 2, 3, 10, 11, 20, 22}, 9, 3, 3, {1, 3, 12, 22}},
	    /* {1,2,4,5} 10 + {7,9,10} 4.67 + {20} 0 = 14.67; next best {1,2,4} {5,7,9,10} {20}: 19.42 */
	    {"1.7 Jenks of 8 values in 3", "jenks", {1, 2, 4, 5, 7, 9, 10, 20}, 8, 3, 3, {1, 5, 10, 20}},
	    {"1.8 quantiles of the same 8 in 3", "quantile", {1, 2, 4, 5, 7, 9, 10, 20}, 8, 3, 3, {1, 4, 9, 20}},
	    {"1.9 Jenks of one value repeated", "jenks", {4, 4, 4}, 3, 3, 1, {4, 4}},
	    {"1.10 one class", "jenks", {3, 9, 1}, 3, 1, 1, {1, 9}},
	    {"1.11 no values", "quantile", {0}, 0, 5, 0, {0}},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double b[HV_MAP_MAX_CLASSES + 1];
		int n = -1;
		tu_ok(ctx, hv_map_breaks(ctx, cases[i].v, cases[i].n, cases[i].method, cases[i].k, b, &n));
		if (n != cases[i].want_n)
			fail_msg("%s: %d classes, want %d", cases[i].name, n, cases[i].want_n);
		for (int j = 0; n && j <= n; j++)
			if (b[j] != cases[i].want[j])
				fail_msg("%s: break %d is %g, want %g", cases[i].name, j, b[j], cases[i].want[j]);
	}
	/* Which class a value is in: above a break, up to the next. */
	static const double breaks[] = {1, 3, 12, 22};
	static const struct {
		double x;
		int cls;
	} classes[] = {{1, 0}, {3, 0}, {3.5, 1}, {12, 1}, {12.01, 2}, {22, 2}, {30, 2}, {-1, 0}};
	for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
		if (hv_map_class(breaks, 3, classes[i].x) != classes[i].cls)
			fail_msg("1.12 %g is in class %d, want %d", classes[i].x, hv_map_class(breaks, 3, classes[i].x),
			         classes[i].cls);
	double b[HV_MAP_MAX_CLASSES + 1], v[] = {1, 2};
	int n;
	tu_assert_status(ctx, hv_map_breaks(ctx, v, 2, "equal", 3, b, &n), HAVEN_ERR_USAGE);
	tu_assert_msg(ctx, "quantile or jenks");
	tu_assert_status(ctx, hv_map_breaks(ctx, v, 2, "jenks", 0, b, &n), HAVEN_ERR_USAGE);
	tu_assert_status(ctx, hv_map_breaks(ctx, v, 2, "quantile", 10, b, &n), HAVEN_ERR_USAGE);
	tu_assert_msg(ctx, "1 to 9");
}

/* ---- 2 files ---------------------------------------------------------------- */

static void test_files(void **state)
{
	(void)state;
	static const struct {
		const char *name, *file, *level, *measure, *classes;
		int k;
		const char *magic;
	} cases[] = {
	    {"2.1 a rate as PNG, quantiles", "rate.png", "la", RATE, NULL, 0, "\x89PNG\r\n\x1a\n"},
	    {"2.2 a rate as SVG, Jenks", "rate.svg", "la", RATE, "jenks", 7, "<?xml"},
	    {"2.3 a rate as PDF", "rate.pdf", "la", RATE, "quantile", 4, "%PDF-"},
	    {"2.4 a count as PNG", "homes.png", "la", "homes", NULL, 0, "\x89PNG\r\n\x1a\n"},
	    {"2.5 a count as SVG", "homes.svg", "la", "homes", NULL, 0, "<?xml"},
	    {"2.6 regions as PDF, upper case", "regions.PDF", "region", "places", NULL, 0, "%PDF-"},
	};
	haven_table *t = table("la region england", NORTH_YORKSHIRE, "c");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *path = tu_tmp(cases[i].file);
		unlink(path);
		haven_map_opts o = {.measure = cases[i].measure,
		                 .level = cases[i].level,
		                 .path = path,
		                 .classes = cases[i].classes,
		                 .nclasses = cases[i].k};
		tu_ok(ctx, haven_map_write(ctx, t, &o));
		struct stat sb;
		assert_int_equal(lstat(path, &sb), 0);
		if (!S_ISREG(sb.st_mode) || (sb.st_mode & 0777) != 0600 || sb.st_size < 10000)
			fail_msg("%s: mode %o, %lld bytes", cases[i].name, sb.st_mode & 0777, (long long)sb.st_size);
		size_t n;
		char *bytes = tu_read(path, &n);
		if (memcmp(bytes, cases[i].magic, strlen(cases[i].magic)) != 0)
			fail_msg("%s: does not start as its format does", cases[i].name);
		if (strstr(cases[i].file, ".svg")) {
			CPLXMLNode *doc = CPLParseXMLString(bytes);
			CPLXMLNode *svg = doc ? CPLGetXMLNode(doc, "=svg") : NULL;
			if (!svg || !CPLGetXMLValue(svg, "width", NULL) || !CPLGetXMLValue(svg, "viewBox", NULL))
				fail_msg("%s: not an SVG document", cases[i].name);
			assert_string_equal(CPLGetXMLValue(svg, "width", ""), "842pt");
			CPLDestroyXMLNode(doc);
		}
		if (strstr(cases[i].file, ".pdf") || strstr(cases[i].file, ".PDF"))
			assert_non_null(strstr(bytes + n - 7, "%%EOF"));
		free(bytes);
	}
	haven_table_free(t);
}

/* ---- 3 pixels ----------------------------------------------------------------- */

typedef struct image {
	cairo_surface_t *s;
	int w, h;
} image;

static image decode(const char *path)
{
	image im = {cairo_image_surface_create_from_png(path), 0, 0};
	assert_int_equal(cairo_surface_status(im.s), CAIRO_STATUS_SUCCESS);
	im.w = cairo_image_surface_get_width(im.s);
	im.h = cairo_image_surface_get_height(im.s);
	return im;
}

static unsigned px(const image *im, int x, int y)
{
	const unsigned char *row =
	    cairo_image_surface_get_data(im->s) + (size_t)y * (size_t)cairo_image_surface_get_stride(im->s);
	return ((const uint32_t *)(const void *)row)[x] & 0xffffff;
}

/* Pixels of colour c in columns [x0, x1). */
static long count(const image *im, unsigned c, int x0, int x1)
{
	long n = 0;
	for (int y = 0; y < im->h; y++)
		for (int x = x0; x < x1; x++)
			n += px(im, x, y) == c;
	return n;
}

static const char *png(const haven_table *t, const char *name, const char *measure)
{
	const char *path = tu_tmp(name);
	unlink(path);
	haven_map_opts o = {.measure = measure, .level = "la", .path = path};
	tu_ok(ctx, haven_map_write(ctx, t, &o));
	return path;
}

/* ColorBrewer's YlGnBu in 5 classes, as published. */
static const unsigned ylgnbu5[] = {0xffffcc, 0xa1dab4, 0x41b6c4, 0x2c7fb8, 0x253494};

/* A grey darker than the "x" fill: a hatch line's pixel, whole or in part. */
static int hatch_grey(unsigned c)
{
	return (c >> 16 & 0xff) == (c & 0xff) && (c >> 8 & 0xff) == (c & 0xff) && (c & 0xff) < 0xc0;
}

static void test_pixels(void **state)
{
	(void)state;
	haven_table *tc = table("la region england", NORTH_YORKSHIRE, "c");
	haven_table *tx = table("la region england", NORTH_YORKSHIRE, "x");
	image c = decode(png(tc, "c.png", RATE)), x = decode(png(tx, "x.png", RATE));
	assert_int_equal(c.w, 1684);
	assert_int_equal(c.h, 1190);

	/* 3.1 Not blank: a page of text alone is 98% white. */
	long white = count(&c, 0xffffff, 0, c.w);
	if (white > (long)c.w * c.h * 85 / 100)
		fail_msg("3.1 %ld of %d pixels are white", white, c.w * c.h);

	/* 3.2 Every class's colour, on the map and in the legend; the right
	 * third of the page (the panel) holds far more than five swatches of
	 * them: the London inset. */
	long panel = 0;
	for (int i = 0; i < 5; i++) {
		long all = count(&c, ylgnbu5[i], 0, c.w), right = count(&c, ylgnbu5[i], c.w * 62 / 100, c.w);
		if (all < 2000 || right < 400)
			fail_msg("3.2 class %d's colour %06x: %ld pixels, %ld in the panel", i, ylgnbu5[i], all, right);
		panel += right;
	}
	if (panel < 20000)
		fail_msg("3.3 the panel has %ld pixels of the classes' colours: no London inset", panel);

	/* 3.4 The suppressed area is hatched: where the map of "c" differs
	 * from the map of "x" (grey), in the map's part of the page, its
	 * pixels are white and grey lines. */
	long diff = 0, w = 0, d = 0, grey = 0;
	for (int yy = 0; yy < c.h; yy++)
		for (int xx = 0; xx < c.w * 58 / 100; xx++) {
			unsigned a = px(&c, xx, yy), b = px(&x, xx, yy);
			if (a == b)
				continue;
			diff++;
			w += a == 0xffffff;
			d += hatch_grey(a);
			grey += b == 0xd0d0d0;
		}
	if (diff < 5000 || w < diff / 5 || d < diff / 5 || grey < diff / 2)
		fail_msg(
		    "3.4 North Yorkshire: %ld pixels differ, %ld white and %ld of lines where suppressed, %ld grey "
		    "where not available",
		    diff, w, d, grey);
	cairo_surface_destroy(c.s);
	cairo_surface_destroy(x.s);

	/* 3.5 Counts are circles over pale areas: YlGnBu's blue, blended. */
	image h = decode(png(tc, "homes.png", "homes"));
	long base = count(&h, 0xf0f0f0, 0, h.w);
	if (base < 50000)
		fail_msg("3.5 %ld pixels of the areas' pale fill", base);
	long blue = 0;
	for (int yy = 0; yy < h.h; yy++)
		for (int xx = 0; xx < h.w * 58 / 100; xx++) {
			unsigned p = px(&h, xx, yy);
			blue += (p & 0xff) > 0xa0 && (p >> 16 & 0xff) < 0x90;
		}
	if (blue < 20000)
		fail_msg("3.5 %ld blue pixels: no circles", blue);
	cairo_surface_destroy(h.s);
	haven_table_free(tc);
	haven_table_free(tx);
}

/* ---- 4 what the page says ------------------------------------------------------ */

/* The text of a PDF (poppler's pdftotext), malloc'd. */
static char *pdf_text(const char *path)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(m);
	if (pclose(p) != 0)
		fail_msg("pdftotext %s failed (poppler-utils)", path);
	/* One space between words, whatever the layout put there. */
	char *w = buf;
	for (char *r = buf; *r; r++)
		if (!(*r == ' ' || *r == '\n') || (w > buf && w[-1] != ' '))
			*w++ = *r == '\n' ? ' ' : *r;
	*w = '\0';
	return buf;
}

static void test_text(void **state)
{
	(void)state;
	static const struct {
		const char *name, *measure, *sym, *title;
		const char *want[8];
	} cases[] = {
	    {"4.1 a rate: classes, a suppressed area, marking, sources",
	     RATE,
	     "c",
	     NULL,
	     {"OFFICIAL-SENSITIVE", "Children's homes and places",
	      "Places per 10k children by local authority, as at 31 March 2025", "c suppressed (disclosure control)",
	      "London", "Office for National Statistics", "Contains Ofsted and Department for Education data",
	      "Disclosure control: none: a record-level audience"}},
	    {"4.2 a count: circles, another symbol, a title given",
	     "homes",
	     "z",
	     "Homes, March 2025",
	     {"Homes, March 2025", "Circle area in proportion to the count", "z not applicable", "km",
	      "British National Grid (EPSG:27700)", "Made 15 April 2025", "OFFICIAL-SENSITIVE", "London"}},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		haven_table *t = table("la region england", NORTH_YORKSHIRE, cases[i].sym);
		const char *path = tu_tmp("text.pdf");
		haven_map_opts o = {
		    .measure = cases[i].measure, .level = "la", .path = path, .title = cases[i].title, .overwrite = 1};
		tu_ok(ctx, haven_map_write(ctx, t, &o));
		char *text = pdf_text(path);
		for (int k = 0; k < 8 && cases[i].want[k]; k++)
			if (!strstr(text, cases[i].want[k]))
				fail_msg("%s: the page does not say '%s':\n%s", cases[i].name, cases[i].want[k], text);
		/* The marking stands at the top and at the bottom. */
		char *first = strstr(text, "OFFICIAL-SENSITIVE");
		if (!first || !strstr(first + 1, "OFFICIAL-SENSITIVE"))
			fail_msg("%s: the marking is not both above and below", cases[i].name);
		free(text);
		haven_table_free(t);
	}
}

/* ---- 5 refusals ------------------------------------------------------------------ */

/* Nothing is left in the temporary directory but what was there. */
static int files_in_tmp(void)
{
	char cmd[1100];
	snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", tu_tmpdir());
	FILE *p = popen(cmd, "r");
	int n = -1;
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

static void test_refusals(void **state)
{
	(void)state;
	haven_table *t = table("la region england", NULL, NULL);
	haven_table *sealed = tu_aggregate(ctx, "region", cell);
	haven_table *bad = table("region", "E12000007", "12,5");
	/* A table naming homes, released to the admin who may see it, is
	 * still never mapped. */
	static const char *const hcols[] = {"geographic_level", "area_code", "geom", "homes", "urn"};
	haven_table *homes;
	tu_ok(ctx, hv_table_new(ctx, "homes", HV_TABLE_DISCLOSED, 5, hcols, &homes));
	tu_ok(ctx, hv_table_roles(ctx, homes,
	                          "geographic_level=label area_code=area:any geom=geometry:area "
	                          "homes=count:homes urn=home"));
	tu_release(ctx, homes);
	char exists[1024];
	snprintf(exists, sizeof exists, "%s", tu_write("exists.png", "keep me"));
	static const struct {
		const char *name;
		int which; /* 0 t, 1 sealed, 2 bad, 3 homes */
		haven_map_opts o;
		haven_status want;
		const char *msg;
	} cases[] = {
	    {"5.1 a sealed table",
	     1,
	     {.measure = "homes", .level = "region", .path = "m.png"},
	     HAVEN_ERR_DENIED,
	     "sealed"},
	    {"5.2 a table naming homes",
	     3,
	     {.measure = "homes", .level = "la", .path = "m.png"},
	     HAVEN_ERR_DENIED,
	     "column 'urn'"},
	    {"5.3 no such measure",
	     0,
	     {.measure = "beds", .level = "la", .path = "m.png"},
	     HAVEN_ERR_USAGE,
	     "its measures: homes, places, places_per_10k_children"},
	    {"5.4 a label is no measure",
	     0,
	     {.measure = "area_name", .level = "la", .path = "m.png"},
	     HAVEN_ERR_USAGE,
	     "not a measure"},
	    {"5.5 no rows at the level",
	     0,
	     {.measure = "homes", .level = "district", .path = "m.png"},
	     HAVEN_ERR_NOT_FOUND,
	     "its levels: la, region, england"},
	    {"5.6 no level", 0, {.measure = "homes", .path = "m.png"}, HAVEN_ERR_USAGE, "level"},
	    {"5.7 an unknown format",
	     0,
	     {.measure = "homes", .level = "la", .path = "m.jpg"},
	     HAVEN_ERR_USAGE,
	     ".png, .svg, .pdf or .html"},
	    {"5.8 unknown classes",
	     0,
	     {.measure = RATE, .level = "la", .path = "m.png", .classes = "equal"},
	     HAVEN_ERR_USAGE,
	     "quantile or jenks"},
	    {"5.9 too many classes",
	     0,
	     {.measure = RATE, .level = "la", .path = "m.svg", .nclasses = 10},
	     HAVEN_ERR_USAGE,
	     "1 to 9"},
	    {"5.10 a cell neither number nor symbol",
	     2,
	     {.measure = RATE, .level = "region", .path = "m.pdf"},
	     HAVEN_ERR_VALUE,
	     "row 7 (E12000007): '12,5' in places_per_10k_children is neither a number nor"},
	    {"5.11 a file already there",
	     0,
	     {.measure = RATE, .level = "la", .path = "exists.png"},
	     HAVEN_ERR_IO,
	     "exists"},
	};
	int before = files_in_tmp();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const haven_table *tables[] = {t, sealed, bad, homes};
		haven_map_opts o = cases[i].o;
		char path[1024];
		snprintf(path, sizeof path, "%s", tu_tmp(o.path));
		o.path = path;
		haven_status st = haven_map_write(ctx, tables[cases[i].which], &o);
		if (st != cases[i].want || !strstr(haven_errmsg(ctx), cases[i].msg))
			fail_msg("%s: %s, '%s'; want %s, '%s'", cases[i].name, haven_status_name(st), haven_errmsg(ctx),
			         haven_status_name(cases[i].want), cases[i].msg);
		if (files_in_tmp() != before)
			fail_msg("%s: a file was left behind", cases[i].name);
	}
	size_t n;
	char *kept = tu_read(exists, &n);
	assert_string_equal(kept, "keep me");
	free(kept);

	/* 5.12 Told to, a map replaces a file - and a symbolic link, not what
	 * it points to. */
	char target[1024], link_path[1024];
	snprintf(target, sizeof target, "%s", tu_write("target.txt", "not a map"));
	snprintf(link_path, sizeof link_path, "%s", tu_tmp("link.svg"));
	assert_int_equal(symlink(target, link_path), 0);
	haven_map_opts o = {.measure = RATE, .level = "la", .path = link_path};
	tu_assert_status(ctx, haven_map_write(ctx, t, &o), HAVEN_ERR_IO);
	o.overwrite = 1;
	tu_ok(ctx, haven_map_write(ctx, t, &o));
	kept = tu_read(target, &n);
	assert_string_equal(kept, "not a map");
	free(kept);
	struct stat sb;
	assert_int_equal(lstat(link_path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	haven_table_free(t);
	haven_table_free(sealed);
	haven_table_free(bad);
	haven_table_free(homes);
}

/* ---- 6 the HTML page ------------------------------------------------------------- */

/* GeoJSON as the export writes it (RFC 7946: longitude, latitude), two
 * areas; one name tries to end the element holding the data. */
static const char geojson[] =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"area_code\":\"E06000065\",\"area_name\":\"North Yorkshire\","
    "\"places_per_10k_children\":null,\"places_per_10k_children_symbol\":\"c\"},\"geometry\":{\"type\":"
    "\"Polygon\",\"coordinates\":[[[-2,54],[-1,54],[-1,54.5],[-2,54]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"area_code\":\"E06000001\",\"area_name\":\"</script><script>"
    "alert(1)</script>\",\"places_per_10k_children\":12.5,\"places_per_10k_children_symbol\":null},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-1.3,54.6],[-1.2,54.6],[-1.2,54.7],[-1.3,54.6]]]}}]}";

static int count_of(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_html(void **state)
{
	(void)state;
	haven_table *t = table("la region england", NORTH_YORKSHIRE, "c");
	char path[1024];
	snprintf(path, sizeof path, "%s", tu_tmp("map.html"));
	unlink(path);
	haven_map_opts o = {.measure = RATE, .level = "la", .path = path, .title = "Places <per> 10k & more"};
	tu_ok(ctx, hv_map_write_html(ctx, t, &o, geojson, strlen(geojson)));
	struct stat sb;
	assert_int_equal(lstat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	size_t n;
	char *page = tu_read(path, &n);
	static const struct {
		const char *name, *text;
		int times;
	} want[] = {
	    {"6.1 a document", "<!DOCTYPE html>", 1},
	    {"6.2 every fetch forbidden",
	     "content=\"default-src 'none'; script-src 'unsafe-inline'; style-src "
	     "'unsafe-inline'; img-src data:\"",
	     1},
	    {"6.3 no source map named", "sourceMappingURL", 0},
	    {"6.3 Leaflet's script inlined", "noConflict=function", 1},
	    {"6.4 Leaflet's style inlined", ".leaflet-tooltip-right:before{left:0;margin-left:-12px", 1},
	    {"6.5 no script or style is fetched", "<script src", 0},
	    {"6.6 nor any stylesheet", "<link", 0},
	    {"6.7 the data cannot end its element", "</script><script>alert(1)", 0},
	    {"6.8 ... it is escaped", "\\u003c/script>\\u003cscript>alert(1)\\u003c/script>", 1},
	    {"6.9 the title escaped", "Places &lt;per&gt; 10k &amp; more", 2},
	    {"6.10 the marking above and below", "<div class=\"marking\">OFFICIAL-SENSITIVE</div>", 2},
	    {"6.11 the same classes as the printed map", "<span>43.5 to 53.0</span>", 1},
	    {"6.12 the suppressed area hatched in the legend", "fill=\"url(#hatch)\"", 1},
	    {"6.13 and named", "<b>c</b> suppressed (disclosure control)", 1},
	    {"6.14 the sources", "Contains Ofsted and Department for Education data", 1},
	    {"6.15 the classes' colours for the page's script",
	     "\"colours\":[\"#ffffcc\",\"#a1dab4\",\"#41b6c4\","
	     "\"#2c7fb8\",\"#253494\"]",
	     1},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (count_of(page, want[i].text) != want[i].times)
			fail_msg("%s: '%s' %d times, want %d", want[i].name, want[i].text, count_of(page, want[i].text),
			         want[i].times);
	/* 6.16 Every script element is closed once: nothing in the data ends one. */
	assert_int_equal(count_of(page, "<script"), count_of(page, "</script>"));
	free(page);

	/* 6.17 A count: each area's point on surface, in latitude and
	 * longitude, for its circle. */
	o.measure = "homes";
	o.overwrite = 1;
	tu_ok(ctx, hv_map_write_html(ctx, t, &o, geojson, strlen(geojson)));
	page = tu_read(path, &n);
	char *leeds = strstr(page, "\"E08000035\":[");
	assert_non_null(leeds);
	double lat = strtod(leeds + 13, &leeds), lon = strtod(leeds + 1, NULL);
	if (lat < 53.7 || lat > 53.95 || lon < -1.8 || lon > -1.3)
		fail_msg("6.17 Leeds's circle at %g, %g", lat, lon);
	free(page);

	/* 6.18 Through haven_map_write: the rows at the level as the export's
	 * GeoJSON (RFC 7946), its symbols beside nulls. */
	snprintf(path, sizeof path, "%s", tu_tmp("written.html"));
	haven_map_opts w = {.measure = RATE, .level = "la", .path = path};
	tu_ok(ctx, haven_map_write(ctx, t, &w));
	page = tu_read(path, &n);
	char *data = strstr(page, "<script type=\"application/json\" id=\"haven-data\">");
	assert_non_null(data);
	char *data_end = strstr(data, "</script>");
	*data_end = '\0';
	if (count_of(data, "\"type\": \"Feature\"") != 153 || count_of(data, "\"geographic_level\": \"region\"") ||
	    count_of(data, "\"places_per_10k_children_symbol\": \"c\"") != 1 ||
	    !strstr(data, "\"area_code\": \"E08000035\""))
		fail_msg("6.18 the page's GeoJSON: %d features, %d regions, %d suppressed",
		         count_of(data, "\"type\": \"Feature\""), count_of(data, "\"geographic_level\": \"region\""),
		         count_of(data, "\"places_per_10k_children_symbol\": \"c\""));
	free(page);
	haven_table_free(t);
}

TU_MAIN(setup, teardown, cmocka_unit_test(test_breaks), cmocka_unit_test(test_files), cmocka_unit_test(test_pixels),
        cmocka_unit_test(test_text), cmocka_unit_test(test_refusals), cmocka_unit_test(test_html))
