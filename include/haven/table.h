/*
 * haven/table.h - a result table (named columns, typed cells) and its writers.
 *
 * Every listing haven produces (register changes, summaries, geocoding
 * reports, ...) is a haven_table, and every table leaves the library through
 * haven_table_write(): the one road out, where the disclosure rules apply.
 */
#ifndef HAVEN_TABLE_H
#define HAVEN_TABLE_H

#include <stdint.h>
#include <stdio.h>
#include "haven/context.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct haven_table haven_table;

typedef enum haven_format { HAVEN_FMT_TEXT = 0, HAVEN_FMT_CSV, HAVEN_FMT_JSON } haven_format;

typedef enum haven_cell_type { HAVEN_CELL_NULL = 0, HAVEN_CELL_INT, HAVEN_CELL_REAL, HAVEN_CELL_TEXT } haven_cell_type;

/** Number of rows and columns. */
size_t haven_table_nrows(const haven_table *t);
int haven_table_ncols(const haven_table *t);

/** Title (may be ""), column name; borrowed, owned by the table. */
const char *haven_table_title(const haven_table *t);
const char *haven_table_colname(const haven_table *t, int col);

/** Cell accessors.  Text is borrowed, owned by the table; a NULL cell reads
 *  as type HAVEN_CELL_NULL, text NULL and numbers 0. */
haven_cell_type haven_table_type(const haven_table *t, size_t row, int col);
const char *haven_table_text(const haven_table *t, size_t row, int col);
int64_t haven_table_int(const haven_table *t, size_t row, int col);
double haven_table_real(const haven_table *t, size_t row, int col);

/** Index of the column named name, or -1. */
int haven_table_find(const haven_table *t, const char *name);

/** Write t to out: TEXT is aligned columns under a title, CSV is RFC 4180
 *  with a header row, JSON is an array of objects with typed values.
 *  t and out are borrowed. */
haven_status haven_table_write(haven_ctx *ctx, const haven_table *t, haven_format fmt, FILE *out);

/** Write s to out as text that cannot drive a terminal: every control
 *  character (C0, TAB and newline included; DEL; C1, U+0080..U+009F) and
 *  every byte that is not part of valid UTF-8 is written as a visible escape
 *  "\xHH" (ESC is "\x1b"); everything else as it is.  Returns the width
 *  written, in characters.  out NULL: nothing is written, the width is only
 *  measured.  s and out are borrowed.  Every text listing goes through it, and
 *  the CLI prints messages and data through it. */
size_t haven_text_escape(FILE *out, const char *s);

/** Free a table; NULL is a harmless no-op. */
void haven_table_free(haven_table *t);

#ifdef __cplusplus
}
#endif
#endif
