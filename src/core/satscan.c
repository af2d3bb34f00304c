/*
 * satscan.c - SaTScan's case and coordinates files (satscan.h).
 *
 * SaTScan reads its ASCII input files as records of fields separated by
 * white space, one record a line, with no header.  A file is read whole
 * (hv_input_read: regular files only), checked for NUL bytes and UTF-8,
 * then split into lines; an empty line is skipped.  Location ids are
 * found by binary search over the coordinates file's ids, sorted once.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/grow.h"
#include "core/satscan.h"
#include "core/source.h"
#include "core/text.h"

#define MAX_FIELDS 3

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

void hv_satscan_free(hv_satscan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nloc; i++)
		free(s->ids[i]);
	free(s->ids);
	free(s->a);
	free(s->b);
	free(s->loc);
	free(s->day);
	free(s->count);
	memset(s, 0, sizeof *s);
}

/* A file read whole, and the line being read. */
typedef struct lines {
	const char *path;
	unsigned char *data;
	size_t len, pos;
	int64_t row;
	char *f[MAX_FIELDS + 1]; /* the fields of the line (NUL-terminated in data) */
	int nf;                  /* how many; MAX_FIELDS + 1 when more */
} lines;

static haven_status lines_open(haven_ctx *ctx, const char *path, const char *what, lines *L)
{
	memset(L, 0, sizeof *L);
	L->path = path;
	haven_status rc = hv_input_read(ctx, path, HV_SATSCAN_FILE_MAX, what, &L->data, &L->len);
	if (rc)
		return rc;
	const unsigned char *nul = memchr(L->data, 0, L->len);
	size_t bad = 0;
	if (nul || !hv_utf8_valid((const char *)L->data, L->len, &bad)) {
		size_t at = nul ? (size_t)(nul - L->data) : bad;
		int64_t row = 1;
		for (size_t i = 0; i < at; i++)
			row += L->data[i] == '\n';
		return hv_error(ctx, HAVEN_ERR_FORMAT, "%s: row %lld: %s", path, (long long)row,
		                nul ? "a NUL byte: not a text file" : "bytes that are not UTF-8");
	}
	return HAVEN_OK;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The next line that holds anything: 0 at the end. */
static int lines_next(lines *L)
{
	while (L->pos < L->len) {
		L->row++;
		unsigned char *p = L->data + L->pos, *end = memchr(p, '\n', L->len - L->pos);
		if (!end)
			end = L->data + L->len;
		L->pos = (size_t)(end - L->data) + 1;
		*end = 0;
		L->nf = 0;
		while (p < end) {
			while (p < end && is_space(*p))
				p++;
			if (p == end)
				break;
			if (L->nf == MAX_FIELDS) {
				L->nf++;
				break;
			}
			L->f[L->nf++] = (char *)p;
			while (p < end && !is_space(*p))
				p++;
			*p++ = 0;
		}
		if (L->nf)
			return 1;
	}
	return 0;
}

static haven_status row_error(haven_ctx *ctx, const lines *L, haven_status st, const char *fmt, ...) HV_PRINTF(4, 5);
static haven_status row_error(haven_ctx *ctx, const lines *L, haven_status st, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return hv_error(ctx, st, "%s: row %lld: %s", L->path, (long long)L->row, msg);
}

typedef struct id_ix {
	const char *id;
	uint32_t i;
	int64_t row;
} id_ix;

static int cmp_id(const void *a, const void *b)
{
	const id_ix *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->row > y->row) - (x->row < y->row);
}

static haven_status read_coordinates(haven_ctx *ctx, const char *path, int latlong, hv_satscan *s, id_ix **index)
{
	lines L;
	haven_status rc = lines_open(ctx, path, "a SaTScan coordinates file", &L);
	size_t cap = 0;
	id_ix *ix = NULL;
	while (!rc && lines_next(&L)) {
		if (L.nf != 3) {
			rc = row_error(ctx, &L, HAVEN_ERR_FORMAT, "a location id and two coordinates are needed%s",
			               L.nf < 3 ? "" : ", and no more (haven scans in two dimensions)");
			break;
		}
		double a, b;
		if (!hv_parse_decimal(L.f[1], &a) || !hv_parse_decimal(L.f[2], &b) || !isfinite(a) || !isfinite(b)) {
			rc = row_error(ctx, &L, HAVEN_ERR_VALUE, "'%s %s' are not two numbers", L.f[1], L.f[2]);
			break;
		}
		if (latlong && (fabs(a) > 90 || fabs(b) > 180)) {
			rc = row_error(
			    ctx, &L, HAVEN_ERR_CRS,
			    "latitude %s and longitude %s: a latitude is -90 to 90 and a longitude -180 to 180", L.f[1],
			    L.f[2]);
			break;
		}
		if (s->nloc == cap) {
			cap = cap ? 2 * cap : 1024;
			if (!hv_resize(&s->ids, cap, sizeof *s->ids) || !hv_resize(&s->a, cap, sizeof *s->a) ||
			    !hv_resize(&s->b, cap, sizeof *s->b) || !hv_resize(&ix, cap, sizeof *ix)) {
				rc = nomem(ctx);
				break;
			}
		}
		if (!(s->ids[s->nloc] = strdup(L.f[0]))) {
			rc = nomem(ctx);
			break;
		}
		s->a[s->nloc] = a;
		s->b[s->nloc] = b;
		ix[s->nloc] = (id_ix){s->ids[s->nloc], (uint32_t)s->nloc, L.row};
		s->nloc++;
		if (s->nloc >= UINT32_MAX - 1) {
			rc = row_error(ctx, &L, HAVEN_ERR_VALUE, "too many locations");
			break;
		}
	}
	if (!rc && !s->nloc)
		rc = hv_error(ctx, HAVEN_ERR_MISSING, "%s: no locations", path);
	if (!rc) {
		qsort(ix, s->nloc, sizeof *ix, cmp_id);
		for (size_t i = 1; i < s->nloc; i++)
			if (strcmp(ix[i].id, ix[i - 1].id) == 0) {
				rc = hv_error(ctx, HAVEN_ERR_DUPLICATE,
				              "%s: row %lld: location '%s' is given again (first on row %lld)", path,
				              (long long)ix[i].row, ix[i].id, (long long)ix[i - 1].row);
				break;
			}
	}
	free(L.data);
	if (rc)
		free(ix);
	else
		*index = ix;
	return rc;
}

/* A date as SaTScan writes one to the day: YYYY/MM/DD or YYYY-MM-DD (month
 * and day of one or two digits). */
static int parse_day(const char *s, int64_t *z)
{
	int y = 0, m = 0, d = 0, n = 0;
	char sep = 0;
	for (; n < 4 && s[n] >= '0' && s[n] <= '9'; n++)
		y = y * 10 + (s[n] - '0');
	if (n != 4 || (s[n] != '/' && s[n] != '-'))
		return 0;
	sep = s[n++];
	int k = 0;
	for (; k < 2 && s[n] >= '0' && s[n] <= '9'; k++, n++)
		m = m * 10 + (s[n] - '0');
	if (!k || s[n++] != sep)
		return 0;
	for (k = 0; k < 2 && s[n] >= '0' && s[n] <= '9'; k++, n++)
		d = d * 10 + (s[n] - '0');
	if (!k || s[n] || m < 1 || m > 12 || d < 1)
		return 0;
	int64_t v = hv_days_from_civil(y, m, d);
	int y2, m2, d2;
	hv_civil_from_days(v, &y2, &m2, &d2);
	if (y2 != y || m2 != m || d2 != d)
		return 0;
	*z = v;
	return 1;
}

static haven_status read_cases(haven_ctx *ctx, const char *path, const id_ix *ix, int64_t start, int64_t end,
                               hv_satscan *s)
{
	lines L;
	haven_status rc = lines_open(ctx, path, "a SaTScan case file", &L);
	size_t cap = 0;
	while (!rc && lines_next(&L)) {
		if (L.nf != 3) {
			rc = row_error(ctx, &L, HAVEN_ERR_FORMAT,
			               "a location id, a number of cases and a date are needed%s",
			               L.nf < 3 ? "" : ", and no more (haven does not adjust for covariates)");
			break;
		}
		id_ix key = {L.f[0], 0, 0};
		size_t lo = 0, hi = s->nloc;
		while (lo < hi) {
			size_t m = (lo + hi) / 2;
			if (strcmp(ix[m].id, key.id) < 0)
				lo = m + 1;
			else
				hi = m;
		}
		if (lo == s->nloc || strcmp(ix[lo].id, key.id) != 0) {
			rc = row_error(ctx, &L, HAVEN_ERR_NOT_FOUND, "location '%s' is not in the coordinates file",
			               L.f[0]);
			break;
		}
		const char *c = L.f[1];
		uint64_t n = 0;
		size_t k = 0;
		for (; c[k] >= '0' && c[k] <= '9' && n <= 1000000000u; k++)
			n = n * 10 + (uint64_t)(c[k] - '0');
		if (!k || c[k] || n > 1000000000u) {
			rc = row_error(ctx, &L, HAVEN_ERR_VALUE, "'%s' is not a number of cases (0 to 1000000000)", c);
			break;
		}
		int64_t z;
		if (!parse_day(L.f[2], &z)) {
			rc = row_error(ctx, &L, HAVEN_ERR_VALUE, "'%s' is not a date (YYYY/MM/DD or YYYY-MM-DD)",
			               L.f[2]);
			break;
		}
		if (z < start || z > end) {
			s->outside += (int64_t)n;
			s->outside_rows++;
			continue;
		}
		if (!n)
			continue;
		if (s->nrec == cap) {
			cap = cap ? 2 * cap : 4096;
			if (!hv_resize(&s->loc, cap, sizeof *s->loc) || !hv_resize(&s->day, cap, sizeof *s->day) ||
			    !hv_resize(&s->count, cap, sizeof *s->count)) {
				rc = nomem(ctx);
				break;
			}
		}
		s->loc[s->nrec] = ix[lo].i;
		s->day[s->nrec] = (int32_t)(z - start);
		s->count[s->nrec] = (uint32_t)n;
		s->nrec++;
	}
	free(L.data);
	return rc;
}

haven_status hv_satscan_read(haven_ctx *ctx, const char *coordinates, const char *cases, int latlong, int64_t start,
                             int64_t end, hv_satscan *out)
{
	id_ix *ix = NULL;
	haven_status rc = read_coordinates(ctx, coordinates, latlong, out, &ix);
	if (!rc)
		rc = read_cases(ctx, cases, ix, start, end, out);
	free(ix);
	return rc;
}
