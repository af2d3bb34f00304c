/*
 * haven/table.h - a result table (named columns with roles, typed cells) and
 * its writers.
 *
 * Every listing haven produces (register changes, summaries, geocoding
 * reports, complaints, ...) is a haven_table, and every table is made
 * **sealed**: its rows cannot be read or written until haven_release()
 * (haven/gate.h) has applied the disclosure rules to it - the acting user's
 * scope, disclosure control, the audit entry and the protective marking.
 * A sealed table's rows and cells are refused with HAVEN_ERR_DENIED and a
 * message on the context; only its shape (columns, roles, title) may be
 * read.  See docs/disclosure.md ("The gate").
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

typedef enum haven_cell_type {
	HAVEN_CELL_NULL = 0,
	HAVEN_CELL_INT,
	HAVEN_CELL_REAL,
	HAVEN_CELL_TEXT,
	HAVEN_CELL_GEOM /* a geometry: ISO WKB, EPSG:27700 */
} haven_cell_type;

/** What a column holds, which decides what the gate does with it.  Every
 *  column of a table of disclosed data has one; a column without one is
 *  never released (the gate fails closed). */
typedef enum haven_role {
	HAVEN_ROLE_NONE = 0, /* not declared */
	HAVEN_ROLE_LABEL,    /* a category, status, date or number that identifies no home or person */
	HAVEN_ROLE_AREA,     /* an area's code; sub: its kind (la, district, pfa, region, england), or
	                        "any" when rows of several levels share the column (the kind is read
	                        from the GSS code's prefix), or "placing": the LA that placed the
	                        children a row counts (in scope when the LA is, or when the table
	                        was counted under the audience's own scope) */
	HAVEN_ROLE_HOME,     /* a home's URN */
	HAVEN_ROLE_COUNT,    /* a count; sub: children, episodes, homes, places (its disclosure class),
	                        distinct (people counted once per row, who do not add up to a parent's
	                        count: suppressed as children are, in no parent's total), or
	                        published: an official statistic as its publisher released it (already
	                        controlled, perhaps rounded: it passes as it is, and adds up to nothing) */
	HAVEN_ROLE_RATE,     /* a rate or ratio; sub: the column holding its numerator, if the table has it
	                        (a rate whose numerator is suppressed is suppressed) */
	HAVEN_ROLE_GEOMETRY, /* a geometry cell; sub: point (a home's place), area (an aggregate's shape) or
	                        hull (an outline drawn around places where children were: a cluster's, or one
	                        such place; the table has a count:distinct column of the children each row
	                        is drawn around) */
	HAVEN_ROLE_TEXT,     /* free text about a home or a person: names, addresses, telephones, notes */
	HAVEN_ROLE_PARENT    /* the code of the area whose published total counts this row (an LA's
	                        region, a region's England), for disclosure control; empty at the top */
} haven_role;

/** Number of columns; title (may be ""), column name: borrowed, owned by
 *  the table.  Allowed on a sealed table. */
int haven_table_ncols(const haven_table *t);
const char *haven_table_title(const haven_table *t);
const char *haven_table_colname(const haven_table *t, int col);

/** Column col's role; *sub (if not NULL) receives its sub ("la", "homes",
 *  ... or ""), borrowed.  Allowed on a sealed table. */
haven_role haven_table_role(const haven_table *t, int col, const char **sub);

/** Index of the column named name, or -1.  Allowed on a sealed table. */
int haven_table_find(const haven_table *t, const char *name);

/** The table's metadata (what it is of, its as-at date, the disclosure rule
 *  applied and what it changed, its sources...): the value of key, or NULL;
 *  and the keys in the order they were set.  Borrowed, owned by the table.
 *  Allowed on a sealed table. */
const char *haven_table_meta(const haven_table *t, const char *key);
size_t haven_table_meta_count(const haven_table *t);
const char *haven_table_meta_key(const haven_table *t, size_t i);

/** 1 while t is sealed (not yet released by haven_release). */
int haven_table_sealed(const haven_table *t);

/** The protective marking the gate gave t when it released it
 *  ("OFFICIAL-SENSITIVE" for disclosed data), which every copy of its rows
 *  must carry; NULL for a table of no disclosed data, one released for
 *  publication, or one still sealed.  Static. */
const char *haven_table_marking(const haven_table *t);

/** Number of rows.  A sealed table is refused: 0, and HAVEN_ERR_DENIED on
 *  ctx (haven_errcode, haven_errmsg). */
size_t haven_table_nrows(haven_ctx *ctx, const haven_table *t);

/** Cell accessors.  Text and WKB are borrowed, owned by the table; a NULL
 *  cell reads as type HAVEN_CELL_NULL, text NULL and numbers 0; the text of
 *  a geometry is its WKT (EPSG:27700, to the centimetre).  A sealed
 *  table is refused: NULL cell, and HAVEN_ERR_DENIED on ctx. */
haven_cell_type haven_table_type(haven_ctx *ctx, const haven_table *t, size_t row, int col);
const char *haven_table_text(haven_ctx *ctx, const haven_table *t, size_t row, int col);
int64_t haven_table_int(haven_ctx *ctx, const haven_table *t, size_t row, int col);
double haven_table_real(haven_ctx *ctx, const haven_table *t, size_t row, int col);
const unsigned char *haven_table_geom(haven_ctx *ctx, const haven_table *t, size_t row, int col, size_t *len);

/** Write a released table to out: TEXT is aligned columns under a title,
 *  CSV is RFC 4180 with a header row, JSON is an array of objects with
 *  typed values (an object with the marking, title and rows when the table
 *  is marked); geometries as WKT in EPSG:27700.  Disclosed data carries its
 *  marking (a banner above and below text, a protective_marking column in
 *  CSV, a member in JSON).  t and out are borrowed.
 * \return HAVEN_ERR_DENIED for a sealed table; HAVEN_ERR_IO when writing fails. */
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
