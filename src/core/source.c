/*
 * source.c - tabular input: strict CSV through libcsv and zlib, the rest through OGR.
 *
 * The CSV reader drives zlib's inflate() itself rather than gzread(): gzread
 * returns 0, as at a clean end of file, when a stream stops short ("unexpected
 * end of file"), which would make a register cut at row 2,000 a register of
 * 2,000 homes.  Here a stream must reach its gzip trailer (CRC and length
 * checked by inflate), members may follow one another (as `cat a.gz b.gz`
 * makes), and anything else after the last member is an error.
 */
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ogr_api.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>

#include "core/source.h"

#define CHUNK (256 * 1024)

struct hv_source {
	haven_ctx *ctx;
	char *path;
	int is_csv;
	int64_t max_rows;  /* data rows allowed */
	int64_t max_bytes; /* content bytes allowed (0: no limit) */
	int64_t rows;      /* data rows read */

	/* header */
	int ncols;
	char **colnames;

	/* current row: fields point into arena */
	char *arena;
	size_t arena_len, arena_cap;
	size_t *offs;
	int nfields, fields_cap;
	int64_t row;

	/* input bytes: a regular file (fd) or a memory buffer (mem) */
	int fd;
	const unsigned char *raw; /* compressed or plain bytes not yet used */
	size_t raw_len, raw_pos;
	unsigned char *rawbuf; /* what raw points into when reading fd */
	int raw_eof;           /* nothing more after raw */
	int64_t raw_done;      /* bytes of the file used so far */
	int64_t size;          /* bytes in the file */
	int gz;                /* the input is gzip (by its first two bytes) */
	z_stream z;
	int z_init;
	int member_end;         /* inflate finished a gzip member */
	int64_t members;        /* gzip members finished */
	int64_t member_out;     /* bytes the current member has given */
	int64_t out_done;       /* content bytes delivered */
	char why[300];          /* what went wrong reading the input */
	haven_status in_failed; /* and its status, once the bytes before it are delivered */
	int in_reported;        /* that failure is the error being reported */
	int over_limit;         /* that failure is max_bytes passed */

	/* CSV state */
	struct csv_parser parser;
	int parser_init;
	char *buf;
	size_t buf_len, buf_pos;
	int started;         /* the first chunk has been read (and its BOM dropped) */
	int64_t line;        /* line number of the next byte to be parsed */
	int64_t record_line; /* line where the record being parsed started */
	size_t record_bytes; /* bytes of it fed to the parser */
	int record_done;     /* cb2 fired */
	int cr_alone;        /* a record ended without a newline: CR-only line ends */
	int bad_utf8_field;  /* -1, or field index with invalid UTF-8 */
	size_t bad_utf8_at;
	int long_field; /* -1, or index of a field longer than HV_FIELD_MAX */
	int nomem;
	int eof;

	/* OGR state */
	GDALDatasetH ds;
	OGRLayerH layer;
	int64_t features;
	char *vsimem; /* /vsimem/ name of a memory input, unlinked on close */
	hv_gdal_watch watch;
};

/* The next letter or digit of a column name at or after *p, lower case; 0 at
 * the end. */
static int next_alnum(const char **p)
{
	while (**p && !isalnum((unsigned char)**p))
		(*p)++;
	if (!**p)
		return 0;
	return tolower((unsigned char)*(*p)++);
}

/* Walks both names rather than normalising into fixed buffers, so that long
 * names are compared whole. */
haven_status hv_fault_set(hv_fault *f, haven_status st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof f->why, fmt, ap);
	va_end(ap);
	return f->st = st;
}

int hv_colname_eq(const char *a, const char *b)
{
	for (;;) {
		int ca = next_alnum(&a), cb = next_alnum(&b);
		if (ca != cb)
			return 0;
		if (!ca)
			return 1;
	}
}

static haven_status in_read(hv_source *src, char *buf, size_t cap, size_t *got);

/* 1 if the rest of a gzip input is damaged (the reason in src->why).  A
 * corrupt stream decodes to garbage that its checksum condemns only at the
 * member's end, so garbage can look like a bad row first. */
static int gz_damaged(hv_source *src)
{
	if (!src->gz || src->in_reported)
		return 0;
	if (src->in_failed) /* found, not yet reported: the rows before it came first */
		return src->in_failed == HAVEN_ERR_FORMAT;
	char *tmp = malloc(CHUNK);
	if (!tmp)
		return 0;
	/* Read on, within the source's limit on content: a stream can take
	 * long to read to its end, but never without bound for a held file. */
	size_t got;
	haven_status rc;
	do
		rc = in_read(src, tmp, CHUNK, &got);
	while (!rc && got);
	free(tmp);
	return rc == HAVEN_ERR_FORMAT && !src->over_limit;
}

static haven_status source_verror(hv_source *src, int64_t row, haven_status st, const char *fmt, va_list ap)
{
	char msg[768];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (gz_damaged(src))
		return hv_error(src->ctx, HAVEN_ERR_FORMAT,
		                "%s: %s; the file is damaged, which is likely why row %lld seemed wrong (%s)",
		                src->path, src->why, (long long)row, msg);
	return hv_error(src->ctx, st, "%s: row %lld: %s", src->path, (long long)row, msg);
}

haven_status hv_source_error(hv_source *src, haven_status st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	haven_status rc = source_verror(src, src->row, st, fmt, ap);
	va_end(ap);
	return rc;
}

haven_status hv_source_error_row(hv_source *src, int64_t row, haven_status st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	haven_status rc = source_verror(src, row, st, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- input files ------------------------------------------------------ */

haven_status hv_input_open(haven_ctx *ctx, const char *path, int *fd_out, int64_t *size)
{
	*fd_out = -1;
	*size = 0;
	/* O_NONBLOCK: opening a FIFO to read waits for a writer otherwise. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return hv_error(ctx, HAVEN_ERR_IO, "%s: %s", path, strerror(errno));
	struct stat sb;
	if (fstat(fd, &sb) != 0) {
		int e = errno;
		close(fd);
		return hv_error(ctx, HAVEN_ERR_IO, "%s: %s", path, strerror(e));
	}
	if (!S_ISREG(sb.st_mode)) {
		/* A pipe could serve different bytes to each reader, a device
		 * never ends: only a regular file reads the same twice. */
		const char *what = S_ISFIFO(sb.st_mode)                         ? "a named pipe (FIFO)"
		                   : S_ISDIR(sb.st_mode)                        ? "a directory"
		                   : S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode) ? "a device"
		                                                                : "not a regular file";
		close(fd);
		return hv_error(ctx, HAVEN_ERR_IO,
		                "%s: is %s; haven reads input only from regular files (copy it to one)", path, what);
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	*fd_out = fd;
	*size = (int64_t)sb.st_size;
	return HAVEN_OK;
}

static haven_status too_big(haven_ctx *ctx, const char *path, int64_t max, const char *what)
{
	char lim[32];
	if (max >= (1 << 20) && max % (1 << 20) == 0)
		snprintf(lim, sizeof lim, "%lld MiB", (long long)(max >> 20));
	else
		snprintf(lim, sizeof lim, "%lld bytes", (long long)max);
	return hv_error(ctx, HAVEN_ERR_FORMAT,
	                "%s: larger than %s, the most haven reads for %s (see Limits in "
	                "docs/formats.md)",
	                path, lim, what);
}

/* read(), again when interrupted. */
static ssize_t read_some(int fd, void *buf, size_t n)
{
	ssize_t got;
	do
		got = read(fd, buf, n);
	while (got < 0 && errno == EINTR);
	return got;
}

haven_status hv_input_read(haven_ctx *ctx, const char *path, int64_t max, const char *what, unsigned char **data,
                           size_t *len)
{
	*data = NULL;
	*len = 0;
	int fd;
	int64_t size;
	haven_status rc = hv_input_open(ctx, path, &fd, &size);
	if (rc)
		return rc;
	if (size > max) {
		close(fd);
		return too_big(ctx, path, max, what);
	}
	/* Read to the end, not to the size seen: the file may be growing. */
	size_t cap = (size_t)size + 1, n = 0;
	unsigned char *b = malloc(cap);
	while (b && !rc) {
		ssize_t got;
		if (n + 1 < cap) {
			if ((got = read_some(fd, b + n, cap - 1 - n)) > 0)
				n += (size_t)got;
		} else {
			/* Full at the size seen: one byte more means it grew. */
			unsigned char more;
			if ((got = read_some(fd, &more, 1)) > 0) {
				unsigned char *nb = (int64_t)n < max ? realloc(b, cap * 2) : NULL;
				if ((int64_t)n >= max)
					rc = too_big(ctx, path, max, what);
				else if (!nb)
					rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
				else {
					b = nb;
					cap *= 2;
					b[n++] = more;
				}
			}
		}
		if (got < 0)
			rc = hv_error(ctx, HAVEN_ERR_IO, "%s: read error: %s", path, strerror(errno));
		if (got == 0)
			break;
	}
	close(fd);
	if (!b && !rc)
		rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	if (rc) {
		free(b);
		return rc;
	}
	b[n] = '\0';
	*data = b;
	*len = n;
	return HAVEN_OK;
}

/* ---- input bytes ------------------------------------------------------ */

/* Make raw hold unused bytes unless the input is at its end. */
static haven_status in_more(hv_source *src)
{
	if (src->raw_pos < src->raw_len || src->raw_eof)
		return HAVEN_OK;
	if (src->fd < 0) {
		src->raw_eof = 1;
		return HAVEN_OK;
	}
	ssize_t n = read_some(src->fd, src->rawbuf, CHUNK);
	if (n < 0) {
		snprintf(src->why, sizeof src->why, "read error: %s", strerror(errno));
		return HAVEN_ERR_IO;
	}
	if (n == 0)
		src->raw_eof = 1;
	src->raw = src->rawbuf;
	src->raw_len = (size_t)n;
	src->raw_pos = 0;
	return HAVEN_OK;
}

/* Start reading: the file (or memory) and, from its first two bytes,
 * whether it is gzip. */
static haven_status in_start(hv_source *src, const void *mem, size_t mem_len)
{
	if (mem) {
		src->raw = mem;
		src->raw_len = mem_len;
		src->raw_eof = 1;
		src->size = (int64_t)mem_len;
	} else {
		haven_status rc = hv_input_open(src->ctx, src->path, &src->fd, &src->size);
		if (rc)
			return rc;
		if (!(src->rawbuf = malloc(CHUNK)))
			return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
		if ((rc = in_more(src)))
			return hv_error(src->ctx, rc, "%s: %s", src->path, src->why);
	}
	src->gz =
	    src->raw_len - src->raw_pos >= 2 && src->raw[src->raw_pos] == 0x1f && src->raw[src->raw_pos + 1] == 0x8b;
	if (src->gz) {
		/* 15 + 16: a gzip stream only, its trailer checked. */
		if (inflateInit2(&src->z, 15 + 16) != Z_OK)
			return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
		src->z_init = 1;
	}
	return HAVEN_OK;
}

static haven_status in_fill(hv_source *src, char *buf, size_t cap, size_t *got);

/* Fill buf with up to cap bytes of content: fewer only at the end of the
 * input, 0 at its end.  A failure leaves the reason in src->why; it is
 * returned once the bytes before it have been delivered, so that the row
 * it names is the row where the data stops. */
static haven_status in_read(hv_source *src, char *buf, size_t cap, size_t *got)
{
	haven_status rc = src->in_failed;
	*got = 0;
	if (rc)
		return rc;
	rc = in_fill(src, buf, cap, got);
	src->out_done += (int64_t)*got;
	if (!rc && src->max_bytes && src->out_done > src->max_bytes) {
		snprintf(src->why, sizeof src->why,
		         "more than %lld MiB of data, the most haven holds in memory for one file (see Limits in "
		         "docs/formats.md)",
		         (long long)(src->max_bytes >> 20));
		rc = HAVEN_ERR_FORMAT;
		src->over_limit = 1;
		*got = 0;
	}
	src->in_failed = rc;
	return rc && *got ? HAVEN_OK : rc; /* after the bytes before it, in the next call */
}

/* A gzip stream gone wrong: what, unless it went wrong where a member had
 * ended and nothing of the next had come through, which is what follows the
 * data rather than the data. */
static haven_status gz_bad(hv_source *src, const char *what)
{
	if (src->members > 0 && src->member_out == 0)
		snprintf(src->why, sizeof src->why,
		         "bytes after the end of the gzip data that are not a whole gzip member (trailing garbage)");
	else
		snprintf(src->why, sizeof src->why, "%s", what);
	return HAVEN_ERR_FORMAT;
}

/* in_read's work: the bytes, and a failure even after some. */
static haven_status in_fill(hv_source *src, char *buf, size_t cap, size_t *got)
{
	haven_status rc;
	while (*got < cap) {
		if ((rc = in_more(src)))
			return rc;
		size_t avail = src->raw_len - src->raw_pos;
		if (!src->gz) {
			if (!avail)
				break;
			size_t n = avail < cap - *got ? avail : cap - *got;
			memcpy(buf + *got, src->raw + src->raw_pos, n);
			src->raw_pos += n;
			src->raw_done += (int64_t)n;
			*got += n;
			continue;
		}
		if (src->member_end) {
			if (!avail)
				break; /* the input ends where a member ends: clean */
			inflateReset(&src->z);
			src->member_end = 0;
			src->member_out = 0;
		}
		if (!avail)
			return gz_bad(src,
			              "the gzip data stops short, before its end and checksum: the file is truncated "
			              "(an interrupted download or copy?)");
		src->z.next_in = (unsigned char *)(uintptr_t)(src->raw + src->raw_pos);
		src->z.avail_in = (uInt)(avail < CHUNK ? avail : CHUNK);
		src->z.next_out = (unsigned char *)buf + *got;
		src->z.avail_out = (uInt)(cap - *got);
		size_t in0 = src->z.avail_in, out0 = src->z.avail_out;
		int zr = inflate(&src->z, Z_NO_FLUSH);
		size_t used = in0 - src->z.avail_in, made = out0 - src->z.avail_out;
		src->raw_pos += used;
		src->raw_done += (int64_t)used;
		*got += made;
		src->member_out += (int64_t)made;
		if (zr == Z_STREAM_END) {
			src->member_end = 1;
			src->members++;
		} else if (zr == Z_MEM_ERROR) {
			snprintf(src->why, sizeof src->why, "out of memory");
			return HAVEN_ERR_NOMEM;
		} else if ((zr != Z_OK && zr != Z_BUF_ERROR) || (!used && !made)) {
			char why[200];
			snprintf(why, sizeof why, "the gzip data is corrupt (%s)",
			         src->z.msg ? src->z.msg : "no progress");
			return gz_bad(src, why);
		}
	}
	return HAVEN_OK;
}

static void in_close(hv_source *src)
{
	if (src->z_init)
		inflateEnd(&src->z);
	if (src->fd >= 0)
		close(src->fd);
	free(src->rawbuf);
}

haven_status hv_input_check_gzip(haven_ctx *ctx, const char *path)
{
	hv_source src;
	memset(&src, 0, sizeof src);
	src.ctx = ctx;
	src.fd = -1;
	src.path = (char *)(uintptr_t)path;
	haven_status rc = in_start(&src, NULL, 0);
	char *buf = rc || !src.gz ? NULL : malloc(CHUNK);
	if (!rc && src.gz && !buf)
		rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	size_t got = 1;
	while (!rc && buf && got)
		if ((rc = in_read(&src, buf, CHUNK, &got)))
			rc = hv_error(ctx, rc, "%s: %s", path, src.why);
	free(buf);
	in_close(&src);
	return rc;
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

/* "column 3 (Name)", or "column 3" before the header is known. */
static const char *column_label(const hv_source *src, int i, char *buf, size_t n)
{
	if (src->colnames && i < src->ncols)
		snprintf(buf, n, "column %d (%s)", i + 1, src->colnames[i]);
	else
		snprintf(buf, n, "column %d", i + 1);
	return buf;
}

/* ---- CSV -------------------------------------------------------------- */

static void csv_field_cb(void *s, size_t len, void *user)
{
	hv_source *src = user;
	if (src->record_done)
		src->cr_alone = 1; /* a field after the record ended, with no newline between */
	if (len > HV_FIELD_MAX && src->long_field < 0)
		src->long_field = src->nfields;
	if (src->bad_utf8_field < 0 && !hv_utf8_valid(s, len, &src->bad_utf8_at))
		src->bad_utf8_field = src->nfields;
	if (!push_field(src, s ? s : "", s ? len : 0))
		src->nomem = 1;
}

static void csv_record_cb(int c, void *user)
{
	(void)c;
	hv_source *src = user;
	if (src->record_done)
		src->cr_alone = 1;
	src->record_done = 1;
}

/* A whole line at the start of a record, p[0..take) ending in its newline:
 * when it holds no quote, no carriage return but one ending it, and is not
 * blank, it is split here at its commas, each field trimmed of spaces and
 * tabs at both ends, and given to the callbacks as libcsv gives them (the
 * same fields, the same record): most lines of most files are such lines,
 * and libcsv's byte-by-byte state machine is most of the cost of reading
 * them.  1 when done; 0 leaves the line to libcsv. */
static int csv_plain_line(hv_source *src, const char *p, size_t take)
{
	size_t body = take - 1;
	if (body && p[body - 1] == '\r')
		body--;
	int blank = 1;
	for (size_t i = 0; i < body; i++) {
		if (p[i] == '"' || p[i] == '\r')
			return 0;
		blank &= p[i] == ' ' || p[i] == '\t';
	}
	if (blank)
		return 0; /* libcsv skips it: no record */
	size_t start = 0;
	for (size_t i = 0; i <= body; i++) {
		if (i < body && p[i] != ',')
			continue;
		size_t a = start, b = i;
		while (a < b && (p[a] == ' ' || p[a] == '\t'))
			a++;
		while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t'))
			b--;
		csv_field_cb((void *)(uintptr_t)(p + a), b - a, src);
		start = i + 1;
	}
	csv_record_cb(body < take - 1 ? '\r' : '\n', src);
	return 1;
}

/* Parse input until one record is complete or the input ends. */
static haven_status csv_read_record(hv_source *src, int *got)
{
	char col[200];
	*got = 0;
	clear_row(src);
	src->record_done = 0;
	src->bad_utf8_field = -1;
	src->long_field = -1;
	src->record_line = src->line;
	src->record_bytes = 0;
	while (!src->record_done) {
		if (src->buf_pos == src->buf_len) {
			if (src->eof) {
				/* Flush a last record without a newline; strict mode
				 * reports a quoted field left open. */
				if (csv_fini(&src->parser, csv_field_cb, csv_record_cb, src) != 0) {
					src->row = src->record_line;
					return hv_source_error(
					    src, HAVEN_ERR_FORMAT,
					    "unterminated quoted field (a \" opened here is never closed)");
				}
				break;
			}
			size_t n;
			haven_status rc = in_read(src, src->buf, CHUNK, &n);
			if (rc) {
				src->row = src->line;
				src->in_reported = 1;
				return hv_source_error(src, rc, "%s", src->why);
			}
			if (n == 0) {
				src->eof = 1;
				continue;
			}
			src->buf_len = n;
			src->buf_pos = 0;
			/* A UTF-8 byte order mark is not part of the first name, even
			 * when that name is quoted. */
			if (!src->started && n >= 3 && memcmp(src->buf, "\xEF\xBB\xBF", 3) == 0)
				src->buf_pos = 3;
			src->started = 1;
		}
		/* Feed up to and including the next newline, so we know the line
		 * each record starts on; stop short of a NUL byte. */
		const char *p = src->buf + src->buf_pos;
		size_t avail = src->buf_len - src->buf_pos;
		const char *nl = memchr(p, '\n', avail);
		size_t take = nl ? (size_t)(nl - p) + 1 : avail;
		const char *nul = memchr(p, '\0', take);
		if (nul) {
			take = (size_t)(nul - p);
			nl = NULL;
		}
		if (src->record_bytes + take > HV_RECORD_MAX) {
			src->row = src->record_line;
			return hv_source_error(src, HAVEN_ERR_FORMAT,
			                       "a record longer than %d bytes, the most haven reads (see Limits in "
			                       "docs/formats.md); is a quote left open?",
			                       HV_RECORD_MAX);
		}
		src->record_bytes += take;
		size_t used = nl && !nul && src->nfields == 0 && src->parser.pstate == 0 && csv_plain_line(src, p, take)
		                  ? take
		                  : csv_parse(&src->parser, p, take, csv_field_cb, csv_record_cb, src);
		if (used != take) {
			src->row = src->record_line;
			int e = csv_error(&src->parser);
			return hv_source_error(src, HAVEN_ERR_FORMAT, "malformed CSV: %s (check quoting)",
			                       e == CSV_EPARSE ? "a quote in the wrong place" : csv_strerror(e));
		}
		if (src->nomem)
			return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
		if (src->long_field < 0 && src->parser.entry_pos > HV_FIELD_MAX)
			src->long_field = src->nfields; /* the field being read: say so now */
		if (src->long_field >= 0) {
			src->row = src->record_line;
			return hv_source_error(src, HAVEN_ERR_FORMAT,
			                       "%s is longer than %d bytes, the most one field may hold (see Limits in "
			                       "docs/formats.md)%s",
			                       column_label(src, src->long_field, col, sizeof col), HV_FIELD_MAX,
			                       src->parser.quoted ? "; is a quote opened there never closed?" : "");
		}
		if (src->cr_alone) {
			src->row = src->record_line;
			return hv_source_error(src, HAVEN_ERR_FORMAT,
			                       "a line ends in a carriage return alone (old Mac line endings); save "
			                       "the file with LF or CRLF line endings");
		}
		if (nul) {
			src->row = src->line;
			return hv_source_error(src, HAVEN_ERR_FORMAT,
			                       "%s holds a NUL byte, which no text does (a binary file, or UTF-16? "
			                       "save it as UTF-8 CSV)",
			                       column_label(src, src->nfields, col, sizeof col));
		}
		if (nl) {
			src->line++;
			/* A blank line: the record has not begun yet (libcsv's
			 * ROW_NOT_BEGUN state is 0). */
			if (!src->record_done && src->nfields == 0 && src->parser.pstate == 0) {
				src->record_line = src->line;
				src->record_bytes = 0;
			}
		}
		src->buf_pos += take;
	}
	if (src->record_done || src->nfields > 0) {
		*got = 1;
		src->row = src->record_line;
		if (src->bad_utf8_field >= 0)
			return hv_source_error(src, HAVEN_ERR_FORMAT,
			                       "%s is not valid UTF-8 (bad byte at offset %zu); save the file as UTF-8",
			                       column_label(src, src->bad_utf8_field, col, sizeof col),
			                       src->bad_utf8_at);
	}
	return HAVEN_OK;
}

/* The name's last extension, past a final ".gz": ".csv" for
 * "reg.2025-04.csv.gz"; "" when there is none. */
static const char *last_ext(const char *path, char *buf, size_t n)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t len = strlen(base);
	if (len > 3 && strcasecmp(base + len - 3, ".gz") == 0)
		len -= 3;
	snprintf(buf, n, "%.*s", (int)len, base);
	const char *dot = strrchr(buf, '.');
	return dot && dot != buf ? dot : "";
}

/* CSV (and text) names go to the strict reader, whatever dots come before
 * the extension; so does a name without one. */
static int is_csv_path(const char *path)
{
	char buf[256];
	const char *ext = last_ext(path, buf, sizeof buf);
	return !*ext || strcasecmp(ext, ".csv") == 0 || strcasecmp(ext, ".txt") == 0 || strcasecmp(ext, ".tsv") == 0;
}

int hv_source_is_csv(const char *path)
{
	return is_csv_path(path);
}

static haven_status open_csv(hv_source *src, const void *mem, size_t mem_len)
{
	haven_status rc = in_start(src, mem, mem_len);
	if (rc)
		return rc;
	src->buf = malloc(CHUNK);
	if (!src->buf || csv_init(&src->parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
	src->parser_init = 1;
	src->line = 1;
	int got;
	if ((rc = csv_read_record(src, &got)))
		return rc;
	if (!got)
		return hv_error(src->ctx, HAVEN_ERR_FORMAT, "%s: empty file (no header row)", src->path);
	if (src->nfields > HV_COLUMNS_MAX)
		return hv_source_error(src, HAVEN_ERR_FORMAT,
		                       "%d columns, more than the %d haven reads (see Limits in docs/formats.md)",
		                       src->nfields, HV_COLUMNS_MAX);
	src->ncols = src->nfields;
	src->colnames = calloc((size_t)src->ncols, sizeof *src->colnames);
	if (!src->colnames)
		return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
	for (int i = 0; i < src->ncols; i++)
		if (!(src->colnames[i] = strdup(src->arena + src->offs[i])))
			return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
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

static haven_status open_ogr_layer(hv_source *src, const char *name);

/* GDAL's message, with the /vsimem/ name of a memory input put back as the
 * file's own name. */
static const char *gdal_msg(hv_source *src, char *buf, size_t n)
{
	const char *m = src->watch.failed ? src->watch.msg : CPLGetLastErrorMsg();
	const char *at = src->vsimem ? strstr(m, src->vsimem) : NULL;
	if (at)
		snprintf(buf, n, "%.*s%s%s", (int)(at - m), m, src->path, at + strlen(src->vsimem));
	else
		snprintf(buf, n, "%s", m);
	return buf;
}

/* A GDAL error caught while reading is fatal: say what GDAL said. */
static haven_status ogr_failed(hv_source *src, const char *what)
{
	char m[600];
	return hv_source_error(src, HAVEN_ERR_FORMAT, "%s: %s", what, gdal_msg(src, m, sizeof m));
}

/* A spreadsheet (XLSX, ODS) is a zip of XML that GDAL unpacks and holds in
 * memory: bound what the zip says it unpacks to, before GDAL starts, so a
 * small file cannot expand without limit.  Not a zip: nothing to check. */
static haven_status check_unpacked(hv_source *src, const char *name)
{
	size_t n = strlen(name) + 16;
	char *zip = malloc(n);
	if (!zip)
		return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
	snprintf(zip, n, "/vsizip/%s", name);
	VSIDIR *dir = VSIOpenDir(zip, -1, NULL);
	int64_t total = 0;
	for (const VSIDIREntry *e; dir && (e = VSIGetNextDirEntry(dir));)
		if (e->bSizeKnown && !(e->bModeKnown && VSI_ISDIR(e->nMode)))
			total += (int64_t)e->nSize;
	if (dir)
		VSICloseDir(dir);
	free(zip);
	CPLErrorReset();
	if (total > HV_HELD_BYTES_MAX)
		return hv_error(
		    src->ctx, HAVEN_ERR_FORMAT,
		    "%s: unpacks to %lld MiB, more than the %lld MiB haven lets GDAL hold in memory for one "
		    "file (see Limits in docs/formats.md)",
		    src->path, (long long)(total >> 20), (long long)(HV_HELD_BYTES_MAX >> 20));
	return HAVEN_OK;
}

static haven_status open_ogr(hv_source *src, const void *mem, size_t mem_len)
{
	haven_status rc = HAVEN_OK;
	const char *name = src->path;
	if (mem) {
		/* GDAL reads the caller's bytes through a /vsimem/ file named like
		 * the original, so that the driver is chosen the same way. */
		const char *base = strrchr(src->path, '/');
		size_t n = strlen(src->path) + 64;
		if (!(src->vsimem = malloc(n)))
			return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
		snprintf(src->vsimem, n, "/vsimem/haven-source-%p/%s", (void *)src, base ? base + 1 : src->path);
		VSILFILE *f = VSIFileFromMemBuffer(src->vsimem, (GByte *)(uintptr_t)mem, (vsi_l_offset)mem_len, FALSE);
		if (!f)
			return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
		VSIFCloseL(f);
		name = src->vsimem;
	} else {
		/* GDAL opens by name: check first that the name is a regular file
		 * it can read without blocking, and that its size is bounded (the
		 * spreadsheet drivers hold the whole sheet in memory). */
		int fd;
		int64_t size;
		if ((rc = hv_input_open(src->ctx, src->path, &fd, &size)))
			return rc;
		close(fd);
		if (size > HV_FILE_MAX)
			return too_big(src->ctx, src->path, HV_FILE_MAX,
			               "a spreadsheet or other table read through GDAL");
	}
	if ((rc = check_unpacked(src, name)))
		return rc;
	char *saved[N_OGR_CONFIG];
	for (size_t i = 0; i < N_OGR_CONFIG; i++) {
		const char *v = CPLGetThreadLocalConfigOption(ogr_config[i][0], NULL);
		saved[i] = v ? CPLStrdup(v) : NULL;
		CPLSetThreadLocalConfigOption(ogr_config[i][0], ogr_config[i][1]);
	}
	hv_gdal_watch_begin(&src->watch);
	rc = open_ogr_layer(src, name);
	hv_gdal_watch_end();
	for (size_t i = 0; i < N_OGR_CONFIG; i++) {
		CPLSetThreadLocalConfigOption(ogr_config[i][0], saved[i]);
		CPLFree(saved[i]);
	}
	if (!rc && src->watch.failed) {
		char m[600];
		rc = hv_error(src->ctx, HAVEN_ERR_FORMAT, "%s: %s", src->path, gdal_msg(src, m, sizeof m));
	}
	return rc;
}

static haven_status open_ogr_layer(hv_source *src, const char *name)
{
	const char *opts[] = {"HEADERS=FORCE", "FIELD_TYPES=STRING", NULL};
	CPLErrorReset();
	src->ds = GDALOpenEx(name, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, NULL, opts, NULL);
	if (!src->ds) {
		/* Say what is wrong, not only which file: GDAL's own words when a
		 * reader took the file and failed, else that none recognised it. */
		char m[600];
		gdal_msg(src, m, sizeof m);
		if (!*m || strstr(m, "not recognized as a supported file format"))
			return hv_error(src->ctx, HAVEN_ERR_FORMAT,
			                "%s: cannot be read: its content is not a spreadsheet or table format haven "
			                "reads (XLSX, ODS, ...): is it really what its name says? (CSV files must be "
			                "named .csv)",
			                src->path);
		return hv_error(src->ctx, HAVEN_ERR_FORMAT, "%s: cannot be read as a table: %s", src->path, m);
	}
	if (GDALDatasetGetLayerCount(src->ds) < 1)
		return hv_error(src->ctx, HAVEN_ERR_FORMAT, "%s: no table in file", src->path);
	src->layer = GDALDatasetGetLayer(src->ds, 0);
	OGRFeatureDefnH defn = OGR_L_GetLayerDefn(src->layer);
	src->ncols = OGR_FD_GetFieldCount(defn);
	src->row = 1;
	if (src->ncols > HV_COLUMNS_MAX)
		return hv_source_error(src, HAVEN_ERR_FORMAT,
		                       "%d columns, more than the %d haven reads (see Limits in docs/formats.md)",
		                       src->ncols, HV_COLUMNS_MAX);
	src->colnames = calloc((size_t)(src->ncols ? src->ncols : 1), sizeof *src->colnames);
	if (!src->colnames)
		return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
	for (int i = 0; i < src->ncols; i++) {
		const char *cn = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
		size_t bad;
		if (!hv_utf8_valid(cn, strlen(cn), &bad))
			return hv_source_error(src, HAVEN_ERR_FORMAT,
			                       "the name of column %d is not valid UTF-8 (bad byte at offset %zu)",
			                       i + 1, bad);
		if (!(src->colnames[i] = strdup(cn)))
			return hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
	}
	return HAVEN_OK;
}

static haven_status ogr_next(hv_source *src, int *has_row)
{
	char col[200];
	clear_row(src);
	hv_gdal_watch_begin(&src->watch);
	OGRFeatureH f = OGR_L_GetNextFeature(src->layer);
	hv_gdal_watch_end();
	if (src->watch.failed) {
		OGR_F_Destroy(f);
		src->row = src->features + 2;
		return ogr_failed(src, "cannot be read");
	}
	if (!f) {
		*has_row = 0;
		return HAVEN_OK;
	}
	src->features++;
	src->row = src->features + 1;
	for (int i = 0; i < src->ncols; i++) {
		const char *v = OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "";
		size_t len = strlen(v), bad;
		haven_status rc = HAVEN_OK;
		if (len > HV_FIELD_MAX)
			rc = hv_source_error(src, HAVEN_ERR_FORMAT,
			                     "%s is longer than %d bytes, the most one field may hold (see Limits in "
			                     "docs/formats.md)",
			                     column_label(src, i, col, sizeof col), HV_FIELD_MAX);
		else if (!hv_utf8_valid(v, len, &bad))
			rc = hv_source_error(src, HAVEN_ERR_FORMAT, "%s is not valid UTF-8 (bad byte at offset %zu)",
			                     column_label(src, i, col, sizeof col), bad);
		else if (!push_field(src, v, len))
			rc = hv_error(src->ctx, HAVEN_ERR_NOMEM, "out of memory");
		if (rc) {
			OGR_F_Destroy(f);
			return rc;
		}
	}
	OGR_F_Destroy(f);
	*has_row = 1;
	return HAVEN_OK;
}

/* ---- public ----------------------------------------------------------- */

/* Two columns of one name would make every lookup by name a guess. */
static haven_status check_names(hv_source *src)
{
	for (int i = 0; i < src->ncols; i++) {
		if (!*src->colnames[i])
			continue; /* known by its number */
		for (int k = 0; k < i; k++)
			if (*src->colnames[k] && hv_colname_eq(src->colnames[k], src->colnames[i])) {
				src->row = 1;
				return hv_source_error(src, HAVEN_ERR_DUPLICATE,
				                       "columns %d ('%s') and %d ('%s') have the same name; rename one",
				                       k + 1, src->colnames[k], i + 1, src->colnames[i]);
			}
	}
	return HAVEN_OK;
}

static haven_status source_open(haven_ctx *ctx, const char *path, const void *mem, size_t mem_len, hv_source **out)
{
	*out = NULL;
	hv_source *src = calloc(1, sizeof *src);
	if (!src)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	src->ctx = ctx;
	src->fd = -1;
	src->max_rows = HV_ROWS_MAX;
	src->path = strdup(path);
	if (!src->path) {
		free(src);
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	}
	src->is_csv = is_csv_path(path);
	haven_status rc = src->is_csv ? open_csv(src, mem, mem_len) : open_ogr(src, mem, mem_len);
	if (!rc && !src->is_csv && strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(src->ds)), "CSV") == 0) {
		/* GDAL's CSV driver takes what the strict reader refuses
		 * (missing fields, open quotes): CSV is read strictly whatever
		 * the name says. */
		GDALClose(src->ds);
		src->ds = NULL;
		for (int i = 0; i < src->ncols; i++)
			free(src->colnames[i]);
		free(src->colnames);
		src->colnames = NULL;
		src->ncols = 0;
		src->is_csv = 1;
		rc = open_csv(src, mem, mem_len);
	}
	if (!rc)
		rc = check_names(src);
	if (rc) {
		hv_source_close(src);
		return rc;
	}
	*out = src;
	return HAVEN_OK;
}

haven_status hv_source_open(haven_ctx *ctx, const char *path, hv_source **out)
{
	return source_open(ctx, path, NULL, 0, out);
}

haven_status hv_source_open_mem(haven_ctx *ctx, const char *path, const void *data, size_t len, hv_source **out)
{
	/* A non-NULL pointer marks a memory input, even for zero bytes. */
	return source_open(ctx, path, data ? data : "", len, out);
}

void hv_source_hold(hv_source *src)
{
	src->max_rows = HV_HELD_ROWS_MAX;
	src->max_bytes = HV_HELD_BYTES_MAX;
}

void hv_source_close(hv_source *src)
{
	if (!src)
		return;
	if (src->parser_init)
		csv_free(&src->parser);
	in_close(src);
	if (src->ds)
		GDALClose(src->ds);
	if (src->vsimem) {
		VSIUnlink(src->vsimem);
		free(src->vsimem);
	}
	for (int i = 0; src->colnames && i < src->ncols; i++)
		free(src->colnames[i]);
	free(src->colnames);
	free(src->buf);
	free(src->arena);
	free(src->offs);
	free(src->path);
	free(src);
}

int hv_source_ncols(const hv_source *src)
{
	return src->ncols;
}

const char *hv_source_colname(const hv_source *src, int i)
{
	return src->colnames[i];
}

int hv_source_find(const hv_source *src, const char *const *candidates)
{
	for (; *candidates; candidates++)
		for (int i = 0; i < src->ncols; i++)
			if (hv_colname_eq(src->colnames[i], *candidates))
				return i;
	return -1;
}

haven_status hv_source_column(hv_source *src, const char *const *candidates, const char *what, int *out)
{
	*out = hv_source_find(src, candidates);
	if (*out < 0)
		return HAVEN_OK;
	for (int i = 0; i < src->ncols; i++) {
		if (i == *out)
			continue;
		for (const char *const *c = candidates; *c; c++)
			if (hv_colname_eq(src->colnames[i], *c)) {
				int a = i < *out ? i : *out, b = i < *out ? *out : i;
				src->row = 1;
				return hv_source_error(src, HAVEN_ERR_DUPLICATE,
				                       "columns %d ('%s') and %d ('%s') both give %s; keep one", a + 1,
				                       src->colnames[a], b + 1, src->colnames[b], what);
			}
	}
	return HAVEN_OK;
}

haven_status hv_source_next(hv_source *src, int *has_row)
{
	*has_row = 0;
	haven_status rc;
	int got = 0;
	if (!src->is_csv)
		rc = ogr_next(src, &got);
	else if (!(rc = csv_read_record(src, &got)) && got && src->nfields != src->ncols)
		rc = hv_source_error(src, HAVEN_ERR_FORMAT, "%d fields where the header has %d", src->nfields,
		                     src->ncols);
	if (rc || !got)
		return rc;
	if (++src->rows > src->max_rows)
		return hv_source_error(src, HAVEN_ERR_FORMAT,
		                       "more than %lld rows, the most haven reads from one file of this kind (see "
		                       "Limits in docs/formats.md)",
		                       (long long)src->max_rows);
	*has_row = 1;
	return HAVEN_OK;
}

const char *hv_source_field(const hv_source *src, int i)
{
	if (i < 0 || i >= src->nfields)
		return "";
	return src->arena + src->offs[i];
}

int64_t hv_source_row(const hv_source *src)
{
	return src->row;
}

const char *hv_source_path(const hv_source *src)
{
	return src->path;
}

void hv_source_position(const hv_source *src, int64_t *done, int64_t *total)
{
	if (src->is_csv) {
		*done = src->raw_done;
		*total = src->size;
	} else {
		*done = src->features;
		*total = src->layer ? (int64_t)OGR_L_GetFeatureCount(src->layer, 0) : 0;
		if (*total < 0)
			*total = 0;
	}
}
