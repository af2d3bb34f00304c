/*
 * table.h - building result tables inside the library (table.c).
 *
 * Every table is made sealed, and says at birth whether it holds disclosed
 * data (HV_TABLE_DISCLOSED: anything derived from the register, the audit
 * log or complaints) or not (HV_TABLE_PUBLIC: purposes, boundary lookups,
 * lists of the store's own users, reports meant for publication).  A
 * disclosed table names a role for every column (hv_table_roles) and what
 * its audit entry will say (hv_table_object); the gate releases it.
 */
#ifndef HAVEN_CORE_TABLE_H
#define HAVEN_CORE_TABLE_H

#include <stdio.h>

#include "core/context.h"
#include "haven/table.h"

typedef enum hv_table_class {
	HV_TABLE_PUBLIC = 1,   /* holds no disclosed data: released as it is, unmarked, unaudited */
	HV_TABLE_DISCLOSED = 2 /* holds disclosed data: released through scope, control, audit, marking */
} hv_table_class;

/** New empty sealed table with ncols columns named names[0..ncols) (copied).
 * \param out on HAVEN_OK a new table; caller frees with haven_table_free(). */
haven_status hv_table_new(haven_ctx *ctx, const char *title, hv_table_class cls, int ncols, const char *const *names,
                          haven_table **out);

/** A sealed table of every row of a prepared statement (already bound),
 *  columns named as the statement names them; a BLOB column is read as a
 *  geometry (WKB).  The statement is reset, not finalized.
 * \param out on HAVEN_OK a new table; caller frees with haven_table_free(). */
haven_status hv_table_from_stmt(haven_ctx *ctx, const char *title, hv_table_class cls, sqlite3_stmt *st,
                                haven_table **out);

/** The usual way a listing of disclosed data is made: a sealed table of
 *  every row of st (hv_table_from_stmt), its columns given roles, its audit
 *  entry naming object (NULL: the title).  On failure *out is NULL.
 * \param out on HAVEN_OK a new table; caller frees with haven_table_free(). */
haven_status hv_table_listing(haven_ctx *ctx, const char *title, sqlite3_stmt *st, const char *roles,
                              const char *object, haven_table **out);

/** Give columns their roles: spec is "column=role[:sub] ..." separated by
 *  spaces, roles as haven_role (label, area:la|district|pfa|region|england|any|placing, home,
 *  count:children|episodes|homes|places|distinct, rate, geometry:point|area, text).
 * \return HAVEN_ERR_USAGE for an unknown column, role or sub (a bug). */
haven_status hv_table_roles(haven_ctx *ctx, haven_table *t, const char *spec);

/** Declare that, in every row, column total is the sum of the columns
 *  parts ("a b c", separated by spaces): disclosure control must not let a
 *  suppressed part be recovered from the total and the others.  Copied.
 * \return HAVEN_ERR_USAGE for an unknown column (a bug). */
haven_status hv_table_sum(haven_ctx *ctx, haven_table *t, const char *total, const char *parts);

/** A hierarchy of rows: each row's cell in column parent (role parent)
 *  names the code, in column code, of the row holding its total among the
 *  rows with the same cells in the key columns.  Declared with
 *  hv_table_hierarchy; disclosure control makes every parent the sum of its
 *  rows, per count column, in every hierarchy declared (gate/control.c). */
typedef struct hv_hierarchy {
	int code, parent; /* columns */
	int *keys;        /* the key columns */
	int *pkeys;       /* the columns holding the parent's key: keys[k] itself, or as declared */
	size_t nkeys;
} hv_hierarchy;

/** Declare a hierarchy (column names; keys separated by spaces, NULL or ""
 *  for none).  A table may declare several: areas within a period
 *  ("area_code", "parent", "period": the parent of (an LA, 2024-03) is (its
 *  region, 2024-03)) and periods within an area ("period",
 *  "period_parent", "area_code": (an LA, 2024-03) adds up to (the LA,
 *  2024-25 Q1)); a matrix of flows with its margins is two (placing LA
 *  within a host LA, and host LA within a placing LA).  A key written
 *  "key:column" is one whose parent has another value, the row's cell in
 *  column: ("placing_code", "placing_region", "host_code:host_region"):
 *  the flow (LA a, LA b) adds up, with the other LAs' flows of the same two
 *  regions, to the flow (a's region, b's region) - a block of the matrix
 *  into the matrix of regions.  A table declaring none has one when it has
 *  an area column and a parent column: (the first area column, the first
 *  parent column, no keys).  Copied.
 * \return HAVEN_ERR_USAGE for an unknown column, or a parent column without
 *         the role parent (a bug). */
haven_status hv_table_hierarchy(haven_ctx *ctx, haven_table *t, const char *code, const char *parent, const char *keys);

/** The hierarchies declared (borrowed, owned by the table). */
size_t hv_table_hierarchies(const haven_table *t, const hv_hierarchy **out);

/** A term of a declared relation: coef (+1 or -1) times the cell (row, col). */
typedef struct hv_term {
	size_t row;
	int col, coef;
} hv_term;

/** Declare that the cells of terms[0..n) add up to 0 (each times its
 *  coef): a relation across rows and columns that hierarchies and column
 *  sums cannot state, such as a capacity table's children placed in an
 *  LA's own homes and the diagonal flow of the matrix of placements held
 *  with it (analysis/placements.c).  Disclosure control adds it to what
 *  the audience knows; one with a term in a row out of the audience's
 *  scope is left out.  The rows must exist; copied.
 * \return HAVEN_ERR_USAGE for a term outside the table or a coef other
 *         than +1 or -1 (a bug). */
haven_status hv_table_relation(haven_ctx *ctx, haven_table *t, const hv_term *terms, size_t n);

/** The relations declared: how many, and all their terms (borrowed, owned
 *  by the table), each relation's ended by a term of coef 0. */
size_t hv_table_relations(const haven_table *t, const hv_term **terms);

/** Withhold column col: disclosure control reads it like any other, then
 *  the gate drops it before release, with the rows withheld.  For the
 *  columns of a linked table's rows held in another's (the flows between
 *  LAs held with a capacity table, analysis/placements.c). */
void hv_table_withhold_column(haven_table *t, int col);

/** Withhold the last row added: disclosure control counts it as a
 *  published row (its cells are suppressed, rounded and audited with the
 *  others, and its totals protect and are protected), then the gate drops
 *  it before release.  For the rows of a hierarchy another request
 *  publishes: every request then gets the same control of the same cells,
 *  so no two can be differenced (analysis/missing_trends.c). */
void hv_table_withhold_row(haven_table *t);
int hv_table_row_withheld(const haven_table *t, size_t row);

/** Control the last row added first: disclosure control protects the rows
 *  so marked on their own, as a table of them alone would be released,
 *  then the others with them, their cells' suppression fixed (never a
 *  complement, never undone; audited again with the others' totals).  For
 *  linked tables: the detailed one (flows between LAs) released as it is
 *  alone, its aggregate (flows between regions) controlled so as not to
 *  undo it (analysis/placements.c). */
void hv_table_control_first(haven_table *t);
int hv_table_row_first(const haven_table *t, size_t row);

/** The column sums declared: how many, and sum i's total column and its
 *  part columns (borrowed, owned by the table). */
size_t hv_table_sums(const haven_table *t);
int hv_table_sum_total(const haven_table *t, size_t i);
size_t hv_table_sum_parts(const haven_table *t, size_t i, const int **parts);

/** Set metadata key to value (both copied; a key set again is replaced).
 *  Exports carry every key; see haven_table_meta(). */
haven_status hv_table_meta_set(haven_ctx *ctx, haven_table *t, const char *key, const char *value);

/** The disclosure rule a table asks the gate to apply, where it is stricter
 *  than the gate's defaults (the gate never applies a weaker one). */
typedef struct hv_control_rule {
	int threshold; /* counts of children or episodes from 1 to threshold are suppressed; 0: default */
	int k_homes;   /* district and grid cells holding fewer homes are suppressed; 0: default */
} hv_control_rule;

/** Disclosure control's defaults: counts of children or episodes from 1 to
 *  HV_CONTROL_THRESHOLD are suppressed; district and grid cells of fewer
 *  than HV_CONTROL_K_HOMES homes are suppressed (and grid cells merge
 *  upward until they hold that many, analysis/aggregate.c).  A table may
 *  ask for more (hv_table_set_rule), never less.  They are also the
 *  protection margins of the audit (gate/control.c, docs/disclosure.md). */
#define HV_CONTROL_THRESHOLD 5
#define HV_CONTROL_K_HOMES 10
/** The fewest distinct children a hull (geometry:hull) may be drawn around
 *  to be released outside a police force (gate/gate.c); an analysis that
 *  counts hulls for a user (analysis/assess.c) counts the same ones. */
#define HV_HULL_CHILDREN 5

void hv_table_set_rule(haven_table *t, const hv_control_rule *rule);
const hv_control_rule *hv_table_rule(const haven_table *t);

/** A table of flows asks the gate to keep only its top largest flows once
 *  control has run (gate/fold.c: ranked by published counts, the rest as
 *  "other"); 0, every flow.  Every road out of a flow matrix (haven
 *  placements flows, haven export, haven map) so folds the same controlled
 *  cells. */
void hv_table_set_top(haven_table *t, int top);
int hv_table_top(const haven_table *t);

/** What the audit entry says was consulted when t is released (copied);
 *  the title when never set.  Never the data itself. */
haven_status hv_table_object(haven_ctx *ctx, haven_table *t, const char *object);

/** Append an empty row (all NULL); then set its cells. */
haven_status hv_table_add_row(haven_ctx *ctx, haven_table *t);
haven_status hv_table_set_text(haven_ctx *ctx, haven_table *t, int col, const char *s); /* NULL -> NULL cell */
haven_status hv_table_set_int(haven_ctx *ctx, haven_table *t, int col, int64_t v);
haven_status hv_table_set_real(haven_ctx *ctx, haven_table *t, int col, double v);
/** A geometry cell from n bytes of ISO WKB in EPSG:27700 (copied). */
haven_status hv_table_set_geom(haven_ctx *ctx, haven_table *t, int col, const unsigned char *wkb, size_t n);

/** The library's own reading of its tables, sealed or not, for computing
 *  (counting places, finding a row): never for output.  Same conventions as
 *  the public accessors; text and WKB borrowed. */
size_t hv_table_rows(const haven_table *t);
haven_cell_type hv_table_cell_type(const haven_table *t, size_t row, int col);
const char *hv_table_cell_text(const haven_table *t, size_t row, int col);
int64_t hv_table_cell_int(const haven_table *t, size_t row, int col);
double hv_table_cell_real(const haven_table *t, size_t row, int col);
const unsigned char *hv_table_cell_geom(const haven_table *t, size_t row, int col, size_t *len);

/** Write s as one CSV cell (RFC 4180 quoting; a text cell a spreadsheet
 *  would evaluate is neutralised with an apostrophe unless number is set):
 *  the one CSV cell writer, for files written row by row (an import's
 *  rejects) as well as for tables. */
void hv_csv_cell(FILE *out, const char *s, int number);

#endif
