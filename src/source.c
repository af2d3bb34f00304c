/*
 * source.c - tabular input: strict CSV through libcsv and zlib, the rest through OGR.
 */
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>

#include "source_int.h"

#define CHUNK (256 * 1024)

struct hv_source {
	haven_ctx *ctx;
	char *path;
	int is_csv;

	/* header */
	int ncols;
	char **colnames;

	/* current row: fields point into arena */
	char *arena;
	size_t arena_len, arena_cap;
	size_t *offs;
	int nfields, fields_cap;
	int64_t row;

	/* CSV state */
	gzFile gz;
	struct csv_parser parser;
	char *buf;
	size_t buf_len, buf_pos;
	int64_t line;         /* line number of the next byte to be parsed */
	int64_t record_line;  /* line where the record being parsed started */
	int record_done;      /* cb2 fired */
	int bad_utf8_field;   /* -1, or field index with invalid UTF-8 */
	size_t bad_utf8_at;
	int nomem;
	int eof;
	int64_t size;

	/* OGR state */
	GDALDatasetH ds;
	OGRLayerH layer;
	int64_t features;
};

int hv_utf8_valid(const char *str, size_t n, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2, min = 0x80, c &= 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, min = 0x800, c &= 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, min = 0x10000, c &= 0x07;
		} else {
			goto fail;
		}
		if (i + len > n)
			goto fail;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				goto fail;
			c = (c << 6) | (s[i + k] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			goto fail;
		i += len;
	}
	return 1;
fail:
	if (bad)
		*bad = i;
	return 0;
}

static void norm_name(const char *in, char *out, size_t n)
{
	size_t j = 0;
	for (; *in && j + 1 < n; in++)
		if (isalnum((unsigned char)*in))
			out[j++] = (char)tolower((unsigned char)*in);
	out[j] = '\0';
}

int hv_colname_eq(const char *a, const char *b)
{
	char na[128], nb[128];
	norm_name(a, na, sizeof na);
	norm_name(b, nb, sizeof nb);
	return strcmp(na, nb) == 0;
}

haven_status hv_source_error(hv_source *src, haven_status st, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return hv_error(src->ctx, st, "%s: row %lld: %s", src->path, (long long)src->row, msg);
}

/* ---- row buffer ------------------------------------------------------- */

static int push_field(hv_source *src, const char *s, size_t len)
{
	if (src->nfields == src->fields_cap) {
		int cap = src->fields_cap ? src->fields_cap * 2 : 32;
		size_t *o = realloc(src->offs, (size_t)cap * sizeof *o);
		if (!o)
			return 0;
		src->offs = o;
		src->fields_cap = cap;
	}
	if (src->arena_len + len + 1 > src->arena_cap) {
		size_t cap = src->arena_cap ? src->arena_cap : 4096;
		while (cap < src->arena_len + len + 1)
			cap *= 2;
		char *a = realloc(src->arena, cap);
		if (!a)
			return 0;
		src->arena = a;
		src->arena_cap = cap;
	}
	src->offs[src->nfields++] = src->arena_len;
	if (len)
		memcpy(src->arena + src->arena_len, s, len);
	src->arena_len += len;
	src->arena[src->arena_len++] = '\0';
	return 1;
}

static void clear_row(hv_source *src)
{
	src->nfields = 0;
	src->arena_len = 0;
}

/* ---- CSV -------------------------------------------------------------- */

static void csv_field_cb(void *s, size_t len, void *user)
{
	hv_source *src = user;
	if (src->bad_utf8_field < 0 && !hv_utf8_valid(s, len, &src->bad_utf8_at))
		src->bad_utf8_field = src->nfields;
	if (!push_field(src, s ? s : "", s ? len : 0))
		src->nomem = 1;
}

static void csv_record_cb(int c, void *user)
{
	(void)c;
	hv_source *src = user;
	src->record_done = 1;
}

/* Parse input until one record is complete or the input ends. */
static haven_status csv_read_record(hv_source *src, int *got)
{
	*got = 0;
	clear_row(src);
	src->record_done = 0;
	src->bad_utf8_field = -1;
	src->record_line = src->line;
	while (!src->record_done) {
		if (src->buf_pos == src->buf_len) {
			if (src->eof) {
				/* Flush a last record without a newline; strict mode
				 * reports a quoted field left open. */
				if (csv_fini(&src->parser, csv_field_cb, csv_record_cb, src) != 0) {
					src->row = src->record_line;
					return hv_source_error(src, HAVEN_ERR_FORMAT,
					                       "unterminated quoted field (a \" opened here is never closed)");
				}
				break;
			}
			int n = gzread(src->gz, src->buf, CHUNK);
			if (n < 0) {
				int zerr;
				const char *m = gzerror(src->gz, &zerr);
				return hv_error(src->ctx, HAVEN_ERR_IO, "%s: read error: %s", src->path, m);
			}
			if (n == 0) {
				src->eof = 1;
				continue;
			}
			src->buf_len = (size_t)n;
			src->buf_pos = 0;
		}
		/* Feed up to and including the next newline, so we know the line
		 * each record starts on. */
		const char *p = src->buf + src->buf_pos;
		size_t avail = src->buf_len - src->buf_pos;
		const char *nl = memchr(p, '\n', avail);
		size_t take = nl ? (size_t)(nl - p) + 1 : avail;
		size_t used = csv_parse(&src->parser, p, take, csv_field_cb, csv_record_cb, src);
		if (used != take) {
			src->row = src->record_line;
			int e = csv_error(&src->parser);
			return hv_source_error(src, HAVEN_ERR_FORMAT, "malformed CSV: %s (check quoting)",
			                       e == CSV_EPARSE ? "a quote in the wrong place" : csv_strerror(e));
		}
		if (nl) {
			src->line++;
			/* A blank line: the record has not begun yet (libcsv's
			 * ROW_NOT_BEGUN state is 0). */
			if (!src->record_done && src->nfields == 0 && src->parser.pstate == 0)
				src->record_line = src->line;
		}
		src->buf_pos += take;
		if (src->nomem)
			return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
	}
	if (src->record_done || src->nfields > 0) {
		*got = 1;
		src->row = src->record_line;
		if (src->bad_utf8_field >= 0) {
			const char *col = src->colnames && src->bad_utf8_field < src->ncols
			                          ? src->colnames[src->bad_utf8_field]
			                          : "?";
			return hv_source_error(src, HAVEN_ERR_FORMAT,
			                       "column %d (%s) is not valid UTF-8 (bad byte at offset %zu); "
			                       "save the file as UTF-8",
			                       src->bad_utf8_field + 1, col, src->bad_utf8_at);
		}
	}
	return HAVEN_OK;
}

static int is_csv_path(const char *path)
{
	const char *dot = strrchr(path, '/');
	dot = strchr(dot ? dot : path, '.');
	if (!dot)
		return 1; /* no extension: try CSV */
	return strcasecmp(dot, ".csv") == 0 || strcasecmp(dot, ".csv.gz") == 0 || strcasecmp(dot, ".txt") == 0 ||
	       strcasecmp(dot, ".txt.gz") == 0 || strcasecmp(dot, ".tsv") == 0;
}

static haven_status open_csv(hv_source *src)
{
	struct stat sb;
	if (stat(src->path, &sb) != 0)
		return hv_error(src->ctx, HAVEN_ERR_IO, "%s: %s", src->path, strerror(errno));
	src->size = (int64_t)sb.st_size;
	src->gz = gzopen(src->path, "rb");
	if (!src->gz)
		return hv_error(src->ctx, HAVEN_ERR_IO, "%s: %s", src->path, strerror(errno));
	gzbuffer(src->gz, CHUNK);
	src->buf = malloc(CHUNK);
	if (!src->buf || csv_init(&src->parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
	src->line = 1;
	int got;
	haven_status rc = csv_read_record(src, &got);
	if (rc)
		return rc;
	if (!got)
		return hv_error(src->ctx, HAVEN_ERR_FORMAT, "%s: empty file (no header row)", src->path);
	/* Take the header; drop a UTF-8 byte order mark. */
	src->ncols = src->nfields;
	src->colnames = calloc((size_t)src->ncols, sizeof *src->colnames);
	if (!src->colnames)
		return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
	for (int i = 0; i < src->ncols; i++) {
		const char *f = src->arena + src->offs[i];
		if (i == 0 && (unsigned char)f[0] == 0xEF && (unsigned char)f[1] == 0xBB && (unsigned char)f[2] == 0xBF)
			f += 3;
		src->colnames[i] = strdup(f);
		if (!src->colnames[i])
			return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
	}
	return HAVEN_OK;
}

/* ---- OGR -------------------------------------------------------------- */

/* GDAL 3.6's XLSX and ODS drivers take these as configuration options, not
 * open options, and read the sheet when the layer is first touched; without
 * them a sheet whose cells are all text has its header taken for data. */
static const char *const ogr_config[][2] = {{"OGR_XLSX_HEADERS", "FORCE"},
                                            {"OGR_XLSX_FIELD_TYPES", "STRING"},
                                            {"OGR_ODS_HEADERS", "FORCE"},
                                            {"OGR_ODS_FIELD_TYPES", "STRING"}};
#define N_OGR_CONFIG (sizeof ogr_config / sizeof ogr_config[0])

static haven_status open_ogr_layer(hv_source *src);

static haven_status open_ogr(hv_source *src)
{
	char *saved[N_OGR_CONFIG];
	for (size_t i = 0; i < N_OGR_CONFIG; i++) {
		const char *v = CPLGetThreadLocalConfigOption(ogr_config[i][0], NULL);
		saved[i] = v ? CPLStrdup(v) : NULL;
		CPLSetThreadLocalConfigOption(ogr_config[i][0], ogr_config[i][1]);
	}
	haven_status rc = open_ogr_layer(src);
	for (size_t i = 0; i < N_OGR_CONFIG; i++) {
		CPLSetThreadLocalConfigOption(ogr_config[i][0], saved[i]);
		CPLFree(saved[i]);
	}
	return rc;
}

static haven_status open_ogr_layer(hv_source *src)
{
	const char *opts[] = {"HEADERS=FORCE", "FIELD_TYPES=STRING", NULL};
	CPLErrorReset();
	src->ds = GDALOpenEx(src->path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, opts, NULL);
	if (!src->ds)
		return hv_error_gdal(src->ctx, HAVEN_ERR_FORMAT, src->path);
	if (GDALDatasetGetLayerCount(src->ds) < 1)
		return hv_error(src->ctx, HAVEN_ERR_FORMAT, "%s: no table in file", src->path);
	src->layer = GDALDatasetGetLayer(src->ds, 0);
	OGRFeatureDefnH defn = OGR_L_GetLayerDefn(src->layer);
	src->ncols = OGR_FD_GetFieldCount(defn);
	src->colnames = calloc((size_t)(src->ncols ? src->ncols : 1), sizeof *src->colnames);
	if (!src->colnames)
		return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
	for (int i = 0; i < src->ncols; i++) {
		src->colnames[i] = strdup(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
		if (!src->colnames[i])
			return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
	}
	src->row = 1;
	return HAVEN_OK;
}

static haven_status ogr_next(hv_source *src, int *has_row)
{
	clear_row(src);
	OGRFeatureH f = OGR_L_GetNextFeature(src->layer);
	if (!f) {
		*has_row = 0;
		return HAVEN_OK;
	}
	src->features++;
	src->row = src->features + 1;
	for (int i = 0; i < src->ncols; i++) {
		const char *v = OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "";
		size_t bad;
		if (!hv_utf8_valid(v, strlen(v), &bad)) {
			OGR_F_Destroy(f);
			return hv_source_error(src, HAVEN_ERR_FORMAT, "column %d (%s) is not valid UTF-8", i + 1,
			                       src->colnames[i]);
		}
		if (!push_field(src, v, strlen(v))) {
			OGR_F_Destroy(f);
			return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
		}
	}
	OGR_F_Destroy(f);
	*has_row = 1;
	return HAVEN_OK;
}

/* ---- public ----------------------------------------------------------- */

haven_status hv_source_open(haven_ctx *ctx, const char *path, hv_source **out)
{
	*out = NULL;
	hv_source *src = calloc(1, sizeof *src);
	if (!src)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	src->ctx = ctx;
	src->path = strdup(path);
	if (!src->path) {
		free(src);
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	}
	src->is_csv = is_csv_path(path);
	haven_status rc = src->is_csv ? open_csv(src) : open_ogr(src);
	if (rc) {
		hv_source_close(src);
		return rc;
	}
	*out = src;
	return HAVEN_OK;
}

void hv_source_close(hv_source *src)
{
	if (!src)
		return;
	if (src->gz) {
		gzclose(src->gz);
		csv_free(&src->parser);
	}
	if (src->ds)
		GDALClose(src->ds);
	for (int i = 0; src->colnames && i < src->ncols; i++)
		free(src->colnames[i]);
	free(src->colnames);
	free(src->buf);
	free(src->arena);
	free(src->offs);
	free(src->path);
	free(src);
}

int hv_source_ncols(const hv_source *src) { return src->ncols; }

const char *hv_source_colname(const hv_source *src, int i) { return src->colnames[i]; }

int hv_source_find(const hv_source *src, const char *const *candidates)
{
	for (; *candidates; candidates++)
		for (int i = 0; i < src->ncols; i++)
			if (hv_colname_eq(src->colnames[i], *candidates))
				return i;
	return -1;
}

haven_status hv_source_next(hv_source *src, int *has_row)
{
	*has_row = 0;
	if (!src->is_csv)
		return ogr_next(src, has_row);
	int got;
	haven_status rc = csv_read_record(src, &got);
	if (rc || !got)
		return rc;
	if (src->nfields != src->ncols)
		return hv_source_error(src, HAVEN_ERR_FORMAT, "%d fields where the header has %d", src->nfields,
		                       src->ncols);
	*has_row = 1;
	return HAVEN_OK;
}

const char *hv_source_field(const hv_source *src, int i)
{
	if (i < 0 || i >= src->nfields)
		return "";
	return src->arena + src->offs[i];
}

int64_t hv_source_row(const hv_source *src) { return src->row; }

const char *hv_source_path(const hv_source *src) { return src->path; }

void hv_source_position(const hv_source *src, int64_t *done, int64_t *total)
{
	if (src->gz) {
		*done = (int64_t)gzoffset(src->gz);
		*total = src->size;
	} else {
		*done = src->features;
		*total = src->layer ? (int64_t)OGR_L_GetFeatureCount(src->layer, 0) : 0;
		if (*total < 0)
			*total = 0;
	}
}
