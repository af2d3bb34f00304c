/*
 * source_int.h - read any tabular input row by row, with file:row in every error.
 *
 * CSV (plain or gzipped, by content) is parsed strictly with libcsv: a stray
 * or unterminated quote, a row whose field count differs from the header's,
 * a NUL byte, a line ending in a carriage return alone, or bytes that are
 * not UTF-8 are errors naming the file, the row (the line the record starts
 * on; the header is row 1) and the column.  A gzip stream must end cleanly:
 * a truncated or corrupt stream, or bytes after it, is an error, never an
 * early end of file.  Every other format (XLSX, ODS, GeoPackage, ...) is read
 * through GDAL/OGR's first layer, with its fields as text; there "row" is the
 * spreadsheet row, and any error GDAL raises while reading is fatal.  Which
 * reader is used depends on the name's last extension (".csv", ".csv.gz", no
 * extension: CSV); GDAL's own, lenient CSV driver is never used.
 *
 * Only regular files are read: a FIFO, a device or a directory is refused
 * before anything blocks on it.  The limits below keep every reader's memory
 * bounded; they are documented in docs/formats.md ("Limits").
 */
#ifndef HAVEN_SOURCE_INT_H
#define HAVEN_SOURCE_INT_H

#include "core/context.h"
#include "core/text.h"

/* Limits.  A field may hold any spreadsheet cell (32,767 characters, at
 * most 4 bytes each in UTF-8); a record, many fields; the row limit leaves
 * room for OS Open UPRN (about 41 million rows). */
#define HV_FIELD_MAX (128 * 1024)       /* bytes in one field */
#define HV_RECORD_MAX (1024 * 1024)     /* bytes in one CSV record (all its lines) */
#define HV_COLUMNS_MAX 1024             /* columns in a header */
#define HV_ROWS_MAX 100000000LL         /* data rows in a file read as a stream */
#define HV_HELD_ROWS_MAX 100000LL       /* data rows of a file kept whole in memory */
#define HV_HELD_BYTES_MAX (256LL << 20) /* its content, after gunzip */
#define HV_FILE_MAX (64LL << 20)        /* a file read whole into memory (a register, a spreadsheet) */

typedef struct hv_source hv_source;

/** Open path and read its header.  *out is freed with hv_source_close().
 *  Two columns with the same name (as hv_colname_eq compares them; columns
 *  with an empty name are known by number) are HAVEN_ERR_DUPLICATE. */
haven_status hv_source_open(haven_ctx *ctx, const char *path, hv_source **out);

/** hv_source_open on len bytes at data (borrowed: they must outlive the
 *  source), as if read from path: the reader is chosen from path's name and
 *  path is the name in messages.  So a caller that has hashed a file's bytes
 *  parses exactly those bytes. */
haven_status hv_source_open_mem(haven_ctx *ctx, const char *path, const void *data, size_t len, hv_source **out);

/** The caller keeps every row in memory: from now on the source allows
 *  HV_HELD_ROWS_MAX rows and HV_HELD_BYTES_MAX bytes of content. */
void hv_source_hold(hv_source *src);

void hv_source_close(hv_source *src);

/** 1 if path goes to the strict CSV reader: its last extension, past a
 *  final ".gz", is .csv, .txt or .tsv, or it has none; else GDAL reads it. */
int hv_source_is_csv(const char *path);

/** Number of columns, and the name of column i as written (BOM removed). */
int hv_source_ncols(const hv_source *src);
const char *hv_source_colname(const hv_source *src, int i);

/** Index of the first column whose name matches any of the NULL-terminated
 *  candidates, or -1.  Names match ignoring case and every character that is
 *  not a letter or digit ("Address 1" matches "address_1"). */
int hv_source_find(const hv_source *src, const char *const *candidates);

/** The one column for a field known by several names: *out as
 *  hv_source_find (-1 when absent).  A second column matching any of the
 *  candidates is HAVEN_ERR_DUPLICATE, "row 1: columns 5 ('Postcode') and 6
 *  ('Postal code') both give WHAT; keep one". */
haven_status hv_source_column(hv_source *src, const char *const *candidates, const char *what, int *out);

/** Advance to the next data row.  *has_row is 0 at the end of the input.
 *  Blank lines are skipped. */
haven_status hv_source_next(hv_source *src, int *has_row);

/** Field i of the current row, borrowed until the next hv_source_next();
 *  "" for an empty field. */
const char *hv_source_field(const hv_source *src, int i);

/** Row number of the current row (the header is row 1). */
int64_t hv_source_row(const hv_source *src);

/** Bytes consumed so far and total bytes (0 if unknown), for progress. */
void hv_source_position(const hv_source *src, int64_t *done, int64_t *total);

/** The path as given to hv_source_open (borrowed). */
const char *hv_source_path(const hv_source *src);

/** Record an error prefixed "PATH: row N: " on the source's context.  On a
 *  gzip input the rest of the stream is read first: if it is damaged, that
 *  is the error (a corrupt stream gives garbage rows before its checksum
 *  fails). */
haven_status hv_source_error(hv_source *src, haven_status st, const char *fmt, ...) HV_PRINTF(3, 4);

/** hv_source_error for an earlier row (a reader that checks rows in batches). */
haven_status hv_source_error_row(hv_source *src, int64_t row, haven_status st, const char *fmt, ...) HV_PRINTF(4, 5);

/** A row's (or a feature's) fault: its status and reason, without file and
 *  row, for the error or the reject file an importer writes. */
typedef struct hv_fault {
	haven_status st;
	char why[640];
} hv_fault;

/** Set f to st and the reason fmt: returns st. */
haven_status hv_fault_set(hv_fault *f, haven_status st, const char *fmt, ...) HV_PRINTF(3, 4);

/** Compare two column names the way hv_source_find does, whatever their length. */
int hv_colname_eq(const char *a, const char *b);

/** Open path for reading as an input file: HAVEN_ERR_IO, naming what it is,
 *  for a FIFO, device, directory or anything else that is not a regular
 *  file (opened without blocking, so a FIFO with no writer cannot hang).
 *  *fd is closed by the caller; *size is the file's size. */
haven_status hv_input_open(haven_ctx *ctx, const char *path, int *fd, int64_t *size);

/** Read the regular file at path whole, once: *data (freed with free(),
 *  NUL-terminated after *len bytes).  A file of more than max bytes is
 *  HAVEN_ERR_FORMAT, naming what (e.g. "a register file") and the limit. */
haven_status hv_input_read(haven_ctx *ctx, const char *path, int64_t max, const char *what, unsigned char **data,
                           size_t *len);

/** Check that the gzip file at path decompresses cleanly to its end (every
 *  member's CRC and length, nothing after the last), for files another
 *  library (GDAL's /vsigzip/) reads by name.  A file that does not begin
 *  with gzip's magic bytes is left to that library.  HAVEN_ERR_FORMAT
 *  naming the file and what is wrong. */
haven_status hv_input_check_gzip(haven_ctx *ctx, const char *path);

#endif
