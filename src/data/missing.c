/*
 * missing.c - children missing from care: importing police and LA reports
 * under keyed pseudonyms, their history, and the linkage of the two
 * records of an episode.  docs/missing.md is the contract; the columns are
 * in docs/formats.md ("Missing episode file").
 *
 * An import streams the file (memory does not grow with it): each row is
 * checked, its child identifier replaced at once by HMAC-SHA-256 under the
 * key (the raw identifier is never bound to a statement, written to a
 * reject file or put in a message), and written with prepared statements
 * in the operation's one transaction.  A report whose content (the SHA-256
 * of its normalised fields) is unchanged is counted and left alone; a
 * changed one gets a new version that the old one points to.  Then the
 * episodes are rebuilt from the current reports in one ordered pass (child,
 * home, start): each group of one child at one home is paired one to one,
 * so the linkage is a sort, never a comparison of every pair.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/clock.h"
#include "core/crs.h"
#include "core/keys.h"
#include "core/output.h"
#include "core/source.h"
#include "core/sql.h"
#include "core/strmap.h"
#include "data/homes.h"
#include "data/missing.h"
#include "data/missing_time.h"
#include "govern/govern.h"
#include "govern/scope.h"
#include "haven/missing.h"
#include "haven/postcode.h"
#include "haven/store.h"
#include "ref/gazetteer.h"
#include "ref/la.h"

#define FINGERPRINT_TAG "haven missing-from-care key fingerprint v1"
#define REF_MAX 100                  /* bytes in a source reference */
#define CHILD_MAX 200                /* bytes in a child identifier */
#define CONFLICT_METRES 100          /* two points further apart than this disagree */
#define IMPORT_CACHE_KIB (64 * 1024) /* SQLite's page cache during an import */
#define PENDING_MAX 65536            /* checked rows written as one sorted batch */
#define CONTENT_BYTES 16             /* of the content's SHA-256, as the store keeps it */
#define HV_BUSY_MS 5000              /* the store's busy timeout (src/store/store.c) */

/* ---- pseudonyms, fingerprints, times -------------------------------------- */

void hv_missing_keyed(const unsigned char key[crypto_auth_hmacsha256_KEYBYTES], crypto_auth_hmacsha256_state *keyed)
{
	crypto_auth_hmacsha256_init(keyed, key, crypto_auth_hmacsha256_KEYBYTES);
}

void hv_missing_pseudonym(const crypto_auth_hmacsha256_state *keyed, const char *id, size_t len, char hex[65])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st = *keyed;
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)id, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof st);
	sodium_bin2hex(hex, 65, mac, sizeof mac);
}

size_t hv_missing_trim(const char **s)
{
	const char *raw = *s;
	size_t len = strlen(raw);
	while (len && (raw[len - 1] == ' ' || raw[len - 1] == '\t'))
		len--;
	while (len && (*raw == ' ' || *raw == '\t'))
		raw++, len--;
	*s = raw;
	return len;
}

size_t hv_missing_child(const crypto_auth_hmacsha256_state *keyed, const char *raw, char hex[65])
{
	size_t len = hv_missing_trim(&raw);
	if (len)
		hv_missing_pseudonym(keyed, raw, len, hex);
	return len;
}

void hv_missing_fingerprint(const unsigned char key[crypto_auth_hmacsha256_KEYBYTES], char hex[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)FINGERPRINT_TAG, sizeof FINGERPRINT_TAG);
	crypto_hash_sha256_update(&st, key, crypto_auth_hmacsha256_KEYBYTES);
	crypto_hash_sha256_final(&st, d);
	sodium_bin2hex(hex, 65, d, sizeof d);
}

/* n digits at s into *v; 1 when they are all digits. */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/* v (0 <= v < 10^n) as n digits. */
static void put_digits(char *p, int v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
}

int hv_missing_time(const char *s, char out[20], int64_t *secs)
{
	int y, mo, d, h, mi, sec = 0;
	const char *t;
	size_t len = strlen(s);
	if (len >= 16 && s[4] == '-' && s[7] == '-' && (s[10] == ' ' || s[10] == 'T')) {
		if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d))
			return 0;
		t = s + 11;
	} else if (len >= 16 && s[2] == '/' && s[5] == '/' && s[10] == ' ') {
		if (!digits(s, 2, &d) || !digits(s + 3, 2, &mo) || !digits(s + 6, 4, &y))
			return 0;
		t = s + 11;
	} else
		return 0;
	size_t tl = strlen(t);
	if (!(tl == 5 || (tl == 8 && t[5] == ':')) || t[2] != ':' || !digits(t, 2, &h) || !digits(t + 3, 2, &mi) ||
	    (tl == 8 && !digits(t + 6, 2, &sec)))
		return 0;
	if (h > 23 || mi > 59 || sec > 59)
		return 0;
	/* YYYY-MM-DDTHH:MM:SS, by hand: every field is digits already (this is
	 * called for every report, and snprintf was a twentieth of an import) */
	char buf[20];
	put_digits(buf, y, 4);
	buf[4] = '-';
	put_digits(buf + 5, mo, 2);
	buf[7] = '-';
	put_digits(buf + 8, d, 2);
	buf[10] = '\0';
	int64_t days;
	if (!hv_parse_date(buf, &days))
		return 0;
	buf[10] = 'T';
	put_digits(buf + 11, h, 2);
	buf[13] = ':';
	put_digits(buf + 14, mi, 2);
	buf[16] = ':';
	put_digits(buf + 17, sec, 2);
	buf[19] = '\0';
	memcpy(out, buf, 20);
	*secs = days * 86400 + h * 3600 + mi * 60 + sec;
	return 1;
}

/* ---- pairing -------------------------------------------------------------- */

typedef struct cand {
	int64_t gap; /* |police - la|, seconds */
	size_t p, l;
} cand;

static int cand_cmp(const void *a, const void *b)
{
	const cand *x = a, *y = b;
	if (x->gap != y->gap)
		return x->gap < y->gap ? -1 : 1;
	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return x->l < y->l ? -1 : x->l > y->l;
}

int hv_missing_pair(const int64_t *police, size_t np, const int64_t *la, size_t nl, int64_t tol, long *match_p,
                    long *match_l)
{
	for (size_t i = 0; i < np; i++)
		match_p[i] = -1;
	for (size_t j = 0; j < nl; j++)
		match_l[j] = -1;
	if (!np || !nl)
		return 0;
	/* The candidates: a sweep over the two sorted lists, each police start
	 * against the LA starts in its window. */
	size_t n = 0, cap = 0, lo = 0;
	cand *c = NULL;
	for (size_t i = 0; i < np; i++) {
		while (lo < nl && la[lo] < police[i] - tol)
			lo++;
		for (size_t j = lo; j < nl && la[j] <= police[i] + tol; j++) {
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				cand *g = realloc(c, cap * sizeof *c);
				if (!g) {
					free(c);
					return -1;
				}
				c = g;
			}
			int64_t gap = police[i] - la[j];
			c[n++] = (cand){gap < 0 ? -gap : gap, i, j};
		}
	}
	if (n)
		qsort(c, n, sizeof *c, cand_cmp);
	for (size_t k = 0; k < n; k++)
		if (match_p[c[k].p] < 0 && match_l[c[k].l] < 0) {
			match_p[c[k].p] = (long)c[k].l;
			match_l[c[k].l] = (long)c[k].p;
		}
	free(c);
	return 0;
}

/* ---- reading a file ------------------------------------------------------- */

enum {
	C_REF,
	C_CHILD,
	C_URN,
	C_PLACING,
	C_FROM,
	C_TO,
	C_LS_PC,
	C_LS_E,
	C_LS_N,
	C_LS_LON,
	C_LS_LAT,
	C_F_PC,
	C_F_E,
	C_F_N,
	C_F_LON,
	C_F_LAT,
	C_RISK,
	C_CSE,
	C_CCE,
	C_RIO,
	C_RIH,
	C_RII,
	C_RID,
	C_N
};

static const hv_column columns[C_N] = {
    [C_REF] = {"source_ref", 1, {"source_ref", "source_reference", NULL}},
    [C_CHILD] = {"child_id", 1, {"child_id", "child_identifier", NULL}},
    [C_URN] = {"urn", 1, {"urn", NULL}},
    [C_PLACING] = {"placing_la", 0, {"placing_la", NULL}},
    [C_FROM] = {"missing_from", 1, {"missing_from", NULL}},
    [C_TO] = {"returned_at", 0, {"returned_at", NULL}},
    [C_LS_PC] = {"last_seen_postcode", 0, {"last_seen_postcode", NULL}},
    [C_LS_E] = {"last_seen_easting", 0, {"last_seen_easting", NULL}},
    [C_LS_N] = {"last_seen_northing", 0, {"last_seen_northing", NULL}},
    [C_LS_LON] = {"last_seen_lon", 0, {"last_seen_lon", NULL}},
    [C_LS_LAT] = {"last_seen_lat", 0, {"last_seen_lat", NULL}},
    [C_F_PC] = {"found_postcode", 0, {"found_postcode", NULL}},
    [C_F_E] = {"found_easting", 0, {"found_easting", NULL}},
    [C_F_N] = {"found_northing", 0, {"found_northing", NULL}},
    [C_F_LON] = {"found_lon", 0, {"found_lon", NULL}},
    [C_F_LAT] = {"found_lat", 0, {"found_lat", NULL}},
    [C_RISK] = {"risk", 0, {"risk", NULL}},
    [C_CSE] = {"cse_concern", 0, {"cse_concern", NULL}},
    [C_CCE] = {"cce_concern", 0, {"cce_concern", NULL}},
    [C_RIO] = {"ri_offered", 0, {"ri_offered", NULL}},
    [C_RIH] = {"ri_held", 0, {"ri_held", NULL}},
    [C_RII] = {"ri_independent", 0, {"ri_independent", NULL}},
    [C_RID] = {"ri_date", 0, {"ri_date", NULL}},
};

/* One report as checked: text borrowed from the source's row or static. */
typedef struct mreport {
	const char *ref, *urn, *placing, *risk;
	char child[65]; /* the pseudonym in hex (the content hash, the reject file) */
	uint32_t kid;   /* the child in the importer's cache (kids) */
	uint32_t home;  /* the home's first version in the register's history (hversion) */
	char from[20], to[20];
	int64_t from_s, to_s;
	int has_to;
	int flag[5]; /* cse, cce, ri_offered, ri_held, ri_independent: -1 (not given), 0, 1 */
	char ri_date[11];
	int has_ls, has_f;
	double ls_x, ls_y, f_x, f_y;
	unsigned char content[CONTENT_BYTES];
} mreport;

/* Text copied into one growing buffer, each string found by its offset
 * (the buffer moves as it grows). */
typedef struct arena {
	char *p;
	size_t len, size;
} arena;

/* Room for need more bytes in a: 0, or -1 when out of memory. */
static int arena_reserve(arena *a, size_t need)
{
	if (a->len + need <= a->size)
		return 0;
	size_t size = a->size ? a->size : 1 << 16;
	while (a->len + need > size)
		size *= 2;
	char *q = realloc(a->p, size);
	if (!q)
		return -1;
	a->p = q;
	a->size = size;
	return 0;
}

/* Copy s (with its NUL) into a: 0 and its offset in *off, or -1 when out
 * of memory. */
static int arena_add(arena *a, const char *s, size_t *off)
{
	size_t n = strlen(s) + 1;
	if (arena_reserve(a, n))
		return -1;
	memcpy(a->p + a->len, s, n);
	*off = a->len;
	a->len += n;
	return 0;
}

/* Room for item n of size bytes at p (capacity *cap, doubled as needed):
 * the items, moved or not, or NULL when out of memory (p still held). */
static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	size_t ncap = *cap ? *cap * 2 : 1024;
	void *q = realloc(p, ncap * size);
	if (q)
		*cap = ncap;
	return q;
}

/* The source references seen in a file, each with its first row: an
 * open-addressed hash table (slots of 8 bytes) over an arena holding each
 * reference's row and bytes.  In memory, not a temporary B-tree: a lookup
 * is a hash and, mostly, one comparison. */
typedef struct refslot {
	uint32_t off; /* into the arena; UINT32_MAX: empty */
	uint32_t hash;
} refslot;

typedef struct refset {
	refslot *slot;
	size_t cap, n; /* cap a power of two */
	arena text;
} refset;

static uint32_t ref_hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	return (uint32_t)(h ^ (h >> 32));
}

static int refset_grow(refset *t)
{
	size_t cap = t->cap ? t->cap * 2 : 4096;
	refslot *slot = malloc(cap * sizeof *slot);
	if (!slot)
		return -1;
	memset(slot, 0xff, cap * sizeof *slot);
	for (size_t i = 0; i < t->cap; i++) {
		if (t->slot[i].off == UINT32_MAX)
			continue;
		size_t j = t->slot[i].hash & (cap - 1);
		while (slot[j].off != UINT32_MAX)
			j = (j + 1) & (cap - 1);
		slot[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return 0;
}

/* The row that first gave ref, or 0 (and ref noted at row): -1 when out
 * of memory. */
static int64_t refset_see(refset *t, const char *ref, int64_t row)
{
	if ((t->n + 1) * 10 > t->cap * 7 && refset_grow(t))
		return -1;
	size_t n = strlen(ref);
	uint32_t h = ref_hash(ref, n);
	size_t j = h & (t->cap - 1);
	for (; t->slot[j].off != UINT32_MAX; j = (j + 1) & (t->cap - 1)) {
		const char *e = t->text.p + t->slot[j].off;
		if (t->slot[j].hash == h && !strcmp(e + sizeof(int64_t), ref)) {
			int64_t first;
			memcpy(&first, e, sizeof first);
			return first;
		}
	}
	size_t need = sizeof(int64_t) + n + 1;
	if (t->text.len + need >= UINT32_MAX || arena_reserve(&t->text, need))
		return -1; /* offsets are 32-bit */
	memcpy(t->text.p + t->text.len, &row, sizeof row);
	memcpy(t->text.p + t->text.len + sizeof row, ref, n + 1);
	t->slot[j].off = (uint32_t)t->text.len;
	t->slot[j].hash = h;
	t->text.len += need;
	t->n++;
	return 0;
}

static void refset_free(refset *t)
{
	free(t->slot);
	free(t->text.p);
	memset(t, 0, sizeof *t);
}

/* The children of an import: each distinct raw identifier once, with its
 * pseudonym (HMAC-SHA-256 made once per child, not once per report) and
 * its id in missing_child (0 until a report of it is written).  An
 * open-addressed hash table over the raw identifiers, held in memory only
 * and wiped when the import ends: they are never written anywhere. */
typedef struct kid {
	unsigned char pseud[32];
	char hex[65];
	int64_t id;
	uint32_t off, len, hash; /* the raw identifier in the set's arena */
} kid;

typedef struct kidset {
	uint32_t *slot; /* index + 1 into k; 0: empty */
	size_t cap;     /* a power of two */
	kid *k;
	size_t n, capk;
	arena raw;
} kidset;

static int kidset_grow(kidset *t)
{
	size_t cap = t->cap ? t->cap * 2 : 4096;
	uint32_t *slot = calloc(cap, sizeof *slot);
	if (!slot)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		size_t j = t->k[i].hash & (cap - 1);
		while (slot[j])
			j = (j + 1) & (cap - 1);
		slot[j] = (uint32_t)(i + 1);
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return 0;
}

static void *grow(void *p, size_t *cap, size_t n, size_t size);

/* The child of raw identifier id (len bytes) in t, its pseudonym made under
 * keyed the first time: its index in *out.  0, or -1 when out of memory. */
static int kidset_find(kidset *t, const crypto_auth_hmacsha256_state *keyed, const char *id, size_t len, uint32_t *out)
{
	if ((t->n + 1) * 10 > t->cap * 7 && kidset_grow(t))
		return -1;
	uint32_t h = ref_hash(id, len);
	size_t j = h & (t->cap - 1);
	for (; t->slot[j]; j = (j + 1) & (t->cap - 1)) {
		const kid *e = &t->k[t->slot[j] - 1];
		if (e->hash == h && e->len == len && !memcmp(t->raw.p + e->off, id, len)) {
			*out = t->slot[j] - 1;
			return 0;
		}
	}
	if (t->n >= UINT32_MAX - 1 || t->raw.len + len >= UINT32_MAX || arena_reserve(&t->raw, len))
		return -1;
	kid *more = grow(t->k, &t->capk, t->n, sizeof *t->k);
	if (!more)
		return -1;
	t->k = more;
	kid *e = &t->k[t->n];
	hv_missing_pseudonym(keyed, id, len, e->hex);
	sodium_hex2bin(e->pseud, sizeof e->pseud, e->hex, 64, NULL, NULL, NULL);
	e->id = 0;
	e->off = (uint32_t)t->raw.len;
	e->len = (uint32_t)len;
	e->hash = h;
	memcpy(t->raw.p + t->raw.len, id, len);
	t->raw.len += len;
	t->slot[j] = (uint32_t)(t->n + 1);
	*out = (uint32_t)t->n++;
	return 0;
}

static void kidset_free(kidset *t)
{
	if (t->raw.p)
		sodium_memzero(t->raw.p, t->raw.size);
	free(t->raw.p);
	free(t->slot);
	free(t->k);
	memset(t, 0, sizeof *t);
}

/* The groups (child, home) whose episodes are linked again: the child's
 * pseudonym as its 32 bytes (the order groups are linked in) and its id,
 * the home in an arena.  Noted in batch order
 * (a group repeated within a batch is noted once), then sorted and made
 * unique for the linkage; in memory, not a temporary B-tree. */
typedef struct group {
	unsigned char child[32];
	int64_t id;      /* the child in missing_child */
	size_t off;      /* the home's offset in the arena */
	const char *urn; /* the home, once the arena is complete (groups_sort) */
} group;

typedef struct groupset {
	group *g;
	size_t n, cap;
	arena text;
} groupset;

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

/* The versions of every home: (urn, valid_from, la_code), sorted, for the
 * LA of a home on a day. */
typedef struct hversion {
	char urn[16];
	int64_t from; /* the day, from 1970-01-01 */
	char la[10];
} hversion;

static int hversion_cmp(const void *a, const void *b)
{
	const hversion *x = a, *y = b;
	int c = strcmp(x->urn, y->urn);
	return c ? c : (x->from > y->from) - (x->from < y->from);
}

/* The register's history in the owner's scope (temp.home_versions) into
 * *hv (n of them, sorted; caller frees). */
static haven_status load_versions(haven_ctx *ctx, hversion **hv, size_t *n)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx, "SELECT urn, valid_from, la_code FROM temp.home_versions", &st);
	size_t cap = 0;
	while (!rc) {
		int s = sqlite3_step(st);
		if (s == SQLITE_DONE)
			break;
		if (s != SQLITE_ROW) {
			rc = hv_error_sql(ctx, "reading the register's history");
			break;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			hversion *g = realloc(*hv, cap * sizeof *g);
			if (!g) {
				rc = nomem(ctx);
				break;
			}
			*hv = g;
		}
		hversion *v = &(*hv)[(*n)++];
		snprintf(v->urn, sizeof v->urn, "%s", (const char *)sqlite3_column_text(st, 0));
		const char *day = (const char *)sqlite3_column_text(st, 1);
		char d10[11];
		snprintf(d10, sizeof d10, "%s", day ? day : "");
		if (!hv_parse_date(d10, &v->from))
			v->from = INT64_MIN; /* not a date: as the text sorted, before any */
		snprintf(v->la, sizeof v->la, "%s", (const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
	if (!rc && *n)
		qsort(*hv, *n, sizeof **hv, hversion_cmp);
	return rc;
}

/* The first of the versions hv[0..n) of home urn, or NULL for a home not
 * in the register (in scope). */
static const hversion *first_version(const hversion *hv, size_t n, const char *urn)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(hv[mid].urn, urn) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strcmp(hv[lo].urn, urn) ? &hv[lo] : NULL;
}

/* The home's LA on day (the version valid then; before its first version,
 * the first), or NULL. */
static const char *host_la(const hversion *hv, size_t n, const char *urn, int64_t day)
{
	const hversion *v = first_version(hv, n, urn), *end = hv + n;
	if (!v)
		return NULL;
	const hversion *best = v;
	for (; v < end && !strcmp(v->urn, urn) && v->from <= day; v++)
		best = v;
	return best->la;
}

/* A report as the linkage of a source new to the store holds it: the
 * import keeps one for every report it writes (64 bytes: what linkage
 * reads of a report, the texts as indexes into a table of the few distinct
 * ones, the points in centimetres), so that its groups are linked in
 * memory instead of being read back from the store (link_in_memory).  A
 * report of the other source, in the store, is held by its id alone
 * (held 0) and read when its group is linked. */
typedef struct lrec {
	int64_t report;        /* its id in missing_report */
	int64_t start, end;    /* missing_from, returned_at (seconds; end when has_end) */
	uint32_t child;        /* its id in missing_child */
	uint32_t home;         /* the home's first version in the register's history */
	uint32_t rank;         /* the child's pseudonym's place in their order (set by the linkage) */
	int32_t ls[2], f[2];   /* last seen and found, E and N in centimetres */
	uint16_t placing, rid; /* in the set's texts, + 1; 0: NULL */
	int8_t flag[5];        /* as mreport's */
	uint8_t risk;          /* 0: NULL, else 1 + its place in risks[] */
	unsigned police : 1, has_end : 1, has_ls : 1, has_f : 1, held : 1;
} lrec;

/* The risk gradings as the store spells them (lrec.risk). */
static const char *const risks[4] = {"none", "low", "medium", "high"};

typedef struct lset {
	lrec *r;
	size_t n, cap;
	hv_strmap map;    /* a text to its index in text */
	char (*text)[12]; /* placing LA codes and return interview dates */
	size_t ntext, captext;
} lset;

/* Text s in m's table: its index + 1 in *out (0 for NULL); 1 when it
 * does not fit (too long, or too many texts), -1 when out of memory. */
static int lset_text(lset *m, const char *s, uint16_t *out)
{
	*out = 0;
	if (!s)
		return 0;
	int64_t v;
	if (hv_strmap_get(&m->map, s, &v)) {
		*out = (uint16_t)(v + 1);
		return 0;
	}
	if (strlen(s) >= sizeof m->text[0] || m->ntext >= UINT16_MAX - 1)
		return 1;
	char(*more)[12] = grow(m->text, &m->captext, m->ntext, sizeof *m->text);
	if (!more)
		return -1;
	m->text = more;
	if (hv_strmap_put(&m->map, s, (int64_t)m->ntext))
		return -1;
	snprintf(m->text[m->ntext], sizeof m->text[0], "%s", s);
	*out = (uint16_t)++m->ntext;
	return 0;
}

/* A point kept to the centimetre (place) as whole centimetres: 1, or 0
 * when it does not fit. */
static int cents(double x, int32_t *c)
{
	if (!(x >= 0 && x < 2e7))
		return 0;
	*c = (int32_t)llround(x * 100);
	return (double)*c / 100 == x;
}

/* The values of e an lrec holds in its own way: the risk grading as its
 * place in risks[], the placing LA and interview date among m's texts, the
 * points (last seen, found: x, y, x, y) in centimetres; e->held when each
 * fits as it is, so that the linkage need not read the report again.  0,
 * or -1 when out of memory. */
static int lrec_values(lset *m, lrec *e, const char *risk, const char *placing, const char *rid, int has_ls, int has_f,
                       const double pt[4])
{
	for (uint8_t i = 0; risk && i < 4; i++)
		if (!strcmp(risk, risks[i]))
			e->risk = (uint8_t)(i + 1);
	e->has_ls = has_ls != 0;
	e->has_f = has_f != 0;
	int a = lset_text(m, placing, &e->placing), b = a ? a : lset_text(m, rid, &e->rid);
	if (a < 0 || b < 0)
		return -1;
	e->held = !a && !b && (!risk || e->risk) && (!has_ls || (cents(pt[0], &e->ls[0]) && cents(pt[1], &e->ls[1]))) &&
	          (!has_f || (cents(pt[2], &e->f[0]) && cents(pt[3], &e->f[1])));
	return 0;
}

/* Hold report r, written as id of child, in m: 0, or -1 when out of
 * memory.  A report whose fields do not fit is held by its id alone. */
static int lset_hold(lset *m, const mreport *r, int64_t id, int64_t child, int police)
{
	if (child <= 0 || child >= UINT32_MAX) /* never: ids count children */
		return -1;
	lrec *more = grow(m->r, &m->cap, m->n, sizeof *m->r);
	if (!more)
		return -1;
	m->r = more;
	lrec *e = &m->r[m->n++];
	memset(e, 0, sizeof *e);
	e->report = id;
	e->start = r->from_s;
	e->child = (uint32_t)child;
	e->home = r->home;
	e->police = police != 0;
	e->has_end = r->has_to != 0;
	e->end = r->has_to ? r->to_s : 0;
	for (int i = 0; i < 5; i++)
		e->flag[i] = (int8_t)r->flag[i];
	const double pt[4] = {r->ls_x, r->ls_y, r->f_x, r->f_y};
	return lrec_values(m, e, r->risk, r->placing, r->ri_date[0] ? r->ri_date : NULL, r->has_ls, r->has_f, pt);
}

static void lset_free(lset *m)
{
	free(m->r);
	free(m->text);
	hv_strmap_free(&m->map);
	memset(m, 0, sizeof *m);
}

typedef struct importer {
	haven_ctx *ctx;
	const haven_missing_opts *o;
	hv_source *src;
	int col[C_N];
	unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
	crypto_auth_hmacsha256_state keyed; /* the key's HMAC state (hv_missing_keyed) */
	char limit[21];                     /* times after this are in the future */
	char today[11];
	hv_gazetteer *gz;
	PJ *pj; /* lon/lat to BNG (lonlat_to_bng) */
	hv_lanames *las;
	int las_tried;
	hversion *hv; /* the register's history in scope (load_versions) */
	size_t nhv;
	sqlite3_stmt *current, *insert, *supersede, *current_again;
	sqlite3_stmt *child_find, *child_add; /* missing_child */
	kidset kids;                          /* the file's children so far */
	int64_t next_child;                   /* the next id in missing_child */
	int no_children;                      /* missing_child was empty: no pseudonym to look up */
	refset seen;                          /* the file's references so far */
	struct pending *pend;                 /* checked rows not yet written (flush_pending) */
	size_t npend, cappend;
	arena ptext;       /* their text */
	groupset *touched; /* the groups (child, home) whose episodes are linked again */
	int64_t next_id, load_id;
	int fresh; /* the store holds no current report of this source: none to look up */
	lset mine; /* when fresh: every report written (linkage_in_memory) */
	char now[21];
	hv_output rej;
	haven_missing_report *rep;
} importer;

static const char *field(const importer *im, int c)
{
	return im->col[c] < 0 ? "" : hv_source_field(im->src, im->col[c]);
}

typedef hv_fault fault;

/* A yes/no cell: -1 when empty. */
static haven_status yes_no(fault *f, const char *name, const char *v, int *out)
{
	*out = -1;
	if (!*v)
		return HAVEN_OK;
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "y"))
		*out = 1;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "n"))
		*out = 0;
	else
		return hv_fault_set(f, HAVEN_ERR_VALUE, "%s '%.40s' is not yes or no", name, v);
	return HAVEN_OK;
}

static haven_status risk_grade(fault *f, const char *v, const char **out)
{
	static const char *const grades[][2] = {
	    {"no apparent risk", "none"}, {"none", "none"}, {"low", "low"}, {"medium", "medium"}, {"high", "high"}};
	*out = NULL;
	if (!*v)
		return HAVEN_OK;
	for (size_t i = 0; i < sizeof grades / sizeof grades[0]; i++)
		if (!strcasecmp(v, grades[i][0])) {
			*out = grades[i][1];
			return HAVEN_OK;
		}
	return hv_fault_set(f, HAVEN_ERR_VALUE, "risk '%.40s' is not one of: no apparent risk, low, medium, high", v);
}

/* A clock time: required or not; not in the future. */
static haven_status clock_time(importer *im, fault *f, const char *name, const char *v, char out[20], int64_t *secs)
{
	if (!hv_missing_time(v, out, secs))
		return hv_fault_set(
		    f, HAVEN_ERR_VALUE,
		    "%s '%.40s' is not a real date and time (YYYY-MM-DD HH:MM[:SS] or DD/MM/YYYY HH:MM)", name, v);
	if (strcmp(out, im->limit) > 0)
		return hv_fault_set(f, HAVEN_ERR_VALUE, "%s %s is in the future", name, out);
	return HAVEN_OK;
}

/* lon/lat to BNG by the one operation PROJ chooses for Great Britain's
 * middle, found once: PROJ weighs every candidate operation for each point
 * otherwise, at a thousand times the cost.  (Debian's PROJ has no OSTN15
 * grid: the operation is the 7-parameter Helmert, about 2-3 m, everywhere
 * in Great Britain, src/core/crs.c.) */
static haven_status lonlat_to_bng(importer *im, double lon, double lat, double *x, double *y)
{
	haven_ctx *ctx = im->ctx;
	if (!im->pj) {
		PJ *all;
		double e, n;
		haven_status rc = hv_crs_to_bng(ctx, "EPSG:4326", &all);
		if (rc)
			return rc;
		if (!(rc = hv_crs_point(ctx, all, -2.0, 54.0, &e, &n)) &&
		    !(im->pj = proj_trans_get_last_used_operation(all)))
			rc = hv_error(ctx, HAVEN_ERR_PROJ, "PROJ did not say which operation it used");
		proj_destroy(all);
		if (rc)
			return rc;
	}
	return hv_crs_point(ctx, im->pj, lon, lat, x, y);
}

/* One of the ways a place is given: postcode, E/N or lon/lat (at most one). */
static haven_status place(importer *im, fault *f, const char *name, int pc, int e, int n, int lon, int lat, int *has,
                          double *x, double *y)
{
	const char *vpc = field(im, pc), *ve = field(im, e), *vn = field(im, n), *vlon = field(im, lon),
	           *vlat = field(im, lat);
	int forms = (*vpc != 0) + (*ve || *vn) + (*vlon || *vlat);
	*has = 0;
	if (!forms)
		return HAVEN_OK;
	if (forms > 1)
		return hv_fault_set(f, HAVEN_ERR_VALUE,
		                    "%s is given in more than one form (postcode, E/N, lon/lat); give one", name);
	haven_ctx *ctx = im->ctx;
	if (*vpc) {
		char canon[9];
		if (haven_postcode_normalise(vpc, canon, NULL))
			return hv_fault_set(f, HAVEN_ERR_VALUE, "%s_postcode '%.20s' is not a UK postcode", name, vpc);
		if (!im->gz) {
			haven_status rc = hv_gazetteer_open(ctx, &im->gz);
			if (rc)
				return hv_fault_set(f, rc, "%s_postcode %s: %s", name, canon, haven_errmsg(ctx));
		}
		hv_gz_match m;
		haven_status rc = hv_gazetteer_postcode(im->gz, canon, &m, x, y);
		if (rc)
			return hv_fault_set(f, rc, "%s", haven_errmsg(ctx));
		if (m != HV_GZ_LIVE && m != HV_GZ_TERMINATED)
			return hv_fault_set(f, HAVEN_ERR_VALUE, "%s_postcode %s is not in the gazetteer%s", name, canon,
			                    m == HV_GZ_NO_COORDS ? " with a grid reference" : "");
	} else if (*ve || *vn) {
		if (!hv_parse_decimal(ve, x) || !hv_parse_decimal(vn, y))
			return hv_fault_set(f, HAVEN_ERR_VALUE,
			                    "%s_easting and %s_northing must both be numbers (metres)", name, name);
		if (!hv_bng_in_extent(*x, *y))
			return hv_fault_set(f, HAVEN_ERR_CRS, "%s at E %.0f, N %.0f is outside Great Britain", name, *x,
			                    *y);
	} else {
		double lo, la;
		if (!hv_parse_decimal(vlon, &lo) || !hv_parse_decimal(vlat, &la))
			return hv_fault_set(f, HAVEN_ERR_VALUE, "%s_lon and %s_lat must both be numbers (degrees)",
			                    name, name);
		if (!hv_lonlat_in_gb(lo, la))
			return hv_fault_set(f, HAVEN_ERR_CRS, "%s at lon %.5f, lat %.5f is outside Great Britain", name,
			                    lo, la);
		haven_status rc = lonlat_to_bng(im, lo, la, x, y);
		if (rc)
			return hv_fault_set(f, rc, "%s: %s", name, haven_errmsg(ctx));
		if (!hv_bng_in_extent(*x, *y))
			return hv_fault_set(f, HAVEN_ERR_CRS, "%s at lon %.5f, lat %.5f is outside Great Britain", name,
			                    lo, la);
	}
	/* Kept to the centimetre, so the content hash is stable. */
	*x = round(*x * 100) / 100;
	*y = round(*y * 100) / 100;
	*has = 1;
	return HAVEN_OK;
}

/* The placing LA as an ONS code: a code, DfE's LA number or a name. */
static haven_status placing_la(importer *im, fault *f, const char *v, const char **out)
{
	*out = NULL;
	if (!*v)
		return HAVEN_OK;
	if (hv_gss_code(v)) {
		*out = v;
		return HAVEN_OK;
	}
	if (strlen(v) == 3 && v[0] >= '0' && v[0] <= '9') {
		if (!(*out = hv_la_dfe_number(v, NULL)))
			return hv_fault_set(f, HAVEN_ERR_VALUE, "placing_la '%s' is not a DfE LA number haven knows",
			                    v);
		return HAVEN_OK;
	}
	if (!im->las_tried) {
		im->las_tried = 1;
		haven_status rc = hv_lanames_load(im->ctx, &im->las);
		if (rc && rc != HAVEN_ERR_NOT_FOUND)
			return hv_fault_set(f, rc, "%s", haven_errmsg(im->ctx));
		hv_clear(im->ctx);
	}
	if (!im->las)
		return hv_fault_set(
		    f, HAVEN_ERR_VALUE,
		    "placing_la '%.60s': no LA boundaries are loaded to know names by; give its ONS code", v);
	const char *name;
	haven_status rc = hv_lanames_resolve(im->ctx, im->las, v, out, &name);
	if (rc)
		return hv_fault_set(f, rc, "placing_la: %s", haven_errmsg(im->ctx));
	return HAVEN_OK;
}

static void hash_text(crypto_hash_sha256_state *h, const char *s)
{
	if (s)
		crypto_hash_sha256_update(h, (const unsigned char *)s, strlen(s) + 1);
	else
		crypto_hash_sha256_update(h, (const unsigned char *)"\x1e", 1);
}

/* "HAS X Y" as snprintf("%d %.2f %.2f") writes it, into buf[64]: by hand
 * for coordinates kept to the centimetre (place) from 0 to 10^9 - the
 * nearest double to a whole number of cents, whose two decimals are those
 * cents - else by snprintf (a twentieth of an import's time when it did
 * every row). */
static void point_text(char *buf, int has, double x, double y)
{
	if (!(x >= 0 && x < 1e9 && y >= 0 && y < 1e9) || (has != 0 && has != 1)) {
		snprintf(buf, 64, "%d %.2f %.2f", has, x, y);
		return;
	}
	char *p = buf;
	*p++ = (char)('0' + has);
	const double v[2] = {x, y};
	for (int i = 0; i < 2; i++) {
		long long cents = llround(v[i] * 100);
		char d[24];
		int n = 0;
		long long whole = cents / 100;
		do
			d[n++] = (char)('0' + whole % 10);
		while ((whole /= 10) > 0);
		*p++ = ' ';
		while (n)
			*p++ = d[--n];
		*p++ = '.';
		*p++ = (char)('0' + cents % 100 / 10);
		*p++ = (char)('0' + cents % 10);
	}
	*p = '\0';
}

static void content_hash(mreport *r)
{
	crypto_hash_sha256_state h;
	char buf[64];
	crypto_hash_sha256_init(&h);
	hash_text(&h, r->child);
	hash_text(&h, r->urn);
	hash_text(&h, r->placing);
	hash_text(&h, r->from);
	hash_text(&h, r->has_to ? r->to : NULL);
	hash_text(&h, r->risk);
	static const char *const flag_text[3] = {"-1", "0", "1"}; /* as "%d" wrote them */
	for (int i = 0; i < 5; i++)
		hash_text(&h, flag_text[r->flag[i] + 1]);
	hash_text(&h, r->ri_date[0] ? r->ri_date : NULL);
	point_text(buf, r->has_ls, r->ls_x, r->ls_y);
	hash_text(&h, buf);
	point_text(buf, r->has_f, r->f_x, r->f_y);
	hash_text(&h, buf);
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&h, d);
	memcpy(r->content, d, CONTENT_BYTES);
}

/* Check the current row into r.  The child identifier is pseudonymised
 * first of all, and nothing below quotes it. */
static haven_status check_row(importer *im, mreport *r, fault *f)
{
	memset(r, 0, sizeof *r);
	f->st = HAVEN_OK;
	f->why[0] = '\0';
	const char *child = field(im, C_CHILD);
	size_t clen = hv_missing_trim(&child);
	if (clen && clen <= CHILD_MAX) {
		if (kidset_find(&im->kids, &im->keyed, child, clen, &r->kid))
			return hv_fault_set(f, HAVEN_ERR_NOMEM, "out of memory");
		memcpy(r->child, im->kids.k[r->kid].hex, sizeof r->child);
	} else if (clen) /* too long to keep: pseudonymised for the reject file alone */
		hv_missing_pseudonym(&im->keyed, child, clen, r->child);

	r->ref = field(im, C_REF);
	if (!*r->ref)
		return hv_fault_set(f, HAVEN_ERR_MISSING, "source_ref is empty");
	if (strlen(r->ref) > REF_MAX)
		return hv_fault_set(f, HAVEN_ERR_VALUE, "source_ref is longer than %d bytes", REF_MAX);
	if (!clen)
		return hv_fault_set(f, HAVEN_ERR_MISSING, "child_id is empty");
	if (clen > CHILD_MAX)
		return hv_fault_set(f, HAVEN_ERR_VALUE, "child_id is longer than %d bytes", CHILD_MAX);

	r->urn = field(im, C_URN);
	if (!*r->urn)
		return hv_fault_set(f, HAVEN_ERR_MISSING, "urn is empty");
	const hversion *home = first_version(im->hv, im->nhv, r->urn);
	if (!home)
		return hv_fault_set(f, HAVEN_ERR_NOT_FOUND, "urn '%.20s' is not a home in the register", r->urn);
	r->home = (uint32_t)(home - im->hv);

	haven_status rc;
	if ((rc = placing_la(im, f, field(im, C_PLACING), &r->placing)))
		return rc;
	const char *from = field(im, C_FROM), *to = field(im, C_TO);
	if (!*from)
		return hv_fault_set(f, HAVEN_ERR_MISSING, "missing_from is empty");
	if ((rc = clock_time(im, f, "missing_from", from, r->from, &r->from_s)))
		return rc;
	if (*to) {
		if ((rc = clock_time(im, f, "returned_at", to, r->to, &r->to_s)))
			return rc;
		if (strcmp(r->to, r->from) < 0)
			return hv_fault_set(f, HAVEN_ERR_VALUE, "returned_at %s is before missing_from %s", r->to,
			                    r->from);
		r->has_to = 1;
	}
	if ((rc = place(im, f, "last_seen", C_LS_PC, C_LS_E, C_LS_N, C_LS_LON, C_LS_LAT, &r->has_ls, &r->ls_x,
	                &r->ls_y)) ||
	    (rc = place(im, f, "found", C_F_PC, C_F_E, C_F_N, C_F_LON, C_F_LAT, &r->has_f, &r->f_x, &r->f_y)))
		return rc;
	if ((rc = risk_grade(f, field(im, C_RISK), &r->risk)))
		return rc;
	static const int flags[5] = {C_CSE, C_CCE, C_RIO, C_RIH, C_RII};
	for (int i = 0; i < 5; i++)
		if ((rc = yes_no(f, columns[flags[i]].name, field(im, flags[i]), &r->flag[i])))
			return rc;
	const char *rid = field(im, C_RID);
	if (*rid) {
		if (!hv_parse_date(rid, NULL))
			return hv_fault_set(f, HAVEN_ERR_VALUE, "ri_date '%.20s' is not a date (YYYY-MM-DD)", rid);
		if (strncmp(rid, r->from, 10) < 0)
			return hv_fault_set(f, HAVEN_ERR_VALUE, "ri_date %s is before missing_from %s", rid, r->from);
		if (strcmp(rid, im->today) > 0)
			return hv_fault_set(f, HAVEN_ERR_VALUE, "ri_date %s is in the future", rid);
		snprintf(r->ri_date, sizeof r->ri_date, "%s", rid);
	}
	content_hash(r);
	return HAVEN_OK;
}

/* ---- the reject file ------------------------------------------------------ */

haven_status hv_missing_rejects_open(haven_ctx *ctx, const char *path, hv_source *src, int child_col, hv_output *out)
{
	haven_status rc = hv_output_open(ctx, path, "a reject file is never overwritten", out);
	if (rc)
		return rc;
	int n = hv_source_ncols(src);
	for (int i = 0; i < n; i++) {
		hv_csv_cell(out->f, i == child_col ? "child_pseudonym" : hv_source_colname(src, i), 0);
		fputc(',', out->f);
	}
	fputs("row,reason,protective_marking\r\n", out->f);
	return HAVEN_OK;
}

void hv_missing_reject(FILE *f, hv_source *src, int child_col, const char *pseudonym, const char *why)
{
	int n = hv_source_ncols(src);
	char row[24];
	for (int i = 0; i < n; i++) {
		hv_csv_cell(f, i == child_col ? pseudonym : hv_source_field(src, i), 0);
		fputc(',', f);
	}
	snprintf(row, sizeof row, "%lld", (long long)hv_source_row(src));
	hv_csv_cell(f, row, 1);
	fputc(',', f);
	hv_csv_cell(f, why, 0);
	fputc(',', f);
	hv_csv_cell(f, HAVEN_MARKING, 0);
	fputs("\r\n", f);
}

static haven_status rejects_open(importer *im)
{
	return hv_missing_rejects_open(im->ctx, im->o->rejects, im->src, im->col[C_CHILD], &im->rej);
}

/* The raw row, its child identifier replaced by the pseudonym, and why. */
static void reject(importer *im, const mreport *r, const fault *f)
{
	hv_missing_reject(im->rej.f, im->src, im->col[C_CHILD], r->child, f->why);
	im->rep->rejected++;
}

/* ---- writing -------------------------------------------------------------- */

static haven_status prepare_all(importer *im)
{
	haven_status rc;
	if ((rc = hv_prepare(im->ctx,
	                     "SELECT r.id, r.content, c.pseudonym, r.child, r.urn"
	                     " FROM missing_report r JOIN missing_child c ON c.id = r.child"
	                     " WHERE r.source = ? AND r.source_ref = ? AND r.superseded_by IS NULL",
	                     &im->current)) ||
	    (rc = hv_prepare(im->ctx, "SELECT id FROM missing_child WHERE pseudonym = ?", &im->child_find)) ||
	    (rc = hv_prepare(im->ctx, "INSERT INTO missing_child(id, pseudonym) VALUES(?, ?)", &im->child_add)) ||
	    (rc = hv_prepare(im->ctx,
	                     "INSERT INTO missing_report(id, source, source_ref, load_id, source_row, child, urn,"
	                     " placing_la, missing_from, returned_at, risk, cse, cce, ri_offered, ri_held,"
	                     " ri_independent, ri_date, last_seen_x, last_seen_y, found_x, found_y, content,"
	                     " superseded_by) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	                     &im->insert)) ||
	    (rc = hv_prepare(im->ctx, "UPDATE missing_report SET superseded_by = ?, superseded_at = ? WHERE id = ?",
	                     &im->supersede)) ||
	    (rc = hv_prepare(im->ctx, "UPDATE missing_report SET superseded_by = NULL WHERE id = ?",
	                     &im->current_again)))
		return rc;
	sqlite3_bind_text(im->insert, 2, im->o->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(im->insert, 4, im->load_id);
	return HAVEN_OK;
}

static void finalize_all(importer *im)
{
	refset_free(&im->seen);
	free(im->pend);
	free(im->ptext.p);
	im->pend = NULL;
	im->npend = im->cappend = 0;
	memset(&im->ptext, 0, sizeof im->ptext);
	sqlite3_finalize(im->current);
	sqlite3_finalize(im->insert);
	sqlite3_finalize(im->supersede);
	sqlite3_finalize(im->current_again);
	sqlite3_finalize(im->child_find);
	sqlite3_finalize(im->child_add);
	im->current = im->insert = im->supersede = im->current_again = im->child_find = im->child_add = NULL;
	kidset_free(&im->kids);
}

/* The row that first gave r's reference, or 0 for the first time. */
static haven_status seen_before(importer *im, const char *ref, int64_t *first)
{
	*first = refset_see(&im->seen, ref, hv_source_row(im->src));
	return *first < 0 ? nomem(im->ctx) : HAVEN_OK;
}

static void bind_flag(sqlite3_stmt *st, int i, int v)
{
	if (v < 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int(st, i, v);
}

static void bind_point(sqlite3_stmt *st, int i, int has, double x, double y)
{
	if (has) {
		sqlite3_bind_double(st, i, x);
		sqlite3_bind_double(st, i + 1, y);
	} else {
		sqlite3_bind_null(st, i);
		sqlite3_bind_null(st, i + 1);
	}
}

/* im->fresh: 1 when the store holds no current report of the import's
 * source, so that no reference of the file can be one the store holds (the
 * file's own references are checked in memory). */
static haven_status fresh_source(importer *im)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(im->ctx,
	                             "SELECT NOT EXISTS(SELECT 1 FROM missing_report"
	                             " WHERE source = ? AND superseded_by IS NULL)",
	                             &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, im->o->source, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		im->fresh = sqlite3_column_int(st, 0);
	else
		rc = hv_error_sql(im->ctx, "looking for the source's reports");
	sqlite3_finalize(st);
	return rc;
}

/* Drop the reports' indexes while an import of a source new to the store
 * writes its reports into a table holding few others, and give in *again
 * what makes them again after (in the same transaction: all or nothing
 * still).  Nothing reads them while it writes - the source holds no
 * current report to look up, and the file's references are checked in
 * memory - and an index made once by sorting costs less than one kept up
 * row by row, its keys (a reference, a child) arriving in no order of
 * their own; but making it again sorts every row of the table, so only
 * when the table holds fewer reports than an eighth of the file's rows
 * (a row of a file being 100 bytes or less: measured, a million rows
 * written as 428,821 into a table of 571,179 were slower so).  The unique
 * index of current versions is checked when it is made again. */
static haven_status unindex(haven_ctx *ctx, const char *const *names, size_t n, char **sql);
static haven_status reports_unindexed(importer *im, const char *path, char **again)
{
	static const char *const names[] = {"missing_report_current", "missing_report_child"};
	struct stat sb;
	*again = NULL;
	if (!im->fresh || stat(path, &sb) || (im->next_id - 1) * 8 > (int64_t)sb.st_size / 100)
		return HAVEN_OK;
	return unindex(im->ctx, names, 2, again);
}

/* The next id in missing_child, and whether the store holds any child. */
static haven_status children_begin(importer *im)
{
	haven_status rc = hv_query_int(im->ctx, "SELECT coalesce(max(id), 0) + 1 FROM missing_child", &im->next_child);
	im->no_children = !rc && im->next_child == 1;
	return rc;
}

/* Note that the episodes of group (child, urn) are to be linked again:
 * the child's pseudonym (32 bytes) and id.  0, or -1 when out of memory. */
static int groups_add(groupset *t, const unsigned char pseud[32], int64_t id, const char *urn)
{
	if (t->n && t->g[t->n - 1].id == id && !strcmp(t->text.p + t->g[t->n - 1].off, urn))
		return 0;
	group *more = grow(t->g, &t->cap, t->n, sizeof *t->g);
	if (!more)
		return -1;
	t->g = more;
	if (arena_add(&t->text, urn, &t->g[t->n].off))
		return -1;
	memcpy(t->g[t->n].child, pseud, 32);
	t->g[t->n].id = id;
	t->g[t->n++].urn = NULL;
	return 0;
}

static int group_cmp(const void *a, const void *b)
{
	const group *x = a, *y = b;
	int c = memcmp(x->child, y->child, 32);
	return c ? c : strcmp(x->urn, y->urn);
}

/* Sort the groups by (child, urn), the index's order (lower-case hex sorts
 * as its bytes), each once. */
static void groups_sort(groupset *t)
{
	for (size_t i = 0; i < t->n; i++)
		t->g[i].urn = t->text.p + t->g[i].off;
	if (t->n)
		qsort(t->g, t->n, sizeof *t->g, group_cmp);
	size_t m = 0;
	for (size_t i = 0; i < t->n; i++)
		if (!m || group_cmp(&t->g[m - 1], &t->g[i]))
			t->g[m++] = t->g[i];
	t->n = m;
}

static void groups_free(groupset *t)
{
	free(t->g);
	free(t->text.p);
	memset(t, 0, sizeof *t);
}

static haven_status touch(importer *im, const unsigned char pseud[32], int64_t id, const char *urn)
{
	return groups_add(im->touched, pseud, id, urn) ? nomem(im->ctx) : HAVEN_OK;
}

/* The id in missing_child of the import's child k: looked up, or added,
 * the first time a report of it is written. */
static haven_status child_id(importer *im, kid *k)
{
	if (k->id)
		return HAVEN_OK;
	int s = SQLITE_DONE;
	if (!im->no_children) {
		sqlite3_bind_blob(im->child_find, 1, k->pseud, 32, SQLITE_STATIC);
		s = sqlite3_step(im->child_find);
		if (s == SQLITE_ROW)
			k->id = sqlite3_column_int64(im->child_find, 0);
		sqlite3_reset(im->child_find);
		if (s != SQLITE_ROW && s != SQLITE_DONE)
			return hv_error_sql(im->ctx, "looking up a child");
	}
	if (k->id)
		return HAVEN_OK;
	sqlite3_bind_int64(im->child_add, 1, im->next_child);
	sqlite3_bind_blob(im->child_add, 2, k->pseud, 32, SQLITE_STATIC);
	s = sqlite3_step(im->child_add);
	sqlite3_reset(im->child_add);
	if (s != SQLITE_DONE)
		return hv_error_sql(im->ctx, "adding a child");
	k->id = im->next_child++;
	return HAVEN_OK;
}

static haven_status write_report(importer *im, const mreport *r, int64_t row)
{
	haven_ctx *ctx = im->ctx;
	sqlite3_stmt *st = im->current;
	int64_t old = 0;
	int same = 0, s = SQLITE_DONE;
	if (!im->fresh) {
		sqlite3_bind_text(st, 1, im->o->source, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, r->ref, -1, SQLITE_STATIC);
		s = sqlite3_step(st);
	}
	haven_status rc = HAVEN_OK;
	if (s == SQLITE_ROW) {
		old = sqlite3_column_int64(st, 0);
		same = sqlite3_column_bytes(st, 1) == CONTENT_BYTES &&
		       !memcmp(sqlite3_column_blob(st, 1), r->content, CONTENT_BYTES);
		if (!same) { /* the old version's group is linked again too */
			const void *p = sqlite3_column_blob(st, 2);
			unsigned char pseud[32] = {0};
			if (p && sqlite3_column_bytes(st, 2) == 32)
				memcpy(pseud, p, 32);
			rc = touch(im, pseud, sqlite3_column_int64(st, 3), (const char *)sqlite3_column_text(st, 4));
		}
	}
	sqlite3_reset(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return hv_error_sql(ctx, "looking up a report");
	if (rc)
		return rc;
	if (same) {
		im->rep->unchanged++;
		return HAVEN_OK;
	}
	kid *k = &im->kids.k[r->kid];
	if ((rc = child_id(im, k)))
		return rc;
	if (im->fresh) { /* linked in memory (link_in_memory) */
		if (lset_hold(&im->mine, r, im->next_id, k->id, !strcmp(im->o->source, "police")))
			return nomem(ctx);
	} else if ((rc = touch(im, k->pseud, k->id, r->urn)))
		return rc;
	/* A correction is written without a moment of two current versions
	 * (the unique index) or of a reference to a missing row (no deferred
	 * foreign keys, whose outstanding count would make SQLite scan the
	 * referring tables at every insert): the new version is written
	 * pointing to itself, the old one then points to it, and the new one
	 * becomes current. */
	int64_t id = im->next_id++;
	if (old)
		im->rep->superseded++;
	else
		im->rep->added++;
	st = im->insert; /* the source (2) and load (4) bound once (prepare_all) */
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 3, r->ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, row);
	sqlite3_bind_int64(st, 6, k->id);
	sqlite3_bind_text(st, 7, r->urn, -1, SQLITE_STATIC);
	hv_bind_text_or_null(st, 8, r->placing);
	sqlite3_bind_int64(st, 9, r->from_s);
	if (r->has_to)
		sqlite3_bind_int64(st, 10, r->to_s);
	else
		sqlite3_bind_null(st, 10);
	hv_bind_text_or_null(st, 11, r->risk);
	for (int i = 0; i < 5; i++)
		bind_flag(st, 12 + i, r->flag[i]);
	hv_bind_text_or_null(st, 17, r->ri_date[0] ? r->ri_date : NULL);
	bind_point(st, 18, r->has_ls, r->ls_x, r->ls_y);
	bind_point(st, 20, r->has_f, r->f_x, r->f_y);
	sqlite3_bind_blob(st, 22, r->content, CONTENT_BYTES, SQLITE_STATIC);
	if (old)
		sqlite3_bind_int64(st, 23, id);
	else
		sqlite3_bind_null(st, 23);
	s = sqlite3_step(st);
	sqlite3_reset(st);
	if (s != SQLITE_DONE)
		return hv_error_sql(ctx, "adding a report");
	if (!old)
		return HAVEN_OK;
	sqlite3_bind_int64(im->supersede, 1, id);
	sqlite3_bind_text(im->supersede, 2, im->now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(im->supersede, 3, old);
	s = sqlite3_step(im->supersede);
	sqlite3_reset(im->supersede);
	if (s == SQLITE_DONE) {
		sqlite3_bind_int64(im->current_again, 1, id);
		s = sqlite3_step(im->current_again);
		sqlite3_reset(im->current_again);
	}
	return s == SQLITE_DONE ? HAVEN_OK : hv_error_sql(ctx, "superseding a report");
}

haven_status hv_missing_columns(hv_source *src, const hv_column *cols, int n, int *col)
{
	for (int c = 0; c < n; c++) {
		haven_status rc = hv_source_column(src, cols[c].names, cols[c].name, &col[c]);
		if (rc)
			return rc;
		if (cols[c].required && col[c] < 0)
			return hv_source_error_row(src, 1, HAVEN_ERR_MISSING, "no column '%s' (docs/formats.md)",
			                           cols[c].name);
	}
	return HAVEN_OK;
}

/* Checked rows are written in batches sorted by (child, home, start), not
 * in the file's order: the inserts into the reports' group index and the
 * groups noted to link then follow one another through the B-trees, each
 * page touched once a batch, instead of landing at random in trees larger
 * than the page cache.  A batch is bounded, so memory stays flat whatever
 * the file's size; the whole import is one transaction either way. */
typedef struct pending {
	mreport r;
	uint32_t off[4]; /* ref, urn, placing, risk in the arena; UINT32_MAX: NULL */
	int64_t row;
} pending;

/* Copy s into the batch's arena: its offset, or UINT32_MAX for NULL (and
 * for no memory, *oom set). */
static uint32_t arena_put(importer *im, const char *s, int *oom)
{
	size_t off = 0;
	if (!s)
		return UINT32_MAX;
	if (arena_add(&im->ptext, s, &off) || off >= UINT32_MAX) {
		*oom = 1;
		return UINT32_MAX;
	}
	return (uint32_t)off;
}

/* Hold checked row r (its text copied) for the next batch. */
static haven_status hold(importer *im, const mreport *r)
{
	pending *more = grow(im->pend, &im->cappend, im->npend, sizeof *im->pend);
	if (!more)
		return nomem(im->ctx);
	im->pend = more;
	pending *p = &im->pend[im->npend];
	int oom = 0;
	p->r = *r;
	p->row = hv_source_row(im->src);
	p->off[0] = arena_put(im, r->ref, &oom);
	p->off[1] = arena_put(im, r->urn, &oom);
	p->off[2] = arena_put(im, r->placing, &oom);
	p->off[3] = arena_put(im, r->risk, &oom);
	if (oom)
		return nomem(im->ctx);
	im->npend++;
	return HAVEN_OK;
}

static int pending_cmp(const void *a, const void *b)
{
	const pending *x = a, *y = b;
	int c = memcmp(x->r.child, y->r.child, 64); /* the pseudonyms' order, as their bytes */
	if (!c)
		c = strcmp(x->r.urn, y->r.urn);
	if (!c)
		c = strcmp(x->r.from, y->r.from);
	return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* Write the held rows, sorted by (child, home, start), and empty the batch. */
static haven_status flush_pending(importer *im)
{
	haven_status rc = HAVEN_OK;
	for (size_t i = 0; i < im->npend; i++) {
		pending *p = &im->pend[i];
		const char **t[4] = {&p->r.ref, &p->r.urn, &p->r.placing, &p->r.risk};
		for (int j = 0; j < 4; j++)
			*t[j] = p->off[j] == UINT32_MAX ? NULL : im->ptext.p + p->off[j];
	}
	if (im->npend) /* qsort's array is never NULL */
		qsort(im->pend, im->npend, sizeof *im->pend, pending_cmp);
	for (size_t i = 0; !rc && i < im->npend; i++)
		rc = write_report(im, &im->pend[i].r, im->pend[i].row);
	im->npend = 0;
	im->ptext.len = 0;
	return rc;
}

static haven_status read_rows(importer *im)
{
	haven_status rc;
	mreport r;
	fault f;
	for (;;) {
		int has;
		if ((rc = hv_source_next(im->src, &has)))
			return rc;
		if (!has)
			break;
		im->rep->rows++;
		rc = check_row(im, &r, &f);
		if (!rc && f.st == HAVEN_OK) {
			int64_t first;
			if ((rc = seen_before(im, r.ref, &first)))
				return rc;
			if (first)
				hv_fault_set(&f, HAVEN_ERR_DUPLICATE,
				             "source_ref '%s' is also at row %lld; a reference is unique in a file",
				             r.ref, (long long)first);
		}
		if (f.st) {
			if (!im->o->skip_invalid || f.st == HAVEN_ERR_SQL || f.st == HAVEN_ERR_NOMEM)
				return hv_source_error(im->src, f.st, "%s", f.why);
			reject(im, &r, &f);
			continue;
		}
		if ((rc = hold(im, &r)))
			return rc;
		if (im->npend == PENDING_MAX && (rc = flush_pending(im)))
			return rc;
		if (im->rep->rows % 65536 == 0)
			hv_progress(im->ctx, "importing reports", im->rep->rows, 0);
	}
	if ((rc = flush_pending(im)))
		return rc;
	if (im->rep->rows == 0)
		return hv_error(im->ctx, HAVEN_ERR_MISSING, "%s: holds no reports", hv_source_path(im->src));
	return HAVEN_OK;
}

/* ---- linkage -------------------------------------------------------------- */

/* An episode of the group being linked, as the store holds it. */
typedef struct oldep {
	int64_t id, police, la; /* 0: none */
	char host[10];
	int has_host, keep;
} oldep;

typedef struct linker {
	haven_ctx *ctx;
	int64_t tol;
	const hversion *hv; /* the importer's */
	size_t nhv;
	sqlite3_stmt *ins;           /* an episode */
	sqlite3_stmt *upd;           /* an episode rewritten in place */
	sqlite3_stmt *del;           /* by id */
	sqlite3_stmt *reports, *old; /* one group's current reports, its episodes */
	int none_before;             /* the store held no episode: no group has old ones */
	oldep *ep;                   /* the group's episodes before linkage */
	size_t nep, capep;
	int64_t written, kept, removed;
	hv_strmap homes; /* a URN to its first version in hv (link_in_memory) */
	void *scratch;   /* link_group's arrays, kept from group to group */
	size_t scratch_n;
} linker;

/* A current report as linkage reads it. */
typedef struct rrow {
	int64_t id, start, end; /* clock times, seconds */
	int police, has_end;
	char *text[4]; /* placing_la, risk, ri_date, urn: in buf, or NULL, or owned when longer */
	char buf[4][24];
	unsigned char owned[4];
	int flag[5];
	int has_ls, has_f;
	double ls_x, ls_y, f_x, f_y;
} rrow;

enum { T_PLACING, T_RISK, T_RID, T_URN };

static void rrow_clear(rrow *r)
{
	for (int i = 0; i < 4; i++)
		if (r->owned[i])
			free(r->text[i]);
	memset(r, 0, sizeof *r);
}

static int risk_rank(const char *r)
{
	if (!r)
		return -1;
	return !strcmp(r, "high") ? 3 : !strcmp(r, "medium") ? 2 : !strcmp(r, "low") ? 1 : 0;
}

static int streq(const char *a, const char *b)
{
	return !strcmp(a, b);
}

static void note(char *conflict, size_t n, const char *what)
{
	size_t len = strlen(conflict);
	snprintf(conflict + len, n - len, "%s%s", len ? "," : "", what);
}

static int points_differ(int ha, double ax, double ay, int hb, double bx, double by)
{
	return ha && hb && hypot(ax - bx, ay - by) > CONFLICT_METRES;
}

/* Delete row id with st: 0, or SQLite's code. */
static int del_id(sqlite3_stmt *st, int64_t id)
{
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	sqlite3_reset(st);
	return s == SQLITE_DONE ? 0 : s;
}

/* Write one episode of report p (police), l (LA) or both, unless the
 * store holds it already. */
static haven_status episode(linker *k, int64_t child, const rrow *p, const rrow *l)
{
	const rrow *one = p ? p : l;
	char conflict[200] = "";
	const char *placing = one->text[T_PLACING], *risk = one->text[T_RISK], *rid = one->text[T_RID];
	int flag[5];
	memcpy(flag, one->flag, sizeof flag);
	const rrow *ls = one, *found = one;
	int64_t fs = one->start, to = one->end;
	int has_to = one->has_end;
	if (p && l) {
		if (l->start < fs)
			fs = l->start;
		if (p->has_end != l->has_end || (p->has_end && p->end != l->end))
			note(conflict, sizeof conflict, "returned_at");
		has_to = p->has_end || l->has_end;
		to = p->has_end && l->has_end ? (p->end > l->end ? p->end : l->end) : p->has_end ? p->end : l->end;
		if (p->text[T_PLACING] && l->text[T_PLACING] && !streq(p->text[T_PLACING], l->text[T_PLACING]))
			note(conflict, sizeof conflict, "placing_la");
		placing = l->text[T_PLACING] ? l->text[T_PLACING] : p->text[T_PLACING];
		if (p->text[T_RISK] && l->text[T_RISK] && !streq(p->text[T_RISK], l->text[T_RISK]))
			note(conflict, sizeof conflict, "risk");
		risk = risk_rank(p->text[T_RISK]) >= risk_rank(l->text[T_RISK]) ? p->text[T_RISK] : l->text[T_RISK];
		static const char *const names[5] = {"cse_concern", "cce_concern", "ri_offered", "ri_held",
		                                     "ri_independent"};
		for (int i = 0; i < 5; i++) {
			if (p->flag[i] >= 0 && l->flag[i] >= 0 && p->flag[i] != l->flag[i])
				note(conflict, sizeof conflict, names[i]);
			if (i < 2) /* a concern in either */
				flag[i] = p->flag[i] > l->flag[i] ? p->flag[i] : l->flag[i];
			else /* the LA's return interviews */
				flag[i] = l->flag[i] >= 0 ? l->flag[i] : p->flag[i];
		}
		if (p->text[T_RID] && l->text[T_RID] && !streq(p->text[T_RID], l->text[T_RID]))
			note(conflict, sizeof conflict, "ri_date");
		rid = l->text[T_RID] ? l->text[T_RID] : p->text[T_RID];
		if (points_differ(p->has_ls, p->ls_x, p->ls_y, l->has_ls, l->ls_x, l->ls_y))
			note(conflict, sizeof conflict, "last_seen");
		if (points_differ(p->has_f, p->f_x, p->f_y, l->has_f, l->f_x, l->f_y))
			note(conflict, sizeof conflict, "found");
		ls = p->has_ls ? p : l;
		found = p->has_f ? p : l;
	}
	/* An episode is its two reports (whose rows never change: a
	 * correction is a new row) and its home's LA that day: one the store
	 * holds already is kept as it is. */
	const char *host = host_la(k->hv, k->nhv, one->text[T_URN], hv_missing_day(fs));
	int64_t pid = p ? p->id : 0, lid = l ? l->id : 0;
	for (size_t i = 0; i < k->nep; i++) {
		oldep *e = &k->ep[i];
		if (!e->keep && e->police == pid && e->la == lid && e->has_host == (host != NULL) &&
		    (!host || streq(e->host, host))) {
			e->keep = 1;
			k->kept++;
			return HAVEN_OK;
		}
	}
	/* Else one that shares a report with it (a police-only episode the LA
	 * report now pairs, an episode of a corrected report) is rewritten in
	 * place, the child and home (and their indexes) as they were; else it
	 * is new.  The pairing is one to one, so no other episode of the group
	 * holds either report. */
	oldep *was = NULL;
	for (size_t i = 0; !was && i < k->nep; i++)
		if (!k->ep[i].keep && ((pid && k->ep[i].police == pid) || (lid && k->ep[i].la == lid)))
			was = &k->ep[i];
	sqlite3_stmt *st = was ? k->upd : k->ins;
	sqlite3_bind_int64(st, 1, child);
	sqlite3_bind_text(st, 2, one->text[T_URN], -1, SQLITE_STATIC);
	hv_bind_text_or_null(st, 3, placing);
	hv_bind_text_or_null(st, 4, host);
	sqlite3_bind_int64(st, 5, fs);
	if (has_to)
		sqlite3_bind_int64(st, 6, to);
	else
		sqlite3_bind_null(st, 6);
	hv_bind_text_or_null(st, 7, risk);
	for (int i = 0; i < 5; i++)
		bind_flag(st, 8 + i, flag[i]);
	hv_bind_text_or_null(st, 13, rid);
	if (p)
		sqlite3_bind_int64(st, 14, p->id);
	else
		sqlite3_bind_null(st, 14);
	if (l)
		sqlite3_bind_int64(st, 15, l->id);
	else
		sqlite3_bind_null(st, 15);
	hv_bind_text_or_null(st, 16, *conflict ? conflict : NULL);
	bind_point(st, 17, ls->has_ls, ls->ls_x, ls->ls_y);
	bind_point(st, 19, found->has_f, found->f_x, found->f_y);
	if (was)
		sqlite3_bind_int64(st, 21, was->id);
	int s = sqlite3_step(st);
	sqlite3_reset(st);
	if (s != SQLITE_DONE)
		return hv_error_sql(k->ctx, "writing an episode");
	k->written++;
	if (was)
		was->keep = 1;
	return HAVEN_OK;
}

/* Pair and write one group: every current report of one child at one home,
 * in order of start. */
static haven_status link_group(linker *k, int64_t child, rrow *g, size_t n)
{
	size_t np = 0, nl = 0;
	/* six arrays of n + 1 items (the widest-aligned first), allocated once
	 * for every group of that size or smaller */
	if (k->scratch_n < n + 1) {
		size_t want = (n + 1) * 2;
		void *more = realloc(k->scratch, want * 2 * (sizeof(int64_t) + sizeof(size_t) + sizeof(long)));
		if (!more)
			return nomem(k->ctx);
		k->scratch = more;
		k->scratch_n = want;
	}
	int64_t *pt = k->scratch, *lt = pt + k->scratch_n;
	size_t *pi = (size_t *)(lt + k->scratch_n), *li = pi + k->scratch_n;
	long *mp = (long *)(li + k->scratch_n), *ml = mp + k->scratch_n;
	haven_status rc = HAVEN_OK;
	for (size_t i = 0; !rc && i < n; i++) {
		if (g[i].police) {
			pt[np] = g[i].start;
			pi[np++] = i;
		} else {
			lt[nl] = g[i].start;
			li[nl++] = i;
		}
	}
	if (!rc && hv_missing_pair(pt, np, lt, nl, k->tol, mp, ml))
		rc = nomem(k->ctx);
	/* Episodes in order of their first report. */
	for (size_t i = 0; !rc && i < n; i++) {
		if (g[i].police) {
			size_t a = 0;
			while (pi[a] != i)
				a++;
			rc = episode(k, child, &g[i], mp[a] >= 0 ? &g[li[mp[a]]] : NULL);
		} else {
			size_t b = 0;
			while (li[b] != i)
				b++;
			if (ml[b] < 0)
				rc = episode(k, child, NULL, &g[i]);
		}
	}
	return rc;
}

/* Column i of st as r's text t: copied into r's own buffer (no
 * allocation: the text is a code or a date), longer text duplicated, NULL
 * for NULL.  A text in the buffer is pointed at once the group is read
 * (text_point): the group's array moves as it grows. */
static void text_col(sqlite3_stmt *st, int i, rrow *r, int t, int *oom)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	r->text[t] = NULL;
	r->owned[t] = 0;
	if (!s)
		return;
	size_t n = (size_t)sqlite3_column_bytes(st, i);
	if (n < sizeof r->buf[t]) {
		memcpy(r->buf[t], s, n + 1);
		r->text[t] = r->buf[t]; /* pointed at again by text_point */
		return;
	}
	if (!(r->text[t] = strdup((const char *)s)))
		*oom = 1;
	r->owned[t] = 1;
}

static void text_point(rrow *r)
{
	for (int t = 0; t < 4; t++)
		if (r->text[t] && !r->owned[t])
			r->text[t] = r->buf[t];
}

static int col_flag(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int(st, i);
}

/* The episodes the store holds for the group (child, urn), into k->ep. */
static haven_status read_old(linker *k, int64_t child, const char *urn)
{
	sqlite3_stmt *st = k->old;
	sqlite3_bind_int64(st, 1, child);
	sqlite3_bind_text(st, 2, urn, -1, SQLITE_STATIC);
	k->nep = 0;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (k->nep == k->capep) {
			size_t ncap = k->capep ? k->capep * 2 : 16;
			oldep *n = realloc(k->ep, ncap * sizeof *n);
			if (!n) {
				sqlite3_reset(st);
				return nomem(k->ctx);
			}
			k->ep = n;
			k->capep = ncap;
		}
		oldep *e = &k->ep[k->nep++];
		memset(e, 0, sizeof *e);
		e->id = sqlite3_column_int64(st, 0);
		e->police = sqlite3_column_int64(st, 1);
		e->la = sqlite3_column_int64(st, 2);
		const unsigned char *h = sqlite3_column_text(st, 3);
		e->has_host = h != NULL;
		if (h)
			snprintf(e->host, sizeof e->host, "%s", (const char *)h);
	}
	sqlite3_reset(st);
	return s == SQLITE_DONE ? HAVEN_OK : hv_error_sql(k->ctx, "reading a group's episodes");
}

/* Remove the group's episodes that linkage did not keep. */
static haven_status drop_old(linker *k)
{
	for (size_t i = 0; i < k->nep; i++) {
		const oldep *e = &k->ep[i];
		if (e->keep)
			continue;
		k->removed++;
		if (del_id(k->del, e->id))
			return hv_error_sql(k->ctx, "removing an episode linked again");
	}
	return HAVEN_OK;
}

/* The group's current reports, in order of start, into *g (n of them). */
/* A new row at the end of *g (n of them, room for cap; grown as needed,
 * the texts in the rows' buffers pointed at again): NULL when out of
 * memory. */
static rrow *rrow_add(rrow **g, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		rrow *ng = realloc(*g, ncap * sizeof *ng);
		if (!ng)
			return NULL;
		memset(ng + *cap, 0, (ncap - *cap) * sizeof *ng);
		*g = ng;
		*cap = ncap;
		for (size_t i = 0; i < *n; i++)
			text_point(&ng[i]);
	}
	return &(*g)[(*n)++];
}

static haven_status read_group(linker *k, rrow **g, size_t *n, size_t *cap)
{
	sqlite3_stmt *rd = k->reports;
	haven_status rc = HAVEN_OK;
	int s;
	while (!rc && (s = sqlite3_step(rd)) == SQLITE_ROW) {
		rrow *r = rrow_add(g, n, cap);
		if (!r) {
			sqlite3_reset(rd);
			return nomem(k->ctx);
		}
		int oom = 0;
		r->id = sqlite3_column_int64(rd, 0);
		r->police = sqlite3_column_int(rd, 1);
		text_col(rd, 2, r, T_URN, &oom);
		text_col(rd, 3, r, T_PLACING, &oom);
		r->start = sqlite3_column_int64(rd, 4);
		r->has_end = sqlite3_column_type(rd, 5) != SQLITE_NULL;
		r->end = sqlite3_column_int64(rd, 5);
		text_col(rd, 6, r, T_RISK, &oom);
		text_col(rd, 7, r, T_RID, &oom);
		for (int i = 0; i < 5; i++)
			r->flag[i] = col_flag(rd, 8 + i);
		r->has_ls = sqlite3_column_type(rd, 13) != SQLITE_NULL;
		r->ls_x = sqlite3_column_double(rd, 13);
		r->ls_y = sqlite3_column_double(rd, 14);
		r->has_f = sqlite3_column_type(rd, 15) != SQLITE_NULL;
		r->f_x = sqlite3_column_double(rd, 15);
		r->f_y = sqlite3_column_double(rd, 16);
		if (oom)
			rc = nomem(k->ctx);
	}
	sqlite3_reset(rd);
	for (size_t i = 0; i < *n; i++)
		text_point(&(*g)[i]);
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(k->ctx, "reading the reports");
	return rc;
}

/* sqlite3_exec's callback: the first row's first value into *(char **)arg
 * (caller frees); 1 (abort) when out of memory. */
static int first_text(void *arg, int n, char **v, char **names)
{
	(void)names;
	char **out = arg;
	if (n < 1 || !v[0] || *out)
		return 0;
	*out = strdup(v[0]);
	return *out == NULL;
}

/* Drop the indexes names[0..n) for the linkage of many groups, whose keys
 * it would insert at random, and give in *sql what makes them again (the schema's own
 * text; caller runs it in the same transaction, then frees it), else NULL
 * when none exists.  Made again by sorting, an index costs a fraction of
 * what inserting a million keys at random into B-trees larger than the
 * page cache does. */
static haven_status unindex(haven_ctx *ctx, const char *const *names, size_t n, char **sql)
{
	*sql = NULL;
	char list[256] = "", drop[512] = "";
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(list), d = strlen(drop);
		snprintf(list + l, sizeof list - l, "%s'%s'", i ? "," : "", names[i]);
		snprintf(drop + d, sizeof drop - d, "DROP INDEX IF EXISTS %s;", names[i]);
	}
	char query[400];
	snprintf(query, sizeof query,
	         "SELECT group_concat(sql, ';') FROM sqlite_master WHERE type = 'index' AND name IN (%s)", list);
	haven_status rc = HAVEN_OK;
	if (sqlite3_exec(ctx->db, query, first_text, sql, NULL) != SQLITE_OK)
		rc = sqlite3_errcode(ctx->db) == SQLITE_ABORT ? nomem(ctx) : hv_error_sql(ctx, "reading an index");
	if (!rc && *sql)
		rc = hv_exec(ctx, drop);
	if (rc) {
		free(*sql);
		*sql = NULL;
	}
	return rc;
}

/* Make again what unindex dropped (sql may be NULL), and free sql. */
static haven_status reindex(haven_ctx *ctx, char *sql)
{
	haven_status rc = sql ? hv_exec(ctx, sql) : HAVEN_OK;
	free(sql);
	return rc;
}

/* ---- linkage in memory, for a source new to the store ---------------------- */

/* A group (child, home) in the order the linkage takes groups: the child's
 * pseudonym, then the home's URN. */
static int lgroup_cmp(uint32_t rank_a, uint32_t home_a, uint32_t rank_b, uint32_t home_b)
{
	if (rank_a != rank_b)
		return rank_a < rank_b ? -1 : 1;
	return (home_a > home_b) - (home_a < home_b);
}

/* Reports in the order linkage reads them: by group, then start, then id
 * (the reports' index (child, urn, missing_from) and its rowid). */
static int lrec_cmp(const void *a, const void *b)
{
	const lrec *x = a, *y = b;
	int c = lgroup_cmp(x->rank, x->home, y->rank, y->home);
	if (c)
		return c;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->report > y->report) - (x->report < y->report);
}

/* Whether group (rank, home) has a report in r[0..n) (sorted by lrec_cmp). */
static int lset_has(const lrec *r, size_t n, uint32_t rank, uint32_t home)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (lgroup_cmp(r[mid].rank, r[mid].home, rank, home) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && r[lo].rank == rank && r[lo].home == home;
}

/* An episode the store holds in a group being linked. */
typedef struct lold {
	uint32_t rank, home;
	oldep ep;
} lold;

static int lold_cmp(const void *a, const void *b)
{
	const lold *x = a, *y = b;
	int c = lgroup_cmp(x->rank, x->home, y->rank, y->home);
	return c ? c : (x->ep.id > y->ep.id) - (x->ep.id < y->ep.id);
}

/* The place of every child's pseudonym in their order, by the child's id:
 * *rank (caller frees) of *n ids. */
static haven_status child_ranks(haven_ctx *ctx, uint32_t **rank, size_t *n)
{
	int64_t max = 0;
	haven_status rc = hv_query_int(ctx, "SELECT coalesce(max(id), 0) FROM missing_child", &max);
	if (rc)
		return rc;
	if (max < 0 || (uint64_t)max >= UINT32_MAX)
		return hv_error(ctx, HAVEN_ERR_VALUE, "missing_child: an id out of range");
	*n = (size_t)max + 1;
	if (!(*rank = calloc(*n, sizeof **rank)))
		return nomem(ctx);
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx, "SELECT id FROM missing_child ORDER BY pseudonym", &st)))
		return rc;
	uint32_t i = 0;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		if (id >= 0 && (size_t)id < *n)
			(*rank)[id] = i++;
	}
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? HAVEN_OK : hv_error_sql(ctx, "reading the children");
}

/* The group (*grank, *ghome) of a row of the store (child id, urn): 0 when
 * its child or home is unknown here, so it is no group of the import's. */
static int store_group(const linker *k, const uint32_t *rank, size_t nrank, int64_t child, const unsigned char *urn,
                       uint32_t *grank, uint32_t *ghome)
{
	int64_t home;
	if (!urn || child < 0 || (size_t)child >= nrank || !hv_strmap_get(&k->homes, (const char *)urn, &home))
		return 0;
	*grank = rank[child];
	*ghome = (uint32_t)home;
	return 1;
}

/* The rest of report r (id, child, home and start set), a police report or
 * not, from the columns 4 on of store_rows' query (lrec_values says when it
 * is held): 0, or -1 when out of memory. */
static int held_column(lset *all, sqlite3_stmt *st, int police, lrec *r)
{
	r->police = police != 0;
	r->has_end = sqlite3_column_type(st, 4) != SQLITE_NULL;
	r->end = r->has_end ? sqlite3_column_int64(st, 4) : 0;
	for (int i = 0; i < 5; i++)
		r->flag[i] = (int8_t)col_flag(st, 8 + i);
	const double pt[4] = {sqlite3_column_double(st, 13), sqlite3_column_double(st, 14),
	                      sqlite3_column_double(st, 15), sqlite3_column_double(st, 16)};
	return lrec_values(all, r, (const char *)sqlite3_column_text(st, 6), (const char *)sqlite3_column_text(st, 5),
	                   (const char *)sqlite3_column_text(st, 7), sqlite3_column_type(st, 13) != SQLITE_NULL,
	                   sqlite3_column_type(st, 15) != SQLITE_NULL, pt);
}

/* The other source's current reports in the groups of mine[0..n) (sorted),
 * added to *all; the store's episodes in those groups into *old (sorted by
 * group and id). */
static haven_status store_rows(linker *k, const char *other, const uint32_t *rank, size_t nrank, lset *all,
                               size_t nmine, lold **old, size_t *nold)
{
	haven_ctx *ctx = k->ctx;
	sqlite3_stmt *st;
	haven_status rc =
	    hv_prepare(ctx,
	               "SELECT id, child, urn, missing_from, returned_at, placing_la, risk, ri_date, cse,"
	               " cce, ri_offered, ri_held, ri_independent, last_seen_x, last_seen_y, found_x,"
	               " found_y FROM missing_report NOT INDEXED WHERE source = ? AND superseded_by IS NULL",
	               &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, other, -1, SQLITE_STATIC);
	int s;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		lrec r = {.report = sqlite3_column_int64(st, 0), .start = sqlite3_column_int64(st, 3)};
		int64_t child = sqlite3_column_int64(st, 1);
		if (!store_group(k, rank, nrank, child, sqlite3_column_text(st, 2), &r.rank, &r.home) ||
		    !lset_has(all->r, nmine, r.rank, r.home))
			continue;
		r.child = (uint32_t)child; /* < nrank */
		if (held_column(all, st, !strcmp(other, "police"), &r) < 0) {
			rc = nomem(ctx);
			break;
		}
		lrec *more = grow(all->r, &all->cap, all->n, sizeof *all->r);
		if (!more)
			rc = nomem(ctx);
		else
			(all->r = more)[all->n++] = r;
	}
	sqlite3_finalize(st);
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading the other source's reports");
	if (rc || k->none_before)
		return rc;
	if ((rc = hv_prepare(ctx,
	                     "SELECT id, child, urn, coalesce(police_report, 0), coalesce(la_report, 0), host_la"
	                     " FROM missing_episode",
	                     &st)))
		return rc;
	size_t cap = 0;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		lold o = {0};
		if (!store_group(k, rank, nrank, sqlite3_column_int64(st, 1), sqlite3_column_text(st, 2), &o.rank,
		                 &o.home) ||
		    !lset_has(all->r, nmine, o.rank, o.home))
			continue;
		o.ep.id = sqlite3_column_int64(st, 0);
		o.ep.police = sqlite3_column_int64(st, 3);
		o.ep.la = sqlite3_column_int64(st, 4);
		const unsigned char *h = sqlite3_column_text(st, 5);
		o.ep.has_host = h != NULL;
		if (h)
			snprintf(o.ep.host, sizeof o.ep.host, "%s", (const char *)h);
		lold *more = grow(*old, &cap, *nold, sizeof **old);
		if (!more)
			rc = nomem(ctx);
		else
			(*old = more)[(*nold)++] = o;
	}
	sqlite3_finalize(st);
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading the episodes");
	if (!rc && *nold)
		qsort(*old, *nold, sizeof **old, lold_cmp);
	return rc;
}

/* Report e as read_group would read it from the store, appended to *g. */
static haven_status held_row(linker *k, const char (*texts)[12], const lrec *e, rrow **g, size_t *n, size_t *cap)
{
	rrow *r = rrow_add(g, n, cap);
	if (!r)
		return nomem(k->ctx);
	r->id = e->report;
	r->police = e->police;
	r->start = e->start;
	r->has_end = e->has_end;
	r->end = e->end;
	const char *t[4] = {NULL, NULL, NULL, k->hv[e->home].urn};
	t[T_PLACING] = e->placing ? texts[e->placing - 1] : NULL;
	t[T_RISK] = e->risk ? risks[e->risk - 1] : NULL;
	t[T_RID] = e->rid ? texts[e->rid - 1] : NULL;
	for (int i = 0; i < 4; i++) { /* each shorter than buf (hversion, lset) */
		r->owned[i] = 0;
		r->text[i] = NULL;
		if (t[i]) {
			memcpy(r->buf[i], t[i], strlen(t[i]) + 1);
			r->text[i] = r->buf[i];
		}
	}
	for (int i = 0; i < 5; i++)
		r->flag[i] = e->flag[i];
	r->has_ls = e->has_ls;
	r->ls_x = e->has_ls ? (double)e->ls[0] / 100 : 0;
	r->ls_y = e->has_ls ? (double)e->ls[1] / 100 : 0;
	r->has_f = e->has_f;
	r->f_x = e->has_f ? (double)e->f[0] / 100 : 0;
	r->f_y = e->has_f ? (double)e->f[1] / 100 : 0;
	return HAVEN_OK;
}

/* Link the groups of the reports an import of a source new to the store
 * wrote (mine, n of them): the same episodes, in the same order, with the
 * same ids, as reading each group back through the reports' index
 * (rebuild), but the groups found in memory - the import's reports and the
 * other source's current reports in the same groups, sorted by (pseudonym,
 * home, start, id) - each held in memory (the import's as it wrote them,
 * the other source's as store_rows read them in its one scan), or read by
 * its id where a value does not fit an lrec.  k's statements are
 * prepared, k->reports reading one report by id. */
static haven_status link_in_memory(linker *k, const char *other, lset *all)
{
	haven_ctx *ctx = k->ctx;
	uint32_t *rank = NULL;
	size_t nrank = 0, nold = 0, cap = 0, ng = 0, n = all->n;
	lold *old = NULL;
	rrow *g = NULL;
	haven_status rc = child_ranks(ctx, &rank, &nrank);
	for (size_t i = 0; !rc && i < k->nhv; i++)
		if ((!i || strcmp(k->hv[i - 1].urn, k->hv[i].urn)) &&
		    hv_strmap_put(&k->homes, k->hv[i].urn, (int64_t)i))
			rc = nomem(ctx);
	for (size_t i = 0; !rc && i < n; i++) {
		if (all->r[i].child >= nrank)
			rc = hv_error(ctx, HAVEN_ERR_VALUE, "missing_child: a child out of range");
		else
			all->r[i].rank = rank[all->r[i].child];
	}
	/* the import's reports sorted, then the other source's of the same
	 * groups after them, then all of them sorted */
	if (!rc && n)
		qsort(all->r, n, sizeof *all->r, lrec_cmp);
	if (!rc)
		rc = store_rows(k, other, rank, nrank, all, n, &old, &nold);
	if (!rc && all->n > n)
		qsort(all->r, all->n, sizeof *all->r, lrec_cmp);
	const char(*texts)[12] = (const char(*)[12])all->text; /* store_rows may have added to them */
	const lset view = {.r = all->r, .n = all->n};          /* all of them, held by all */
	size_t oi = 0;
	for (size_t i = 0; !rc && i < view.n;) {
		size_t j = i;
		while (j < view.n && view.r[j].rank == view.r[i].rank && view.r[j].home == view.r[i].home)
			j++;
		/* the group's episodes in the store, in order of id */
		while (oi < nold && lgroup_cmp(old[oi].rank, old[oi].home, view.r[i].rank, view.r[i].home) < 0)
			oi++;
		k->nep = 0;
		for (; !rc && oi < nold && old[oi].rank == view.r[i].rank && old[oi].home == view.r[i].home; oi++) {
			oldep *more = grow(k->ep, &k->capep, k->nep, sizeof *k->ep);
			if (!more)
				rc = nomem(ctx);
			else
				(k->ep = more)[k->nep++] = old[oi].ep;
		}
		for (size_t r = i; !rc && r < j; r++) {
			size_t had = ng;
			if (view.r[r].held)
				rc = held_row(k, texts, &view.r[r], &g, &ng, &cap);
			else {
				sqlite3_bind_int64(k->reports, 1, view.r[r].report);
				if (!(rc = read_group(k, &g, &ng, &cap)) && ng != had + 1)
					rc = hv_error(ctx, HAVEN_ERR_SQL, "a report of the group to link is missing");
			}
		}
		if (!rc)
			rc = link_group(k, view.r[i].child, g, ng);
		if (!rc)
			rc = drop_old(k);
		for (size_t r = 0; r < ng; r++)
			rrow_clear(&g[r]);
		ng = 0;
		i = j;
	}
	for (size_t r = 0; r < cap; r++)
		rrow_clear(&g[r]);
	free(g);
	free(rank);
	free(old);
	hv_strmap_free(&k->homes);
	return rc;
}

/* Link the episodes again from the current reports (inside the caller's
 * transaction; temp.home_versions made): every group when all is set (the
 * tolerance changed), else the groups the import touched - the same
 * episodes as linking every group, since a group's episodes depend on its
 * reports alone.  Group by group, in key order: its current reports through
 * the index (child, home, start), so nothing is sorted, and its episodes in
 * the store; an episode the store holds already (the same reports, the same
 * host LA) is kept, a new one written with its R*Tree entries, and the rest
 * removed.  The LA file that follows a police file rewrites only the
 * episodes it pairs or adds. */
static haven_status rebuild(haven_ctx *ctx, double tolerance_h, int all, groupset *touched, lset *mine,
                            const char *other, const hversion *hv, size_t nhv)
{
	linker k = {.ctx = ctx, .tol = (int64_t)llround(tolerance_h * 3600), .hv = hv, .nhv = nhv};
	sqlite3_stmt *groups = NULL;
	haven_status rc = HAVEN_OK;
	/* In memory (link_in_memory) for a source new to the store, unless
	 * every group is linked again (the tolerance changed) and the store
	 * holds groups of others: an episode, or a report of the other source. */
	int in_memory = mine != NULL;
	if (in_memory && all) {
		int64_t others = 1;
		char sql[200];
		snprintf(sql, sizeof sql,
		         "SELECT EXISTS(SELECT 1 FROM missing_episode) OR EXISTS(SELECT 1 FROM missing_report"
		         " WHERE source = '%s' AND superseded_by IS NULL)",
		         strcmp(other, "police") ? "la" : "police");
		rc = hv_query_int(ctx, sql, &others);
		in_memory = !others;
	}
	if (all && !in_memory &&
	    !(rc = hv_prepare(ctx,
	                      "SELECT c.pseudonym, g.child, g.urn FROM (SELECT child, urn FROM missing_report"
	                      " WHERE superseded_by IS NULL UNION SELECT child, urn FROM missing_episode) g"
	                      " JOIN missing_child c ON c.id = g.child",
	                      &groups))) {
		int s;
		while (!rc && (s = sqlite3_step(groups)) == SQLITE_ROW) {
			const void *c = sqlite3_column_blob(groups, 0);
			if (c && sqlite3_column_bytes(groups, 0) == 32 &&
			    groups_add(touched, c, sqlite3_column_int64(groups, 1),
			               (const char *)sqlite3_column_text(groups, 2)))
				rc = nomem(ctx);
		}
		if (!rc && s != SQLITE_DONE)
			rc = hv_error_sql(ctx, "reading the groups to link");
		sqlite3_finalize(groups);
		groups = NULL;
	}
	groups_sort(touched);
	char *again = NULL;
	int64_t none_before = 0, episodes = 0;
	if (!rc)
		rc = hv_query_int(ctx, "SELECT NOT EXISTS(SELECT 1 FROM missing_episode)", &none_before);
	k.none_before = (int)none_before;
	if (!rc)
		rc = hv_query_int(ctx, "SELECT coalesce(max(id), 0) FROM missing_episode", &episodes);
	/* The episodes' index by time, whose keys the linkage (in group order)
	 * inserts at random, is made again after it when the groups to link are
	 * a quarter or more of the episodes the store holds; the index by group
	 * too when the store holds no episode (no group's old episodes are read
	 * through it). */
	static const char *const episode_indexes[] = {"missing_episode_when", "missing_episode_group"};
	if (!rc && (int64_t)(in_memory ? mine->n : touched->n) >= episodes / 4)
		rc = unindex(ctx, episode_indexes, k.none_before ? 2 : 1, &again);
	const struct {
		const char *sql;
		sqlite3_stmt **st;
	} stmts[] = {
	    {"INSERT INTO missing_episode(child, urn, placing_la, host_la, missing_from, returned_at,"
	     " risk, cse, cce, ri_offered, ri_held, ri_independent, ri_date, police_report,"
	     " la_report, conflict, last_seen_x, last_seen_y, found_x, found_y)"
	     " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	     &k.ins},
	    {"DELETE FROM missing_episode WHERE id = ?", &k.del},
	    {"UPDATE missing_episode SET placing_la = ?3, host_la = ?4, missing_from = ?5, returned_at = ?6,"
	     " risk = ?7, cse = ?8, cce = ?9, ri_offered = ?10, ri_held = ?11,"
	     " ri_independent = ?12, ri_date = ?13, police_report = ?14, la_report = ?15, conflict = ?16,"
	     " last_seen_x = ?17, last_seen_y = ?18, found_x = ?19, found_y = ?20 WHERE id = ?21",
	     &k.upd},
	    {"SELECT id, coalesce(police_report, 0), coalesce(la_report, 0), host_la"
	     " FROM missing_episode WHERE child = ?1 AND urn = ?2",
	     &k.old},
	    {in_memory ? "SELECT r.id, r.source = 'police', r.urn, r.placing_la, r.missing_from,"
	                 " r.returned_at, r.risk, r.ri_date, r.cse, r.cce, r.ri_offered, r.ri_held,"
	                 " r.ri_independent, r.last_seen_x, r.last_seen_y, r.found_x, r.found_y"
	                 " FROM missing_report r WHERE r.id = ?1"
	               : "SELECT r.id, r.source = 'police', r.urn, r.placing_la, r.missing_from,"
	                 " r.returned_at, r.risk, r.ri_date, r.cse, r.cce, r.ri_offered, r.ri_held,"
	                 " r.ri_independent, r.last_seen_x, r.last_seen_y, r.found_x, r.found_y"
	                 " FROM missing_report r INDEXED BY missing_report_child"
	                 " WHERE r.child = ?1 AND r.urn = ?2 AND r.superseded_by IS NULL ORDER BY r.missing_from",
	     &k.reports},
	};
	for (size_t i = 0; !rc && i < sizeof stmts / sizeof stmts[0]; i++)
		rc = hv_prepare(ctx, stmts[i].sql, stmts[i].st);
	if (!rc && in_memory)
		rc = link_in_memory(&k, other, mine);
	size_t n = 0, cap = 0;
	rrow *g = NULL;
	for (size_t gi = 0; !rc && !in_memory && gi < touched->n; gi++) {
		int64_t child = touched->g[gi].id;
		const char *urn = touched->g[gi].urn;
		sqlite3_bind_int64(k.reports, 1, child);
		sqlite3_bind_text(k.reports, 2, urn, -1, SQLITE_STATIC);
		k.nep = 0;
		if (!(rc = k.none_before ? HAVEN_OK : read_old(&k, child, urn)) &&
		    !(rc = read_group(&k, &g, &n, &cap)) && n)
			rc = link_group(&k, child, g, n);
		if (!rc)
			rc = drop_old(&k);
		for (size_t i = 0; i < n; i++)
			rrow_clear(&g[i]);
		n = 0;
	}
	for (size_t i = 0; i < cap; i++)
		rrow_clear(&g[i]);
	free(g);
	free(k.ep);
	free(k.scratch);
	if (!rc)
		rc = reindex(ctx, again);
	else
		free(again);
	sqlite3_stmt *sts[] = {k.ins, k.upd, k.del, k.reports, k.old};
	for (size_t i = 0; i < sizeof sts / sizeof sts[0]; i++)
		sqlite3_finalize(sts[i]);
	return rc;
}

/* ---- the governed import -------------------------------------------------- */

haven_status haven_key_init(haven_ctx *ctx, const char *path, char fingerprint[65])
{
	hv_clear(ctx);
	if (!path)
		return hv_error(ctx, HAVEN_ERR_USAGE, "key init needs a key file");
	haven_status rc = hv_hmac_key_generate(ctx, path);
	if (rc || !fingerprint)
		return rc;
	unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
	if (!(rc = hv_hmac_key_read(ctx, path, key)))
		hv_missing_fingerprint(key, fingerprint);
	sodium_memzero(key, sizeof key);
	return rc;
}

haven_status hv_missing_key_check(haven_ctx *ctx, const char *keyfile, const char *fp, int *record)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx, "SELECT fingerprint FROM missing_key WHERE id = 1", &st);
	if (rc)
		return rc;
	*record = 1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*record = 0;
		if (strcmp((const char *)sqlite3_column_text(st, 0), fp))
			rc = hv_error(
			    ctx, HAVEN_ERR_TAMPER,
			    "%s: this key's fingerprint (%.16s...) is not the one this store's pseudonyms were "
			    "made with (%.16s...); its pseudonyms would not match, so the import is refused",
			    keyfile, fp, (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return rc;
}

haven_status hv_missing_key_record(haven_ctx *ctx, const char *fp, const char *now)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx, "INSERT INTO missing_key(id, fingerprint, recorded_at) VALUES(1, ?, ?)", &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, fp, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = hv_error_sql(ctx, "recording the key's fingerprint");
	sqlite3_finalize(st);
	return rc;
}

/* The file's SHA-256, read once through the input checks. */
haven_status hv_missing_file_sha(haven_ctx *ctx, const char *path, char hex[65])
{
	int fd;
	int64_t size;
	haven_status rc = hv_input_open(ctx, path, &fd, &size);
	if (rc)
		return rc;
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	unsigned char buf[1 << 16];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		crypto_hash_sha256_update(&h, buf, (size_t)n);
	int err = errno;
	close(fd);
	if (n < 0)
		return hv_error(ctx, HAVEN_ERR_IO, "%s: cannot read: %s", path, strerror(err));
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(hex, 65, d, sizeof d);
	return HAVEN_OK;
}

const char *hv_missing_base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* The load's row, written first (every report refers to it) and counted at
 * the end (load_count); removed again for a no-op. */
static haven_status load_begin(importer *im, const char *path)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(im->ctx,
	                             "INSERT INTO missing_load(id, source, file, sha256, loaded_at, rows_read, added,"
	                             " superseded, unchanged, rejected) VALUES(?, ?, ?, ?, ?, 0, 0, 0, 0, 0)",
	                             &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, im->load_id);
	sqlite3_bind_text(st, 2, im->o->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hv_missing_base_name(path), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, im->rep->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, im->now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = hv_error_sql(im->ctx, "recording the load");
	sqlite3_finalize(st);
	return rc;
}

static haven_status load_count(importer *im, const char *fp, int record_key)
{
	haven_ctx *ctx = im->ctx;
	sqlite3_stmt *st;
	haven_status rc;
	if (im->rep->noop) {
		if ((rc = hv_prepare(ctx, "DELETE FROM missing_load WHERE id = ?", &st)))
			return rc;
		sqlite3_bind_int64(st, 1, im->load_id);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = hv_error_sql(ctx, "removing the load of a no-op");
		sqlite3_finalize(st);
		return rc;
	}
	if (record_key && (rc = hv_missing_key_record(ctx, fp, im->now)))
		return rc;
	if ((rc = hv_prepare(ctx,
	                     "UPDATE missing_load SET rows_read = ?, added = ?, superseded = ?, unchanged = ?,"
	                     " rejected = ? WHERE id = ?",
	                     &st)))
		return rc;
	const haven_missing_report *r = im->rep;
	sqlite3_bind_int64(st, 1, r->rows);
	sqlite3_bind_int64(st, 2, r->added);
	sqlite3_bind_int64(st, 3, r->superseded);
	sqlite3_bind_int64(st, 4, r->unchanged);
	sqlite3_bind_int64(st, 5, r->rejected);
	sqlite3_bind_int64(st, 6, im->load_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = hv_error_sql(ctx, "recording the load");
	sqlite3_finalize(st);
	return rc;
}

static haven_status check_opts(haven_ctx *ctx, const char *path, const haven_missing_opts *o)
{
	if (!path || !o || !o->source || !o->key)
		return hv_error(ctx, HAVEN_ERR_USAGE, "missing import needs a file, --source and --key");
	if (strcmp(o->source, "police") && strcmp(o->source, "la"))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--source must be police or la, not '%s'", o->source);
	if (!o->skip_invalid != !o->rejects)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--skip-invalid and --rejects FILE go together");
	if (o->tolerance_h < 0 || o->tolerance_h > 24 * 14 || isnan(o->tolerance_h))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--tolerance must be from 0 to 336 hours");
	return HAVEN_OK;
}

/* The import's one transaction under a rollback journal, not the
 * store's write-ahead log, when no other connection has the store open:
 * the log writes every page twice (into the log, then into the file at
 * the checkpoint), while a rollback journal keeps only the original of a
 * page that already existed - nothing for the pages a large import appends
 * to the file.  All or nothing still: an error or a crash rolls the file
 * back from the journal.  1 when switched (wal_again switches back), 0 when
 * the store stays as it was (another connection holds it, or it was not in
 * WAL mode). */
static int rollback_journal(haven_ctx *ctx)
{
	char mode[16] = "";
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(ctx->db, "PRAGMA journal_mode", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(mode, sizeof mode, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (strcmp(mode, "wal"))
		return 0;
	/* no wait: a reader elsewhere keeps the log, and the import goes on */
	sqlite3_busy_timeout(ctx->db, 0);
	int switched = 0;
	if (sqlite3_prepare_v2(ctx->db, "PRAGMA journal_mode = DELETE", -1, &st, NULL) == SQLITE_OK) {
		switched = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
		           !strcmp((const char *)sqlite3_column_text(st, 0), "delete");
		sqlite3_finalize(st);
	}
	sqlite3_busy_timeout(ctx->db, HV_BUSY_MS);
	return switched;
}

/* The store back in WAL mode, as every connection opens it. */
static void wal_again(haven_ctx *ctx)
{
	sqlite3_exec(ctx->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
}

haven_status haven_missing_import(haven_ctx *ctx, const char *path, const haven_missing_opts *opts,
                                  haven_missing_report *report)
{
	hv_clear(ctx);
	haven_missing_report local;
	haven_missing_report *rep = report ? report : &local;
	memset(rep, 0, sizeof *rep);
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc || (rc = check_opts(ctx, path, opts)))
		return rc;
	haven_missing_opts o = *opts;
	if (o.tolerance_h == 0)
		o.tolerance_h = HAVEN_MISSING_TOLERANCE_H;
	groupset touched = {0};
	importer im = {.ctx = ctx, .o = &o, .rep = rep, .touched = &touched};
	char fp[65];
	if ((rc = hv_hmac_key_read(ctx, o.key, im.key)))
		return rc;
	hv_missing_fingerprint(im.key, fp);
	hv_missing_keyed(im.key, &im.keyed);
	int journal = 0;
	if ((o.rejects && (rc = hv_output_vacant(ctx, o.rejects, "a reject file is never overwritten"))) ||
	    (rc = hv_missing_file_sha(ctx, path, rep->sha256)) || ((journal = rollback_journal(ctx)), 0) ||
	    (rc = hv_op_begin(ctx, &op, HV_OP_ACTOR | HV_OP_WRITE))) {
		if (journal)
			wal_again(ctx);
		sodium_memzero(im.key, sizeof im.key);
		sodium_memzero(&im.keyed, sizeof im.keyed);
		return rc;
	}
	int record_key = 0;
	hv_scope *scope = NULL;
	char *again = NULL; /* the reports' indexes to make again (reports_unindexed) */
	int64_t now = hv_now(ctx);
	hv_format_time(now, im.now);
	hv_format_time(now + 3600, im.limit); /* clock times in London are at most an hour ahead of UTC */
	im.limit[19] = '\0';
	hv_today(ctx, im.today);
	char tol_was[32] = "", tol[32];
	snprintf(tol, sizeof tol, "%g", o.tolerance_h);
	/* A bigger page cache for the operation: the reports, their indexes,
	 * the episodes and their R*Trees are written in one transaction, and a
	 * small cache spills its dirty pages to the log again and again.  A
	 * bound, not a growth: memory stays flat whatever the file's size. */
	int64_t cache = 0;
	int cache_set = 0;
	if (!hv_query_int(ctx, "PRAGMA cache_size", &cache)) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", IMPORT_CACHE_KIB);
		cache_set = !hv_exec(ctx, sql);
	}
	/* Statement journals in memory, not in files. */
	int64_t temp_store = 0;
	int temp_set =
	    !hv_query_int(ctx, "PRAGMA temp_store", &temp_store) && !hv_exec(ctx, "PRAGMA temp_store = MEMORY");
	if (!(rc = hv_missing_key_check(ctx, o.key, fp, &record_key)) &&
	    !(rc = hv_query_int(ctx, "SELECT coalesce(max(id), 0) + 1 FROM missing_report", &im.next_id)) &&
	    !(rc = hv_query_int(ctx, "SELECT coalesce(max(id), 0) + 1 FROM missing_load", &im.load_id)) &&
	    !(rc = children_begin(&im)) && !(rc = fresh_source(&im)) && !(rc = reports_unindexed(&im, path, &again)) &&
	    !(rc = load_begin(&im, path)) && !(rc = hv_meta_get(ctx, "missing_tolerance_h", tol_was, sizeof tol_was)) &&
	    !(rc = hv_scope_owner(ctx, &scope)) && !(rc = hv_homes_view(ctx, NULL, scope)) &&
	    !(rc = load_versions(ctx, &im.hv, &im.nhv)) && !(rc = prepare_all(&im)) &&
	    !(rc = hv_source_open(ctx, path, &im.src)) && !(rc = hv_missing_columns(im.src, columns, C_N, im.col)) &&
	    !(o.skip_invalid && (rc = rejects_open(&im))))
		rc = read_rows(&im);
	if (!rc)
		rc = reindex(ctx, again);
	else
		free(again);
	hv_scope_free(scope);
	finalize_all(&im);
	sodium_memzero(im.key, sizeof im.key);
	sodium_memzero(&im.keyed, sizeof im.keyed);
	hv_source_close(im.src);
	hv_gazetteer_close(im.gz);
	if (im.pj)
		proj_destroy(im.pj);
	hv_lanames_free(im.las);
	rep->noop = !rc && !rep->added && !rep->superseded && !strcmp(tol_was, tol);
	if (!rc)
		rc = load_count(&im, fp, record_key);
	if (!rc && !rep->noop && !(rc = hv_meta_set(ctx, "missing_tolerance_h", tol)))
		rc = rebuild(ctx, o.tolerance_h, strcmp(tol_was, tol) != 0, &touched, im.fresh ? &im.mine : NULL,
		             strcmp(o.source, "police") ? "police" : "la", im.hv, im.nhv);
	groups_free(&touched);
	lset_free(&im.mine);
	free(im.hv);
	if (!rc && !(rc = hv_query_int(ctx, "SELECT count(*) FROM missing_episode", &rep->episodes)) &&
	    !(rc = hv_query_int(ctx,
	                        "SELECT count(*) FROM missing_episode"
	                        " WHERE police_report IS NOT NULL AND la_report IS NOT NULL",
	                        &rep->both)))
		rc = hv_query_int(ctx, "SELECT count(*) FROM missing_episode WHERE conflict IS NOT NULL",
		                  &rep->conflicts);
	if (cache_set) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)cache);
		sqlite3_exec(ctx->db, sql, NULL, NULL, NULL);
	}
	if (temp_set) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA temp_store = %lld", (long long)temp_store);
		sqlite3_exec(ctx->db, sql, NULL, NULL, NULL);
	}
	rc = hv_output_end(ctx, &im.rej, rc);
	char object[400] = "";
	if (!rc && !rep->noop)
		snprintf(object, sizeof object,
		         "missing reports from a %s file %s (sha256 %.16s): %lld rows, %lld added, %lld superseded, "
		         "%lld unchanged, %lld rejected; %lld episodes",
		         o.source, hv_missing_base_name(path), rep->sha256, (long long)rep->rows, (long long)rep->added,
		         (long long)rep->superseded, (long long)rep->unchanged, (long long)rep->rejected,
		         (long long)rep->episodes);
	haven_status end =
	    hv_op_end(ctx, &op, rc, HV_AUDIT_COLLECTION, *object ? object : NULL, rep->added + rep->superseded, NULL);
	if (journal)
		wal_again(ctx);
	if (end && !rc && o.rejects)
		unlink(o.rejects); /* the import did not happen: neither did its rejects */
	if (end) {
		char sha[65];
		memcpy(sha, rep->sha256, sizeof sha);
		memset(rep, 0, sizeof *rep);
		memcpy(rep->sha256, sha, sizeof sha);
	}
	return end;
}
