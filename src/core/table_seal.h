/*
 * table_seal.h - what only the gate may do to a table (table.c).
 *
 * Included by src/core/table.c, which implements it, and the files of src/gate, the
 * only callers: tests/layers.py fails if any other file includes it, so no
 * file outside the gate can unseal a table and produce output from it.
 */
#ifndef HAVEN_CORE_TABLE_SEAL_H
#define HAVEN_CORE_TABLE_SEAL_H

#include "core/table.h"

/** Whether t holds disclosed data, and what its audit entry names. */
hv_table_class hv_table_class_of(const haven_table *t);
const char *hv_table_object_of(const haven_table *t);

/** Drop every row r with keep[r] == 0 (keep has hv_table_rows(t) entries). */
void hv_table_keep_rows(haven_table *t, const unsigned char *keep);

/** Drop the columns withheld (hv_table_withhold_column), and with them
 *  the declared sums, hierarchies and relations, whose columns they
 *  number: they have served disclosure control. */
void hv_table_drop_withheld_columns(haven_table *t);

/** Replace the cell at (row, col) with text s (disclosure control's
 *  symbols).  s copied; NULL makes a NULL cell. */
haven_status hv_table_put_text(haven_ctx *ctx, haven_table *t, size_t row, int col, const char *s);

/** Replace the cell at (row, col) with a number (disclosure control's
 *  rounded counts and rates). */
void hv_table_put_int(haven_table *t, size_t row, int col, int64_t v);
void hv_table_put_real(haven_table *t, size_t row, int col, double v);

/** Unseal t: its rows can now be read and written; every writer carries
 *  marking (borrowed, static; NULL for none). */
void hv_table_unseal(haven_table *t, const char *marking);

#endif
