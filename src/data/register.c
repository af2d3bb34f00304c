/*
 * register.c - HMCI register disclosures: import a monthly file as a
 * snapshot, keep every home's history, record what changed, and count homes
 * and places by area.
 *
 * HMCI sends each receiver the whole register every month, not a list of
 * changes, so haven works the changes out itself.  home_version is a type-2
 * slowly changing dimension: a home keeps its current row while its fields
 * (as a SHA-256 fingerprint) stay the same, and a change closes that row
 * (valid_to, snapshot_to) and opens another.  The import reads and checks the
 * whole file first, then writes inside one transaction, so a bad row leaves
 * the store untouched.  The file format is in docs/formats.md, the model in
 * docs/register.md.
 */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "govern/disclosure.h"
#include "haven/postcode.h"
#include "haven/register.h"
#include "ref/la.h"
#include "govern/scope.h"
#include "core/keys.h"
#include "core/source.h"
#include "core/sql.h"
#include "data/homes.h"
#include "govern/govern.h"
#include "core/table.h"

/* ---- the file's columns ------------------------------------------------- */

enum {
	C_URN,
	C_NAME,
	C_ADDR1,
	C_ADDR2,
	C_ADDR3,
	C_TOWN,
	C_POSTCODE,
	C_TELEPHONE,
	C_RP,
	C_RP_ADDR,
	C_RI,
	C_PLACES,
	C_LA,
	C_STATUS,
	C_ENFORCEMENT,
	C_PROVISION,
	C_SECTOR,
	C_REGDATE,
	C_UPRN,
	C_SYNTHETIC,
	C_MARKING,
	NCOLUMNS
};

/* Names match ignoring case and everything but letters and digits, so
 * "Address 1", "address_1" and "ADDRESS1" are one name. */
static const struct column {
	const char *name;
	int required;
	const char *const aliases[9];
} columns[NCOLUMNS] = {
    [C_URN] = {"urn", 1, {"urn", "unique reference number", "provider urn", "ofsted urn", NULL}},
    [C_NAME] = {"name", 1, {"name", "home name", "provider name", "setting name", "establishment name", NULL}},
    [C_ADDR1] = {"address_1", 1, {"address_1", "address line 1", "provider address 1", "street", NULL}},
    [C_ADDR2] = {"address_2", 0, {"address_2", "address line 2", "provider address 2", NULL}},
    [C_ADDR3] = {"address_3", 0, {"address_3", "address line 3", "provider address 3", NULL}},
    [C_TOWN] = {"town", 0, {"town", "town/city", "city", "post town", "provider town", NULL}},
    [C_POSTCODE] = {"postcode", 1, {"postcode", "provider postcode", "postal code", NULL}},
    [C_TELEPHONE] = {"telephone", 0, {"telephone", "telephone number", "phone", "phone number", "tel", NULL}},
    [C_RP] = {"registered_person",
              0,
              {"registered_person", "registered person name", "registered provider", "organisation",
               "organisation name", "owner", NULL}},
    [C_RP_ADDR] = {"registered_person_address",
                   0,
                   {"registered_person_address", "registered provider address", "organisation address", "owner address",
                    NULL}},
    [C_RI] = {"responsible_individual", 0, {"responsible_individual", "responsible individual name", "ri", NULL}},
    [C_PLACES] = {"places",
                  1,
                  {"places", "number of places", "registered places", "max places", "maximum places", "capacity",
                   NULL}},
    [C_LA] = {"local_authority",
              1,
              {"local_authority", "local authority name", "la", "la name", "local authority code", "la code", NULL}},
    [C_STATUS] = {"registration_status", 1, {"registration_status", "status", "provider status", NULL}},
    [C_ENFORCEMENT] = {"enforcement_actions", 0, {"enforcement_actions", "enforcement", "enforcement action", NULL}},
    [C_PROVISION] = {"provision_type",
                     0,
                     {"provision_type", "type of provision", "provider type", "setting type", NULL}},
    [C_SECTOR] = {"sector", 0, {"sector", "provider sector", "ownership sector", NULL}},
    [C_REGDATE] = {"registration_date",
                   0,
                   {"registration_date", "date registered", "date of registration", "registered date", NULL}},
    [C_UPRN] = {"uprn", 0, {"uprn", "unique property reference number", NULL}},
    [C_SYNTHETIC] = {"synthetic", 0, {"synthetic", NULL}},
    /* Checked, not stored: the whole store is OFFICIAL-SENSITIVE. */
    [C_MARKING] = {"protective_marking", 0, {"protective_marking", "protective marking", NULL}},
};

/* ---- a home's versioned values ------------------------------------------ */

/* The home_version columns a row fills, in one order used for inserting,
 * reading back, fingerprinting and comparing.  Values are held as text
 * (NULL for empty); the integer columns as their decimal text. */
enum {
	V_NAME,
	V_ADDR1,
	V_ADDR2,
	V_ADDR3,
	V_TOWN,
	V_POSTCODE,
	V_TELEPHONE,
	V_RP,
	V_RP_ADDR,
	V_RI,
	V_PLACES,
	V_LA_CODE,
	V_LA_NAME,
	V_STATUS,
	V_PROVISION,
	V_SECTOR,
	V_REGDATE,
	V_UPRN,
	V_SYNTHETIC,
	V_EXTRA,
	NVALUES
};

/* How a difference in a value is reported. */
enum { K_NONE, K_NAME, K_ADDRESS, K_PLACES, K_STATUS, K_DETAILS, K_EXTRA };

static const struct vcol {
	const char *col;   /* home_version column */
	const char *label; /* name in change rows (the file's column name) */
	int kind;
	int integer;
} vcols[NVALUES] = {
    [V_NAME] = {"name", "name", K_NAME, 0},
    [V_ADDR1] = {"address1", "address_1", K_ADDRESS, 0},
    [V_ADDR2] = {"address2", "address_2", K_ADDRESS, 0},
    [V_ADDR3] = {"address3", "address_3", K_ADDRESS, 0},
    [V_TOWN] = {"town", "town", K_ADDRESS, 0},
    [V_POSTCODE] = {"postcode", "postcode", K_ADDRESS, 0},
    [V_TELEPHONE] = {"telephone", "telephone", K_DETAILS, 0},
    [V_RP] = {"registered_person", "registered_person", K_DETAILS, 0},
    [V_RP_ADDR] = {"registered_person_address", "registered_person_address", K_DETAILS, 0},
    [V_RI] = {"responsible_individual", "responsible_individual", K_DETAILS, 0},
    [V_PLACES] = {"places", "places", K_PLACES, 1},
    [V_LA_CODE] = {"la_code", "local_authority", K_DETAILS, 0},
    [V_LA_NAME] = {"la_name", "la_name", K_NONE, 0}, /* follows la_code */
    [V_STATUS] = {"registration_status", "registration_status", K_STATUS, 0},
    [V_PROVISION] = {"provision_type", "provision_type", K_DETAILS, 0},
    [V_SECTOR] = {"sector", "sector", K_DETAILS, 0},
    [V_REGDATE] = {"registration_date", "registration_date", K_DETAILS, 0},
    [V_UPRN] = {"uprn", "uprn", K_DETAILS, 1},
    [V_SYNTHETIC] = {"synthetic", "synthetic", K_DETAILS, 1},
    [V_EXTRA] = {"extra", "extra", K_EXTRA, 0},
};

/* Registration statuses that mean the home is no longer registered. */
static const char *const not_registered[] = {"Resigned", "Cancelled", "Refused", "Closed", "Deregistered"};

typedef struct enf_item {
	char date[11];
	char *nature;
} enf_item;

typedef struct home {
	int64_t row;
	char *urn;
	char *v[NVALUES];
	enf_item *enf;
	size_t nenf;
	char fingerprint[65];
	int dropped; /* outside the store owner's scope: never written */
} home;

typedef struct homes {
	home *v;
	size_t n, cap;
	/* URN -> index + 1, open addressing */
	size_t *slot;
	size_t nslot;
} homes;

static void homes_free(homes *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].urn);
		for (int k = 0; k < NVALUES; k++)
			free(h->v[i].v[k]);
		for (size_t k = 0; k < h->v[i].nenf; k++)
			free(h->v[i].enf[k].nature);
		free(h->v[i].enf);
	}
	free(h->v);
	free(h->slot);
	memset(h, 0, sizeof *h);
}

static size_t hash_str(const char *s)
{
	uint64_t x = 1469598103934665603ULL;
	for (; *s; s++)
		x = (x ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)x;
}

/* Index of urn among h's homes, or -1. */
static long homes_find(const homes *h, const char *urn)
{
	if (!h->nslot)
		return -1;
	for (size_t i = hash_str(urn) & (h->nslot - 1);; i = (i + 1) & (h->nslot - 1)) {
		if (!h->slot[i])
			return -1;
		if (strcmp(h->v[h->slot[i] - 1].urn, urn) == 0)
			return (long)(h->slot[i] - 1);
	}
}

static int homes_index(homes *h, size_t idx)
{
	if ((idx + 1) * 2 > h->nslot) {
		size_t n = h->nslot ? h->nslot * 2 : 1024;
		size_t *s = calloc(n, sizeof *s);
		if (!s)
			return 0;
		free(h->slot);
		h->slot = s;
		h->nslot = n;
		for (size_t k = 0; k < idx; k++) {
			size_t i = hash_str(h->v[k].urn) & (n - 1);
			while (s[i])
				i = (i + 1) & (n - 1);
			s[i] = k + 1;
		}
	}
	size_t i = hash_str(h->v[idx].urn) & (h->nslot - 1);
	while (h->slot[i])
		i = (i + 1) & (h->nslot - 1);
	h->slot[i] = idx + 1;
	return 1;
}

static home *homes_add(homes *h)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 256;
		home *v = realloc(h->v, cap * sizeof *v);
		if (!v)
			return NULL;
		h->v = v;
		h->cap = cap;
	}
	home *r = &h->v[h->n++];
	memset(r, 0, sizeof *r);
	return r;
}

/* ---- small text helpers ------------------------------------------------ */

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

/* Copy s with leading and trailing white space removed and inner runs of
 * white space made one space; NULL when nothing is left (or no memory: the
 * caller tells the two apart with *oom). */
static char *clean(const char *s, int *oom)
{
	size_t n = strlen(s);
	char *out = malloc(n + 1);
	if (!out) {
		*oom = 1;
		return NULL;
	}
	size_t j = 0;
	int space = 0;
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = j > 0;
			continue;
		}
		if (space)
			out[j++] = ' ';
		space = 0;
		out[j++] = *s;
	}
	out[j] = '\0';
	if (!j) {
		free(out);
		return NULL;
	}
	return out;
}

static int is_not_registered(const char *status)
{
	for (size_t i = 0; status && i < sizeof not_registered / sizeof not_registered[0]; i++)
		if (strcasecmp(status, not_registered[i]) == 0)
			return 1;
	return 0;
}

static int streq_null(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* "address_1, address_2, address_3, town, postcode", leaving out the empty. */
static char *format_address(char *const *v)
{
	size_t n = 1;
	for (int k = V_ADDR1; k <= V_POSTCODE; k++)
		if (v[k])
			n += strlen(v[k]) + 2;
	char *s = malloc(n);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (int k = V_ADDR1; k <= V_POSTCODE; k++) {
		if (!v[k])
			continue;
		if (*s)
			strcat(s, ", ");
		strcat(s, v[k]);
	}
	return s;
}

static int same_address(char *const *a, char *const *b)
{
	for (int k = V_ADDR1; k <= V_POSTCODE; k++)
		if (!streq_null(a[k], b[k]))
			return 0;
	return 1;
}

/* SHA-256 over "column=value\0" for every versioned value but la_name,
 * which only follows la_code. */
static void fingerprint(char *const *v, char hex[65])
{
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	for (int k = 0; k < NVALUES; k++) {
		if (k == V_LA_NAME)
			continue;
		crypto_hash_sha256_update(&h, (const unsigned char *)vcols[k].col, strlen(vcols[k].col));
		crypto_hash_sha256_update(&h, (const unsigned char *)"=", 1);
		if (v[k])
			crypto_hash_sha256_update(&h, (const unsigned char *)v[k], strlen(v[k]));
		crypto_hash_sha256_update(&h, (const unsigned char *)"", 1);
	}
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(hex, 65, d, sizeof d);
}

/* ---- reading and checking the file --------------------------------------- */

typedef struct reader {
	haven_ctx *ctx;
	hv_source *src;
	hv_lanames *las;
	const char *received;
	int idx[NCOLUMNS];
	int *extra;       /* column indexes kept in extra */
	char **extra_key; /* their keys in the JSON: the name as written */
	int nextra;
	homes h;
} reader;

/* Map the header to the known columns; every other column goes to extra. */
static haven_status map_columns(reader *r)
{
	haven_ctx *ctx = r->ctx;
	const char *path = hv_source_path(r->src);
	int ncols = hv_source_ncols(r->src);
	haven_status rc;
	for (int c = 0; c < NCOLUMNS; c++) {
		/* Two columns for one field ('Postcode', 'Postal code') are an
		 * error, not a guess. */
		if ((rc = hv_source_column(r->src, columns[c].aliases, columns[c].name, &r->idx[c])))
			return rc;
		if (r->idx[c] < 0 && columns[c].required)
			return hv_error(ctx, HAVEN_ERR_MISSING,
			                "%s: row 1: required column '%s' is missing (accepted names: %s%s%s%s%s)", path,
			                columns[c].name, columns[c].aliases[0], columns[c].aliases[1] ? ", " : "",
			                columns[c].aliases[1] ? columns[c].aliases[1] : "",
			                columns[c].aliases[2] ? ", " : "",
			                columns[c].aliases[2] ? columns[c].aliases[2] : "");
	}
	r->extra = calloc((size_t)(ncols ? ncols : 1), sizeof *r->extra);
	r->extra_key = calloc((size_t)(ncols ? ncols : 1), sizeof *r->extra_key);
	if (!r->extra || !r->extra_key)
		return nomem(ctx);
	char list[512] = "";
	for (int i = 0; i < ncols; i++) {
		int known = -1;
		for (int c = 0; c < NCOLUMNS && known < 0; c++)
			if (r->idx[c] == i)
				known = c;
		if (known >= 0)
			continue;
		/* A column with no name is known by its number.  Two columns of
		 * one name were refused when the file was opened, but a column
		 * named "column 9" and an unnamed ninth column share a key. */
		const char *name = hv_source_colname(r->src, i);
		char numbered[32];
		snprintf(numbered, sizeof numbered, "column %d", i + 1);
		char *key = strdup(*name ? name : numbered);
		if (!key)
			return nomem(ctx);
		for (int k = 0; k < r->nextra; k++)
			if (hv_colname_eq(r->extra_key[k], key)) {
				haven_status st =
				    hv_error(ctx, HAVEN_ERR_DUPLICATE,
				             "%s: row 1: columns %d ('%s') and %d ('%s') have the same name; "
				             "rename one",
				             path, r->extra[k] + 1, r->extra_key[k], i + 1, key);
				free(key);
				return st;
			}
		r->extra[r->nextra] = i;
		r->extra_key[r->nextra++] = key;
		size_t l = strlen(list);
		snprintf(list + l, sizeof list - l, "%s'%s'", l ? ", " : "", key);
	}
	/* Keys in name order, so that the same columns in another order give the
	 * same JSON (and fingerprint). */
	for (int i = 1; i < r->nextra; i++)
		for (int k = i; k > 0 && strcmp(r->extra_key[k - 1], r->extra_key[k]) > 0; k--) {
			char *key = r->extra_key[k];
			int col = r->extra[k];
			r->extra_key[k] = r->extra_key[k - 1];
			r->extra[k] = r->extra[k - 1];
			r->extra_key[k - 1] = key;
			r->extra[k - 1] = col;
		}
	if (r->nextra)
		hv_notice(ctx, "%s: %d column%s not part of the register format, kept in home_version.extra: %s", path,
		          r->nextra, r->nextra == 1 ? "" : "s", list);
	return HAVEN_OK;
}

/* Items ordered by date, nature, then place in the cell, so that repeats
 * sit together with the first one leading. */
typedef struct enf_ref {
	const enf_item *e;
	size_t at;
} enf_ref;

static int enf_ref_cmp(const void *pa, const void *pb)
{
	const enf_ref *a = pa, *b = pb;
	int c = strcmp(a->e->date, b->e->date);
	if (!c)
		c = strcmp(a->e->nature, b->e->nature);
	return c ? c : (a->at > b->at) - (a->at < b->at);
}

/* Record each repeated item once, in the order of first mention.  Sorting
 * keeps this O(n log n): comparing every item with every earlier one took
 * 22 s for a 3.6 MB cell. */
static haven_status enf_dedupe(haven_ctx *ctx, home *h)
{
	if (h->nenf < 2)
		return HAVEN_OK;
	enf_ref *ref = malloc(h->nenf * sizeof *ref);
	if (!ref)
		return nomem(ctx);
	for (size_t i = 0; i < h->nenf; i++)
		ref[i] = (enf_ref){&h->enf[i], i};
	qsort(ref, h->nenf, sizeof *ref, enf_ref_cmp);
	for (size_t i = 1; i < h->nenf; i++)
		if (strcmp(ref[i].e->date, ref[i - 1].e->date) == 0 &&
		    strcmp(ref[i].e->nature, ref[i - 1].e->nature) == 0) {
			enf_item *dup = &h->enf[ref[i].at];
			free(dup->nature);
			dup->nature = NULL;
			ref[i].e = ref[i - 1].e; /* keep comparing with the group's first */
		}
	free(ref);
	size_t n = 0;
	for (size_t i = 0; i < h->nenf; i++)
		if (h->enf[i].nature)
			h->enf[n++] = h->enf[i];
	h->nenf = n;
	return HAVEN_OK;
}

static haven_status parse_enforcement(reader *r, home *h, const char *cell)
{
	haven_ctx *ctx = r->ctx;
	char *copy = strdup(cell);
	if (!copy)
		return nomem(ctx);
	haven_status rc = HAVEN_OK;
	int item = 0;
	size_t cap = 0;
	char *save = NULL;
	for (char *tok = strtok_r(copy, ";", &save); tok && !rc; tok = strtok_r(NULL, ";", &save)) {
		int oom = 0;
		char *it = clean(tok, &oom);
		if (oom) {
			rc = nomem(ctx);
			break;
		}
		if (!it) /* an empty item, e.g. after a final ';' */
			continue;
		item++;
		char date[11];
		snprintf(date, sizeof date, "%.10s", it);
		const char *nature = it + strlen(date);
		if (!hv_parse_date(date, NULL) || *nature != ' ' || !nature[1]) {
			rc =
			    hv_source_error(r->src, HAVEN_ERR_VALUE,
			                    "enforcement_actions item %d '%s' is not 'YYYY-MM-DD nature' (a real date, "
			                    "a space, then what was done)",
			                    item, it);
		} else if (strcmp(date, r->received) > 0) {
			rc = hv_source_error(r->src, HAVEN_ERR_VALUE,
			                     "enforcement_actions item %d is dated %s, after the received date %s",
			                     item, date, r->received);
		} else {
			if (h->nenf == cap) {
				cap = cap ? cap * 2 : 4;
				enf_item *e = realloc(h->enf, cap * sizeof *e);
				if (e)
					h->enf = e;
				else
					rc = nomem(ctx);
			}
			char *nat = rc ? NULL : strdup(nature + 1);
			if (!rc && !nat)
				rc = nomem(ctx);
			if (!rc) {
				memcpy(h->enf[h->nenf].date, date, sizeof date);
				h->enf[h->nenf++].nature = nat;
			}
		}
		free(it);
	}
	free(copy);
	return rc ? rc : enf_dedupe(ctx, h);
}

/* Check one row and turn it into a home. */
static haven_status read_row(reader *r, home *h)
{
	haven_ctx *ctx = r->ctx;
	hv_source *src = r->src;
	char *c[NCOLUMNS] = {0};
	haven_status rc = HAVEN_OK;
	int oom = 0;
	h->row = hv_source_row(src);
	/* hv_csv_value first: a cell haven's CSV writer neutralised ("'=Sunny
	 * House") is its value again before white space is cleaned. */
	for (int k = 0; k < NCOLUMNS; k++)
		if (r->idx[k] >= 0)
			c[k] = clean(hv_csv_value(hv_source_field(src, r->idx[k])), &oom);
	if (oom) {
		rc = nomem(ctx);
		goto done;
	}
	for (int k = 0; k < NCOLUMNS; k++)
		if (columns[k].required && !c[k]) {
			rc = hv_source_error(src, HAVEN_ERR_MISSING, "required value '%s' (column %d, '%s') is empty",
			                     columns[k].name, r->idx[k] + 1, hv_source_colname(src, r->idx[k]));
			goto done;
		}

	/* URN: letters and digits only, kept upper case. */
	for (char *p = c[C_URN]; *p; p++) {
		if (!isalnum((unsigned char)*p)) {
			rc = hv_source_error(src, HAVEN_ERR_VALUE, "urn '%s' may hold only letters and digits",
			                     c[C_URN]);
			goto done;
		}
		*p = (char)toupper((unsigned char)*p);
	}
	if (strlen(c[C_URN]) > 20) {
		rc = hv_source_error(src, HAVEN_ERR_VALUE, "urn '%s' is longer than 20 characters", c[C_URN]);
		goto done;
	}
	long dup = homes_find(&r->h, c[C_URN]);
	if (dup >= 0) {
		rc = hv_source_error(src, HAVEN_ERR_DUPLICATE, "URN %s is also on row %lld; each home may appear once",
		                     c[C_URN], (long long)r->h.v[dup].row);
		goto done;
	}

	char pc[9];
	if (haven_postcode_normalise(c[C_POSTCODE], pc, NULL) != HAVEN_OK) {
		rc =
		    hv_source_error(src, HAVEN_ERR_VALUE, "postcode '%s' is not a possible UK postcode", c[C_POSTCODE]);
		goto done;
	}

	char *end;
	errno = 0;
	long long places = strtoll(c[C_PLACES], &end, 10);
	if (*end || errno || end == c[C_PLACES]) {
		rc = hv_source_error(src, HAVEN_ERR_VALUE, "places '%s' is not a whole number", c[C_PLACES]);
		goto done;
	}
	if (places < 0 || places > 1000) {
		rc = hv_source_error(src, HAVEN_ERR_VALUE, "places %lld is impossible (must be 0 to 1000)", places);
		goto done;
	}

	const char *la_code, *la_name;
	if ((rc = hv_lanames_resolve(ctx, r->las, c[C_LA], &la_code, &la_name))) {
		char msg[sizeof ctx->errmsg];
		snprintf(msg, sizeof msg, "%s", haven_errmsg(ctx));
		rc = hv_source_error(src, rc, "%s", msg);
		goto done;
	}

	if (c[C_REGDATE]) {
		/* A spreadsheet's date cell is read as YYYY/MM/DD: take it too. */
		if (strlen(c[C_REGDATE]) == 10 && c[C_REGDATE][4] == '/' && c[C_REGDATE][7] == '/')
			c[C_REGDATE][4] = c[C_REGDATE][7] = '-';
		if (!hv_parse_date(c[C_REGDATE], NULL)) {
			rc = hv_source_error(src, HAVEN_ERR_VALUE, "registration_date '%s' is not a date (YYYY-MM-DD)",
			                     c[C_REGDATE]);
			goto done;
		}
		if (strcmp(c[C_REGDATE], r->received) > 0) {
			rc = hv_source_error(src, HAVEN_ERR_VALUE, "registration_date %s is after the received date %s",
			                     c[C_REGDATE], r->received);
			goto done;
		}
	}

	char uprn[24] = "";
	if (c[C_UPRN]) {
		size_t n = strlen(c[C_UPRN]);
		int ok = n >= 1 && n <= 12;
		for (size_t i = 0; ok && i < n; i++)
			ok = isdigit((unsigned char)c[C_UPRN][i]);
		if (!ok || strtoll(c[C_UPRN], NULL, 10) == 0) {
			rc = hv_source_error(src, HAVEN_ERR_VALUE, "uprn '%s' is not a UPRN (1 to 12 digits)",
			                     c[C_UPRN]);
			goto done;
		}
		snprintf(uprn, sizeof uprn, "%lld", strtoll(c[C_UPRN], NULL, 10));
	}

	int synthetic = 0;
	if (c[C_SYNTHETIC]) {
		static const char *const yes[] = {"yes", "y", "true", "1"}, *const no[] = {"no", "n", "false", "0"};
		int known = 0;
		for (size_t i = 0; i < 4; i++) {
			if (strcasecmp(c[C_SYNTHETIC], yes[i]) == 0)
				synthetic = 1, known = 1;
			if (strcasecmp(c[C_SYNTHETIC], no[i]) == 0)
				known = 1;
		}
		if (!known) {
			rc = hv_source_error(src, HAVEN_ERR_VALUE, "synthetic '%s' is not yes or no", c[C_SYNTHETIC]);
			goto done;
		}
	}

	if (c[C_MARKING] && strcasecmp(c[C_MARKING], HAVEN_MARKING) != 0 && strcasecmp(c[C_MARKING], "OFFICIAL") != 0) {
		rc = hv_source_error(src, HAVEN_ERR_VALUE,
		                     "protective_marking '%s' is not OFFICIAL or %s, the most a haven store may hold",
		                     c[C_MARKING], HAVEN_MARKING);
		goto done;
	}

	if (c[C_ENFORCEMENT] && (rc = parse_enforcement(r, h, c[C_ENFORCEMENT])))
		goto done;

	char *extra = NULL;
	if (r->nextra) {
		cJSON *o = cJSON_CreateObject();
		int any = 0;
		for (int i = 0; o && i < r->nextra; i++) {
			const char *val = hv_csv_value(hv_source_field(src, r->extra[i]));
			if (!*val)
				continue;
			if (!cJSON_AddStringToObject(o, r->extra_key[i], val)) {
				cJSON_Delete(o);
				o = NULL;
			}
			any = 1;
		}
		if (!o) {
			rc = nomem(ctx);
			goto done;
		}
		if (any && !(extra = cJSON_PrintUnformatted(o))) {
			cJSON_Delete(o);
			rc = nomem(ctx);
			goto done;
		}
		cJSON_Delete(o);
	}

	/* Move the values into the home. */
	h->urn = c[C_URN], c[C_URN] = NULL;
	h->v[V_NAME] = c[C_NAME], c[C_NAME] = NULL;
	h->v[V_ADDR1] = c[C_ADDR1], c[C_ADDR1] = NULL;
	h->v[V_ADDR2] = c[C_ADDR2], c[C_ADDR2] = NULL;
	h->v[V_ADDR3] = c[C_ADDR3], c[C_ADDR3] = NULL;
	h->v[V_TOWN] = c[C_TOWN], c[C_TOWN] = NULL;
	h->v[V_TELEPHONE] = c[C_TELEPHONE], c[C_TELEPHONE] = NULL;
	h->v[V_RP] = c[C_RP], c[C_RP] = NULL;
	h->v[V_RP_ADDR] = c[C_RP_ADDR], c[C_RP_ADDR] = NULL;
	h->v[V_RI] = c[C_RI], c[C_RI] = NULL;
	h->v[V_STATUS] = c[C_STATUS], c[C_STATUS] = NULL;
	h->v[V_PROVISION] = c[C_PROVISION], c[C_PROVISION] = NULL;
	h->v[V_SECTOR] = c[C_SECTOR], c[C_SECTOR] = NULL;
	h->v[V_REGDATE] = c[C_REGDATE], c[C_REGDATE] = NULL;
	h->v[V_EXTRA] = extra;
	char num[24];
	snprintf(num, sizeof num, "%lld", places);
	h->v[V_PLACES] = strdup(num);
	h->v[V_SYNTHETIC] = strdup(synthetic ? "1" : "0");
	h->v[V_POSTCODE] = strdup(pc);
	h->v[V_LA_CODE] = strdup(la_code);
	h->v[V_LA_NAME] = strdup(la_name);
	h->v[V_UPRN] = *uprn ? strdup(uprn) : NULL;
	if (!h->v[V_PLACES] || !h->v[V_SYNTHETIC] || !h->v[V_POSTCODE] || !h->v[V_LA_CODE] || !h->v[V_LA_NAME] ||
	    (*uprn && !h->v[V_UPRN])) {
		rc = nomem(ctx);
		goto done;
	}
	fingerprint(h->v, h->fingerprint);
done:
	for (int k = 0; k < NCOLUMNS; k++)
		free(c[k]);
	return rc;
}

/* Read and check every row of the file's bytes (data, len) into r->h. */
static haven_status read_file(reader *r, const char *path, const unsigned char *data, size_t len)
{
	haven_status rc = hv_source_open_mem(r->ctx, path, data, len, &r->src);
	if (!rc) {
		hv_source_hold(r->src); /* every home is kept until the write */
		rc = map_columns(r);
	}
	int has = 1;
	while (!rc && has) {
		if ((rc = hv_source_next(r->src, &has)) || !has)
			break;
		home *h = homes_add(&r->h);
		if (!h)
			return nomem(r->ctx);
		rc = read_row(r, h);
		if (!rc && !homes_index(&r->h, r->h.n - 1))
			rc = nomem(r->ctx);
		if (rc)
			break;
		if (r->h.n % 1024 == 0) {
			int64_t done, total;
			hv_source_position(r->src, &done, &total);
			hv_progress(r->ctx, "reading register", done, total);
		}
	}
	if (!rc && r->h.n == 0)
		rc = hv_error(r->ctx, HAVEN_ERR_MISSING, "%s: the file has a header but no homes", path);
	return rc;
}

/* ---- writing the snapshot ------------------------------------------------ */

typedef struct writer {
	haven_ctx *ctx;
	const char *received;
	int64_t snapshot;
	haven_register_report *rep;
	sqlite3_stmt *latest, *insert, *close_v, *geo, *change, *enf_has, *enf_add;
} writer;

static const char sql_latest[] =
    "SELECT id, valid_to, fingerprint, name, address1, address2, address3, town, postcode, telephone,"
    " registered_person, registered_person_address, responsible_individual, places, la_code, la_name,"
    " registration_status, provision_type, sector, registration_date, uprn, synthetic, extra"
    " FROM home_version WHERE urn = ? ORDER BY valid_from DESC LIMIT 1";
#define LATEST_V0 3 /* first value column of sql_latest */

static const char sql_insert[] =
    "INSERT INTO home_version(urn, valid_from, snapshot_from, name, address1, address2, address3, town,"
    " postcode, telephone, registered_person, registered_person_address, responsible_individual, places,"
    " la_code, la_name, registration_status, provision_type, sector, registration_date, uprn, synthetic,"
    " extra, fingerprint) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
#define INSERT_V0 4 /* parameter of the first value */

static const char sql_geo[] =
    "UPDATE home_version SET (geo_method, geo_confidence, geo_key, geo_la_check, geo_la_found, geo_district,"
    " geo_pfa, geo_region, geo_note, geo_at, geom) = (SELECT geo_method, geo_confidence, geo_key, geo_la_check,"
    " geo_la_found, geo_district, geo_pfa, geo_region, geo_note, geo_at, geom FROM home_version WHERE id = ?1)"
    " WHERE id = ?2";

static void writer_finish(writer *w)
{
	sqlite3_stmt **all[] = {&w->latest, &w->insert, &w->close_v, &w->geo, &w->change, &w->enf_has, &w->enf_add};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		sqlite3_finalize(*all[i]);
		*all[i] = NULL;
	}
}

static haven_status writer_prepare(writer *w)
{
	haven_status rc = hv_prepare(w->ctx, sql_latest, &w->latest);
	if (!rc)
		rc = hv_prepare(w->ctx, sql_insert, &w->insert);
	if (!rc)
		rc = hv_prepare(w->ctx, "UPDATE home_version SET valid_to = ?, snapshot_to = ? WHERE id = ?",
		                &w->close_v);
	if (!rc)
		rc = hv_prepare(w->ctx, sql_geo, &w->geo);
	if (!rc)
		rc = hv_prepare(
		    w->ctx,
		    "INSERT INTO register_change(snapshot_id, urn, kind, old_value, new_value) VALUES(?,?,?,?,?)",
		    &w->change);
	if (!rc)
		rc = hv_prepare(w->ctx, "SELECT 1 FROM enforcement WHERE urn = ? AND action_date = ? AND nature = ?",
		                &w->enf_has);
	if (!rc)
		rc =
		    hv_prepare(w->ctx, "INSERT INTO enforcement(urn, action_date, nature, snapshot_id) VALUES(?,?,?,?)",
		               &w->enf_add);
	return rc;
}

/* Run a bound statement that returns no rows, then reset it. */
static haven_status step_done(writer *w, sqlite3_stmt *st, const char *what)
{
	int s = sqlite3_step(st);
	haven_status rc = s == SQLITE_DONE ? HAVEN_OK : hv_error_sql(w->ctx, what);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

static haven_status add_change(writer *w, const char *urn, const char *kind, const char *old_value,
                               const char *new_value)
{
	sqlite3_bind_int64(w->change, 1, w->snapshot);
	sqlite3_bind_text(w->change, 2, urn, -1, SQLITE_STATIC);
	sqlite3_bind_text(w->change, 3, kind, -1, SQLITE_STATIC);
	hv_bind_text_or_null(w->change, 4, old_value);
	hv_bind_text_or_null(w->change, 5, new_value);
	w->rep->changes++;
	return step_done(w, w->change, "recording a change");
}

/* A details change "label: value", "(none)" for an empty value. */
static haven_status add_detail(writer *w, const char *urn, const char *label, const char *old_value,
                               const char *new_value)
{
	char *o = sqlite3_mprintf("%s: %s", label, old_value ? old_value : "(none)");
	char *n = sqlite3_mprintf("%s: %s", label, new_value ? new_value : "(none)");
	haven_status rc = o && n ? add_change(w, urn, "details", o, n) : nomem(w->ctx);
	sqlite3_free(o);
	sqlite3_free(n);
	return rc;
}

/* Details changes for the extra columns, key by key. */
static haven_status diff_extra(writer *w, const char *urn, const char *old_json, const char *new_json)
{
	cJSON *o = old_json ? cJSON_Parse(old_json) : cJSON_CreateObject();
	cJSON *n = new_json ? cJSON_Parse(new_json) : cJSON_CreateObject();
	haven_status rc = o && n ? HAVEN_OK : nomem(w->ctx);
	char label[300];
	for (cJSON *it = n ? n->child : NULL; !rc && it; it = it->next) {
		cJSON *was = cJSON_GetObjectItemCaseSensitive(o, it->string);
		const char *wv = cJSON_IsString(was) ? was->valuestring : NULL;
		if (!streq_null(wv, it->valuestring)) {
			snprintf(label, sizeof label, "extra.%s", it->string);
			rc = add_detail(w, urn, label, wv, it->valuestring);
		}
	}
	for (cJSON *it = o ? o->child : NULL; !rc && it; it = it->next) {
		if (cJSON_GetObjectItemCaseSensitive(n, it->string))
			continue;
		snprintf(label, sizeof label, "extra.%s", it->string);
		rc = add_detail(w, urn, label, cJSON_IsString(it) ? it->valuestring : NULL, NULL);
	}
	cJSON_Delete(o);
	cJSON_Delete(n);
	return rc;
}

/* One change row per difference between two versions' values. */
static haven_status diff_values(writer *w, const char *urn, char *const *old_v, char *const *new_v)
{
	haven_status rc = HAVEN_OK;
	if (!streq_null(old_v[V_NAME], new_v[V_NAME]))
		rc = add_change(w, urn, "name", old_v[V_NAME], new_v[V_NAME]);
	if (!rc && !same_address(old_v, new_v)) {
		char *a = format_address(old_v), *b = format_address(new_v);
		rc = a && b ? add_change(w, urn, "address", a, b) : nomem(w->ctx);
		free(a);
		free(b);
	}
	if (!rc && !streq_null(old_v[V_PLACES], new_v[V_PLACES]))
		rc = add_change(w, urn, "places", old_v[V_PLACES], new_v[V_PLACES]);
	if (!rc && !streq_null(old_v[V_STATUS], new_v[V_STATUS]))
		rc = add_change(w, urn,
		                is_not_registered(new_v[V_STATUS]) && !is_not_registered(old_v[V_STATUS])
		                    ? "deregistered"
		                    : "status",
		                old_v[V_STATUS], new_v[V_STATUS]);
	for (int k = 0; !rc && k < NVALUES; k++) {
		if (vcols[k].kind != K_DETAILS || streq_null(old_v[k], new_v[k]))
			continue;
		if (k == V_LA_CODE) {
			char *a = sqlite3_mprintf("%s (%s)", old_v[V_LA_CODE], old_v[V_LA_NAME]);
			char *b = sqlite3_mprintf("%s (%s)", new_v[V_LA_CODE], new_v[V_LA_NAME]);
			rc = a && b ? add_detail(w, urn, vcols[k].label, a, b) : nomem(w->ctx);
			sqlite3_free(a);
			sqlite3_free(b);
		} else if (k == V_SYNTHETIC) {
			rc = add_detail(w, urn, vcols[k].label, strcmp(old_v[k], "1") == 0 ? "yes" : "no",
			                strcmp(new_v[k], "1") == 0 ? "yes" : "no");
		} else {
			rc = add_detail(w, urn, vcols[k].label, old_v[k], new_v[k]);
		}
	}
	if (!rc && !streq_null(old_v[V_EXTRA], new_v[V_EXTRA]))
		rc = diff_extra(w, urn, old_v[V_EXTRA], new_v[V_EXTRA]);
	return rc;
}

static haven_status insert_version(writer *w, const home *h, int64_t *id)
{
	sqlite3_stmt *st = w->insert;
	sqlite3_bind_text(st, 1, h->urn, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, w->received, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, w->snapshot);
	for (int k = 0; k < NVALUES; k++) {
		if (vcols[k].integer && h->v[k])
			sqlite3_bind_int64(st, INSERT_V0 + k, strtoll(h->v[k], NULL, 10));
		else
			hv_bind_text_or_null(st, INSERT_V0 + k, h->v[k]);
	}
	sqlite3_bind_text(st, INSERT_V0 + NVALUES, h->fingerprint, -1, SQLITE_STATIC);
	haven_status rc = step_done(w, st, "adding a home version");
	*id = sqlite3_last_insert_rowid(w->ctx->db);
	return rc;
}

static haven_status close_version(writer *w, int64_t id)
{
	sqlite3_bind_text(w->close_v, 1, w->received, -1, SQLITE_STATIC);
	sqlite3_bind_int64(w->close_v, 2, w->snapshot);
	sqlite3_bind_int64(w->close_v, 3, id);
	return step_done(w, w->close_v, "closing a home version");
}

static haven_status copy_geocode(writer *w, int64_t from, int64_t to)
{
	sqlite3_bind_int64(w->geo, 1, from);
	sqlite3_bind_int64(w->geo, 2, to);
	return step_done(w, w->geo, "copying geocoding");
}

static haven_status add_enforcement(writer *w, const home *h)
{
	haven_status rc = HAVEN_OK;
	for (size_t i = 0; !rc && i < h->nenf; i++) {
		sqlite3_bind_text(w->enf_has, 1, h->urn, -1, SQLITE_STATIC);
		sqlite3_bind_text(w->enf_has, 2, h->enf[i].date, -1, SQLITE_STATIC);
		sqlite3_bind_text(w->enf_has, 3, h->enf[i].nature, -1, SQLITE_STATIC);
		int s = sqlite3_step(w->enf_has);
		sqlite3_reset(w->enf_has);
		if (s == SQLITE_ROW)
			continue;
		if (s != SQLITE_DONE)
			return hv_error_sql(w->ctx, "reading enforcement actions");
		sqlite3_bind_text(w->enf_add, 1, h->urn, -1, SQLITE_STATIC);
		sqlite3_bind_text(w->enf_add, 2, h->enf[i].date, -1, SQLITE_STATIC);
		sqlite3_bind_text(w->enf_add, 3, h->enf[i].nature, -1, SQLITE_STATIC);
		sqlite3_bind_int64(w->enf_add, 4, w->snapshot);
		rc = step_done(w, w->enf_add, "adding an enforcement action");
		if (!rc) {
			char *v = sqlite3_mprintf("%s %s", h->enf[i].date, h->enf[i].nature);
			rc = v ? add_change(w, h->urn, "enforcement", NULL, v) : nomem(w->ctx);
			sqlite3_free(v);
			w->rep->enforcement++;
		}
	}
	return rc;
}

static void free_values(char **v)
{
	for (int k = 0; k < NVALUES; k++) {
		free(v[k]);
		v[k] = NULL;
	}
}

/* Compare one home of the file with its latest version and write what differs. */
static haven_status apply_home(writer *w, const home *h)
{
	haven_ctx *ctx = w->ctx;
	sqlite3_bind_text(w->latest, 1, h->urn, -1, SQLITE_STATIC);
	int s = sqlite3_step(w->latest);
	if (s != SQLITE_ROW && s != SQLITE_DONE) {
		sqlite3_reset(w->latest);
		return hv_error_sql(ctx, "reading a home's history");
	}
	int64_t prev = 0, id;
	int current = 0;
	char *old_v[NVALUES] = {0}, fp[65] = "", closed_on[11] = "";
	int oom = 0;
	if (s == SQLITE_ROW) {
		prev = sqlite3_column_int64(w->latest, 0);
		current = sqlite3_column_type(w->latest, 1) == SQLITE_NULL;
		if (!current)
			snprintf(closed_on, sizeof closed_on, "%s", (const char *)sqlite3_column_text(w->latest, 1));
		snprintf(fp, sizeof fp, "%s", (const char *)sqlite3_column_text(w->latest, 2));
		for (int k = 0; k < NVALUES; k++) {
			const char *t = (const char *)sqlite3_column_text(w->latest, LATEST_V0 + k);
			if (t && !(old_v[k] = strdup(t)))
				oom = 1;
		}
	}
	sqlite3_reset(w->latest);
	if (oom) {
		free_values(old_v);
		return nomem(ctx);
	}

	haven_status rc = HAVEN_OK;
	if (!prev) {
		w->rep->new_homes++;
		char *addr = format_address(h->v);
		rc = insert_version(w, h, &id);
		if (!rc)
			rc = addr ? add_change(w, h->urn, "new", NULL, addr) : nomem(ctx);
		free(addr);
	} else if (current && strcmp(fp, h->fingerprint) == 0) {
		w->rep->unchanged++;
	} else {
		if (current) {
			w->rep->changed++;
			rc = close_version(w, prev);
		} else {
			w->rep->reopened++;
			char *addr = format_address(h->v);
			rc = addr ? add_change(w, h->urn, "reopened", closed_on, addr) : nomem(ctx);
			free(addr);
		}
		if (!rc)
			rc = insert_version(w, h, &id);
		if (!rc && same_address(old_v, h->v))
			rc = copy_geocode(w, prev, id);
		if (!rc)
			rc = diff_values(w, h->urn, old_v, h->v);
	}
	free_values(old_v);
	if (!rc)
		rc = add_enforcement(w, h);
	return rc;
}

/* Close the current versions of homes the file no longer holds. */
static haven_status close_absent(writer *w, const homes *file)
{
	haven_ctx *ctx = w->ctx;
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx,
	                             "SELECT id, urn, address1, address2, address3, town, postcode FROM home_version"
	                             " WHERE valid_to IS NULL AND snapshot_from <> ? ORDER BY urn",
	                             &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, w->snapshot);
	struct gone {
		int64_t id;
		char *urn, *addr;
	} *g = NULL;
	size_t n = 0, cap = 0;
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *urn = (const char *)sqlite3_column_text(st, 1);
		long in_file = homes_find(file, urn);
		if (in_file >= 0 && !file->v[in_file].dropped)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct gone *ng = realloc(g, cap * sizeof *g);
			if (!ng) {
				rc = nomem(ctx);
				break;
			}
			g = ng;
		}
		char *v[NVALUES] = {0};
		for (int k = V_ADDR1; k <= V_POSTCODE; k++)
			v[k] = (char *)sqlite3_column_text(st, 2 + k - V_ADDR1);
		g[n].id = sqlite3_column_int64(st, 0);
		g[n].urn = strdup(urn);
		g[n].addr = format_address(v);
		n++;
		if (!g[n - 1].urn || !g[n - 1].addr)
			rc = nomem(ctx);
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "finding closed homes");
	sqlite3_finalize(st);
	for (size_t i = 0; !rc && i < n; i++) {
		rc = close_version(w, g[i].id);
		if (!rc)
			rc = add_change(w, g[i].urn, "closed", g[i].addr, NULL);
		w->rep->closed++;
	}
	for (size_t i = 0; i < n; i++) {
		free(g[i].urn);
		free(g[i].addr);
	}
	free(g);
	return rc;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* The snapshot checks: the same file again is a no-op (*noop), an older or
 * conflicting date is STALE. */
static haven_status check_snapshot(haven_ctx *ctx, const char *path, const char *received, const char *sha,
                                   haven_register_report *rep, int *noop)
{
	*noop = 0;
	sqlite3_stmt *st;
	haven_status rc =
	    hv_prepare(ctx, "SELECT received FROM snapshot WHERE sha256 = ? ORDER BY received LIMIT 1", &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*noop = 1;
		snprintf(rep->received, sizeof rep->received, "%s", (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (*noop)
		return HAVEN_OK;
	if ((rc = hv_prepare(ctx, "SELECT received, source FROM snapshot ORDER BY received DESC LIMIT 1", &st)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *newest = (const char *)sqlite3_column_text(st, 0);
		int cmp = strcmp(received, newest);
		if (cmp < 0)
			rc = hv_error(
			    ctx, HAVEN_ERR_STALE,
			    "%s: received %s is older than the newest snapshot, received %s (%s); snapshots must "
			    "be imported in the order received",
			    path, received, newest, (const char *)sqlite3_column_text(st, 1));
		else if (cmp == 0)
			rc =
			    hv_error(ctx, HAVEN_ERR_STALE,
			             "%s: a different file (%s) is already the snapshot received %s; received %s would "
			             "replace it, which haven never does",
			             path, (const char *)sqlite3_column_text(st, 1), newest, received);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Mark the homes whose LA is outside the store owner's scope: they are
 * dropped, never written, and the first ten named in a notice. */
static void drop_out_of_scope(haven_ctx *ctx, const char *path, homes *h, const hv_scope *scope,
                              haven_register_report *rep)
{
	char list[1024] = "";
	for (size_t i = 0; i < h->n; i++) {
		home *x = &h->v[i];
		if (hv_scope_has_la(scope, x->v[V_LA_CODE]))
			continue;
		x->dropped = 1;
		if (rep->dropped++ < 10) {
			size_t l = strlen(list);
			snprintf(list + l, sizeof list - l, "%s%s (%s %s)", l ? ", " : "", x->urn, x->v[V_LA_CODE],
			         x->v[V_LA_NAME]);
		}
	}
	if (rep->dropped)
		hv_notice(ctx, "%s: %lld home%s outside this store's scope (%s) dropped, not imported: %s%s", path,
		          (long long)rep->dropped, rep->dropped == 1 ? "" : "s", hv_scope_describe(scope), list,
		          rep->dropped > 10 ? ", ..." : "");
}

/* A verified extract must be newer than every extract of the same issuer
 * already held: a higher sequence number and a register date not earlier
 * than the newest held.  Otherwise an older genuine extract, replayed,
 * would roll the register back (homes opened since would be closed). */
static haven_status check_replay(haven_ctx *ctx, const char *path, const hv_manifest *m)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx,
	                             "SELECT extract_seq, register_as_at, received FROM snapshot"
	                             " WHERE origin = 'manifest' AND issuer = ? ORDER BY extract_seq DESC LIMIT 1",
	                             &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, m->issuer, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		const char *as_at = (const char *)sqlite3_column_text(st, 1);
		if (m->extract <= seq)
			rc = hv_error(
			    ctx, HAVEN_ERR_STALE,
			    "%s: extract %lld of %s is not newer than extract %lld (register as at %s), already "
			    "imported as the snapshot received %s; an older extract would roll the register "
			    "back, so it is refused",
			    path, (long long)m->extract, m->issuer, (long long)seq, as_at,
			    (const char *)sqlite3_column_text(st, 2));
		else if (strcmp(m->register_as_at, as_at) < 0)
			rc = hv_error(
			    ctx, HAVEN_ERR_STALE,
			    "%s: extract %lld of %s holds the register as at %s, older than the register as at "
			    "%s already imported; it is refused",
			    path, (long long)m->extract, m->issuer, m->register_as_at, as_at);
	}
	sqlite3_finalize(st);
	return rc;
}

/* A file without a manifest is refused once the store holds an HMCI key
 * (anyone could strip the manifest of a signed extract), unless an admin
 * admits it explicitly (HAVEN_IMPORT_UNSIGNED); the audit entry says so. */
static haven_status admit_unsigned(haven_ctx *ctx, const char *path, unsigned flags, haven_register_report *rep)
{
	int64_t keys = 0;
	haven_status rc = hv_query_int(ctx,
	                               "SELECT count(*) FROM authority_key k JOIN authority a ON a.code = "
	                               "k.authority_code WHERE a.kind = 'hmci'",
	                               &keys);
	if (rc || keys == 0)
		return rc;
	if (!(flags & HAVEN_IMPORT_UNSIGNED))
		return hv_error(ctx, HAVEN_ERR_TAMPER,
		                "%s: no manifest (%s.manifest): this store holds HMCI's public key, so a register "
		                "file whose origin cannot be verified is refused; an admin may admit it with "
		                "--unsigned, which is recorded in the audit log",
		                path, path);
	static const char *const admin[] = {"admin", NULL};
	if ((rc = hv_need_role(ctx, admin)))
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "%s: only an admin may admit a register file without a manifest (--unsigned)", path);
	hv_notice(ctx, "%s: no manifest: admitted unverified by %s (recorded in the audit log)", path, ctx->actor.user);
	rep->admitted_unsigned = 1;
	return HAVEN_OK;
}

/* Record where the snapshot came from (migration 4's columns). */
static haven_status record_origin(haven_ctx *ctx, int64_t snapshot, const hv_manifest *m)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(
	    ctx, "UPDATE snapshot SET origin = ?, issuer = ?, extract_seq = ?, register_as_at = ? WHERE id = ?", &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, m ? "manifest" : "unsigned", -1, SQLITE_STATIC);
	if (m) {
		sqlite3_bind_text(st, 2, m->issuer, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, m->extract);
		sqlite3_bind_text(st, 4, m->register_as_at, -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(st, 5, snapshot);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = hv_error_sql(ctx, "recording the snapshot's origin");
	sqlite3_finalize(st);
	return rc;
}

static haven_status import_locked(haven_ctx *ctx, const char *path, const unsigned char *data, size_t len,
                                  const char *received, const char *sha, const hv_manifest *m,
                                  haven_register_report *rep)
{
	int noop;
	haven_status rc = check_snapshot(ctx, path, received, sha, rep, &noop);
	if (rc || noop) {
		rep->noop = noop;
		return rc;
	}
	if (m && (rc = check_replay(ctx, path, m)))
		return rc;
	int64_t current = 0;
	if ((rc = hv_query_int(ctx, "SELECT count(*) FROM home_version WHERE valid_to IS NULL", &current)))
		return rc;
	reader r = {.ctx = ctx, .received = received};
	writer w = {.ctx = ctx, .received = received, .rep = rep};
	hv_scope *scope = NULL;
	if (!(rc = hv_scope_owner(ctx, &scope)) && !(rc = hv_lanames_load(ctx, &r.las)))
		rc = read_file(&r, path, data, len);
	if (!rc)
		drop_out_of_scope(ctx, path, &r.h, scope, rep);
	hv_scope_free(scope);
	hv_source_close(r.src);
	r.src = NULL;
	hv_lanames_free(r.las);
	for (int i = 0; i < r.nextra; i++)
		free(r.extra_key[i]);
	free(r.extra_key);
	free(r.extra);
	if (rc) {
		homes_free(&r.h);
		return rc;
	}
	rep->extra_columns = r.nextra;
	rep->homes = (int64_t)r.h.n - rep->dropped;
	if (rep->homes == 0) {
		homes_free(&r.h);
		return hv_error(ctx, HAVEN_ERR_MISSING,
		                "%s: none of its %lld homes is in this store's scope: it is not a register for this "
		                "store (an extract made for another authority?); it is refused",
		                path, (long long)rep->dropped);
	}
	for (size_t i = 0; i < r.h.n; i++)
		if (!r.h.v[i].dropped)
			rep->places += strtoll(r.h.v[i].v[V_PLACES], NULL, 10);

	sqlite3_stmt *st;
	if (!(rc = hv_prepare(ctx,
	                      "INSERT INTO snapshot(received, source, sha256, homes, places, imported_at)"
	                      " VALUES(?,?,?,?,?,?)",
	                      &st))) {
		char now[21];
		hv_format_time(hv_now(ctx), now);
		sqlite3_bind_text(st, 1, received, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, base_name(path), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, sha, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, rep->homes);
		sqlite3_bind_int64(st, 5, rep->places);
		sqlite3_bind_text(st, 6, now, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = hv_error_sql(ctx, "adding the snapshot");
		sqlite3_finalize(st);
		w.snapshot = sqlite3_last_insert_rowid(ctx->db);
	}
	if (!rc)
		rc = writer_prepare(&w);
	for (size_t i = 0; !rc && i < r.h.n; i++) {
		if (!r.h.v[i].dropped)
			rc = apply_home(&w, &r.h.v[i]);
		if ((i + 1) % 1024 == 0 || i + 1 == r.h.n)
			hv_progress(ctx, "writing history", (int64_t)i + 1, (int64_t)r.h.n);
	}
	if (!rc)
		rc = close_absent(&w, &r.h);
	if (!rc && current > 0 && rep->closed == current)
		rc = hv_error(ctx, HAVEN_ERR_MISSING,
		              "%s: it holds none of the %lld homes this store holds as current, so it would close "
		              "every one of them; a register of the wrong area or a broken file is refused",
		              path, (long long)current);
	if (!rc)
		rc = record_origin(ctx, w.snapshot, m);
	writer_finish(&w);
	homes_free(&r.h);
	return rc;
}

haven_status haven_register_import(haven_ctx *ctx, const char *path, const char *received, unsigned flags,
                                   haven_register_report *report)
{
	hv_clear(ctx);
	haven_register_report local;
	haven_register_report *rep = report ? report : &local;
	memset(rep, 0, sizeof *rep);
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc)
		return rc;
	if (!path || !received)
		return hv_error(ctx, HAVEN_ERR_USAGE, "register import needs a file and a received date");
	if (!hv_parse_date(received, NULL))
		return hv_error(ctx, HAVEN_ERR_VALUE, "received date '%s' is not a date (YYYY-MM-DD)", received);
	char today[11];
	hv_today(ctx, today);
	if (strcmp(received, today) > 0)
		return hv_error(ctx, HAVEN_ERR_VALUE, "received date %s is in the future (today is %s)", received,
		                today);
	snprintf(rep->received, sizeof rep->received, "%s", received);
	/* The file is read once: the bytes hashed for the manifest and the
	 * snapshot are the bytes parsed, whatever happens to the name (a pipe
	 * could serve genuine bytes to a hash and forged ones to a second read). */
	unsigned char *data;
	size_t len;
	if ((rc = hv_input_read(ctx, path, HV_FILE_MAX, "a register file", &data, &len)))
		return rc;
	hv_sha256_hex(data, len, rep->sha256); /* of the bytes the import parses */
	hv_manifest m;
	rc = hv_manifest_check(ctx, path, rep->sha256, &m, &rep->verified);
	if (!rc && !rep->verified)
		rc = admit_unsigned(ctx, path, flags, rep);
	if (!rc && rep->verified)
		rep->extract = m.extract;
	if (!rc)
		rc = hv_op_begin(ctx, &op, HV_OP_ACTOR | HV_OP_WRITE);
	if (rc) {
		free(data);
		return rc;
	}
	rc = import_locked(ctx, path, data, len, received, rep->sha256, rep->verified ? &m : NULL, rep);
	free(data);
	char object[400] = "";
	if (!rc && !rep->noop) {
		char origin[160];
		if (rep->verified)
			snprintf(origin, sizeof origin, ", manifest verified (extract %lld of %s)",
			         (long long)m.extract, m.issuer);
		else
			snprintf(origin, sizeof origin, "%s",
			         rep->admitted_unsigned ? ", UNSIGNED: no manifest, admitted by an admin"
			                                : ", no manifest");
		snprintf(object, sizeof object,
		         "register snapshot received %s from %s (sha256 %.16s): %lld homes kept, %lld outside scope "
		         "dropped%s",
		         received, base_name(path), rep->sha256, (long long)rep->homes, (long long)rep->dropped,
		         origin);
	}
	rc = hv_op_end(ctx, &op, rc, HV_AUDIT_COLLECTION, *object ? object : NULL, rep->homes, NULL);
	if (rc) {
		/* Nothing was kept: say so in the counts too. */
		char sha[65];
		memcpy(sha, rep->sha256, sizeof sha);
		memset(rep, 0, sizeof *rep);
		memcpy(rep->sha256, sha, sizeof sha);
		snprintf(rep->received, sizeof rep->received, "%s", received);
	}
	return rc;
}

/* ---- listings ------------------------------------------------------------ */

haven_status haven_register_changes(haven_ctx *ctx, const char *since, const char *area, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc)
		return rc;
	if (since && !hv_parse_date(since, NULL))
		return hv_error(ctx, HAVEN_ERR_VALUE, "since '%s' is not a date (YYYY-MM-DD)", since);
	if (area && !*area)
		return hv_error(ctx, HAVEN_ERR_USAGE, "area code is empty");
	/* The version a change belongs to is the home's latest one that began
	 * on or before the snapshot: the new version for most kinds, the one
	 * closed for 'closed', the current one for enforcement alone. */
	static const char sql[] =
	    "SELECT s.received AS received, c.urn AS urn, v.name AS name, c.kind AS kind,"
	    " c.old_value AS old_value, c.new_value AS new_value, v.la_code AS la_code, v.la_name AS la_name"
	    " FROM register_change c JOIN snapshot s ON s.id = c.snapshot_id"
	    " JOIN home_version v ON v.id = (SELECT w.id FROM home_version w WHERE w.urn = c.urn"
	    "  AND w.valid_from <= s.received ORDER BY w.valid_from DESC LIMIT 1)"
	    " WHERE (?1 IS NULL OR s.received >= ?1)"
	    "  AND (?2 IS NULL OR v.la_code = ?2 OR v.geo_district = ?2 OR v.geo_pfa = ?2 OR v.geo_region = ?2)"
	    " ORDER BY s.received, c.urn, c.id";
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx, sql, &st)))
		return rc;
	hv_bind_text_or_null(st, 1, since);
	hv_bind_text_or_null(st, 2, area);
	char title[128];
	snprintf(title, sizeof title, "Register changes%s%s%s%s", since ? " since " : "", since ? since : "",
	         area ? " in " : "", area ? area : "");
	rc = hv_table_listing(ctx, title, st,
	                      "received=label urn=home name=text kind=label old_value=text new_value=text "
	                      "la_code=area:la la_name=label",
	                      NULL, out);
	sqlite3_finalize(st);
	return rc;
}

haven_status haven_register_summary(haven_ctx *ctx, const char *by, const char *as_at, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc)
		return rc;
	static const struct {
		const char *by, *col, *area_kind, *what;
	} groupings[] = {
	    {"la", "la_code", NULL, "local authority"},
	    {"pfa", "geo_pfa", "pfa", "police force area"},
	    {"region", "geo_region", "region", "region"},
	};
	int g = -1;
	for (int i = 0; by && i < 3; i++)
		if (strcmp(by, groupings[i].by) == 0)
			g = i;
	if (g < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "summary by '%s': use la, pfa or region", by ? by : "");
	char date[11];
	if (as_at) {
		if (!hv_parse_date(as_at, NULL))
			return hv_error(ctx, HAVEN_ERR_VALUE, "as-at '%s' is not a date (YYYY-MM-DD)", as_at);
		snprintf(date, sizeof date, "%s", as_at);
	} else {
		sqlite3_stmt *st;
		if ((rc = hv_prepare(ctx, "SELECT max(received) FROM snapshot", &st)))
			return rc;
		int found = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
		if (found)
			snprintf(date, sizeof date, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (!found)
			return hv_error(ctx, HAVEN_ERR_NOT_FOUND,
			                "no register snapshot in the store; run 'haven register import' first");
	}
	/* The homes on the date that the user may see: counts of a user of
	 * another authority in the store are of their own area only. */
	hv_scope *scope = NULL;
	if (!(rc = hv_scope_actor(ctx, &scope)))
		rc = hv_homes_view(ctx, date, scope);
	hv_scope_free(scope);
	if (rc)
		return rc;
	const char *col = groupings[g].col;
	char *join = groupings[g].area_kind ? sqlite3_mprintf(" LEFT JOIN area a ON a.kind = '%q' AND a.code = v.%s",
	                                                      groupings[g].area_kind, col)
	                                    : sqlite3_mprintf("%s", "");
	char *sql =
	    join ? sqlite3_mprintf("WITH v AS (SELECT * FROM temp.homes)"
	                           " SELECT area_code, area_name, registration_status, sector, homes, places FROM ("
	                           "SELECT 0 AS grp, v.%s AS area_code, %s AS area_name,"
	                           " v.registration_status AS registration_status, v.sector AS sector,"
	                           " count(*) AS homes, sum(v.places) AS places FROM v%s WHERE v.%s IS NOT NULL"
	                           " GROUP BY 2, 3, 4, 5"
	                           " UNION ALL SELECT 1, 'unlocated', 'not located (not geocoded, or no match)',"
	                           " registration_status, sector, count(*), sum(places) FROM v WHERE %s IS NULL"
	                           " GROUP BY 4, 5"
	                           " UNION ALL SELECT 2, 'total', NULL, NULL, NULL, count(*), coalesce(sum(places), 0)"
	                           " FROM v) ORDER BY grp, area_code, registration_status, sector",
	                           col, groupings[g].area_kind ? "a.name" : "v.la_name", join, col, col)
	         : NULL;
	sqlite3_free(join);
	if (!sql)
		return nomem(ctx);
	sqlite3_stmt *st;
	rc = hv_prepare(ctx, sql, &st);
	sqlite3_free(sql);
	if (rc)
		return rc;
	char title[128], roles[160];
	snprintf(title, sizeof title, "Homes and places by %s, as at %s", groupings[g].what, date);
	snprintf(roles, sizeof roles,
	         "area_code=area:%s area_name=label registration_status=label sector=label homes=count:homes "
	         "places=count:places",
	         groupings[g].area_kind ? groupings[g].area_kind : "la");
	rc = hv_table_listing(ctx, title, st, roles, NULL, out);
	sqlite3_finalize(st);
	return rc;
}
