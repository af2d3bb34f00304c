/*
 * control.c - disclosure control: what an audience that may have aggregates
 * only (DfE, the Children's Commissioner, probation, the public) is shown of
 * a table's counts and rates.  docs/disclosure.md ("Disclosure control") is
 * the contract; tests/unit/test_control.c its adversarial cases.
 *
 * 1. Primary suppression by disclosure class: a count of children or
 *    episodes from 1 to the threshold (5; a table may ask for more) becomes
 *    "c".  Counts of homes and places are published by Ofsted per LA and
 *    pass at LA, PFA, region and England level; on a district or grid row no
 *    cell may stand for fewer than K homes (10; a table may ask for more).
 *    True zeros stay 0: they are never suppressed, so "c" is never a zero.
 * 2. Rounding: regional and national counts of children and episodes to the
 *    nearest 10 (rates to 1 decimal, at the end).
 * 3. Secondary suppression.  The table's published totals are linear
 *    relations between its cells: a row's parent holds the sum of its
 *    children, per count column (LA -> region -> England), and a declared
 *    column sum holds the sum of its parts, per row.  First no relation may
 *    be left with a single suppressed cell (each gets a complement); then
 *    every suppressed cell is audited with a linear program (GLPK): its
 *    minimum and maximum subject to every published value (a rounded one
 *    as the interval it stands for), every relation and non-negativity.
 *    The range must be at least the protection margin (the threshold for
 *    children and episodes, K for homes and places).  A cell whose range is
 *    too narrow gets another complement where the LP's relations pin it, and
 *    is audited again; when no cell is left to suppress, the release is
 *    refused (HAVEN_ERR_DENIED, naming the cell).  Suppressing a cell only
 *    widens every range, so each cell passes once and stays passed.  A
 *    cell's LP holds only the part of the table its range depends on
 *    (reach()), kept for the next cell of that part until a cell is
 *    suppressed: a grid of independent cells is many small LPs.
 * 4. A rate whose numerator is suppressed is suppressed, and so is one
 *    that is its published numerator over a suppressed cell of its row
 *    (times a power of ten): it would give that cell back.
 * 5. What was done goes into the table's metadata.
 */
#include <glpk.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/table_seal.h"
#include "gate/gate.h"
#include "ref/areas.h"

/* What a count cell is to the audience. */
enum {
	SHOWN,      /* published as it is */
	ROUNDED,    /* published rounded: the audience knows [lo, hi] */
	SUPPRESSED, /* "c" */
	UNKNOWN     /* not a number in the table (NULL, or a symbol such as "x"): unknown to everyone */
};

/* How a row's level changes the rule. */
enum {
	LEVEL_OTHER, /* la, pfa, or a table without levels */
	LEVEL_SMALL, /* district and grid: k-homes */
	LEVEL_TOTAL  /* region and England: children and episodes rounded */
};

typedef struct ccell {
	double v;        /* the true value (when the cell is a number) */
	double shown;    /* what is published for a ROUNDED cell */
	double lo, hi;   /* the interval a ROUNDED value stands for */
	double wlo, whi; /* the lowest and highest values it takes in tables the audience cannot tell
	                  * from the true one (the true table, and every LP solution so far) */
	unsigned char state, primary, movable, homes_class;
	unsigned char fixed;  /* controlled first (fix()): as it was then */
	unsigned char pinned; /* not fixed, but the fixed cells alone give it away (pin()) */
	int var;              /* its column in the LP being built */
	size_t was;           /* fixed: its cell in the first control */
} ccell;

typedef struct member {
	size_t cell;
	int coef; /* +1 the total, -1 a part */
} member;

typedef struct relation {
	size_t first, n; /* its members, mem[first .. first + n) */
	int ge;          /* the total holds more than its parts in the table (rows out of scope, other parts) */
} relation;

typedef struct ctl {
	haven_ctx *ctx;
	haven_table *t;
	int threshold, k;
	size_t n;    /* rows kept */
	size_t *row; /* their index in t */
	unsigned char *level;
	int ncnt;      /* count columns */
	int *col;      /* their index in t */
	ccell *c;      /* n * ncnt, row major */
	relation *rel; /* the relations (room made by reserve()) */
	size_t nrel;
	member *mem;
	size_t nmem;
	size_t *adj_at, *adj;  /* the relations of cell i: adj[adj_at[i] .. adj_at[i + 1]) */
	signed char *adj_coef; /* its coef in each */
	size_t *queue;         /* suppressed cells, in the order they are audited */
	size_t nqueue;
	/* what reach() found: cells and relations, nearest first, marked seen */
	size_t *rc_cell, *rc_rel, nrc_cell, nrc_rel;
	unsigned char *seen_cell, *seen_rel;
	int *ind; /* a row of the LP: room for the largest relation */
	double *val;
	/* the LP of the last cell audited, kept for the next cell of the same
	 * component while no cell has been suppressed since (lp_gen, the
	 * number suppressed when it was built): only the objective changes,
	 * and GLPK starts from the last basis */
	glp_prob *lp;
	size_t lp_gen;
	int lp_obj;
	int lp_swept;               /* sweep() has run on it */
	const unsigned char *probe; /* pin(): the cells sweep() and cycles() push (else the suppressed ones) */
	const unsigned char *was;   /* pin(): each cell's state before it made the cells not fixed unknown */
	long its, ranges;           /* the simplex iterations of range()'s LPs, and their number */
	int *lp_row;                /* the LP's row of each relation of its component */
	size_t primary, secondary, rounded;
	/* the table's hierarchies of rows: those declared, else (its area
	 * column, its parent column, no keys) when it has both */
	const hv_hierarchy *hier;
	size_t nhier;
	hv_hierarchy implied;
	/* the rows controlled first, when their audit is left to this one's
	 * (audit()); redo: it is not, after all */
	struct ctl *unaudited;
	int audited, redo;
} ctl;

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

static int is_children(const char *sub)
{
	return strcmp(sub, "children") == 0 || strcmp(sub, "episodes") == 0 || strcmp(sub, "distinct") == 0;
}

static double margin(const ctl *x, size_t cell)
{
	return x->c[cell].homes_class ? x->k : x->threshold;
}

/* ---- the table's shape ---------------------------------------------------- */

static int first_col(const haven_table *t, haven_role role)
{
	for (int c = 0; c < haven_table_ncols(t); c++)
		if (haven_table_role(t, c, NULL) == role)
			return c;
	return -1;
}

static const char *text_at(const haven_table *t, size_t r, int c)
{
	return c < 0 || hv_table_cell_type(t, r, c) != HAVEN_CELL_TEXT ? NULL : hv_table_cell_text(t, r, c);
}

static int one_of(const char *s, const char *const *v)
{
	for (; s && *v; v++)
		if (strcmp(s, *v) == 0)
			return 1;
	return 0;
}

/* A row's level: its geographic_level, else the kind of its area.  A
 * level not known to be an LA or larger (district, grid, a ward, a code
 * haven does not know) is small: k-homes applies (fail closed). */
static unsigned char row_level(const haven_table *t, size_t r)
{
	static const char *const total[] = {"region", "england", NULL}, *const large[] = {"la", "pfa", "wales", NULL};
	int lc = haven_table_find(t, "geographic_level"), ac = first_col(t, HAVEN_ROLE_AREA);
	const char *sub, *lv = text_at(t, r, lc);
	if (lc < 0 && ac < 0) /* no area: a count of everything the audience may see */
		return LEVEL_OTHER;
	if (!lv && ac >= 0) {
		haven_table_role(t, ac, &sub);
		lv = strcmp(sub, "any") == 0 ? hv_gss_kind(text_at(t, r, ac)) : sub;
	}
	return one_of(lv, total) ? LEVEL_TOTAL : one_of(lv, large) ? LEVEL_OTHER : LEVEL_SMALL;
}

/* "column 'children' of E08000035 (Leeds)": a cell, for messages. */
static const char *describe(const ctl *x, size_t cell, char *buf, size_t n)
{
	size_t r = x->row[cell / (size_t)x->ncnt];
	const char *code = text_at(x->t, r, first_col(x->t, HAVEN_ROLE_AREA));
	const char *name = text_at(x->t, r, haven_table_find(x->t, "area_name"));
	const char *col = haven_table_colname(x->t, x->col[cell % (size_t)x->ncnt]);
	int l;
	if (code && name)
		l = snprintf(buf, n, "column '%s' of %s (%s)", col, code, name);
	else if (code)
		l = snprintf(buf, n, "column '%s' of %s", col, code);
	else
		l = snprintf(buf, n, "column '%s' of row %zu", col, r + 1);
	/* the row's other coordinates: the codes and keys of its hierarchies
	 * (its period, say), each once */
	int ac = first_col(x->t, HAVEN_ROLE_AREA), said[16];
	size_t nsaid = 0;
	for (size_t h = 0; h < x->nhier; h++)
		for (size_t k = 0; k <= x->hier[h].nkeys; k++) {
			int c = k ? x->hier[h].keys[k - 1] : x->hier[h].code, dup = c == ac;
			for (size_t q = 0; q < nsaid && !dup; q++)
				dup = said[q] == c;
			if (dup || nsaid == sizeof said / sizeof *said || l < 0 || (size_t)l >= n)
				continue;
			said[nsaid++] = c;
			const char *v = text_at(x->t, r, c);
			l += snprintf(buf + l, n - (size_t)l, ", %s %s", haven_table_colname(x->t, c), v ? v : "");
		}
	return buf;
}

/* The count column named "homes<suffix>" for a places column named
 * "places<suffix>" (places_private -> homes_private), or -1. */
static int paired_homes(const ctl *x, int j)
{
	const char *name = haven_table_colname(x->t, x->col[j]);
	if (strncmp(name, "places", 6) != 0)
		return -1;
	char want[128];
	snprintf(want, sizeof want, "homes%s", name + 6);
	for (int i = 0; i < x->ncnt; i++) {
		const char *sub;
		haven_table_role(x->t, x->col[i], &sub);
		if (strcmp(sub, "homes") == 0 && strcmp(haven_table_colname(x->t, x->col[i]), want) == 0)
			return i;
	}
	return -1;
}

/* ---- 1, 2: each cell on its own -------------------------------------------- */

static void suppress(ctl *x, size_t cell, int primary)
{
	if (x->c[cell].state == ROUNDED) /* a complement: no longer shown rounded */
		x->rounded--;
	x->c[cell].state = SUPPRESSED;
	x->c[cell].primary = (unsigned char)primary;
	x->queue[x->nqueue++] = cell;
	if (primary)
		x->primary++;
	else
		x->secondary++;
}

/* Whether the non-zero count cell (i, j) is suppressed on its own: a count
 * of children or episodes up to the threshold; on a small area's row, a
 * count of fewer than K homes, or the places of fewer than K homes (those
 * of its paired column of homes, else the row's homes; unknown counts as
 * fewer). */
static int too_small(const ctl *x, size_t i, int j, int pair, double homes)
{
	const ccell *cc = &x->c[i * (size_t)x->ncnt + (size_t)j];
	const char *sub;
	haven_table_role(x->t, x->col[j], &sub);
	if (!cc->homes_class)
		return cc->v <= x->threshold;
	if (x->level[i] != LEVEL_SMALL)
		return 0;
	if (strcmp(sub, "homes") == 0)
		return cc->v < x->k;
	if (pair >= 0) {
		const ccell *ph = &x->c[i * (size_t)x->ncnt + (size_t)pair];
		homes = ph->state == UNKNOWN ? -1 : ph->v;
	}
	return homes < x->k;
}

/* Read the kept rows' count cells; suppress (primary) and round them. */
static haven_status read_cells(ctl *x, const unsigned char *keep)
{
	haven_table *t = x->t;
	size_t rows = hv_table_rows(t);
	int nc = haven_table_ncols(t);
	x->row = malloc((rows ? rows : 1) * sizeof *x->row);
	x->level = malloc(rows ? rows : 1);
	x->col = malloc((size_t)(nc ? nc : 1) * sizeof *x->col);
	if (!x->row || !x->level || !x->col)
		return nomem(x->ctx);
	for (size_t r = 0; r < rows; r++)
		if (keep[r]) {
			x->level[x->n] = row_level(t, r);
			x->row[x->n++] = r;
		}
	/* An official statistic passes as its publisher released it. */
	for (int c = 0; c < nc; c++) {
		const char *sub;
		if (haven_table_role(t, c, &sub) == HAVEN_ROLE_COUNT && strcmp(sub, "published") != 0)
			x->col[x->ncnt++] = c;
	}
	size_t cells = x->n * (size_t)x->ncnt;
	x->c = calloc(cells ? cells : 1, sizeof *x->c);
	x->queue = malloc((cells ? cells : 1) * sizeof *x->queue);
	int *pair = malloc((size_t)(x->ncnt ? x->ncnt : 1) * sizeof *pair);
	if (!x->c || !x->queue || !pair) {
		free(pair);
		return nomem(x->ctx);
	}
	for (int j = 0; j < x->ncnt; j++)
		pair[j] = paired_homes(x, j);
	for (size_t i = 0; i < x->n; i++) {
		size_t r = x->row[i];
		/* the row's homes: its largest count of homes (the total of its
		 * parts), -1 when none is a number */
		double homes = -1;
		for (int j = 0; j < x->ncnt; j++) {
			const char *sub;
			haven_table_role(t, x->col[j], &sub);
			haven_cell_type ty = hv_table_cell_type(t, r, x->col[j]);
			ccell *cc = &x->c[i * (size_t)x->ncnt + (size_t)j];
			cc->homes_class = !is_children(sub);
			cc->movable = !cc->homes_class || x->level[i] == LEVEL_SMALL;
			if (ty != HAVEN_CELL_INT && ty != HAVEN_CELL_REAL) {
				cc->state = UNKNOWN;
				continue;
			}
			cc->v = hv_table_cell_real(t, r, x->col[j]);
			if (cc->v < 0) {
				free(pair);
				return hv_error(x->ctx, HAVEN_ERR_VALUE,
				                "'%s': a count is negative (%g in column '%s')", haven_table_title(t),
				                cc->v, haven_table_colname(t, x->col[j]));
			}
			if (strcmp(sub, "homes") == 0 && cc->v > homes)
				homes = cc->v;
		}
		for (int j = 0; j < x->ncnt; j++) {
			size_t cell = i * (size_t)x->ncnt + (size_t)j;
			ccell *cc = &x->c[cell];
			if (cc->state == UNKNOWN || cc->v == 0)
				continue;
			if (too_small(x, i, j, pair[j], homes))
				suppress(x, cell, 1);
			else if (!cc->homes_class && x->level[i] == LEVEL_TOTAL) {
				/* half up to the nearest 10; the audience knows the
				 * true count is in [shown - 5, shown + 4] and, as it
				 * is shown, above the threshold */
				cc->state = ROUNDED;
				cc->shown = floor((cc->v + 5) / 10) * 10;
				cc->lo = fmax(cc->shown - 5, x->threshold + 1);
				cc->hi = cc->shown + 4;
				x->rounded++;
			}
		}
	}
	free(pair);
	return HAVEN_OK;
}

/* ---- 3: the published relations --------------------------------------------- */

/* Room for every relation: a parent's per count column and hierarchy, a
 * column sum's per row; a cell is a child once and a parent once in each
 * hierarchy, a total or a part once per sum. */
static haven_status reserve(ctl *x)
{
	size_t cells = x->n * (size_t)x->ncnt, rels = cells * x->nhier, mems = 2 * cells * x->nhier;
	for (size_t s = 0; s < hv_table_sums(x->t); s++) {
		const int *parts;
		rels += x->n;
		mems += x->n * (1 + hv_table_sum_parts(x->t, s, &parts));
	}
	const hv_term *terms;
	size_t declared = hv_table_relations(x->t, &terms);
	rels += declared;
	for (size_t d = 0, k = 0; d < declared; d++, k++)
		for (; terms[k].coef; k++)
			mems++;
	x->rel = malloc((rels ? rels : 1) * sizeof *x->rel);
	x->mem = malloc((mems ? mems : 1) * sizeof *x->mem);
	return x->rel && x->mem ? HAVEN_OK : nomem(x->ctx);
}

static void add_member(ctl *x, size_t cell, int coef)
{
	x->mem[x->nmem++] = (member){cell, coef};
	x->rel[x->nrel].n++;
}

static void open_relation(ctl *x, int ge)
{
	x->rel[x->nrel] = (relation){x->nmem, 0, ge};
}

/* Close the relation being built: check it against the true values.  A
 * total smaller than its parts is a table that contradicts itself
 * (refused: it cannot be controlled); a larger one says the total holds
 * more than the table shows (the relation is then total >= parts). */
static haven_status close_relation(ctl *x)
{
	relation *r = &x->rel[x->nrel];
	double residual = 0;
	int known = 1;
	size_t total = SIZE_MAX;
	size_t numbers = 0;
	for (size_t m = r->first; m < r->first + r->n; m++) {
		const ccell *cc = &x->c[x->mem[m].cell];
		known = known && cc->state != UNKNOWN;
		numbers += cc->state != UNKNOWN;
		residual += x->mem[m].coef * cc->v;
		if (x->mem[m].coef > 0)
			total = x->mem[m].cell;
	}
	if (r->n < 2 || total == SIZE_MAX || !numbers) { /* nothing related */
		x->nmem = r->first;
		return HAVEN_OK;
	}
	if (known && residual < -1e-9) {
		char what[256];
		return hv_error(x->ctx, HAVEN_ERR_DENIED,
		                "'%s': %s is %g, less than the %g of its parts: the table contradicts its own totals, "
		                "so it cannot be put through disclosure control",
		                haven_table_title(x->t), describe(x, total, what, sizeof what), x->c[total].v,
		                x->c[total].v - residual);
	}
	r->ge = r->ge || (known && residual > 1e-9);
	x->nrel++;
	return HAVEN_OK;
}

typedef struct code_row {
	char *key; /* the row's code, then its hierarchy's key cells (hv_table_hierarchy) */
	size_t i;  /* kept row */
} code_row;

static int cmp_code(const void *a, const void *b)
{
	return strcmp(((const code_row *)a)->key, ((const code_row *)b)->key);
}

/* The key of row r for matching parents: the code in column c (its area,
 * or its parent), then each key column's text, separated by a unit
 * separator; NULL for a row without a code (or out of memory, *oom). */
static char *row_key(const ctl *x, size_t r, int c, const int *keys, size_t nk, int *oom)
{
	const char *code = text_at(x->t, r, c);
	if (!code || !*code)
		return NULL;
	size_t n = strlen(code) + 1;
	for (size_t k = 0; k < nk; k++) {
		const char *v = text_at(x->t, r, keys[k]);
		n += (v ? strlen(v) : 0) + 1;
	}
	char *s = malloc(n), *p = s;
	if (!s) {
		*oom = 1;
		return NULL;
	}
	p += sprintf(p, "%s", code);
	for (size_t k = 0; k < nk; k++) {
		const char *v = text_at(x->t, r, keys[k]);
		p += sprintf(p, "\x1f%s", v ? v : "");
	}
	return s;
}

/* The kept row whose key is key, or SIZE_MAX. */
static size_t find_code(const code_row *v, size_t n, const char *key)
{
	code_row want = {(char *)key, 0};
	const code_row *f = key ? bsearch(&want, v, n, sizeof *v, cmp_code) : NULL;
	return f ? f->i : SIZE_MAX;
}

/* The kept row holding row r's total (its parent's code and r's parent key
 * cells), or SIZE_MAX. */
static size_t parent_of(const ctl *x, const code_row *v, size_t n, size_t r, int pc, const int *pkeys, size_t nk,
                        int *oom)
{
	char *key = row_key(x, r, pc, pkeys, nk, oom);
	size_t p = find_code(v, n, key);
	free(key);
	return p;
}

/* A kept row and the kept row holding its total. */
typedef struct link {
	size_t parent, child;
} link;

/* By parent, then in the table's order. */
static int cmp_link(const void *a, const void *b)
{
	const link *x = a, *y = b;
	return x->parent != y->parent ? (x->parent > y->parent) - (x->parent < y->parent)
	                              : (x->child > y->child) - (x->child < y->child);
}

/* Parent = sum of its children, per count column, for every kept row that
 * has kept children, in hierarchy h; a child dropped (out of the
 * audience's scope) makes it parent >= children.  A row names its parent
 * by code; with key columns (areas within a period: "period"), the parent
 * is the row of that code with the same key cells - (LA, 2024-03) adds up
 * to (region, 2024-03) - and rows of different keys are in no relation. */
static haven_status hierarchy(ctl *x, const unsigned char *keep, const hv_hierarchy *hy)
{
	int ac = hy->code, pc = hy->parent;
	if (ac < 0 || pc < 0 || !x->n || !x->ncnt)
		return HAVEN_OK;
	const int *keys = hy->keys;
	size_t nk = hy->nkeys;
	size_t rows = hv_table_rows(x->t);
	code_row *codes = malloc(x->n * sizeof *codes);
	link *links = malloc(x->n * sizeof *links);
	unsigned char *dropped = calloc(x->n, 1);
	int oom = !codes || !links || !dropped;
	size_t nc = 0, nl = 0;
	for (size_t i = 0; !oom && i < x->n; i++) {
		char *key = row_key(x, x->row[i], ac, keys, nk, &oom);
		if (key)
			codes[nc++] = (code_row){key, i};
	}
	if (!oom)
		qsort(codes, nc, sizeof *codes, cmp_code);
	for (size_t r = 0; !oom && r < rows; r++)
		if (!keep[r]) {
			size_t p = parent_of(x, codes, nc, r, pc, hy->pkeys, nk, &oom);
			if (p != SIZE_MAX)
				dropped[p] = 1;
		}
	for (size_t i = 0; !oom && i < x->n; i++) {
		size_t p = parent_of(x, codes, nc, x->row[i], pc, hy->pkeys, nk, &oom);
		if (p != SIZE_MAX && p != i)
			links[nl++] = (link){p, i};
	}
	haven_status rc = oom ? nomem(x->ctx) : HAVEN_OK;
	if (!rc)
		qsort(links, nl, sizeof *links, cmp_link);
	for (size_t a = 0; !rc && a < nl;) {
		size_t b = a, p = links[a].parent;
		while (b < nl && links[b].parent == p)
			b++;
		for (int j = 0; !rc && j < x->ncnt; j++) {
			const char *sub;
			haven_table_role(x->t, x->col[j], &sub);
			if (strcmp(sub, "distinct") == 0) /* children counted once per row do not add up */
				continue;
			open_relation(x, dropped[p]);
			add_member(x, p * (size_t)x->ncnt + (size_t)j, 1);
			for (size_t k = a; k < b; k++)
				add_member(x, links[k].child * (size_t)x->ncnt + (size_t)j, -1);
			rc = close_relation(x);
		}
		a = b;
	}
	for (size_t i = 0; codes && i < nc; i++)
		free(codes[i].key);
	free(codes);
	free(links);
	free(dropped);
	return rc;
}

/* The count column index of table column c, or -1. */
static int count_index(const ctl *x, int c)
{
	for (int j = 0; j < x->ncnt; j++)
		if (x->col[j] == c)
			return j;
	return -1;
}

/* Total = sum of its parts, per row, for every declared column sum of
 * counts. */
static haven_status column_sums(ctl *x)
{
	haven_status rc = HAVEN_OK;
	for (size_t s = 0; !rc && s < hv_table_sums(x->t); s++) {
		const int *parts;
		size_t np = hv_table_sum_parts(x->t, s, &parts);
		int total = count_index(x, hv_table_sum_total(x->t, s)), ok = total >= 0;
		for (size_t p = 0; ok && p < np; p++)
			ok = count_index(x, parts[p]) >= 0;
		if (!ok) /* a sum of rates or labels: nothing to protect */
			continue;
		for (size_t p = 0; p < np; p++)
			for (size_t q = 0; q <= p; q++)
				if (parts[p] == (q < p ? parts[q] : hv_table_sum_total(x->t, s)))
					return hv_error(x->ctx, HAVEN_ERR_USAGE,
					                "'%s': the declared sum of column '%s' names column '%s' twice",
					                haven_table_title(x->t),
					                haven_table_colname(x->t, hv_table_sum_total(x->t, s)),
					                haven_table_colname(x->t, parts[p]));
		for (size_t i = 0; !rc && i < x->n; i++) {
			size_t base = i * (size_t)x->ncnt;
			open_relation(x, 0);
			add_member(x, base + (size_t)total, 1);
			for (size_t p = 0; p < np; p++)
				add_member(x, base + (size_t)count_index(x, parts[p]), -1);
			rc = close_relation(x);
		}
	}
	return rc;
}

/* The kept row of table row r (x->row is in the table's order), or
 * SIZE_MAX when r is not kept. */
static size_t kept_row(const ctl *x, size_t r)
{
	size_t lo = 0, hi = x->n;
	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;
		if (x->row[m] < r)
			lo = m + 1;
		else
			hi = m;
	}
	return lo < x->n && x->row[lo] == r ? lo : SIZE_MAX;
}

/* The relations the table declares (hv_table_relation), each among the
 * kept rows only: one with a row out of scope is left out. */
static haven_status declared(ctl *x)
{
	const hv_term *terms;
	size_t n = hv_table_relations(x->t, &terms);
	haven_status rc = HAVEN_OK;
	for (size_t d = 0, k = 0; !rc && d < n; d++, k++) {
		size_t first = k, out = 0;
		for (; terms[k].coef; k++) {
			if (count_index(x, terms[k].col) < 0)
				return hv_error(x->ctx, HAVEN_ERR_USAGE,
				                "'%s': a declared relation names column '%s', not a count",
				                haven_table_title(x->t), haven_table_colname(x->t, terms[k].col));
			out += kept_row(x, terms[k].row) == SIZE_MAX;
		}
		if (out)
			continue;
		open_relation(x, 0);
		double residual = 0;
		int known = 1;
		for (size_t m = first; m < k; m++) {
			size_t cell =
			    kept_row(x, terms[m].row) * (size_t)x->ncnt + (size_t)count_index(x, terms[m].col);
			add_member(x, cell, terms[m].coef);
			known = known && x->c[cell].state != UNKNOWN;
			residual += terms[m].coef * x->c[cell].v;
		}
		if (known &&
		    fabs(residual) > 1e-9) /* a relation the table's own values break: a bug where it was declared */
			return hv_error(x->ctx, HAVEN_ERR_USAGE, "'%s': a declared relation does not hold (off by %g)",
			                haven_table_title(x->t), residual);
		rc = close_relation(x);
	}
	return rc;
}

/* adj: the relations of each cell. */
static haven_status index_relations(ctl *x)
{
	size_t cells = x->n * (size_t)x->ncnt;
	x->adj_at = calloc(cells + 1, sizeof *x->adj_at);
	x->adj = malloc((x->nmem ? x->nmem : 1) * sizeof *x->adj);
	x->adj_coef = malloc(x->nmem ? x->nmem : 1);
	if (!x->adj_at || !x->adj || !x->adj_coef)
		return nomem(x->ctx);
	for (size_t m = 0; m < x->nmem; m++)
		x->adj_at[x->mem[m].cell + 1]++;
	for (size_t i = 0; i < cells; i++)
		x->adj_at[i + 1] += x->adj_at[i];
	size_t *fill = malloc((cells ? cells : 1) * sizeof *fill);
	if (!fill)
		return nomem(x->ctx);
	memcpy(fill, x->adj_at, cells * sizeof *fill);
	for (size_t r = 0; r < x->nrel; r++)
		for (size_t m = x->rel[r].first; m < x->rel[r].first + x->rel[r].n; m++) {
			x->adj_coef[fill[x->mem[m].cell]] = (signed char)x->mem[m].coef;
			x->adj[fill[x->mem[m].cell]++] = r;
		}
	free(fill);
	x->rc_cell = malloc((cells ? cells : 1) * sizeof *x->rc_cell);
	x->rc_rel = malloc((x->nrel ? x->nrel : 1) * sizeof *x->rc_rel);
	x->seen_cell = calloc(cells ? cells : 1, 1);
	x->seen_rel = calloc(x->nrel ? x->nrel : 1, 1);
	size_t widest = 0; /* the largest relation, or the most relations of a cell */
	for (size_t r = 0; r < x->nrel; r++)
		widest = x->rel[r].n > widest ? x->rel[r].n : widest;
	for (size_t i = 0; i < cells; i++)
		widest = x->adj_at[i + 1] - x->adj_at[i] > widest ? x->adj_at[i + 1] - x->adj_at[i] : widest;
	x->lp_row = malloc((x->nrel ? x->nrel : 1) * sizeof *x->lp_row);
	x->ind = malloc((widest + 1) * sizeof *x->ind);
	x->val = malloc((widest + 1) * sizeof *x->val);
	return x->rc_cell && x->rc_rel && x->seen_cell && x->seen_rel && x->ind && x->val && x->lp_row ? HAVEN_OK
	                                                                                               : nomem(x->ctx);
}

/* Everything the audience's knowledge of cell s depends on: the relations
 * reachable from s through cells it does not know exactly, and those
 * cells, nearest first (x->rc_rel, x->rc_cell).  Only they can bound s:
 * the LP of s is theirs alone, so a table of many independent rows (a
 * grid) costs as many small LPs, not one large one per cell. */
static void reach(ctl *x, size_t s)
{
	for (size_t i = 0; i < x->nrc_cell; i++)
		x->seen_cell[x->rc_cell[i]] = 0;
	for (size_t i = 0; i < x->nrc_rel; i++)
		x->seen_rel[x->rc_rel[i]] = 0;
	x->nrc_cell = x->nrc_rel = 0;
	x->rc_cell[x->nrc_cell++] = s;
	x->seen_cell[s] = 1;
	for (size_t h = 0; h < x->nrc_cell; h++)
		for (size_t a = x->adj_at[x->rc_cell[h]]; a < x->adj_at[x->rc_cell[h] + 1]; a++) {
			size_t r = x->adj[a];
			if (x->seen_rel[r])
				continue;
			x->seen_rel[r] = 1;
			x->rc_rel[x->nrc_rel++] = r;
			for (size_t m = x->rel[r].first; m < x->rel[r].first + x->rel[r].n; m++) {
				size_t c = x->mem[m].cell;
				if (!x->seen_cell[c] && x->c[c].state != SHOWN) {
					x->seen_cell[c] = 1;
					x->rc_cell[x->nrc_cell++] = c;
				}
			}
		}
}

/* ---- 3: complementary suppression ----------------------------------------- */

/* Members of relation r the audience does not know exactly. */
static size_t unshown(const ctl *x, size_t r, size_t *which)
{
	size_t n = 0;
	for (size_t m = x->rel[r].first; m < x->rel[r].first + x->rel[r].n; m++)
		if (x->c[x->mem[m].cell].state != SHOWN) {
			n++;
			*which = x->mem[m].cell;
		}
	return n;
}

/* The best complement in relation r for a cell needing range need, or
 * SIZE_MAX: a part before the total (a total is worth more, and its own
 * relations would need protecting in turn); among parts the smallest that
 * is at least need alone, else the largest.  Zeros are never suppressed. */
static size_t complement(const ctl *x, size_t r, double need, int parts_only)
{
	size_t best = SIZE_MAX;
	int best_tier = 0;
	double best_key = 0;
	for (size_t m = x->rel[r].first; m < x->rel[r].first + x->rel[r].n; m++) {
		const ccell *cc = &x->c[x->mem[m].cell];
		if ((cc->state != SHOWN && cc->state != ROUNDED) || !cc->movable || cc->v <= 0 ||
		    (parts_only && x->mem[m].coef > 0))
			continue;
		/* tier 0: parts enough alone, smallest first; 1: other parts,
		 * largest first; 2: the total */
		int tier = x->mem[m].coef > 0 ? 2 : cc->v >= need ? 0 : 1;
		double key = tier == 1 ? -cc->v : cc->v;
		if (best == SIZE_MAX || tier < best_tier || (tier == best_tier && key < best_key)) {
			best = x->mem[m].cell;
			best_tier = tier;
			best_key = key;
		}
	}
	return best;
}

/* No relation may keep a single cell the audience does not know: each
 * such cell gets a complement in it (to a fixed point).  A relation
 * "total >= parts" bounds its one unknown cell on one side only: the audit
 * decides. */
static void complete(ctl *x)
{
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t r = 0; r < x->nrel; r++) {
			size_t only;
			if (x->rel[r].ge || unshown(x, r, &only) != 1 || x->c[only].state != SUPPRESSED)
				continue;
			size_t c = complement(x, r, margin(x, only), 0);
			if (c != SIZE_MAX) {
				suppress(x, c, 0);
				changed = 1;
			}
		}
	}
}

static void drop_lp(ctl *x)
{
	if (x->lp)
		glp_delete_prob(x->lp);
	x->lp = NULL;
}

/* A complement for cell s, whose range the audit found too narrow: among
 * the relations s depends on (reach()), nearest first, the first that pins
 * its one unknown cell, a fixed suppressed one first; else a part (not a
 * total) of one of s's own relations; else the first relation with a
 * candidate.  SIZE_MAX when there is none.  Fixed first: the rows
 * controlled first were safe alone, so what narrows them is a published
 * cell of the others that pins one of theirs (a capacity table's children
 * placed in an LA's own homes beside its suppressed diagonal flow).  A part
 * of s's own relations before a total: a matrix cell whose row holds no
 * other part to suppress took the row's total, which the linked tables
 * publish (an LA's children placed) and whose suppression went on up the
 * hierarchy, where a cell of its column would do (DfE's capacity on the
 * demo store: 501 cells suppressed then, 430 so). */
static size_t repair(ctl *x, size_t s)
{
	size_t out = SIZE_MAX;
	reach(x, s);                                  /* its component, the kept LP's (audit()), nearest s first */
	size_t own = x->adj_at[s + 1] - x->adj_at[s]; /* s's own relations come first in it */
	if (own > x->nrc_rel)
		own = x->nrc_rel;
	for (int pass = 0; pass < 4 && out == SIZE_MAX; pass++)
		for (size_t h = 0; h < (pass == 2 ? own : x->nrc_rel) && out == SIZE_MAX; h++) {
			size_t r = x->rc_rel[h], only;
			if (pass < 2 && (x->rel[r].ge || unshown(x, r, &only) != 1 ||
			                 (pass == 0 && (!x->c[only].fixed || x->c[only].state != SUPPRESSED))))
				continue;
			out = complement(x, r, margin(x, s), pass == 2);
		}
	return out;
}

/* ---- 3: the audit ------------------------------------------------------------ */

/* Cell cc's bounds as a variable of lp: suppressed, at least 1 (zeros are
 * never suppressed); unknown, at least 0; rounded, the interval. */
static void bounds(glp_prob *lp, const ccell *cc)
{
	if (cc->state == SUPPRESSED)
		glp_set_col_bnds(lp, cc->var, GLP_LO, 1, 0);
	else if (cc->state == UNKNOWN)
		glp_set_col_bnds(lp, cc->var, GLP_LO, 0, 0);
	else
		glp_set_col_bnds(lp, cc->var, cc->lo < cc->hi ? GLP_DB : GLP_FX, cc->lo, cc->hi);
}

/* The LP of what the audience knows about cell s (reach() done): a
 * variable for every cell it does not know exactly (suppressed: at least
 * 1, as zeros are never suppressed; unknown: at least 0; rounded: the
 * interval), a row for every relation. */
static glp_prob *build_lp(ctl *x)
{
	glp_prob *lp = glp_create_prob();
	glp_add_cols(lp, (int)x->nrc_cell);
	for (size_t i = 0; i < x->nrc_cell; i++) {
		ccell *cc = &x->c[x->rc_cell[i]];
		cc->var = (int)i + 1;
		bounds(lp, cc);
	}
	glp_add_rows(lp, (int)x->nrc_rel);
	for (size_t h = 0; h < x->nrc_rel; h++) {
		const relation *r = &x->rel[x->rc_rel[h]];
		int n = 0; /* GLPK's arrays count from 1 */
		double shown = 0;
		for (size_t m = r->first; m < r->first + r->n; m++) {
			const ccell *cc = &x->c[x->mem[m].cell];
			if (cc->state == SHOWN) {
				shown += x->mem[m].coef * cc->v;
			} else {
				x->ind[++n] = cc->var;
				x->val[n] = x->mem[m].coef;
			}
		}
		glp_set_mat_row(lp, (int)h + 1, n, x->ind, x->val);
		x->lp_row[x->rc_rel[h]] = (int)h + 1;
		glp_set_row_bnds(lp, (int)h + 1, r->ge ? GLP_LO : GLP_FX, -shown, -shown);
	}
	return lp;
}

/* Optimise lp one way: *v the bound, *unbounded. */
static haven_status solve(ctl *x, glp_prob *lp, size_t s, int dir, double *v, int *unbounded)
{
	glp_smcp parm;
	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	glp_set_obj_dir(lp, dir);
	int ret = glp_simplex(lp, &parm);
	int st = glp_get_status(lp);
	*unbounded = st == GLP_UNBND;
	*v = glp_get_obj_val(lp);
	if (ret == 0 && (st == GLP_OPT || st == GLP_UNBND))
		return HAVEN_OK;
	char what[256];
	return hv_error(x->ctx, HAVEN_ERR_DENIED,
	                "'%s': the audit of %s failed (%s): the table's values do not satisfy its own totals, so it "
	                "is not released",
	                haven_table_title(x->t), describe(x, s, what, sizeof what),
	                st == GLP_NOFEAS ? "no values fit what is published" : "the solver gave up");
}

/* The LP's solution is a table the audience cannot tell from the true one:
 * widen each of its cells' witnessed range (wlo, whi) to take it in.
 * Suppressing a cell only loosens what the audience knows, so a table
 * that fitted then fits after, and a range once witnessed stays true. */
static void witness(ctl *x)
{
	for (size_t i = 0; i < x->nrc_cell; i++) {
		ccell *cc = &x->c[x->rc_cell[i]];
		double v = glp_get_col_prim(x->lp, cc->var);
		cc->wlo = v < cc->wlo ? v : cc->wlo;
		cc->whi = v > cc->whi ? v : cc->whi;
	}
}

/* Whether two tables already seen are as far apart in suppressed cell s as
 * its margin: the LP of s could only find them or wider, so s is
 * protected without it. */
static int witnessed(const ctl *x, size_t s)
{
	return x->c[s].whi - x->c[s].wlo >= margin(x, s) - 1e-7;
}

/* The LP of s's component, built unless it is the one kept. */
static void lp_of(ctl *x, size_t s)
{
	if (x->lp && x->lp_gen == x->nqueue && x->seen_cell[s])
		return;
	drop_lp(x);
	reach(x, s);
	x->lp = build_lp(x);
	x->lp_gen = x->nqueue;
	x->lp_obj = 0;
	x->lp_swept = 0;
}

/* What a solve costs beyond its simplex iterations (GLPK's working copy of
 * the LP made and priced), in iterations: about 5 on the national flow
 * matrix, where a solve of a few iterations takes 0.4 ms and a sweep's of
 * 500 takes 30 ms. */
#define SOLVE_COST 5

/* +1 or -1 for cell c in the pair of rounds p of sweep(): a hash, so that
 * each pair pushes a different half of the cells up. */
static int sweep_sign(size_t c, int p)
{
	uint64_t h = (uint64_t)c * 0x9E3779B97F4A7C15u + (uint64_t)p;
	h ^= h >> 31;
	h *= 0xBF58476D1CE4E5B9u;
	h ^= h >> 29;
	return h & 1 ? 1 : -1;
}

/* Witness many cells of a new LP at once, before any is audited alone: in
 * pairs of rounds, push the suppressed cells not yet witnessed, half up and
 * half down (signs at random, new each pair), then the other way.  A
 * vertex of the LP moves many cells at once, where the two LPs of one cell
 * in range() move a few, and an objective of their plain sum does not move
 * them when the totals fix it.  Another pair while the last witnessed
 * cells worth more of range()'s LPs than it cost (in iterations: x->its
 * and x->ranges say what one cell's cost so far); range() does the rest. */
static haven_status sweep(ctl *x, size_t s)
{
	haven_status rc = HAVEN_OK;
	size_t before = 0;
	long its = 0;
	x->lp_swept = 1;
	for (int round = 0; !rc; round++) {
		size_t open = 0;
		for (size_t i = 0; i < x->nrc_cell; i++) {
			size_t c = x->rc_cell[i];
			int on = (x->probe ? x->probe[c] : x->c[c].state == SUPPRESSED) && !witnessed(x, c);
			open += (size_t)on;
			glp_set_obj_coef(x->lp, x->c[c].var, on ? sweep_sign(c, round / 2) : 0);
		}
		if (round % 2 == 0) {
			double per_cell = 2 * SOLVE_COST + (x->ranges ? (double)x->its / (double)x->ranges : 4);
			if (open == 0 ||
			    (round > 0 && (double)(before - open) * per_cell < (double)(its + 2 * SOLVE_COST)))
				break;
			before = open;
			its = 0;
		}
		double v;
		int unbounded, it0 = glp_get_it_cnt(x->lp);
		rc = solve(x, x->lp, s, round % 2 == 0 ? GLP_MAX : GLP_MIN, &v, &unbounded);
		its += glp_get_it_cnt(x->lp) - it0;
		if (!rc && !unbounded)
			witness(x);
	}
	for (size_t i = 0; i < x->nrc_cell; i++)
		glp_set_obj_coef(x->lp, x->c[x->rc_cell[i]].var, 0);
	x->lp_obj = 0;
	return rc;
}

/* The range the audience can narrow suppressed cell s to: its component's
 * LP (lp_of()) minimised and maximised in s. */
static haven_status range(ctl *x, size_t s, double *lo, double *hi)
{
	if (x->lp_obj)
		glp_set_obj_coef(x->lp, x->lp_obj, 0);
	x->lp_obj = x->c[s].var;
	glp_set_obj_coef(x->lp, x->lp_obj, 1);
	int unbounded, it0 = glp_get_it_cnt(x->lp);
	haven_status rc = solve(x, x->lp, s, GLP_MIN, lo, &unbounded);
	if (!rc) {
		witness(x);
		rc = solve(x, x->lp, s, GLP_MAX, hi, &unbounded);
	}
	if (!rc && unbounded)
		*hi = HUGE_VAL;
	else if (!rc)
		witness(x);
	x->its += glp_get_it_cnt(x->lp) - it0;
	x->ranges++;
	return rc;
}

/* Complement c has just been suppressed in the component of the kept LP:
 * loosen the LP in place, c a variable of the rows of its relations, so
 * that GLPK goes on from the basis it had, where building it again would
 * start from nothing.  When a relation of c is in no row of it, c joins
 * another component to this one: the LP is dropped, to be built again. */
static void loosen(ctl *x, size_t c)
{
	ccell *cc = &x->c[c];
	int joins = !x->lp || x->lp_gen + 1 != x->nqueue;
	for (size_t a = x->adj_at[c]; !joins && a < x->adj_at[c + 1]; a++)
		joins = !x->seen_rel[x->adj[a]];
	if (joins) {
		drop_lp(x);
		return;
	}
	if (x->seen_cell[c]) { /* rounded: already a variable, its interval now its floor */
		bounds(x->lp, cc);
	} else {
		int n = 0;
		for (size_t a = x->adj_at[c]; a < x->adj_at[c + 1]; a++) {
			const relation *r = &x->rel[x->adj[a]];
			int row = x->lp_row[x->adj[a]], coef = 0;
			for (size_t m = r->first; m < r->first + r->n; m++)
				if (x->mem[m].cell == c)
					coef = x->mem[m].coef;
			double b = glp_get_row_lb(x->lp, row) + coef * cc->v; /* c's value no longer shown */
			glp_set_row_bnds(x->lp, row, r->ge ? GLP_LO : GLP_FX, b, b);
			x->ind[++n] = row;
			x->val[n] = coef;
		}
		cc->var = glp_add_cols(x->lp, 1);
		bounds(x->lp, cc);
		glp_set_mat_col(x->lp, cc->var, n, x->ind, x->val);
		x->seen_cell[c] = 1;
		x->rc_cell[x->nrc_cell++] = c;
	}
	x->lp_gen = x->nqueue;
}

/* Fixed cell s is too narrow in this control: whether it is wide enough
 * in the first control, whose audit was left to this one's (x->unaudited:
 * control() with audit_now 0); x->redo when it is not, and the first
 * control must be audited after all. */
static haven_status first_wide(ctl *x, size_t s)
{
	ctl *f = x->unaudited;
	double lo, hi;
	lp_of(f, x->c[s].was);
	f->lp_swept = 1;
	haven_status rc = range(f, x->c[s].was, &lo, &hi);
	x->redo = !rc && hi - lo < margin(f, x->c[s].was) - 1e-7;
	return rc;
}

/* ---- 3: witnesses without an LP: cycles ------------------------------------------- */

/* Whether cell c is one a table the audience cannot tell from the true
 * one may change: suppressed (at least 1), rounded (its interval), or in
 * pin() a number made unknown (at least 0). */
static int movable_value(const ctl *x, size_t c)
{
	unsigned char st = x->c[c].state;
	return st == SUPPRESSED || st == ROUNDED || (st == UNKNOWN && x->was && x->was[c] != UNKNOWN);
}

/* How far cell c may move from its true value, up (dir +1) or down. */
static double room(const ccell *c, int dir)
{
	if (dir > 0)
		return c->state == ROUNDED ? c->hi - c->v : HUGE_VAL;
	return c->v - (c->state == SUPPRESSED ? 1 : c->state == ROUNDED ? c->lo : 0);
}

typedef struct pair_cell {
	size_t a, b, cell; /* two relations of cell, a < b */
} pair_cell;

static int cmp_pair(const void *p, const void *q)
{
	const pair_cell *x = p, *y = q;
	if (x->a != y->a)
		return (x->a > y->a) - (x->a < y->a);
	if (x->b != y->b)
		return (x->b > y->b) - (x->b < y->b);
	return (x->cell > y->cell) - (x->cell < y->cell);
}

/* The coef of cell c in relation r (0: not a member). */
static int coef_in(const ctl *x, size_t c, size_t r)
{
	for (size_t a = x->adj_at[c]; a < x->adj_at[c + 1]; a++)
		if (x->adj[a] == r)
			return x->adj_coef[a];
	return 0;
}

/* Whether moving the cells cyc[0..4) by d[0..4) each (times one step)
 * keeps every relation of theirs: the sum of coef times move over each
 * relation's members is 0. */
static int balanced(const ctl *x, const size_t cyc[4], const int d[4])
{
	for (int i = 0; i < 4; i++)
		for (size_t a = x->adj_at[cyc[i]]; a < x->adj_at[cyc[i] + 1]; a++) {
			size_t r = x->adj[a];
			int net = 0;
			for (int j = 0; j < 4; j++)
				net += coef_in(x, cyc[j], r) * d[j];
			if (net)
				return 0;
		}
	return 1;
}

#define CYCLE_TRIES 256 /* pairs (y, z) looked at for one cell */

/* The pairs of relations of the cells that can move, sorted (cmp_pair),
 * to find the cell two relations share.  Sets *np. */
static pair_cell *pair_index(const ctl *x, size_t *np)
{
	size_t cells = x->n * (size_t)x->ncnt, n = 0;
	for (size_t c = 0; c < cells; c++)
		if (movable_value(x, c)) {
			size_t k = x->adj_at[c + 1] - x->adj_at[c];
			n += k * (k - 1) / 2;
		}
	pair_cell *pc = malloc((n ? n : 1) * sizeof *pc);
	*np = 0;
	if (!pc)
		return NULL;
	for (size_t c = 0; c < cells; c++)
		if (movable_value(x, c))
			for (size_t a = x->adj_at[c]; a < x->adj_at[c + 1]; a++)
				for (size_t b = a + 1; b < x->adj_at[c + 1]; b++)
					pc[(*np)++] = x->adj[a] < x->adj[b] ? (pair_cell){x->adj[a], x->adj[b], c}
					                                    : (pair_cell){x->adj[b], x->adj[a], c};
	qsort(pc, *np, sizeof *pc, cmp_pair);
	return pc;
}

/* The cycles' state for cell s: the pair index, which cells a cycle of s
 * uses (mark[c] == s + 1), how far the cycles so far move s each way. */
typedef struct cyc_state {
	const pair_cell *pc;
	size_t np, s, *mark;
	double up, down;
} cyc_state;

/* Close the cycle of s, y (moved dy for s's +1) and z (dz) with a cell w
 * sharing relation r3 (y's adjacency entry a3) with y and r4 with z: when
 * one balances every relation and can move, take it (the true table moved
 * by it and the cycles before, each way, witnessed) and return 1. */
static int close_cycle(ctl *x, cyc_state *st, size_t y, int dy, size_t a3, size_t z, int dz, size_t r4)
{
	size_t r3 = x->adj[a3], s = st->s;
	pair_cell key = {r3 < r4 ? r3 : r4, r3 < r4 ? r4 : r3, 0};
	size_t lo = 0, hi = st->np;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_pair(&st->pc[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < st->np && st->pc[lo].a == key.a && st->pc[lo].b == key.b; lo++) {
		size_t w = st->pc[lo].cell;
		if (w == s || w == y || w == z || st->mark[w] == s + 1)
			continue;
		size_t cyc[4] = {s, y, z, w};
		int d[4] = {1, dy, dz, -x->adj_coef[a3] * coef_in(x, w, r3) * dy};
		if (!balanced(x, cyc, d))
			continue;
		double tu = HUGE_VAL, td = HUGE_VAL; /* how far it moves, s up and s down */
		for (int i = 0; i < 4; i++) {
			double ru = room(&x->c[cyc[i]], d[i]) - (i ? 0 : st->up);
			double rd = room(&x->c[cyc[i]], -d[i]) - (i ? 0 : st->down);
			tu = ru < tu ? ru : tu;
			td = rd < td ? rd : td;
		}
		tu = tu > 0 ? floor(tu) : 0;
		td = td > 0 ? floor(td) : 0;
		if (tu + td < 1)
			continue;
		st->up += tu;
		st->down += td;
		for (int i = 1; i < 4; i++) {
			ccell *ci = &x->c[cyc[i]];
			ci->whi = fmax(ci->whi, ci->v + (d[i] > 0 ? tu : td));
			ci->wlo = fmin(ci->wlo, ci->v - (d[i] > 0 ? td : tu));
			st->mark[cyc[i]] = s + 1;
		}
		x->c[s].whi = fmax(x->c[s].whi, x->c[s].v + st->up);
		x->c[s].wlo = fmin(x->c[s].wlo, x->c[s].v - st->down);
		return 1;
	}
	return 0;
}

/* Witness cell s by cycles (cycles()). */
static void cycles_of(ctl *x, cyc_state *st)
{
	size_t s = st->s;
	int tries = 0;
	st->mark[s] = s + 1;
	st->up = st->down = 0;
	for (size_t a1 = x->adj_at[s]; a1 < x->adj_at[s + 1]; a1++)
		for (size_t a2 = x->adj_at[s]; a2 < x->adj_at[s + 1]; a2++) {
			const relation *r1 = &x->rel[x->adj[a1]], *r2 = &x->rel[x->adj[a2]];
			if (a1 == a2)
				continue;
			for (size_t m1 = r1->first; m1 < r1->first + r1->n; m1++) {
				size_t y = x->mem[m1].cell;
				if (y == s || st->mark[y] == s + 1 || !movable_value(x, y))
					continue;
				int dy = -x->adj_coef[a1] * x->mem[m1].coef, used = 0; /* dy keeps r1 */
				for (size_t m2 = r2->first; m2 < r2->first + r2->n && !used; m2++) {
					size_t z = x->mem[m2].cell;
					if (z == s || z == y || st->mark[z] == s + 1 || !movable_value(x, z))
						continue;
					if (witnessed(x, s) || ++tries > CYCLE_TRIES)
						return;
					int dz = -x->adj_coef[a2] * x->mem[m2].coef; /* keeps r2 */
					for (size_t a3 = x->adj_at[y]; a3 < x->adj_at[y + 1] && !used; a3++)
						for (size_t a4 = x->adj_at[z]; a4 < x->adj_at[z + 1] && !used; a4++)
							if (x->adj[a3] != x->adj[a1] && x->adj[a4] != x->adj[a2] &&
							    x->adj[a3] != x->adj[a4])
								used = close_cycle(x, st, y, dy, a3, z, dz, x->adj[a4]);
				}
			}
		}
}

/* Witness suppressed cells without an LP where the table's relations make
 * cycles: cell s, a cell y sharing a relation with it, a cell z sharing
 * another, and a cell w sharing a relation with each of y and z (in a
 * matrix with both margins: (i, j), (i, k), (l, j), (l, k)).  Moving s by
 * t, y and z the other way and w with s keeps every relation (balanced():
 * checked over every relation of the four, so any table shape is safe),
 * and the true table so moved, within each cell's bounds, is a table the
 * audience cannot tell from it: a witness.  Cycles through s that share
 * no other cell (each y, z and w in one) add up, both ways, until s is
 * witnessed as wide as its margin; a cell left narrower goes to the LP as
 * before.  On the matrices of placements most cells are witnessed so, and
 * the LP's sweep has little left to do.  In pin() (x->probe), the cells
 * probed, the others not fixed unknown. */
static haven_status cycles(ctl *x)
{
	size_t cells = x->n * (size_t)x->ncnt;
	cyc_state st = {0};
	pair_cell *pc = pair_index(x, &st.np);
	st.pc = pc;
	st.mark = calloc(cells ? cells : 1, sizeof *st.mark);
	if (!pc || !st.mark) {
		free(pc);
		free(st.mark);
		return nomem(x->ctx);
	}
	for (size_t q = 0; q < (x->probe ? cells : x->nqueue); q++) {
		st.s = x->probe ? q : x->queue[q];
		const ccell *cs = &x->c[st.s];
		if (!(x->probe ? x->probe[st.s] : cs->state == SUPPRESSED && !cs->pinned) || witnessed(x, st.s))
			continue;
		cycles_of(x, &st);
	}
	free(pc);
	free(st.mark);
	return HAVEN_OK;
}

/* Every cell's witnessed range the true table's alone, then what cycles
 * witness. */
static haven_status witness_cycles(ctl *x)
{
	for (size_t i = 0; i < x->n * (size_t)x->ncnt; i++)
		x->c[i].wlo = x->c[i].whi = x->c[i].v;
	return cycles(x);
}

/* Whether cycles witness all but a tenth of the suppressed cells of the
 * rows controlled first (x; control() without the audit): then their own
 * audit is unlikely to suppress more, and is left to the whole table's
 * (first_wide()); else it runs first, where the whole table's would find
 * a cell too narrow alone and be done twice.  Speed only: the release is
 * the same either way.  On the bench's million placements cycles leave 2
 * to 5 in a hundred; on the national fixture's matrices, sparser, 30 to
 * 97. */
static haven_status nearly_wide(ctl *x, int *wide)
{
	haven_status rc = witness_cycles(x);
	size_t open = 0;
	for (size_t q = 0; q < x->nqueue; q++) {
		size_t c = x->queue[q];
		open += !witnessed(x, c) && x->adj_at[c] != x->adj_at[c + 1];
	}
	*wide = !rc && open * 10 <= x->nqueue;
	return rc;
}

/* Audit every suppressed cell, those added on the way included.  A cell in
 * no relation is unbounded but for its own floor: protected. */
static haven_status audit(ctl *x, int cycled)
{
	haven_status rc = cycled ? HAVEN_OK : witness_cycles(x);
	for (size_t q = 0; !rc && q < x->nqueue; q++) {
		size_t s = x->queue[q], c;
		double lo, hi;
		while (!rc && !x->c[s].pinned && !witnessed(x, s) && x->adj_at[s] != x->adj_at[s + 1]) {
			lp_of(x, s);
			if (!x->lp_swept && ((rc = sweep(x, s)) || witnessed(x, s)))
				break;
			if ((rc = range(x, s, &lo, &hi)) || hi - lo >= margin(x, s) - 1e-7)
				break;
			if (x->c[s].fixed && x->unaudited && ((rc = first_wide(x, s)) || x->redo))
				return rc;
			if ((c = repair(x, s)) != SIZE_MAX) {
				suppress(x, c, 0);
				loosen(x, c);
				continue;
			}
			char what[256];
			rc = hv_error(
			    x->ctx, HAVEN_ERR_DENIED,
			    "'%s': the suppressed %s could be narrowed to %g..%g from the totals published with "
			    "it (a range of at least %g is needed) and no other cell can be suppressed to "
			    "protect it, so the table is not released",
			    haven_table_title(x->t), describe(x, s, what, sizeof what), lo, hi, margin(x, s));
		}
	}
	return rc;
}

/* ---- 4, 5: writing ------------------------------------------------------------ */

static int shows_c(const haven_table *t, size_t r, int c)
{
	const char *s = text_at(t, r, c);
	return s && strcmp(s, "c") == 0;
}

/* The suppressed cell of row i that a rate (value rate, numerator cell
 * num) is the numerator over, times a power of ten (per 1, per 100, per
 * 10,000 ...), or NULL.  The rate and its published numerator would give
 * that denominator back, so the rate is suppressed too.  The role names
 * only the numerator: the denominator is recognised by the arithmetic. */
static const ccell *denominator(const ctl *x, size_t i, const ccell *num, double rate)
{
	if (num->state == UNKNOWN || num->v <= 0 || rate <= 0)
		return NULL;
	for (int j = 0; j < x->ncnt; j++) {
		const ccell *d = &x->c[i * (size_t)x->ncnt + (size_t)j];
		if (d->state != SUPPRESSED || d == num)
			continue;
		double q = rate * d->v / num->v;
		for (double p = 1; p <= 1e6; p *= 10)
			if (fabs(q - p) <= 1e-6 * p)
				return d;
	}
	return NULL;
}

static haven_status write_cells(ctl *x)
{
	haven_table *t = x->t;
	haven_status rc = HAVEN_OK;
	for (size_t i = 0; !rc && i < x->n; i++)
		for (int j = 0; !rc && j < x->ncnt; j++) {
			const ccell *cc = &x->c[i * (size_t)x->ncnt + (size_t)j];
			if (cc->state == SUPPRESSED)
				rc = hv_table_put_text(x->ctx, t, x->row[i], x->col[j], "c");
			else if (cc->state == ROUNDED)
				hv_table_put_int(t, x->row[i], x->col[j], (int64_t)cc->shown);
		}
	/* rates: suppressed with their numerator or denominator, else to 1 decimal */
	for (int c = 0; !rc && c < haven_table_ncols(t); c++) {
		const char *sub;
		if (haven_table_role(t, c, &sub) != HAVEN_ROLE_RATE)
			continue;
		int num = *sub ? haven_table_find(t, sub) : -1, j = count_index(x, num);
		for (size_t i = 0; !rc && i < x->n; i++) {
			size_t r = x->row[i];
			haven_cell_type ty = hv_table_cell_type(t, r, c);
			if (ty == HAVEN_CELL_NULL || shows_c(t, r, c))
				continue;
			const ccell *by = j >= 0 ? &x->c[i * (size_t)x->ncnt + (size_t)j] : NULL;
			int hide = num >= 0 && shows_c(t, r, num);
			if (!hide && by && (ty == HAVEN_CELL_INT || ty == HAVEN_CELL_REAL))
				hide = (by = denominator(x, i, by, hv_table_cell_real(t, r, c))) != NULL;
			int counted = !hv_table_row_withheld(t, r); /* the metadata describes what is released */
			if (hide) {
				/* counted with the kind of suppression it follows */
				rc = hv_table_put_text(x->ctx, t, r, c, "c");
				if (!counted)
					continue;
				if (by && by->state == SUPPRESSED && !by->primary)
					x->secondary++;
				else
					x->primary++;
			} else if (ty == HAVEN_CELL_REAL) {
				hv_table_put_real(t, r, c, round(hv_table_cell_real(t, r, c) * 10) / 10);
				x->rounded += (size_t)counted;
			}
		}
	}
	return rc;
}

static haven_status set_meta(haven_ctx *ctx, haven_table *t, const char *rule, size_t primary, size_t secondary,
                             size_t rounded)
{
	char n[3][32];
	snprintf(n[0], sizeof n[0], "%zu", primary + secondary);
	snprintf(n[1], sizeof n[1], "%zu", primary);
	snprintf(n[2], sizeof n[2], "%zu", secondary);
	haven_status rc = hv_table_meta_set(ctx, t, "disclosure_rule", rule);
	if (!rc)
		rc = hv_table_meta_set(ctx, t, "cells_suppressed", n[0]);
	if (!rc)
		rc = hv_table_meta_set(ctx, t, "cells_suppressed_primary", n[1]);
	if (!rc)
		rc = hv_table_meta_set(ctx, t, "cells_suppressed_secondary", n[2]);
	if (!rc) {
		snprintf(n[0], sizeof n[0], "%zu", rounded);
		rc = hv_table_meta_set(ctx, t, "cells_rounded", n[0]);
	}
	return rc;
}

static haven_status record(ctl *x)
{
	/* the count cells of rows withheld were controlled, not released */
	for (size_t i = 0; i < x->n; i++)
		if (hv_table_row_withheld(x->t, x->row[i]))
			for (int j = 0; j < x->ncnt; j++) {
				const ccell *cc = &x->c[i * (size_t)x->ncnt + (size_t)j];
				if (cc->state == ROUNDED)
					x->rounded--;
				else if (cc->state == SUPPRESSED && cc->primary)
					x->primary--;
				else if (cc->state == SUPPRESSED)
					x->secondary--;
			}
	char rule[1024];
	snprintf(rule, sizeof rule,
	         "counts of children and episodes from 1 to %d suppressed (c); counts of homes and places in district "
	         "and grid cells of fewer than %d homes suppressed; complementary suppression where totals are "
	         "published, every suppressed cell audited by linear programming to a range of at least %d "
	         "(children, episodes) or %d (homes, places); regional and national counts of children and episodes "
	         "rounded to the nearest 10, rates to 1 decimal; zeros are true zeros",
	         x->threshold, x->k, x->threshold, x->k);
	return set_meta(x->ctx, x->t, rule, x->primary, x->secondary, x->rounded);
}

static void ctl_free(ctl *x)
{
	drop_lp(x);
	free(x->rc_cell);
	free(x->rc_rel);
	free(x->seen_cell);
	free(x->seen_rel);
	free(x->lp_row);
	free(x->ind);
	free(x->val);
	free(x->row);
	free(x->level);
	free(x->col);
	free(x->c);
	free(x->rel);
	free(x->mem);
	free(x->adj_at);
	free(x->adj);
	free(x->adj_coef);
	free(x->queue);
}

/* The rows controlled first (hv_table_control_first) as they were then:
 * each of their cells as control left it, suppressed or not, and never
 * moved again.  Both controls read the rows in the table's order. */
static void fix(ctl *x, const ctl *first)
{
	for (size_t i = 0, k = 0; i < x->n && k < first->n; i++) {
		while (k < first->n && first->row[k] < x->row[i])
			k++;
		if (k == first->n || first->row[k] != x->row[i])
			continue;
		for (int j = 0; j < x->ncnt; j++) {
			size_t cell = i * (size_t)x->ncnt + (size_t)j;
			const ccell *was = &first->c[k * (size_t)x->ncnt + (size_t)j];
			if (was->state == SUPPRESSED && x->c[cell].state != SUPPRESSED)
				suppress(x, cell, was->primary);
			x->c[cell].movable = 0;
			x->c[cell].fixed = 1;
			x->c[cell].was = k * (size_t)x->ncnt + (size_t)j;
		}
	}
}

/* After fix(): the cells the fixed ones give away.  With every other cell
 * unknown (the fixed cells all the audience has), the range of each
 * other cell in a relation; one narrower than its margin is pinned:
 * published whatever is done with it (a region's total whose LAs' totals
 * are published, or that the LAs' published cells combine into), so it is
 * never chosen as a complement, and, when small and suppressed, not
 * audited: the first rows, as they are released alone, gave it away. */
static haven_status pin(ctl *x)
{
	size_t cells = x->n * (size_t)x->ncnt;
	unsigned char *was = malloc(cells ? cells : 1), *probe = malloc(cells ? cells : 1);
	if (!was || !probe) {
		free(was);
		free(probe);
		return nomem(x->ctx);
	}
	for (size_t c = 0; c < cells; c++) {
		was[c] = x->c[c].state;
		probe[c] = !x->c[c].fixed && was[c] != UNKNOWN && x->adj_at[c] != x->adj_at[c + 1] &&
		           (x->c[c].movable || was[c] == SUPPRESSED); /* else pinned or not, it is published */
		if (!x->c[c].fixed && x->c[c].state != UNKNOWN)
			x->c[c].state = UNKNOWN;
	}
	/* the cells the fixed ones determine exactly, without an LP: an equality
	 * whose every member but one is published, or so determined */
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t r = 0; r < x->nrel; r++) {
			size_t only = SIZE_MAX, open = 0;
			for (size_t m = x->rel[r].first; m < x->rel[r].first + x->rel[r].n && open < 2; m++) {
				const ccell *cm = &x->c[x->mem[m].cell];
				if (cm->state != SHOWN && !cm->pinned) {
					open++;
					only = x->mem[m].cell;
				}
			}
			if (!x->rel[r].ge && open == 1 && probe[only]) {
				x->c[only].pinned = 1;
				x->c[only].movable = 0;
				probe[only] = 0;
				changed = 1;
			}
		}
	}
	x->lp_gen = SIZE_MAX; /* no LP kept is of these states */
	x->probe = probe;     /* cycles() and sweep() witness most of them wide at once */
	x->was = was;
	haven_status rc = witness_cycles(x);
	for (size_t c = 0; !rc && c < cells; c++) {
		if (!probe[c] || witnessed(x, c))
			continue;
		double lo, hi;
		lp_of(x, c);
		if (!x->lp_swept && ((rc = sweep(x, c)) || witnessed(x, c)))
			continue;
		if (!(rc = range(x, c, &lo, &hi)) && hi - lo < margin(x, c) - 1e-7) {
			x->c[c].pinned = 1;
			x->c[c].movable = 0;
		}
	}
	x->probe = NULL;
	x->was = NULL;
	for (size_t c = 0; c < cells; c++)
		x->c[c].state = was[c];
	drop_lp(x);
	free(was);
	free(probe);
	return rc;
}

/* Control x->t's rows in keep: each cell on its own, the relations, the
 * complements, and when audit_now the audit; first, when given, the rows
 * controlled before (fix()). */
static haven_status control(ctl *x, const unsigned char *keep, ctl *first, int audit_now)
{
	const hv_control_rule *want = hv_table_rule(x->t);
	/* a table may ask for a stricter rule, never a weaker one */
	x->threshold = want->threshold > HV_CONTROL_THRESHOLD ? want->threshold : HV_CONTROL_THRESHOLD;
	x->k = want->k_homes > HV_CONTROL_K_HOMES ? want->k_homes : HV_CONTROL_K_HOMES;
	haven_status rc = read_cells(x, keep);
	if (!rc && first)
		fix(x, first);
	x->nhier = hv_table_hierarchies(x->t, &x->hier);
	if (!x->nhier && first_col(x->t, HAVEN_ROLE_AREA) >= 0 && first_col(x->t, HAVEN_ROLE_PARENT) >= 0) {
		x->implied =
		    (hv_hierarchy){first_col(x->t, HAVEN_ROLE_AREA), first_col(x->t, HAVEN_ROLE_PARENT), NULL, NULL, 0};
		x->hier = &x->implied;
		x->nhier = 1;
	}
	if (!rc)
		rc = reserve(x);
	for (size_t h = 0; !rc && h < x->nhier; h++)
		rc = hierarchy(x, keep, &x->hier[h]);
	if (!rc)
		rc = column_sums(x);
	if (!rc)
		rc = declared(x);
	if (!rc)
		rc = index_relations(x);
	if (!rc && first)
		rc = pin(x);
	if (!rc) {
		complete(x);
		x->unaudited = first && !first->audited ? first : NULL;
		if (audit_now && !(rc = audit(x, 0)))
			x->audited = !x->redo;
	}
	return rc;
}

haven_status hv_control_apply(haven_ctx *ctx, haven_table *t, const unsigned char *keep, int aggregates_only)
{
	if (first_col(t, HAVEN_ROLE_COUNT) < 0 && first_col(t, HAVEN_ROLE_RATE) < 0)
		return HAVEN_OK;
	if (!aggregates_only)
		return set_meta(ctx, t,
		                "none: a record-level audience, who may list the homes and records the counts are made "
		                "of",
		                0, 0, 0);
	/* rows controlled first: on their own, as a table of them alone.  Their
	 * audit is left to the whole table's, which knows more (every relation
	 * of theirs and more besides): a cell wide enough there is wide enough
	 * alone, and one too narrow there is audited alone (first_wide()).
	 * Only when that finds it too narrow alone too, and so the first
	 * control would have suppressed more, are they audited alone, and the
	 * whole table controlled again. */
	size_t rows = hv_table_rows(t), nfirst = 0;
	for (size_t r = 0; r < rows; r++)
		nfirst += keep[r] && hv_table_row_first(t, r);
	ctl first = {.ctx = ctx, .t = t}, x = {.ctx = ctx, .t = t};
	haven_status rc = HAVEN_OK;
	if (nfirst) {
		unsigned char *k1 = malloc(rows ? rows : 1);
		if (!k1)
			return nomem(ctx);
		for (size_t r = 0; r < rows; r++)
			k1[r] = keep[r] && hv_table_row_first(t, r);
		rc = control(&first, k1, NULL, 0);
		int wide;
		if (!rc && !(rc = nearly_wide(&first, &wide)) && !wide && !(rc = audit(&first, 1)))
			first.audited = 1;
		free(k1);
	}
	if (!rc)
		rc = control(&x, keep, nfirst ? &first : NULL, 1);
	if (!rc && x.redo) {
		ctl_free(&x);
		x = (ctl){.ctx = ctx, .t = t};
		drop_lp(&first);
		if (!(rc = audit(&first, 0))) {
			first.audited = 1;
			rc = control(&x, keep, &first, 1);
		}
	}
	if (!rc)
		rc = write_cells(&x);
	if (!rc)
		rc = record(&x);
	ctl_free(&first);
	ctl_free(&x);
	return rc;
}
