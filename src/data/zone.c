/*
 * zone.c - offender exclusion zones: the import (haven zones import), the
 * zones live at a time, and the places and records of proposed-address
 * checks.  docs/zones.md is the contract; docs/formats.md ("Zones file")
 * the input.
 *
 * A zone is a polygon, or a point with a radius, with a pseudonymous case
 * reference (never a name: see hv_zone_ref_ok), a kind, the dates it is
 * valid and, when an order applies only at some times, windows of days and
 * hours.  Every vertex is reprojected to EPSG:27700 with PROJ and must land
 * in Great Britain; invalid geometry is made valid with GEOS and reported; a
 * zone that touches no police force area of the store's boundaries lies
 * outside England and Wales and is refused.  One transaction: any error
 * leaves the store as it was, unless --skip-invalid sends bad zones to a
 * reject file.
 */
#include <cpl_conv.h>
#include <errno.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "data/missing.h"
#include "data/zone.h"
#include "core/crs.h"
#include "core/output.h"
#include "core/source.h"
#include "core/sql.h"
#include "core/table.h"
#include "core/text.h"
#include "govern/govern.h"
#include "ref/areas.h"
#include "ref/boundaries.h"
#include "ref/gazetteer.h"
#include "haven/postcode.h"

#define MAX_WINDOWS 16
/* A circle is drawn with this many segments a quarter (the stored polygon,
 * for maps and exports; checks measure the distance to the centre). */
#define QUADSEGS 32

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

int hv_zone_ref_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	int digit = 0;
	if (n < 1 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9')
			digit = 1;
		else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '/' || c == '_' || c == '.' ||
		           c == '-'))
			return 0;
	}
	return digit;
}

/* ---- clock time in Europe/London ---------------------------------------- */

/* The last Sunday of month m of year y, as days since 1970-01-01. */
static int64_t last_sunday(int64_t y, int m)
{
	int64_t d = hv_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
	int wd = (int)(((d + 3) % 7 + 7) % 7); /* 0 Monday */
	return d - (wd + 1) % 7;
}

/* Seconds London's clock is ahead of UTC at t: an hour from 01:00 UTC on
 * the last Sunday of March to 01:00 UTC on the last Sunday of October. */
static int64_t london_offset(int64_t t)
{
	int y, m, d;
	int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	hv_civil_from_days(day, &y, &m, &d);
	int64_t on = last_sunday(y, 3) * 86400 + 3600, off = last_sunday(y, 10) * 86400 + 3600;
	return t >= on && t < off ? 3600 : 0;
}

static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

haven_status hv_zone_when_parse(haven_ctx *ctx, const char *s, hv_zone_when *w)
{
	memset(w, 0, sizeof *w);
	if (!s) {
		int64_t t = hv_now(ctx);
		t += london_offset(t);
		w->day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
		w->minute = (int)((t - w->day * 86400) / 60);
	} else {
		char date[11];
		size_t n = strlen(s);
		int hh = 0, mm = 0, ss = 0;
		int ok = n >= 10 && n <= 19;
		if (ok) {
			memcpy(date, s, 10);
			date[10] = '\0';
			ok = hv_parse_date(date, &w->day);
		}
		if (ok && n > 10)
			ok = (n == 16 || n == 19) && (s[10] == 'T' || s[10] == ' ') && digits(s + 11, 2, &hh) &&
			     s[13] == ':' && digits(s + 14, 2, &mm) &&
			     (n == 16 || (s[16] == ':' && digits(s + 17, 2, &ss)));
		if (!ok || hh > 23 || mm > 59 || ss > 59)
			return hv_error(
			    ctx, HAVEN_ERR_USAGE,
			    "--as-at '%s' is not a clock time: give YYYY-MM-DD or YYYY-MM-DDTHH:MM (Europe/London)", s);
		w->minute = hh * 60 + mm;
	}
	w->weekday = (int)(((w->day + 3) % 7 + 7) % 7);
	int y, m, d;
	hv_civil_from_days(w->day, &y, &m, &d);
	snprintf(w->text, sizeof w->text, "%04d-%02d-%02dT%02d:%02d", y % 10000, m, d, w->minute / 60, w->minute % 60);
	return HAVEN_OK;
}

/* ---- time windows ----------------------------------------------------------- */

typedef struct zwindow {
	int days, start, end; /* days: bit 0 Monday .. bit 6 Sunday; minutes */
} zwindow;

static int day_index(const char *s, size_t n)
{
	static const char *const names[] = {"monday", "tuesday",  "wednesday", "thursday",
	                                    "friday", "saturday", "sunday"};
	for (int i = 0; n >= 3 && i < 7; i++)
		if (n <= strlen(names[i]) && strncasecmp(s, names[i], n) == 0)
			return i;
	return -1;
}

/* Days "Mon-Fri", "Sat,Sun", "daily": a bit set, 0 if not understood. */
static int parse_days(const char *s, size_t n)
{
	if (n == 5 && strncasecmp(s, "daily", 5) == 0)
		return 127;
	int set = 0;
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != ',')
			j++;
		const char *dash = memchr(s + i, '-', j - i);
		int a, b;
		if (dash) {
			a = day_index(s + i, (size_t)(dash - (s + i)));
			b = day_index(dash + 1, (size_t)(s + j - dash - 1));
		} else {
			a = b = day_index(s + i, j - i);
		}
		if (a < 0 || b < 0)
			return 0;
		for (int d = a;; d = (d + 1) % 7) {
			set |= 1 << d;
			if (d == b)
				break;
		}
		i = j + 1;
	}
	return set;
}

static int parse_hhmm(const char *s, int *min)
{
	int h, m;
	if (!digits(s, 2, &h) || s[2] != ':' || !digits(s + 3, 2, &m) || m > 59 || h > 24 || (h == 24 && m))
		return 0;
	*min = h * 60 + m;
	return 1;
}

/* "Mon-Fri 15:00-18:00; Sat,Sun 10:00-16:00": up to MAX_WINDOWS windows,
 * each days then hours, end after start (24:00 allowed; a window across
 * midnight is two).  why set on failure. */
static int parse_windows(const char *s, zwindow *w, int *nw, char *why, size_t nwhy)
{
	*nw = 0;
	while (s && *s) {
		while (*s == ' ' || *s == ';')
			s++;
		if (!*s)
			break;
		const char *end = strchr(s, ';');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		while (len && s[len - 1] == ' ')
			len--;
		const char *sp = memchr(s, ' ', len);
		zwindow z = {0, 0, 0};
		if (*nw == MAX_WINDOWS) {
			snprintf(why, nwhy, "more than %d time windows", MAX_WINDOWS);
			return 0;
		}
		if (!sp || (size_t)(s + len - sp - 1) != 11 || sp[6] != '-' ||
		    !(z.days = parse_days(s, (size_t)(sp - s))) || !parse_hhmm(sp + 1, &z.start) ||
		    !parse_hhmm(sp + 7, &z.end) || z.end <= z.start) {
			snprintf(
			    why, nwhy,
			    "time window '%.*s' is not DAYS HH:MM-HH:MM (e.g. Mon-Fri 15:00-18:00; the end after the "
			    "start, 24:00 at most)",
			    (int)(len > 60 ? 60 : len), s);
			return 0;
		}
		w[(*nw)++] = z;
		s += len;
		while (*s == ' ')
			s++;
	}
	return 1;
}

static void windows_text(const zwindow *w, int nw, char *buf, size_t n)
{
	size_t k = 0;
	buf[0] = '\0';
	for (int i = 0; i < nw && k < n; i++)
		k += (size_t)snprintf(buf + k, n - k, "%s%d %d %d", i ? ";" : "", w[i].days, w[i].start, w[i].end);
}

/* ---- the import ------------------------------------------------------------- */

/* The attributes of one feature, borrowed for its processing. */
typedef struct zfields {
	const char *ref, *case_ref, *kind, *from, *to, *windows, *radius;
} zfields;

/* A feature's fault: why it cannot be imported (for the error or the reject file). */
typedef hv_fault fault;

typedef struct importer {
	haven_ctx *ctx;
	const char *path;
	const haven_zones_opts *o;
	haven_zones_report *rep;
	const char *unit; /* "row" (CSV) or "feature" */
	int64_t feature;
	PJ *pj; /* the source CRS to BNG; NULL: already BNG */
	char crs_label[128];
	hv_areas *pfa;
	GEOSWKBReader *rd;
	GEOSWKBWriter *wr;
	GEOSWKTReader *wkt;
	sqlite3_stmt *find, *del, *ins, *win, *seen;
	int64_t load_id;
	char now[21];
	hv_output rej;
	/* a vertex that fell outside Great Britain */
	int outside;
	double ox, oy;
} importer;

static int xform_vertex(double *x, double *y, void *user)
{
	importer *im = user;
	double e = *x, n = *y;
	if (im->pj) {
		PJ_COORD c = proj_trans(im->pj, PJ_FWD, proj_coord(*x, *y, 0, 0));
		e = c.xy.x;
		n = c.xy.y;
	}
	if (!isfinite(e) || !isfinite(n) || !hv_bng_in_extent(e, n)) {
		im->outside = 1;
		im->ox = *x;
		im->oy = *y;
		return 0;
	}
	*x = e;
	*y = n;
	return 1;
}

static const char *kind_of(const char *s)
{
	static const struct {
		const char *in, *kind;
	} k[] = {{"exclusion", "exclusion"},
	         {"exclusion zone", "exclusion"},
	         {"residence_restriction", "residence_restriction"},
	         {"residence restriction", "residence_restriction"},
	         {"residence-restriction", "residence_restriction"},
	         {"no_contact", "no_contact"},
	         {"no contact", "no_contact"},
	         {"no-contact", "no_contact"},
	         {"no-contact area", "no_contact"}};
	for (size_t i = 0; s && i < sizeof k / sizeof k[0]; i++)
		if (strcasecmp(s, k[i].in) == 0)
			return k[i].kind;
	return NULL;
}

/* A date field as YYYY-MM-DD: OGR writes its Date fields as YYYY/MM/DD. */
static int date_field(const char *s, char out[11])
{
	if (!s || strlen(s) < 10)
		return 0;
	memcpy(out, s, 10);
	out[10] = '\0';
	if (out[4] == '/' && out[7] == '/')
		out[4] = out[7] = '-';
	int64_t d;
	return (strlen(s) == 10 || (s[10] == ' ' || s[10] == 'T')) && hv_parse_date(out, &d);
}

/* Reproject g (owned: consumed) into *out, a valid BNG MultiPolygon, or
 * say why not in f.  *repaired receives the repair's reason ("" if none). */
static haven_status polygon_zone(importer *im, GEOSGeometry *g, fault *f, GEOSGeometry **out, char *repaired,
                                 size_t nrep)
{
	GEOSContextHandle_t h = im->ctx->geos;
	*out = NULL;
	repaired[0] = '\0';
	im->outside = 0;
	GEOSGeometry *t = GEOSGeom_transformXY_r(h, g, xform_vertex, im);
	GEOSGeom_destroy_r(h, g);
	if (!t && im->outside) {
		hv_fault_set(
		    f, HAVEN_ERR_CRS,
		    "coordinate (%.10g, %.10g) read as %s lands outside Great Britain: the coordinates are in some "
		    "other CRS (give it with --source-crs)",
		    im->ox, im->oy, im->crs_label);
		return HAVEN_OK;
	}
	if (!t)
		return hv_error(im->ctx, HAVEN_ERR_GEOS, "%s: %s %lld: cannot transform to EPSG:27700: %s", im->path,
		                im->unit, (long long)im->feature, im->ctx->geos_msg);
	char valid = GEOSisValid_r(h, t);
	GEOSGeometry *fixed = t;
	if (valid == 2) {
		GEOSGeom_destroy_r(h, t);
		return hv_error(im->ctx, HAVEN_ERR_GEOS, "%s: %s %lld: cannot check the geometry's validity", im->path,
		                im->unit, (long long)im->feature);
	}
	if (!valid) {
		char *reason = GEOSisValidReason_r(h, t);
		snprintf(repaired, nrep, "%s", reason ? reason : "invalid");
		if (reason)
			GEOSFree_r(h, reason);
		fixed = GEOSMakeValid_r(h, t);
		if (!fixed) {
			GEOSGeom_destroy_r(h, t);
			hv_fault_set(f, HAVEN_ERR_VALUE, "its geometry is invalid (%s) and cannot be repaired",
			             repaired);
			return HAVEN_OK;
		}
	}
	int dropped = 0, failed = 0;
	GEOSGeometry *mp = hv_polygonal_part(h, fixed, &dropped, &failed);
	if (fixed != t)
		GEOSGeom_destroy_r(h, fixed);
	GEOSGeom_destroy_r(h, t);
	if (failed)
		return nomem(im->ctx);
	if (!mp) {
		hv_fault_set(f, HAVEN_ERR_VALUE,
		             *repaired
		                 ? "nothing polygonal is left once its invalid geometry (%s) is repaired"
		                 : "its geometry is not a polygon (a zone is a polygon, or a point with a radius)%s",
		             repaired);
		return HAVEN_OK;
	}
	if (GEOSisValid_r(h, mp) != 1) {
		GEOSGeom_destroy_r(h, mp);
		hv_fault_set(f, HAVEN_ERR_VALUE, "its geometry cannot be repaired");
		return HAVEN_OK;
	}
	*out = mp;
	return HAVEN_OK;
}

/* A point-with-radius zone: the centre in BNG and its circle. */
static haven_status circle_zone(importer *im, double x, double y, double r, fault *f, double *cx, double *cy,
                                GEOSGeometry **out)
{
	GEOSContextHandle_t h = im->ctx->geos;
	*out = NULL;
	im->outside = 0;
	if (!xform_vertex(&x, &y, im)) {
		hv_fault_set(
		    f, HAVEN_ERR_CRS,
		    "point (%.10g, %.10g) read as %s lands outside Great Britain: the coordinates are in some other "
		    "CRS (give it with --source-crs)",
		    im->ox, im->oy, im->crs_label);
		return HAVEN_OK;
	}
	*cx = x;
	*cy = y;
	GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, x, y);
	GEOSGeometry *c = p ? GEOSBuffer_r(h, p, r, QUADSEGS) : NULL;
	GEOSGeom_destroy_r(h, p);
	GEOSGeometry *parts[1] = {c};
	GEOSGeometry *mp = c ? GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, 1) : NULL;
	if (!mp) {
		GEOSGeom_destroy_r(h, c);
		return nomem(im->ctx);
	}
	*out = mp;
	return HAVEN_OK;
}

/* The police force areas g touches, comma-separated into buf; "" for none. */
static void touching_pfas(importer *im, const GEOSGeometry *g, char *buf, size_t n)
{
	GEOSContextHandle_t h = im->ctx->geos;
	double x0, y0, x1, y1;
	GEOSGeom_getXMin_r(h, g, &x0);
	GEOSGeom_getYMin_r(h, g, &y0);
	GEOSGeom_getXMax_r(h, g, &x1);
	GEOSGeom_getYMax_r(h, g, &y1);
	size_t k = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < hv_areas_count(im->pfa); i++) {
		double a0, b0, a1, b1;
		hv_areas_bounds(im->pfa, (long)i, &a0, &b0, &a1, &b1);
		if (a0 > x1 || a1 < x0 || b0 > y1 || b1 < y0 || !hv_areas_intersects(im->pfa, (long)i, g))
			continue;
		if (k + 12 < n)
			k += (size_t)snprintf(buf + k, n - k, "%s%s", k ? "," : "", hv_areas_code(im->pfa, (long)i));
	}
}

static void hash_text(crypto_hash_sha256_state *s, const char *t)
{
	crypto_hash_sha256_update(s, (const unsigned char *)(t ? t : ""), t ? strlen(t) + 1 : 1);
}

static haven_status write_zone(importer *im, const char *ref, const char *case_ref, const char *kind, const char *from,
                               const char *to, const zwindow *w, int nw, int circle, double cx, double cy, double r,
                               const char *pfa, const char *repaired, const GEOSGeometry *g)
{
	haven_ctx *ctx = im->ctx;
	size_t len = 0;
	unsigned char *wkb = GEOSWKBWriter_write_r(ctx->geos, im->wr, g, &len);
	if (!wkb)
		return nomem(ctx);
	char wtext[MAX_WINDOWS * 16 + 1], num[96];
	windows_text(w, nw, wtext, sizeof wtext);
	crypto_hash_sha256_state s;
	crypto_hash_sha256_init(&s);
	hash_text(&s, ref);
	hash_text(&s, case_ref);
	hash_text(&s, kind);
	hash_text(&s, from);
	hash_text(&s, to);
	hash_text(&s, wtext);
	snprintf(num, sizeof num, "%d %.3f %.3f %.3f", circle, cx, cy, r);
	hash_text(&s, num);
	crypto_hash_sha256_update(&s, wkb, len);
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&s, d);
	char content[65];
	sodium_bin2hex(content, sizeof content, d, sizeof d);

	haven_status rc = HAVEN_OK;
	int64_t old = 0;
	sqlite3_reset(im->find);
	sqlite3_bind_text(im->find, 1, ref, -1, SQLITE_STATIC);
	if (sqlite3_step(im->find) == SQLITE_ROW) {
		old = sqlite3_column_int64(im->find, 0);
		if (strcmp((const char *)sqlite3_column_text(im->find, 1), content) == 0) {
			sqlite3_reset(im->find);
			GEOSFree_r(ctx->geos, wkb);
			im->rep->unchanged++;
			return HAVEN_OK;
		}
	}
	sqlite3_reset(im->find);
	if (old) {
		sqlite3_reset(im->del);
		sqlite3_bind_int64(im->del, 1, old);
		if (sqlite3_step(im->del) != SQLITE_DONE)
			rc = hv_error_sql(ctx, "replacing a zone");
	}
	sqlite3_stmt *st = im->ins;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, case_ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, from, -1, SQLITE_STATIC);
	hv_bind_text_or_null(st, 5, to);
	if (circle) {
		sqlite3_bind_double(st, 6, cx);
		sqlite3_bind_double(st, 7, cy);
		sqlite3_bind_double(st, 8, r);
	} else {
		sqlite3_bind_null(st, 6);
		sqlite3_bind_null(st, 7);
		sqlite3_bind_null(st, 8);
	}
	sqlite3_bind_text(st, 9, pfa, -1, SQLITE_STATIC);
	hv_bind_text_or_null(st, 10, *repaired ? repaired : NULL);
	sqlite3_bind_int64(st, 11, im->load_id);
	sqlite3_bind_int64(st, 12, im->feature);
	sqlite3_bind_text(st, 13, content, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 14, wkb, (int)len, SQLITE_STATIC);
	if (!rc && sqlite3_step(st) != SQLITE_DONE)
		rc = hv_error_sql(ctx, "writing a zone");
	sqlite3_reset(st);
	GEOSFree_r(ctx->geos, wkb);
	int64_t id = sqlite3_last_insert_rowid(ctx->db);
	for (int i = 0; i < nw && !rc; i++) {
		sqlite3_reset(im->win);
		sqlite3_bind_int64(im->win, 1, id);
		sqlite3_bind_int(im->win, 2, w[i].days);
		sqlite3_bind_int(im->win, 3, w[i].start);
		sqlite3_bind_int(im->win, 4, w[i].end);
		if (sqlite3_step(im->win) != SQLITE_DONE)
			rc = hv_error_sql(ctx, "writing a zone's time window");
	}
	if (!rc) {
		if (old)
			im->rep->replaced++;
		else
			im->rep->added++;
	}
	return rc;
}

/* One feature: check it, then write it.  g (source CRS, owned: consumed)
 * may be NULL when the feature has none.  A bad feature leaves f->st set
 * and returns HAVEN_OK; other errors are returned. */
static haven_status one_zone(importer *im, const zfields *z, GEOSGeometry *g, fault *f)
{
	GEOSContextHandle_t h = im->ctx->geos;
	haven_status rc = HAVEN_OK;
	GEOSGeometry *zone = NULL;
	char from[11], to[11], why[160], pfa[1024], repaired[256] = "";
	zwindow w[MAX_WINDOWS];
	int nw = 0, circle = 0;
	double r = 0, cx = 0, cy = 0;
	const char *kind = kind_of(z->kind);
	f->st = HAVEN_OK;
	if (!z->ref || !*z->ref)
		hv_fault_set(f, HAVEN_ERR_MISSING, "no zone reference");
	else if (!hv_zone_ref_ok(z->ref))
		hv_fault_set(
		    f, HAVEN_ERR_VALUE,
		    "zone reference '%.64s' is not a reference (1 to 64 letters, digits, / _ . -, with a digit)",
		    z->ref);
	else if (!z->case_ref || !*z->case_ref)
		hv_fault_set(f, HAVEN_ERR_MISSING, "zone %s: no case reference", z->ref);
	else if (!hv_zone_ref_ok(z->case_ref))
		hv_fault_set(
		    f, HAVEN_ERR_VALUE,
		    "zone %s: the case reference is not shaped like a reference (1 to 64 letters, digits, / _ . -, "
		    "with a "
		    "digit, no spaces): a zone carries a pseudonymous case reference, never a name",
		    z->ref);
	else if (!kind)
		hv_fault_set(f, HAVEN_ERR_VALUE,
		             "zone %s: kind '%.40s' is not exclusion, residence_restriction or no_contact", z->ref,
		             z->kind ? z->kind : "");
	else if (!date_field(z->from, from))
		hv_fault_set(f, z->from && *z->from ? HAVEN_ERR_VALUE : HAVEN_ERR_MISSING,
		             "zone %s: valid_from '%.20s' is not a date (YYYY-MM-DD)", z->ref, z->from ? z->from : "");
	else if (z->to && *z->to && !date_field(z->to, to))
		hv_fault_set(f, HAVEN_ERR_VALUE, "zone %s: valid_to '%.20s' is not a date (YYYY-MM-DD)", z->ref, z->to);
	else if (z->to && *z->to && strcmp(to, from) < 0)
		hv_fault_set(f, HAVEN_ERR_VALUE, "zone %s: valid_to %s is before valid_from %s", z->ref, to, from);
	else if (!parse_windows(z->windows, w, &nw, why, sizeof why))
		hv_fault_set(f, HAVEN_ERR_VALUE, "zone %s: %s", z->ref, why);
	else if (z->radius && *z->radius &&
	         (!hv_parse_decimal(z->radius, &r) || !(r > 0) || r > HAVEN_ZONES_MAX_RADIUS))
		hv_fault_set(f, HAVEN_ERR_VALUE, "zone %s: radius '%.20s' is not a number of metres from 1 to %.0f",
		             z->ref, z->radius, HAVEN_ZONES_MAX_RADIUS);
	else if (!g)
		hv_fault_set(f, HAVEN_ERR_MISSING, "zone %s has no geometry", z->ref);
	if (f->st) {
		if (g)
			GEOSGeom_destroy_r(h, g);
		return HAVEN_OK;
	}
	int type = GEOSGeomTypeId_r(h, g);
	if (type == GEOS_POINT) {
		double x = 0, y = 0;
		if (!(r > 0)) {
			hv_fault_set(f, HAVEN_ERR_MISSING, "zone %s is a point without a radius (radius_m)", z->ref);
		} else if (GEOSisEmpty_r(h, g) || !GEOSGeomGetX_r(h, g, &x) || !GEOSGeomGetY_r(h, g, &y)) {
			hv_fault_set(f, HAVEN_ERR_MISSING, "zone %s has an empty point", z->ref);
		}
		GEOSGeom_destroy_r(h, g);
		if (f->st)
			return HAVEN_OK;
		circle = 1;
		rc = circle_zone(im, x, y, r, f, &cx, &cy, &zone);
	} else {
		if (r > 0) {
			GEOSGeom_destroy_r(h, g);
			hv_fault_set(f, HAVEN_ERR_VALUE, "zone %s: a radius is for a point; this zone is a polygon",
			             z->ref);
			return HAVEN_OK;
		}
		rc = polygon_zone(im, g, f, &zone, repaired, sizeof repaired);
		if (!rc && f->st) {
			char msg[sizeof f->why];
			snprintf(msg, sizeof msg, "zone %.64s: %.500s", z->ref, f->why);
			snprintf(f->why, sizeof f->why, "%s", msg);
		}
	}
	if (rc || f->st)
		return rc;
	touching_pfas(im, zone, pfa, sizeof pfa);
	if (!*pfa) {
		GEOSGeom_destroy_r(h, zone);
		hv_fault_set(f, HAVEN_ERR_VALUE,
		             "zone %s lies outside England and Wales: it touches no police force area of the store's "
		             "boundaries",
		             z->ref);
		return HAVEN_OK;
	}
	/* a reference twice in one file */
	sqlite3_reset(im->seen);
	sqlite3_bind_text(im->seen, 1, z->ref, -1, SQLITE_STATIC);
	int st = sqlite3_step(im->seen);
	sqlite3_reset(im->seen);
	if (st == SQLITE_CONSTRAINT) {
		GEOSGeom_destroy_r(h, zone);
		hv_fault_set(f, HAVEN_ERR_DUPLICATE, "zone %s appears twice in the file", z->ref);
		return HAVEN_OK;
	}
	if (st != SQLITE_DONE) {
		GEOSGeom_destroy_r(h, zone);
		return hv_error_sql(im->ctx, "checking zone references");
	}
	if (*repaired) {
		im->rep->repaired++;
		hv_notice(im->ctx, "%s: %s %lld: zone %s: invalid geometry repaired (%s)", im->path, im->unit,
		          (long long)im->feature, z->ref, repaired);
	}
	rc = write_zone(im, z->ref, z->case_ref, kind, from, z->to && *z->to ? to : NULL, w, nw, circle, cx, cy, r, pfa,
	                repaired, zone);
	GEOSGeom_destroy_r(h, zone);
	return rc;
}

static haven_status rejects_open(importer *im)
{
	haven_status rc = hv_output_open(im->ctx, im->o->rejects, "a reject file is never overwritten", &im->rej);
	if (rc)
		return rc;
	fputs("feature,zone_ref,reason,protective_marking\r\n", im->rej.f);
	return HAVEN_OK;
}

/* After one feature: a fault is the import's error, or a line of the
 * reject file. */
static haven_status settle(importer *im, const char *ref, const fault *f)
{
	if (!f->st)
		return HAVEN_OK;
	if (!im->o->skip_invalid)
		return hv_error(im->ctx, f->st, "%s: %s %lld: %s", im->path, im->unit, (long long)im->feature, f->why);
	char num[24];
	snprintf(num, sizeof num, "%lld", (long long)im->feature);
	hv_csv_cell(im->rej.f, num, 1);
	fputc(',', im->rej.f);
	hv_csv_cell(im->rej.f, ref && hv_zone_ref_ok(ref) ? ref : "", 0);
	fputc(',', im->rej.f);
	hv_csv_cell(im->rej.f, f->why, 0);
	fputc(',', im->rej.f);
	hv_csv_cell(im->rej.f, HAVEN_MARKING, 0);
	fputs("\r\n", im->rej.f);
	im->rep->rejected++;
	return HAVEN_OK;
}

static const char *const c_ref[] = {"zone_ref", "zone", "ref", "reference", "zone_id", NULL};
static const char *const c_case[] = {"case_ref", "case", "case_reference", "mappa_ref", NULL};
static const char *const c_kind[] = {"kind", "zone_kind", "type", NULL};
static const char *const c_from[] = {"valid_from", "from", NULL};
static const char *const c_to[] = {"valid_to", "to", NULL};
static const char *const c_win[] = {"windows", "time_windows", "times", NULL};
static const char *const c_radius[] = {"radius_m", "radius", NULL};
static const char *const c_wkt[] = {"wkt", "geometry", "geom", NULL};
static const char *const c_lon[] = {"lon", "longitude", "lng", NULL};
static const char *const c_lat[] = {"lat", "latitude", NULL};
static const char *const c_east[] = {"easting", "x_bng", NULL};
static const char *const c_north[] = {"northing", "y_bng", NULL};

static haven_status set_crs(importer *im, const char *crs)
{
	snprintf(im->crs_label, sizeof im->crs_label, "%s", crs);
	if (strcmp(crs, "EPSG:27700") == 0)
		return HAVEN_OK;
	if (hv_crs_to_bng(im->ctx, crs, &im->pj)) {
		char msg[sizeof im->ctx->errmsg];
		snprintf(msg, sizeof msg, "%s", im->ctx->errmsg);
		return hv_error(im->ctx, HAVEN_ERR_CRS, "%s: source CRS %s: %s", im->path, crs, msg);
	}
	return HAVEN_OK;
}

static haven_status read_csv(importer *im)
{
	haven_ctx *ctx = im->ctx;
	hv_source *src = NULL;
	haven_status rc = hv_source_open(ctx, im->path, &src);
	int c[12];
	const char *const *cands[12] = {c_ref,    c_case, c_kind, c_from, c_to,   c_win,
	                                c_radius, c_wkt,  c_lon,  c_lat,  c_east, c_north};
	static const char *const what[12] = {"the zone reference", "the case reference", "the kind",
	                                     "valid_from",         "valid_to",           "the time windows",
	                                     "the radius",         "the WKT geometry",   "the longitude",
	                                     "the latitude",       "the easting",        "the northing"};
	for (int i = 0; i < 12 && !rc; i++)
		rc = hv_source_column(src, cands[i], what[i], &c[i]);
	if (!rc && (c[0] < 0 || c[1] < 0 || c[2] < 0 || c[3] < 0))
		rc = hv_source_error(
		    src, HAVEN_ERR_MISSING,
		    "a zones file needs columns zone_ref, case_ref, kind and valid_from (docs/formats.md)");
	int geo = c[7] >= 0 ? 1 : (c[8] >= 0 && c[9] >= 0) ? 2 : (c[10] >= 0 && c[11] >= 0) ? 3 : 0;
	if (!rc && !geo)
		rc = hv_source_error(
		    src, HAVEN_ERR_MISSING,
		    "a zones file needs a geometry: a wkt column, or lon and lat, or easting and northing "
		    "(with radius_m)");
	if (!rc)
		rc = set_crs(im, im->o->source_crs ? im->o->source_crs : geo == 3 ? "EPSG:27700" : "EPSG:4326");
	int has = 0;
	while (!rc && !(rc = hv_source_next(src, &has)) && has) {
		im->feature = hv_source_row(src);
		im->rep->features++;
#define FIELD(i) (c[i] >= 0 ? hv_source_field(src, c[i]) : NULL)
		zfields z = {FIELD(0), FIELD(1), FIELD(2), FIELD(3), FIELD(4), FIELD(5), FIELD(6)};
		GEOSGeometry *g = NULL;
		fault f = {HAVEN_OK, ""};
		if (geo == 1 && *FIELD(7)) {
			if (!(g = GEOSWKTReader_read_r(ctx->geos, im->wkt, FIELD(7))))
				hv_fault_set(&f, HAVEN_ERR_VALUE, "zone %.64s: the wkt column is not WKT: %s",
				             z.ref ? z.ref : "", ctx->geos_msg);
		} else if (geo > 1) {
			double x, y;
			const char *xs = FIELD(geo == 2 ? 8 : 10), *ys = FIELD(geo == 2 ? 9 : 11);
			if (*xs || *ys) {
				if (!hv_parse_decimal(xs, &x) || !hv_parse_decimal(ys, &y))
					hv_fault_set(&f, HAVEN_ERR_VALUE,
					             "zone %.64s: the point (%.20s, %.20s) is not two numbers",
					             z.ref ? z.ref : "", xs, ys);
				else if (!(g = GEOSGeom_createPointFromXY_r(ctx->geos, x, y)))
					rc = nomem(ctx);
			}
		}
#undef FIELD
		if (!rc && !f.st)
			rc = one_zone(im, &z, g, &f);
		else if (g)
			GEOSGeom_destroy_r(ctx->geos, g);
		if (!rc)
			rc = settle(im, z.ref, &f);
		hv_progress(ctx, "zones", im->rep->features, 0);
	}
	hv_source_close(src);
	return rc;
}

static int ogr_field(OGRFeatureDefnH defn, const char *const *cands)
{
	int n = OGR_FD_GetFieldCount(defn);
	for (; *cands; cands++)
		for (int i = 0; i < n; i++)
			if (hv_colname_eq(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), *cands))
				return i;
	return -1;
}

static const char *ogr_text(OGRFeatureH f, int i)
{
	return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : NULL;
}

static haven_status ogr_geometry(importer *im, OGRGeometryH og, GEOSGeometry **out)
{
	*out = NULL;
	if (!og || OGR_G_IsEmpty(og))
		return HAVEN_OK;
	OGRGeometryH g = OGR_G_HasCurveGeometry(og, 0) ? OGR_G_GetLinearGeometry(og, 0, NULL) : OGR_G_Clone(og);
	if (!g)
		return nomem(im->ctx);
	OGR_G_FlattenTo2D(g);
	int size = OGR_G_WkbSize(g);
	unsigned char *wkb = size > 0 ? malloc((size_t)size) : NULL;
	haven_status rc = HAVEN_OK;
	if (!wkb)
		rc = nomem(im->ctx);
	else if (OGR_G_ExportToIsoWkb(g, wkbNDR, wkb) != OGRERR_NONE)
		rc = hv_error_gdal(im->ctx, HAVEN_ERR_GDAL, im->path);
	else if (!(*out = GEOSWKBReader_read_r(im->ctx->geos, im->rd, wkb, (size_t)size)))
		rc = hv_error(im->ctx, HAVEN_ERR_GEOS, "%s: feature %lld: cannot read the geometry: %s", im->path,
		              (long long)im->feature, im->ctx->geos_msg);
	free(wkb);
	OGR_G_DestroyGeometry(g);
	return rc;
}

static haven_status read_ogr(importer *im)
{
	haven_ctx *ctx = im->ctx;
	char *name = NULL, *crs = NULL;
	GDALDatasetH ds = NULL;
	hv_gdal_watch watch = {0, ""};
	haven_status rc = hv_gdal_name(ctx, im->path, &name);
	hv_gdal_watch_begin(&watch);
	if (!rc) {
		ds = GDALOpenEx(name, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, NULL, NULL, NULL);
		if (!ds || watch.failed)
			rc = hv_error(ctx, HAVEN_ERR_FORMAT, "%s: cannot be read as a vector file: %s", im->path,
			              watch.failed ? watch.msg : "no GDAL driver recognises it");
		else if (GDALDatasetGetLayerCount(ds) < 1)
			rc = hv_error(ctx, HAVEN_ERR_FORMAT, "%s: the file has no layers", im->path);
	}
	OGRLayerH layer = rc ? NULL : GDALDatasetGetLayer(ds, 0);
	OGRFeatureDefnH defn = layer ? OGR_L_GetLayerDefn(layer) : NULL;
	int c[7] = {-1, -1, -1, -1, -1, -1, -1};
	const char *const *cands[7] = {c_ref, c_case, c_kind, c_from, c_to, c_win, c_radius};
	for (int i = 0; i < 7 && defn; i++)
		c[i] = ogr_field(defn, cands[i]);
	if (!rc && (c[0] < 0 || c[1] < 0 || c[2] < 0 || c[3] < 0))
		rc = hv_error(ctx, HAVEN_ERR_MISSING,
		              "%s: a zones file needs fields zone_ref, case_ref, kind and valid_from (docs/formats.md)",
		              im->path);
	if (!rc) {
		if (im->o->source_crs)
			rc = set_crs(im, im->o->source_crs);
		else if (!(rc = hv_layer_crs(ctx, im->path, ds, layer, &crs, im->crs_label, sizeof im->crs_label))) {
			char label[sizeof im->crs_label];
			snprintf(label, sizeof label, "%s", im->crs_label);
			rc = set_crs(im, crs);
			snprintf(im->crs_label, sizeof im->crs_label, "%s", label);
		}
	}
	if (!rc)
		OGR_L_ResetReading(layer);
	while (!rc) {
		OGRFeatureH f = OGR_L_GetNextFeature(layer);
		if (watch.failed) {
			rc = hv_error(ctx, HAVEN_ERR_FORMAT, "%s: feature %lld: %s", im->path,
			              (long long)im->feature + 1, watch.msg);
			OGR_F_Destroy(f);
			break;
		}
		if (!f)
			break;
		im->feature++;
		im->rep->features++;
		/* OGR's strings may share one buffer (a number's text): copy each at once */
		char *copy[7] = {NULL};
		for (int i = 0; i < 7 && !rc; i++) {
			const char *v = ogr_text(f, c[i]);
			if (v && !(copy[i] = strdup(v)))
				rc = nomem(ctx);
		}
		zfields z = {copy[0], copy[1], copy[2], copy[3], copy[4], copy[5], copy[6]};
		GEOSGeometry *g = NULL;
		fault ft = {HAVEN_OK, ""};
		if (!rc)
			rc = ogr_geometry(im, OGR_F_GetGeometryRef(f), &g);
		OGR_F_Destroy(f);
		if (!rc)
			rc = one_zone(im, &z, g, &ft);
		else if (g)
			GEOSGeom_destroy_r(ctx->geos, g);
		if (!rc)
			rc = settle(im, z.ref, &ft);
		for (int i = 0; i < 7; i++)
			free(copy[i]);
		hv_progress(ctx, "zones", im->rep->features, 0);
	}
	hv_gdal_watch_end();
	if (ds)
		GDALClose(ds);
	free(name);
	free(crs);
	return rc;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static haven_status prepare(importer *im)
{
	haven_ctx *ctx = im->ctx;
	haven_status rc;
	if ((rc = hv_exec(ctx, "CREATE TEMP TABLE IF NOT EXISTS zone_seen(ref TEXT PRIMARY KEY);"
	                       "DELETE FROM temp.zone_seen;")) ||
	    (rc = hv_prepare(ctx, "INSERT INTO temp.zone_seen(ref) VALUES(?)", &im->seen)) ||
	    (rc = hv_prepare(ctx, "SELECT id, content FROM zone WHERE ref = ?", &im->find)) ||
	    (rc = hv_prepare(ctx, "DELETE FROM zone WHERE id = ?", &im->del)) ||
	    (rc = hv_prepare(ctx,
	                     "INSERT INTO zone(ref, case_ref, kind, valid_from, valid_to, centre_x, centre_y, radius_m,"
	                     " pfa, repaired, load_id, source_feature, content, geom)"
	                     " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, GeomFromWKB(?, 27700))",
	                     &im->ins)))
		return rc;
	return hv_prepare(ctx, "INSERT INTO zone_window(zone_id, days, start_min, end_min) VALUES(?, ?, ?, ?)",
	                  &im->win);
}

static haven_status load_row(importer *im, int finish)
{
	sqlite3_stmt *st;
	haven_status rc;
	const haven_zones_report *r = im->rep;
	if (finish && r->noop)
		rc = hv_prepare(im->ctx, "DELETE FROM zone_load WHERE id = ?11", &st);
	else if (finish)
		rc = hv_prepare(im->ctx,
		                "UPDATE zone_load SET features = ?5, added = ?6, replaced = ?7, unchanged = ?8,"
		                " repaired = ?9, rejected = ?10 WHERE id = ?11",
		                &st);
	else
		rc = hv_prepare(
		    im->ctx,
		    "INSERT INTO zone_load(id, file, sha256, loaded_at, features, added, replaced, unchanged,"
		    " repaired, rejected) VALUES(?11, ?1, ?2, ?3, 0, 0, 0, 0, 0, 0)",
		    &st);
	if (rc)
		return rc;
	if (!finish) {
		sqlite3_bind_text(st, 1, hv_missing_base_name(im->path), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, r->sha256, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, im->now, -1, SQLITE_STATIC);
	} else if (!r->noop) {
		sqlite3_bind_int64(st, 5, r->features);
		sqlite3_bind_int64(st, 6, r->added);
		sqlite3_bind_int64(st, 7, r->replaced);
		sqlite3_bind_int64(st, 8, r->unchanged);
		sqlite3_bind_int64(st, 9, r->repaired);
		sqlite3_bind_int64(st, 10, r->rejected);
	}
	sqlite3_bind_int64(st, 11, im->load_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = hv_error_sql(im->ctx, "recording the zones load");
	sqlite3_finalize(st);
	return rc;
}

haven_status haven_zones_import(haven_ctx *ctx, const char *path, const haven_zones_opts *opts,
                                haven_zones_report *report)
{
	hv_clear(ctx);
	haven_zones_report local;
	haven_zones_report *rep = report ? report : &local;
	memset(rep, 0, sizeof *rep);
	haven_zones_opts none = {0};
	const haven_zones_opts *o = opts ? opts : &none;
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc)
		return rc;
	if (!path)
		return hv_error(ctx, HAVEN_ERR_USAGE, "zones import needs a file");
	if (!o->skip_invalid != !o->rejects)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--skip-invalid and --rejects FILE go together");
	if (strcmp(ctx->actor.authority_kind, "police") && strcmp(ctx->actor.authority_kind, "probation"))
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "zones are imported by police and probation users; %s is a %s user", ctx->actor.user,
		                ctx->actor.authority_kind);
	if ((o->rejects && (rc = hv_output_vacant(ctx, o->rejects, "a reject file is never overwritten"))) ||
	    (rc = hv_missing_file_sha(ctx, path, rep->sha256)) ||
	    (rc = hv_op_begin(ctx, &op, HV_OP_ACTOR | HV_OP_WRITE)))
		return rc;
	importer im = {.ctx = ctx, .path = path, .o = o, .rep = rep};
	int csv = ends_with(path, ".csv") || ends_with(path, ".csv.gz") || !strrchr(hv_missing_base_name(path), '.');
	im.unit = csv ? "row" : "feature";
	hv_format_time(hv_now(ctx), im.now);
	im.rd = GEOSWKBReader_create_r(ctx->geos);
	im.wr = GEOSWKBWriter_create_r(ctx->geos);
	im.wkt = GEOSWKTReader_create_r(ctx->geos);
	if (!im.rd || !im.wr || !im.wkt)
		rc = nomem(ctx);
	else {
		GEOSWKBWriter_setOutputDimension_r(ctx->geos, im.wr, 2);
		GEOSWKBWriter_setByteOrder_r(ctx->geos, im.wr, GEOS_WKB_NDR);
	}
	if (!rc && (rc = hv_areas_load(ctx, "pfa", &im.pfa)) == HAVEN_ERR_NOT_FOUND)
		rc =
		    hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		             "zones are checked against the police force areas: load them first (haven boundaries load "
		             "STORE --kind pfa FILE)");
	if (!rc && !(rc = hv_query_int(ctx, "SELECT coalesce(max(id), 0) + 1 FROM zone_load", &im.load_id)) &&
	    !(rc = load_row(&im, 0)) && !(rc = prepare(&im)) && !(o->skip_invalid && (rc = rejects_open(&im))))
		rc = csv ? read_csv(&im) : read_ogr(&im);
	if (!rc && !rep->features)
		rc = hv_error(ctx, HAVEN_ERR_MISSING, "%s: the file has no zones", path);
	rep->noop = !rc && !rep->added && !rep->replaced;
	if (!rc)
		rc = load_row(&im, 1);
	sqlite3_stmt *sts[] = {im.find, im.del, im.ins, im.win, im.seen};
	for (size_t i = 0; i < sizeof sts / sizeof sts[0]; i++)
		sqlite3_finalize(sts[i]);
	sqlite3_exec(ctx->db, "DROP TABLE IF EXISTS temp.zone_seen", NULL, NULL, NULL);
	if (im.rd)
		GEOSWKBReader_destroy_r(ctx->geos, im.rd);
	if (im.wr)
		GEOSWKBWriter_destroy_r(ctx->geos, im.wr);
	if (im.wkt)
		GEOSWKTReader_destroy_r(ctx->geos, im.wkt);
	if (im.pj)
		proj_destroy(im.pj);
	hv_areas_free(im.pfa);
	rc = hv_output_end(ctx, &im.rej, rc);
	char object[400] = "";
	if (!rc && !rep->noop)
		snprintf(object, sizeof object,
		         "zones from %s (sha256 %.16s): %lld features, %lld added, %lld replaced, %lld unchanged, "
		         "%lld repaired, %lld rejected",
		         hv_missing_base_name(path), rep->sha256, (long long)rep->features, (long long)rep->added,
		         (long long)rep->replaced, (long long)rep->unchanged, (long long)rep->repaired,
		         (long long)rep->rejected);
	haven_status end =
	    hv_op_end(ctx, &op, rc, HV_AUDIT_COLLECTION, *object ? object : NULL, rep->added + rep->replaced, NULL);
	if (end && !rc && o->rejects)
		unlink(o->rejects);
	if (end) {
		char sha[65];
		memcpy(sha, rep->sha256, sizeof sha);
		memset(rep, 0, sizeof *rep);
		memcpy(rep->sha256, sha, sizeof sha);
	}
	return end;
}

/* ---- zones live at a time --------------------------------------------------- */

void hv_zones_free(haven_ctx *ctx, hv_zone *z, size_t n)
{
	for (size_t i = 0; z && i < n; i++)
		if (z[i].geom)
			GEOSGeom_destroy_r(ctx->geos, z[i].geom);
	free(z);
}

/* The SQL condition that zone z applies at weekday ?2, minute ?3: it has no
 * time window, or one holds them (hv_zones_live, hv_zone_live). */
#define IN_WINDOW                                                                                                      \
	"(NOT EXISTS (SELECT 1 FROM zone_window x WHERE x.zone_id = z.id)"                                             \
	" OR EXISTS (SELECT 1 FROM zone_window x WHERE x.zone_id = z.id"                                               \
	"  AND (x.days >> ?2) & 1 AND x.start_min <= ?3 AND ?3 < x.end_min))"

haven_status hv_zones_live(haven_ctx *ctx, const hv_zone_when *w, hv_zone **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	char date[11];
	memcpy(date, w->text, 10);
	date[10] = '\0';
	sqlite3_stmt *st;
	/* a zone without windows is live all day; one with windows when one of
	 * them holds the day of the week and the minute */
	haven_status rc = hv_prepare(ctx,
	                             "SELECT z.id, z.ref, z.case_ref, z.kind, z.centre_x, z.centre_y, z.radius_m,"
	                             " AsBinary(z.geom), z.pfa FROM zone z"
	                             " WHERE z.valid_from <= ?1 AND (z.valid_to IS NULL OR z.valid_to >= ?1)"
	                             " AND " IN_WINDOW " ORDER BY z.ref",
	                             &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, w->weekday);
	sqlite3_bind_int(st, 3, w->minute);
	GEOSWKBReader *rd = GEOSWKBReader_create_r(ctx->geos);
	hv_zone *z = NULL;
	size_t cap = 0, k = 0;
	int s;
	if (!rd)
		rc = nomem(ctx);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			size_t nc = cap ? cap * 2 : 64;
			hv_zone *p = realloc(z, nc * sizeof *p);
			if (!p) {
				rc = nomem(ctx);
				break;
			}
			z = p;
			cap = nc;
		}
		hv_zone *q = &z[k];
		memset(q, 0, sizeof *q);
		q->id = sqlite3_column_int64(st, 0);
		snprintf(q->ref, sizeof q->ref, "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(q->case_ref, sizeof q->case_ref, "%s", (const char *)sqlite3_column_text(st, 2));
		snprintf(q->kind, sizeof q->kind, "%s", (const char *)sqlite3_column_text(st, 3));
		if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
			q->cx = sqlite3_column_double(st, 4);
			q->cy = sqlite3_column_double(st, 5);
			q->radius = sqlite3_column_double(st, 6);
		}
		snprintf(q->pfa, sizeof q->pfa, "%s", (const char *)sqlite3_column_text(st, 8));
		const void *b = sqlite3_column_blob(st, 7);
		int len = sqlite3_column_bytes(st, 7);
		if (!b || !(q->geom = GEOSWKBReader_read_r(ctx->geos, rd, b, (size_t)len)))
			rc = hv_error(ctx, HAVEN_ERR_GEOS, "zone %s: cannot read its geometry", q->ref);
		k++;
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading zones");
	sqlite3_finalize(st);
	if (rd)
		GEOSWKBReader_destroy_r(ctx->geos, rd);
	if (rc) {
		hv_zones_free(ctx, z, k);
		return rc;
	}
	*out = z;
	*n = k;
	return HAVEN_OK;
}

/* A zone's time windows as people write them: "Mon,Tue,Wed,Thu,Fri
 * 09:00-17:00; daily 20:00-24:00" (from zone_window rows). */
static haven_status windows_readable(haven_ctx *ctx, int64_t id, char *buf, size_t n)
{
	static const char *const names[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(
	    ctx, "SELECT days, start_min, end_min FROM zone_window WHERE zone_id = ? ORDER BY start_min, days", &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	size_t k = 0;
	buf[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW && k < n) {
		int days = sqlite3_column_int(st, 0), a = sqlite3_column_int(st, 1), b = sqlite3_column_int(st, 2);
		k += (size_t)snprintf(buf + k, n - k, "%s", k ? "; " : "");
		if (days == 127)
			k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "daily");
		else
			for (int d = 0, first = 1; d < 7 && k < n; d++)
				if (days >> d & 1) {
					k += (size_t)snprintf(buf + k, n - k, "%s%s", first ? "" : ",", names[d]);
					first = 0;
				}
		if (k < n)
			k += (size_t)snprintf(buf + k, n - k, " %02d:%02d-%02d:%02d", a / 60, a % 60, b / 60, b % 60);
	}
	sqlite3_finalize(st);
	return HAVEN_OK;
}

haven_status hv_zone_live(haven_ctx *ctx, const char *ref, const hv_zone_when *w)
{
	static const char *const days[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
	                                   "Friday", "Saturday", "Sunday"};
	char date[11];
	memcpy(date, w->text, 10);
	date[10] = '\0';
	sqlite3_stmt *st;
	haven_status rc =
	    hv_prepare(ctx, "SELECT z.id, z.valid_from, z.valid_to, " IN_WINDOW " FROM zone z WHERE z.ref = ?4", &st);
	if (rc)
		return rc;
	sqlite3_bind_int(st, 2, w->weekday);
	sqlite3_bind_int(st, 3, w->minute);
	sqlite3_bind_text(st, 4, ref, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND, "--zone %.64s: no zone of that reference is held", ref);
	}
	int64_t id = sqlite3_column_int64(st, 0);
	char from[16], to[16];
	snprintf(from, sizeof from, "%s", (const char *)sqlite3_column_text(st, 1));
	snprintf(to, sizeof to, "%s",
	         sqlite3_column_type(st, 2) == SQLITE_NULL ? "" : (const char *)sqlite3_column_text(st, 2));
	int in_window = sqlite3_column_int(st, 3);
	sqlite3_finalize(st);
	if (strcmp(date, from) < 0)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		                "--zone %.64s is not live at %s: it is not valid until %s (valid %s to %s)", ref,
		                w->text, from, from, *to ? to : "no end");
	if (*to && strcmp(date, to) > 0)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		                "--zone %.64s is not live at %s: it expired after %s (valid %s to %s)", ref, w->text,
		                to, from, to);
	if (!in_window) {
		char win[400];
		if ((rc = windows_readable(ctx, id, win, sizeof win)))
			return rc;
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		                "--zone %.64s is not live at %s (a %s): it applies only at %s (Europe/London); give "
		                "--as-at a time in one of them",
		                ref, w->text, days[w->weekday], win);
	}
	return HAVEN_OK;
}

/* ---- proposed-address checks: places and records ----------------------------- */

static haven_status postcode_place(haven_ctx *ctx, hv_gazetteer *gz, const char *pc_in, hv_zone_place *p,
                                   const char *where)
{
	char pc[9];
	hv_gz_match m;
	if (haven_postcode_normalise(pc_in, pc, NULL) != HAVEN_OK)
		return hv_error(ctx, HAVEN_ERR_VALUE, "%s'%.20s' is not a UK postcode", where, pc_in);
	haven_status rc = hv_gazetteer_postcode(gz, pc, &m, &p->e, &p->n);
	if (rc)
		return rc;
	if (m == HV_GZ_NONE || m == HV_GZ_NO_COORDS)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND, "%spostcode %s %s", where, pc,
		                m == HV_GZ_NONE ? "is not in the store's gazetteer"
		                                : "has no grid reference in the gazetteer");
	snprintf(p->label, sizeof p->label, "%s", pc);
	return HAVEN_OK;
}

static haven_status grow_places(haven_ctx *ctx, hv_zone_place **p, size_t n, size_t *cap)
{
	if (n < *cap)
		return HAVEN_OK;
	size_t nc = *cap ? *cap * 2 : 64;
	hv_zone_place *q = realloc(*p, nc * sizeof *q);
	if (!q)
		return nomem(ctx);
	*p = q;
	*cap = nc;
	return HAVEN_OK;
}

static haven_status file_places(haven_ctx *ctx, const char *path, hv_zone_place **out, size_t *n)
{
	static const char *const c_id[] = {"id", "ref", "reference", NULL};
	static const char *const c_pc[] = {"postcode", "post_code", NULL};
	hv_source *src = NULL;
	hv_gazetteer *gz = NULL;
	int c[6];
	const char *const *cands[6] = {c_id, c_pc, c_east, c_north, c_lon, c_lat};
	static const char *const what[6] = {"the id",       "the postcode",  "the easting",
	                                    "the northing", "the longitude", "the latitude"};
	haven_status rc = hv_source_open(ctx, path, &src);
	for (int i = 0; i < 6 && !rc; i++)
		rc = hv_source_column(src, cands[i], what[i], &c[i]);
	int kind = rc ? 0 : c[1] >= 0 ? 1 : (c[2] >= 0 && c[3] >= 0) ? 2 : (c[4] >= 0 && c[5] >= 0) ? 3 : 0;
	if (!rc && !kind)
		rc = hv_source_error(
		    src, HAVEN_ERR_MISSING,
		    "a file of addresses needs a postcode column, or easting and northing, or lon and lat");
	if (!rc && kind == 1)
		rc = hv_gazetteer_open(ctx, &gz);
	size_t cap = 0, k = 0;
	hv_zone_place *p = NULL;
	int has = 0;
	char where[600];
	while (!rc && !(rc = hv_source_next(src, &has)) && has) {
		if ((rc = grow_places(ctx, &p, k, &cap)))
			break;
		hv_zone_place *q = &p[k];
		memset(q, 0, sizeof *q);
		snprintf(where, sizeof where, "%s: row %lld: ", path, (long long)hv_source_row(src));
		if (kind == 1) {
			rc = postcode_place(ctx, gz, hv_source_field(src, c[1]), q, where);
		} else {
			double x, y;
			const char *xs = hv_source_field(src, c[kind == 2 ? 2 : 4]),
			           *ys = hv_source_field(src, c[kind == 2 ? 3 : 5]);
			if (!hv_parse_decimal(xs, &x) || !hv_parse_decimal(ys, &y))
				rc = hv_source_error(src, HAVEN_ERR_VALUE, "(%.20s, %.20s) is not two numbers", xs, ys);
			else if (kind == 3 && !hv_lonlat_in_gb(x, y))
				rc =
				    hv_source_error(src, HAVEN_ERR_CRS, "lon %g, lat %g is not in Great Britain", x, y);
			else if (kind == 3)
				rc = hv_lonlat_to_bng(ctx, x, y, &q->e, &q->n);
			else if (!hv_bng_in_extent(x, y))
				rc = hv_source_error(src, HAVEN_ERR_CRS, "E %g, N %g is not in Great Britain", x, y);
			else {
				q->e = x;
				q->n = y;
			}
			if (!rc)
				snprintf(q->label, sizeof q->label, "E %.0f N %.0f", q->e, q->n);
		}
		if (!rc && c[0] >= 0 && *hv_source_field(src, c[0]))
			snprintf(q->label, sizeof q->label, "%.79s", hv_source_field(src, c[0]));
		k++;
	}
	if (!rc && !k)
		rc = hv_error(ctx, HAVEN_ERR_MISSING, "%s: the file has no addresses", path);
	hv_gazetteer_close(gz);
	hv_source_close(src);
	if (rc) {
		free(p);
		return rc;
	}
	*out = p;
	*n = k;
	return HAVEN_OK;
}

haven_status hv_zone_places(haven_ctx *ctx, const haven_zones_address_opts *o, hv_zone_place **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int given = !!o->postcode + !!o->has_point + !!o->has_lonlat + !!o->file;
	if (given != 1)
		return hv_error(ctx, HAVEN_ERR_USAGE, "give one of --postcode, --point, --lonlat or --file");
	if (o->file)
		return file_places(ctx, o->file, out, n);
	hv_zone_place *p = calloc(1, sizeof *p);
	if (!p)
		return nomem(ctx);
	haven_status rc = HAVEN_OK;
	if (o->postcode) {
		hv_gazetteer *gz = NULL;
		if (!(rc = hv_gazetteer_open(ctx, &gz)))
			rc = postcode_place(ctx, gz, o->postcode, p, "");
		hv_gazetteer_close(gz);
	} else if (o->has_lonlat) {
		if (!hv_lonlat_in_gb(o->lon, o->lat))
			rc = hv_error(ctx, HAVEN_ERR_CRS, "--lonlat %g,%g is not in Great Britain", o->lon, o->lat);
		else
			rc = hv_lonlat_to_bng(ctx, o->lon, o->lat, &p->e, &p->n);
	} else if (!hv_bng_in_extent(o->e, o->n)) {
		rc = hv_error(ctx, HAVEN_ERR_CRS, "--point %g,%g is not in Great Britain (EPSG:27700 metres)", o->e,
		              o->n);
	} else {
		p->e = o->e;
		p->n = o->n;
	}
	if (!rc && !o->postcode)
		snprintf(p->label, sizeof p->label, "E %.0f N %.0f", p->e, p->n);
	if (rc) {
		free(p);
		return rc;
	}
	*out = p;
	*n = 1;
	return HAVEN_OK;
}

haven_status hv_zone_record_checks(haven_ctx *ctx, const char *case_ref, const hv_zone_place *p, size_t n,
                                   double radius, int64_t *most)
{
	*most = 0;
	int64_t now = hv_now(ctx);
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx,
	                             "INSERT INTO zone_address_check(user_name, authority, checked_at, case_ref, x, y,"
	                             " radius_m) VALUES(?, ?, ?, ?, ?, ?, ?)",
	                             &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, ctx->actor.user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ctx->actor.authority, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_text(st, 4, case_ref, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 7, radius);
	for (size_t i = 0; i < n && !rc; i++) {
		sqlite3_reset(st);
		sqlite3_bind_double(st, 5, p[i].e);
		sqlite3_bind_double(st, 6, p[i].n);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = hv_error_sql(ctx, "recording an address check");
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	/* the user's checks of the last 24 hours, sorted by easting: for each
	 * new check, those within the distance are in a band of eastings */
	if ((rc = hv_prepare(ctx,
	                     "SELECT x, y FROM zone_address_check WHERE user_name = ? AND checked_at > ?"
	                     " ORDER BY x",
	                     &st)))
		return rc;
	sqlite3_bind_text(st, 1, ctx->actor.user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now - 86400);
	double *xy = NULL;
	size_t k = 0, cap = 0;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			size_t nc = cap ? cap * 2 : 256;
			double *q = realloc(xy, nc * 2 * sizeof *q);
			if (!q) {
				rc = nomem(ctx);
				break;
			}
			xy = q;
			cap = nc;
		}
		xy[2 * k] = sqlite3_column_double(st, 0);
		xy[2 * k + 1] = sqlite3_column_double(st, 1);
		k++;
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading address checks");
	sqlite3_finalize(st);
	const double R = HAVEN_ZONES_NOTICE_METRES;
	for (size_t i = 0; !rc && i < n; i++) {
		/* the first check with x >= p.e - R, by bisection */
		size_t lo = 0, hi = k;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (xy[2 * mid] < p[i].e - R)
				lo = mid + 1;
			else
				hi = mid;
		}
		int64_t near = 0;
		for (size_t j = lo; j < k && xy[2 * j] <= p[i].e + R; j++) {
			double dx = xy[2 * j] - p[i].e, dy = xy[2 * j + 1] - p[i].n;
			near += dx * dx + dy * dy <= R * R;
		}
		if (near > *most)
			*most = near;
	}
	free(xy);
	return rc;
}
