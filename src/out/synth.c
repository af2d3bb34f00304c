/*
 * synth.c - a synthetic register disclosure from Ofsted's published provider list.
 *
 * Two passes: read the provider list (small: ~5,600 rows), keeping the
 * children's homes and resolving each LA name to its ONS code; then scan the
 * gazetteer's live postcodes once in postcode order, finding each one's LA
 * through the STRtree (areas.c) and keeping, per LA, a uniform random sample
 * (reservoir sampling) as large as that LA's number of homes.  Invented
 * fields come from small word lists and Ofcom's ranges of telephone numbers
 * reserved for drama, so no invented number can ring a real line.
 *
 * With DfE's missing-from-care figures, the same scan also keeps a sample of
 * live postcodes per LA (another generator, so the register is the same
 * either way), and synth_missing.c writes the episode files; with DfE's new
 * placements, synth_placements.c writes the placements file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ref/areas.h"
#include "haven/gate.h"
#include "haven/synth.h"
#include "ref/la.h"
#include "core/output.h"
#include "core/source.h"
#include "core/sql.h"
#include "core/table.h"
#include "out/synth_missing.h"
#include "out/synth_placements.h"
#include "out/synth_zones.h"

/* splitmix64: small, fast, and the same sequence on every platform. */
static uint64_t next_u64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t *s, uint64_t n) { return n ? next_u64(s) % n : 0; }

#define PICK(rng, arr) (arr[below(rng, sizeof arr / sizeof arr[0])])

static const char *const trees[] = {
	"Oak",     "Willow", "Beech",  "Ash",     "Elm",      "Rowan",    "Hazel",  "Cedar", "Birch",  "Maple",
	"Holly",   "Laurel", "Meadow", "Brook",   "Orchard",  "Heather",  "Primrose", "Juniper", "Linden", "Alder",
	"Aspen",   "Larch",  "Fern",   "Clover",  "Hawthorn", "Poplar",   "Sycamore", "Chestnut", "Yew",  "Lime"};
static const char *const houses[] = {"House", "Lodge", "Cottage", "View", "Court", "Grange", "Place", "Villa", "Barn",
                                     "Farmhouse"};
static const char *const streets[] = {"Road", "Street", "Lane", "Close", "Avenue", "Drive", "Way", "Gardens",
                                      "Crescent", "Grove"};
static const char *const surnames[] = {"Smith",  "Jones",  "Taylor",   "Brown",  "Williams", "Wilson",  "Johnson",
                                       "Davies", "Patel",  "Robinson", "Wright", "Thompson", "Evans",   "Walker",
                                       "White",  "Roberts", "Green",   "Hall",   "Wood",     "Jackson", "Clarke",
                                       "Khan",   "Hughes", "Edwards",  "Ali",    "Turner",   "Hill",    "Moore",
                                       "Cooper", "Ward"};
/* Ofcom's numbers for TV and radio drama: 1,000 in each range. */
static const char *const drama_ranges[] = {"0113 496 0", "0114 496 0", "0115 496 0", "0116 496 0", "0117 496 0",
                                           "0118 496 0", "0121 496 0", "0131 496 0", "0141 496 0", "0151 496 0",
                                           "0161 496 0", "0191 498 0", "020 7946 0", "01632 960"};
#define N_DRAMA (sizeof drama_ranges / sizeof drama_ranges[0])

/* Ofsted provision types registered as children's homes (compared
 * case-insensitively: the file has both "Children's home" and "Children's Home"). */
static const char *const home_types[] = {"Children's home", "Secure children's home",
                                         "Residential special school (registered as a children's home)"};

/* Ofsted columns that are redacted for homes (never copied) and the ones
 * mapped to register columns; every other column is kept as published. */
static const char *const redacted[] = {"Name", "Address 1", "Address 2", "Town", "County", "Postcode"};

enum { C_URN, C_TYPE, C_REGDATE, C_STATUS, C_LA, C_SECTOR, C_PLACES, C_OWNER, C_MAPPED };
static const char *const mapped[C_MAPPED] = {"URN",    "Provision type", "Registration date",
                                             "Registration status", "Local authority", "Sector", "Places",
                                             "Organisation which owns the provider"};

typedef struct home {
	char **f;     /* all fields of the Ofsted row */
	long la;      /* index in the la areas */
	int64_t row;
	char pc[9];
	double e, n;
} home;

typedef struct la_sample {
	int64_t need, seen;
	char (*pc)[9];
	double *e, *n;
	int64_t used;
} la_sample;

static int is_home_type(const char *t)
{
	for (size_t i = 0; i < sizeof home_types / sizeof home_types[0]; i++)
		if (strcasecmp(t, home_types[i]) == 0)
			return 1;
	return 0;
}

static int in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (hv_colname_eq(name, list[i]))
			return 1;
	return 0;
}

/* "Short-break-only children's home" -> "short_break_only_children_s_home" */
static void snake(const char *in, char *out, size_t n)
{
	size_t j = 0;
	int us = 1;
	for (; *in && j + 2 < n; in++) {
		unsigned char c = (unsigned char)*in;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			out[j++] = (char)c, us = 0;
		} else if (c >= 'A' && c <= 'Z') {
			out[j++] = (char)(c - 'A' + 'a'), us = 0;
		} else if (!us) {
			out[j++] = '_', us = 1;
		}
	}
	while (j && out[j - 1] == '_')
		j--;
	out[j] = '\0';
}

/* DD/MM/YYYY -> YYYY-MM-DD (validated); 0 if not a date. */
static int uk_date_to_iso(const char *in, char out[11])
{
	if (strlen(in) != 10 || in[2] != '/' || in[5] != '/')
		return 0;
	snprintf(out, 11, "%.4s-%.2s-%.2s", in + 6, in + 3, in);
	return hv_parse_date(out, NULL);
}

static void free_homes(home *h, size_t n, int ncols)
{
	for (size_t i = 0; i < n; i++) {
		for (int c = 0; h[i].f && c < ncols; c++)
			free(h[i].f[c]);
		free(h[i].f);
	}
	free(h);
}

/* Pass 1: the children's homes of the provider list, LA resolved. */
static haven_status read_homes(haven_ctx *ctx, hv_source *src, hv_lanames *names, hv_areas *la, int col[C_MAPPED],
                               home **out, size_t *nout, haven_synth_report *rep)
{
	size_t n = 0, cap = 0;
	home *v = NULL;
	int ncols = hv_source_ncols(src), has;
	haven_status rc;
	while (!(rc = hv_source_next(src, &has)) && has) {
		rep->rows_read++;
		if (!is_home_type(hv_source_field(src, col[C_TYPE])))
			continue;
		const char *code, *name;
		if ((rc = hv_lanames_resolve(ctx, names, hv_source_field(src, col[C_LA]), &code, &name))) {
			char msg[sizeof ctx->errmsg];
			snprintf(msg, sizeof msg, "%s", ctx->errmsg);
			rc = hv_source_error(src, rc, "%s", msg);
			break;
		}
		/* Digits only: strtoull alone would take " 4", "+4" and "-4". */
		const char *pl = hv_source_field(src, col[C_PLACES]);
		size_t nd = strspn(pl, "0123456789");
		if (!*pl || pl[nd] || nd > 9) {
			rc = hv_source_error(src, HAVEN_ERR_VALUE, "Places '%s' is not a whole number", pl);
			break;
		}
		char iso[11];
		if (!uk_date_to_iso(hv_source_field(src, col[C_REGDATE]), iso)) {
			rc = hv_source_error(src, HAVEN_ERR_VALUE, "Registration date '%s' is not DD/MM/YYYY",
			                     hv_source_field(src, col[C_REGDATE]));
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			home *nv = realloc(v, cap * sizeof *nv);
			if (!nv) {
				rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
				break;
			}
			v = nv;
		}
		home *h = &v[n];
		memset(h, 0, sizeof *h);
		n++;
		h->row = hv_source_row(src);
		h->la = hv_areas_index(la, code);
		h->f = calloc((size_t)ncols, sizeof *h->f);
		if (!h->f) {
			rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
			break;
		}
		for (int c = 0; c < ncols; c++)
			if (!(h->f[c] = strdup(hv_source_field(src, c)))) {
				rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
				break;
			}
		if (rc)
			break;
		rep->homes++;
		rep->places += strtoll(pl, NULL, 10);
	}
	if (rc) {
		free_homes(v, n, ncols);
		return rc;
	}
	*out = v;
	*nout = n;
	return HAVEN_OK;
}

/* Pass 2: a uniform random sample of live postcodes inside each LA; with
 * pool, another of up to HV_SYNTH_POOL in every LA, drawn with rng2. */
static haven_status sample_postcodes(haven_ctx *ctx, hv_areas *la, la_sample *s, uint64_t *rng, hv_synth_pcs *pool,
                                     int64_t *pool_seen, uint64_t *rng2, haven_synth_report *rep)
{
	sqlite3_stmt *st;
	haven_status rc =
		hv_prepare(ctx, "SELECT pc, e, n FROM postcode WHERE e IS NOT NULL ORDER BY pc", &st);
	if (rc)
		return rc;
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		double e = sqlite3_column_double(st, 1), n = sqlite3_column_double(st, 2);
		rep->postcodes_scanned++;
		long i = hv_areas_find(la, e, n);
		if (i >= 0 && pool) {
			int64_t slot = pool_seen[i] < HV_SYNTH_POOL ? pool_seen[i]
			                                            : (int64_t)below(rng2, (uint64_t)pool_seen[i] + 1);
			pool_seen[i]++;
			if (slot < HV_SYNTH_POOL) {
				snprintf(pool[i].pc[slot], 9, "%s", (const char *)sqlite3_column_text(st, 0));
				if (pool[i].n < HV_SYNTH_POOL)
					pool[i].n++;
			}
		}
		if (i < 0 || s[i].need == 0)
			continue;
		la_sample *ls = &s[i];
		int64_t slot = ls->seen < ls->need ? ls->seen : (int64_t)below(rng, (uint64_t)ls->seen + 1);
		ls->seen++;
		if (slot < ls->need) {
			snprintf(ls->pc[slot], 9, "%s", (const char *)sqlite3_column_text(st, 0));
			ls->e[slot] = e;
			ls->n[slot] = n;
		}
		if ((rep->postcodes_scanned & 0xFFFF) == 0)
			hv_progress(ctx, "postcodes", rep->postcodes_scanned, 0);
	}
	if (r != SQLITE_DONE)
		rc = hv_error_sql(ctx, "scanning postcodes");
	sqlite3_finalize(st);
	return rc;
}

static haven_status make_dir(haven_ctx *ctx, const char *dir)
{
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return hv_error(ctx, HAVEN_ERR_IO, "%s: cannot create directory: %s", dir, strerror(errno));
	return HAVEN_OK;
}

/* Build the register table: mapped columns, invented ones, then extras. */
static haven_status build_table(haven_ctx *ctx, hv_source *src, int col[C_MAPPED], home *h, size_t nh,
                                hv_areas *la, hv_areas *district, uint64_t *rng, haven_table **out)
{
	static const char *const fixed[] = {"urn", "name", "address_1", "address_2", "address_3", "town", "postcode",
	                                    "telephone", "registered_person", "registered_person_address",
	                                    "responsible_individual", "places", "local_authority",
	                                    "registration_status", "enforcement_actions", "provision_type", "sector",
	                                    "registration_date", "synthetic", "local_authority_as_published"};
	enum { NFIXED = sizeof fixed / sizeof fixed[0] };
	int ncols = hv_source_ncols(src), nextra = 0;
	int *extra = calloc((size_t)ncols, sizeof *extra);
	char(*names)[96] = calloc((size_t)(NFIXED + ncols), sizeof *names);
	const char **cols = calloc((size_t)(NFIXED + ncols), sizeof *cols);
	haven_status rc = HAVEN_OK;
	if (!extra || !names || !cols) {
		rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (int i = 0; i < NFIXED; i++)
		cols[i] = fixed[i];
	for (int c = 0; c < ncols; c++) {
		const char *cn = hv_source_colname(src, c);
		if (in_list(cn, redacted, sizeof redacted / sizeof redacted[0]) || in_list(cn, mapped, C_MAPPED))
			continue;
		snake(cn, names[nextra], sizeof names[nextra]);
		cols[NFIXED + nextra] = names[nextra];
		extra[nextra++] = c;
	}
	haven_table *t;
	if ((rc = hv_table_new(ctx, "", HV_TABLE_PUBLIC, NFIXED + nextra, cols, &t)))
		goto out;
	for (size_t i = 0; i < nh && !rc; i++) {
		char **f = h[i].f;
		char name[64], addr[96], town[128], phone[24], ri[64], rpaddr[192], iso[11];
		snprintf(name, sizeof name, "%s %s", PICK(rng, trees), PICK(rng, houses));
		snprintf(addr, sizeof addr, "%d %s %s", 1 + (int)below(rng, 199), PICK(rng, trees), PICK(rng, streets));
		long d = district ? hv_areas_find(district, h[i].e, h[i].n) : -1;
		snprintf(town, sizeof town, "%s", d >= 0 ? hv_areas_name(district, d) : hv_areas_name(la, h[i].la));
		snprintf(phone, sizeof phone, "%s%03zu", drama_ranges[i % N_DRAMA], (i / N_DRAMA) % 1000);
		snprintf(ri, sizeof ri, "%c. %s", 'A' + (int)below(rng, 26), PICK(rng, surnames));
		snprintf(rpaddr, sizeof rpaddr, "%d %s %s, %s", 1 + (int)below(rng, 400), PICK(rng, trees),
		         PICK(rng, streets), town);
		uk_date_to_iso(f[col[C_REGDATE]], iso);
		const char *vals[NFIXED] = {f[col[C_URN]], name, addr, "", "", town, h[i].pc, phone, f[col[C_OWNER]],
		                            rpaddr, ri, f[col[C_PLACES]], hv_areas_code(la, h[i].la),
		                            f[col[C_STATUS]], "", f[col[C_TYPE]], f[col[C_SECTOR]], iso, "yes",
		                            f[col[C_LA]]};
		rc = hv_table_add_row(ctx, t);
		for (int c = 0; !rc && c < NFIXED; c++)
			rc = hv_table_set_text(ctx, t, c, vals[c]);
		for (int c = 0; !rc && c < nextra; c++)
			rc = hv_table_set_text(ctx, t, NFIXED + c, f[extra[c]]);
	}
	if (rc)
		haven_table_free(t);
	else
		*out = t;
out:
	free(extra);
	free(names);
	free(cols);
	return rc;
}

/* The episode files beside the register. */
static const char *const episode_files[2] = {"police_episodes.csv", "la_episodes.csv"};

haven_status haven_synth_from_ofsted(haven_ctx *ctx, const char *ofsted_path, uint64_t seed, const char *out_dir,
                                     int overwrite, const haven_synth_missing *missing,
                                     const haven_synth_placements *placements, haven_synth_report *rep)
{
	hv_clear(ctx);
	memset(rep, 0, sizeof *rep);
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	double t0 = hv_monotonic();
	uint64_t rng = seed;
	hv_lanames *names = NULL;
	hv_areas *la = NULL, *district = NULL;
	hv_source *src = NULL;
	home *homes = NULL;
	size_t nh = 0;
	la_sample *s = NULL;
	haven_table *t = NULL;
	char *path = NULL, *epath[2] = {NULL, NULL}, *ppath = NULL;
	hv_output o = {0}, eo[2] = {{0}, {0}}, po = {0};
	/* zones.csv: synthetic exclusion zones around the homes (synth_zones.c) */
	hv_output zo = {0};
	char *zpath = NULL;
	double *ze = NULL, *zn = NULL;
	haven_synth_missing mm = {0};
	haven_synth_placements pp = {0};
	int with_missing = missing && missing->dfe_path, with_placements = placements && placements->dfe_path;
	hv_synth_pcs *pool = NULL;
	int64_t *pool_seen = NULL;
	hv_synth_home *hs = NULL;
	hv_synth_kid *kids = NULL;
	size_t nkids = 0;
	uint64_t rng2 = seed ^ 0x6D697373696E67ULL;
	if (with_missing && (rc = hv_synth_missing_check(ctx, missing, &mm)))
		return rc;
	if (with_placements && (rc = hv_synth_placements_check(ctx, placements, &pp)))
		return rc;

	if ((rc = hv_lanames_load(ctx, &names)) || (rc = hv_areas_load(ctx, "la", &la)))
		goto out;
	if ((rc = hv_areas_load(ctx, "district", &district)) == HAVEN_ERR_NOT_FOUND)
		rc = HAVEN_OK;
	if (rc)
		goto out;
	int64_t live;
	if ((rc = hv_query_int(ctx, "SELECT count(*) FROM postcode WHERE e IS NOT NULL", &live)))
		goto out;
	if (live == 0) {
		rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		              "the store has no postcodes; run 'haven gazetteer load STORE FILE' first");
		goto out;
	}
	/* The output first, so an existing register.csv is refused before the
	 * work rather than after it. */
	if ((rc = make_dir(ctx, out_dir)))
		goto out;
	if (!(path = sqlite3_mprintf("%s/register.csv", out_dir))) {
		rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = hv_output_open(ctx, path, overwrite ? NULL : "not replaced without --force", &o)))
		goto out;
	for (int k = 0; with_missing && k < 2; k++) {
		if (!(epath[k] = sqlite3_mprintf("%s/%s", out_dir, episode_files[k]))) {
			rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
			goto out;
		}
		if ((rc = hv_output_open(ctx, epath[k], overwrite ? NULL : "not replaced without --force", &eo[k])))
			goto out;
	}
	if (!(zpath = sqlite3_mprintf("%s/zones.csv", out_dir))) {
		rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = hv_output_open(ctx, zpath, overwrite ? NULL : "not replaced without --force", &zo)))
		goto out;
	if (with_placements) {
		if (!(ppath = sqlite3_mprintf("%s/placements.csv", out_dir))) {
			rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
			goto out;
		}
		if ((rc = hv_output_open(ctx, ppath, overwrite ? NULL : "not replaced without --force", &po)))
			goto out;
	}
	if ((rc = hv_source_open(ctx, ofsted_path, &src)))
		goto out;
	hv_source_hold(src); /* every home is kept until the file is written */
	int col[C_MAPPED];
	for (int i = 0; i < C_MAPPED; i++) {
		const char *cand[] = {mapped[i], NULL};
		if ((col[i] = hv_source_find(src, cand)) < 0) {
			rc = hv_error(ctx, HAVEN_ERR_MISSING, "%s: no '%s' column; is this Ofsted's provider-level file?",
			              ofsted_path, mapped[i]);
			goto out;
		}
	}
	if ((rc = read_homes(ctx, src, names, la, col, &homes, &nh, rep)))
		goto out;

	size_t nla = hv_areas_count(la);
	if (!(s = calloc(nla, sizeof *s))) {
		rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nh; i++)
		s[homes[i].la].need++;
	for (size_t i = 0; i < nla; i++) {
		if (!s[i].need)
			continue;
		rep->authorities++;
		s[i].pc = calloc((size_t)s[i].need, sizeof *s[i].pc);
		s[i].e = calloc((size_t)s[i].need, sizeof *s[i].e);
		s[i].n = calloc((size_t)s[i].need, sizeof *s[i].n);
		if (!s[i].pc || !s[i].e || !s[i].n) {
			rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	if (with_missing && (!(pool = calloc(nla, sizeof *pool)) || !(pool_seen = calloc(nla, sizeof *pool_seen)))) {
		rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; pool && i < nla; i++)
		if (!(pool[i].pc = calloc(HV_SYNTH_POOL, sizeof *pool[i].pc))) {
			rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
			goto out;
		}
	if ((rc = sample_postcodes(ctx, la, s, &rng, pool, pool_seen, &rng2, rep)))
		goto out;
	for (size_t i = 0; i < nh; i++) {
		la_sample *ls = &s[homes[i].la];
		int64_t have = ls->seen < ls->need ? ls->seen : ls->need;
		if (have == 0) {
			rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND,
			              "no postcode in the gazetteer lies inside %s (%s), where the home at %s row %lld is",
			              hv_areas_name(la, homes[i].la), hv_areas_code(la, homes[i].la), ofsted_path,
			              (long long)homes[i].row);
			goto out;
		}
		/* More homes than postcodes in the sample: postcodes are shared. */
		int64_t k = ls->used++ % have;
		memcpy(homes[i].pc, ls->pc[k], 9);
		homes[i].e = ls->e[k];
		homes[i].n = ls->n[k];
	}
	if ((rc = build_table(ctx, src, col, homes, nh, la, district, &rng, &t)))
		goto out;

	/* Invented names and addresses, real public fields: no disclosed data,
	 * released as such. */
	if ((rc = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR)) || (rc = haven_table_write(ctx, t, HAVEN_FMT_CSV, o.f)))
		goto out;
	if (with_missing || with_placements) {
		if (!(hs = calloc(nh ? nh : 1, sizeof *hs))) {
			rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < nh; i++) {
			char iso[11];
			uk_date_to_iso(homes[i].f[col[C_REGDATE]], iso);
			hv_parse_date(iso, &hs[i].reg_day);
			hs[i].urn = homes[i].f[col[C_URN]];
			hs[i].pc = homes[i].pc;
			hs[i].la = homes[i].la;
			hs[i].places = strtoll(homes[i].f[col[C_PLACES]], NULL, 10);
			hs[i].e = homes[i].e;
			hs[i].n = homes[i].n;
		}
	}
	if (!(ze = malloc((nh ? nh : 1) * sizeof *ze)) || !(zn = malloc((nh ? nh : 1) * sizeof *zn))) {
		rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nh; i++) {
		ze[i] = homes[i].e;
		zn[i] = homes[i].n;
	}
	if ((rc = hv_synth_zones_write(ctx, seed, ze, zn, nh, zo.f, &rep->zones)))
		goto out;
	if (with_missing && (rc = hv_synth_missing_write(ctx, &mm, seed, hs, nh, la, pool, eo[0].f, eo[1].f, rep,
	                                                 with_placements ? &kids : NULL, &nkids)))
		goto out;
	if (with_placements && (rc = hv_synth_placements_write(ctx, &pp, seed, hs, nh, la, kids, nkids, po.f, rep)))
		goto out;
	/* Every file written: put them in place. */
	if (!(rc = hv_output_commit(ctx, &o)))
		for (int k = 0; with_missing && k < 2 && !rc; k++)
			rc = hv_output_commit(ctx, &eo[k]);
	if (!rc)
		rc = hv_output_commit(ctx, &zo);
	if (!rc && with_placements)
		rc = hv_output_commit(ctx, &po);
out:
	hv_output_abort(&o);
	hv_output_abort(&eo[0]);
	hv_output_abort(&eo[1]);
	hv_output_abort(&zo);
	sqlite3_free(zpath);
	free(ze);
	free(zn);
	hv_output_abort(&po);
	sqlite3_free(ppath);
	if (pool)
		for (size_t i = 0; i < hv_areas_count(la); i++)
			free(pool[i].pc);
	free(pool);
	free(pool_seen);
	free(hs);
	free(kids);
	sqlite3_free(epath[0]);
	sqlite3_free(epath[1]);
	rep->seconds = hv_monotonic() - t0;
	if (s)
		for (size_t i = 0; i < hv_areas_count(la); i++) {
			free(s[i].pc);
			free(s[i].e);
			free(s[i].n);
		}
	free(s);
	if (src)
		free_homes(homes, nh, hv_source_ncols(src));
	haven_table_free(t);
	hv_source_close(src);
	hv_areas_free(la);
	hv_areas_free(district);
	hv_lanames_free(names);
	sqlite3_free(path);
	return rc;
}
