/*
 * source_int.h - read any tabular input row by row, with file:row in every error.
 *
 * CSV (plain or gzipped, by content) is parsed strictly with libcsv: a stray
 * or unterminated quote, a row whose field count differs from the header's,
 * or bytes that are not UTF-8 are errors naming the file, the row (the line
 * the record starts on; the header is row 1) and the column.  Every other
 * format (XLSX, ODS, GeoPackage, ...) is read through GDAL/OGR's first layer,
 * with its fields as text; there "row" is the spreadsheet row.
 */
#ifndef HAVEN_SOURCE_INT_H
#define HAVEN_SOURCE_INT_H

#include "context_int.h"

typedef struct hv_source hv_source;

/** Open path and read its header.  *out is freed with hv_source_close(). */
haven_status hv_source_open(haven_ctx *ctx, const char *path, hv_source **out);
void hv_source_close(hv_source *src);

/** Number of columns, and the name of column i as written (BOM removed). */
int hv_source_ncols(const hv_source *src);
const char *hv_source_colname(const hv_source *src, int i);

/** Index of the first column whose name matches any of the NULL-terminated
 *  candidates, or -1.  Names match ignoring case and every character that is
 *  not a letter or digit ("Address 1" matches "address_1"). */
int hv_source_find(const hv_source *src, const char *const *candidates);

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

/** Record an error prefixed "PATH: row N: " on the source's context. */
haven_status hv_source_error(hv_source *src, haven_status st, const char *fmt, ...) HV_PRINTF(3, 4);

/** Compare two column names the way hv_source_find does. */
int hv_colname_eq(const char *a, const char *b);

/** 1 if s[0..n) is valid UTF-8 (no overlongs, no surrogates). Sets *bad to
 *  the offset of the first bad byte otherwise. */
int hv_utf8_valid(const char *s, size_t n, size_t *bad);

#endif
