/*
 * table_int.h - building result tables inside the library.
 */
#ifndef HAVEN_TABLE_INT_H
#define HAVEN_TABLE_INT_H

#include "core/context.h"
#include "haven/table.h"

/** New empty table with ncols columns named names[0..ncols). Copies names. */
haven_status hv_table_new(haven_ctx *ctx, const char *title, int ncols, const char *const *names, haven_table **out);

/** Append an empty row (all NULL); then set its cells. */
haven_status hv_table_add_row(haven_ctx *ctx, haven_table *t);
haven_status hv_table_set_text(haven_ctx *ctx, haven_table *t, int col, const char *s); /* NULL -> NULL cell */
haven_status hv_table_set_int(haven_ctx *ctx, haven_table *t, int col, int64_t v);
haven_status hv_table_set_real(haven_ctx *ctx, haven_table *t, int col, double v);

/** Build a table from every row of a prepared statement (already bound),
 *  columns named as the statement names them.  The statement is reset,
 *  not finalized. */
haven_status hv_table_from_stmt(haven_ctx *ctx, const char *title, sqlite3_stmt *st, haven_table **out);

/** The value a CSV cell written by haven stands for.  haven's CSV writer
 *  puts an apostrophe before a text cell that a spreadsheet would run as a
 *  formula (one that, after any apostrophes, begins with = + - @ TAB or CR;
 *  not a plain decimal number such as "-1.5491"); this takes one away again:
 *  cell + 1 when cell begins with an apostrophe and is such a cell, else cell
 *  itself.  Borrowed: points into cell. */
const char *hv_csv_value(const char *cell);

#endif
