/*
 * la.c - resolve local authorities given by name or code to current ONS codes.
 *
 * The current names come from the 'la' boundaries loaded in the store (ONS
 * counties and unitary authorities: the children's-services authorities).
 * Registers and statistics spell them in other ways ("Bristol" for "Bristol,
 * City of", "Durham" for "County Durham", "Southend on Sea"), and older files
 * carry authorities since reorganised.  Both are handled here, by normalising
 * and by the small tables below; nothing is guessed.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ref/la.h"
#include "core/sql.h"

/* Spellings that normalising alone does not reach.  Normalised on use. */
static const struct {
	const char *alias;
	const char *code;
} aliases[] = {
	{"Durham", "E06000047"},
	{"Hull", "E06000010"},
	{"East Riding", "E06000011"},
	{"Scilly", "E06000053"},
	{"BCP", "E06000058"},
	{"Bournemouth, Christchurch and Poole Council", "E06000058"},
	{"Southend", "E06000033"},
	{"Nottingham City", "E06000018"},
	{"Leicester City", "E06000016"},
	{"Derby City", "E06000015"},
	{"Plymouth City", "E06000026"},
	{"Portsmouth City", "E06000044"},
	{"Southampton City", "E06000045"},
	{"Stoke", "E06000021"},
	{"Telford", "E06000020"},
	{"Windsor & Maidenhead", "E06000040"},
	{"Richmond", "E09000027"},
	{"Kingston", "E09000021"},
	{"Hammersmith & Fulham", "E09000013"},
	{"Kensington and Chelsea", "E09000020"},
	{"Royal Borough of Kensington and Chelsea", "E09000020"},
	{"Barking & Dagenham", "E09000002"},
	{"Bath & NE Somerset", "E06000022"},
	{"Bath and NE Somerset", "E06000022"},
	{"Blackburn", "E06000008"},
	{"Redcar", "E06000003"},
	{"Stockton", "E06000004"},
	/* Authorities replaced one-for-one by a successor. */
	{"Bournemouth", "E06000058"},
	{"Poole", "E06000058"},
};

/* Former codes: a successor, or NULL with the authorities it split into. */
static const struct {
	const char *code;
	const char *name;
	const char *successor;
	const char *split;
} former[] = {
	{"E10000002", "Buckinghamshire (county)", "E06000060", NULL},
	{"E10000009", "Dorset (county)", "E06000059", NULL},
	{"E10000023", "North Yorkshire (county)", "E06000065", NULL},
	{"E10000027", "Somerset (county)", "E06000066", NULL},
	{"E06000028", "Bournemouth", "E06000058", NULL},
	{"E06000029", "Poole", "E06000058", NULL},
	{"E06000048", "Northumberland", "E06000057", NULL},
	{"E08000020", "Gateshead", "E08000037", NULL},
	{"E10000006", "Cumbria", NULL, "Cumberland (E06000063) and Westmorland and Furness (E06000064)"},
	{"E10000021", "Northamptonshire", NULL,
	 "North Northamptonshire (E06000061) and West Northamptonshire (E06000062)"},
};

/* Former names of authorities that split: never resolved to one of the parts. */
static const struct {
	const char *name;
	const char *split;
} split_names[] = {
	{"Cumbria", "Cumberland (E06000063) and Westmorland and Furness (E06000064)"},
	{"Northamptonshire", "North Northamptonshire (E06000061) and West Northamptonshire (E06000062)"},
};

typedef struct la_entry {
	char *code, *name, *norm;
} la_entry;

struct hv_lanames {
	la_entry *v;
	size_t n;
};

/* Lower-case; '&' -> "and"; '-' -> ' '; other punctuation dropped; spaces
 * collapsed; a trailing "city of" / "county of" (ONS "Bristol, City of") and a
 * leading "city of" other than "City of London" removed; "saint" -> "st". */
static void normalise(const char *in, char *out, size_t n)
{
	char tmp[256];
	size_t j = 0;
	int space = 1;
	for (; *in && j + 5 < sizeof tmp; in++) {
		unsigned char c = (unsigned char)*in;
		if (c == '&') {
			if (!space)
				tmp[j++] = ' ';
			memcpy(tmp + j, "and ", 4);
			j += 4;
			space = 1;
		} else if (isalnum(c) || c >= 0x80) {
			tmp[j++] = (char)tolower(c);
			space = 0;
		} else if ((c == ' ' || c == '-' || c == '_' || c == ',' || c == '/') && !space) {
			tmp[j++] = ' ';
			space = 1;
		}
	}
	while (j && tmp[j - 1] == ' ')
		j--;
	tmp[j] = '\0';
	static const char *const suffixes[] = {" city of", " county of"};
	for (size_t i = 0; i < 2; i++) {
		size_t l = strlen(suffixes[i]);
		if (j > l && strcmp(tmp + j - l, suffixes[i]) == 0) {
			j -= l;
			tmp[j] = '\0';
		}
	}
	const char *s = tmp;
	if (strncmp(s, "city of ", 8) == 0 && strcmp(s, "city of london") != 0)
		s += 8;
	if (strncmp(s, "saint ", 6) == 0) {
		snprintf(out, n, "st %s", s + 6);
		return;
	}
	snprintf(out, n, "%s", s);
}

static int is_gss(const char *s)
{
	if (strlen(s) != 9 || !strchr("ENSW", s[0]))
		return 0;
	for (int i = 1; i < 9; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

void hv_lanames_free(hv_lanames *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].code);
		free(l->v[i].name);
		free(l->v[i].norm);
	}
	free(l->v);
	free(l);
}

haven_status hv_lanames_load(haven_ctx *ctx, hv_lanames **out)
{
	*out = NULL;
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	int64_t n;
	if ((rc = hv_query_int(ctx, "SELECT count(*) FROM area WHERE kind = 'la'", &n)))
		return rc;
	if (n == 0)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		                "no local authority boundaries in the store; run 'haven boundaries load STORE --kind la FILE'");
	hv_lanames *l = calloc(1, sizeof *l);
	if (!l || !(l->v = calloc((size_t)n, sizeof *l->v))) {
		free(l);
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	}
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx, "SELECT code, name FROM area WHERE kind = 'la' ORDER BY code", &st))) {
		hv_lanames_free(l);
		return rc;
	}
	while (l->n < (size_t)n && sqlite3_step(st) == SQLITE_ROW) {
		char norm[256];
		const char *name = (const char *)sqlite3_column_text(st, 1);
		normalise(name, norm, sizeof norm);
		la_entry *e = &l->v[l->n++];
		e->code = strdup((const char *)sqlite3_column_text(st, 0));
		e->name = strdup(name);
		e->norm = strdup(norm);
		if (!e->code || !e->name || !e->norm) {
			sqlite3_finalize(st);
			hv_lanames_free(l);
			return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		}
	}
	sqlite3_finalize(st);
	*out = l;
	return HAVEN_OK;
}

static const la_entry *by_code(const hv_lanames *l, const char *code)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].code, code) == 0)
			return &l->v[i];
	return NULL;
}

haven_status hv_lanames_resolve(haven_ctx *ctx, hv_lanames *l, const char *given, const char **code,
                                const char **name)
{
	*code = *name = NULL;
	char trimmed[256];
	while (*given == ' ')
		given++;
	snprintf(trimmed, sizeof trimmed, "%s", given);
	for (size_t k = strlen(trimmed); k && trimmed[k - 1] == ' '; k--)
		trimmed[k - 1] = '\0';
	if (!*trimmed)
		return hv_error(ctx, HAVEN_ERR_MISSING, "local authority is empty");

	const la_entry *e = NULL;
	if (is_gss(trimmed)) {
		e = by_code(l, trimmed);
		if (!e) {
			for (size_t i = 0; i < sizeof former / sizeof former[0]; i++) {
				if (strcmp(former[i].code, trimmed) != 0)
					continue;
				if (!former[i].successor)
					return hv_error(ctx, HAVEN_ERR_VALUE,
					                "local authority %s (%s) no longer exists: it became %s; give the "
					                "current authority",
					                trimmed, former[i].name, former[i].split);
				e = by_code(l, former[i].successor);
				break;
			}
		}
		if (!e)
			return hv_error(ctx, HAVEN_ERR_VALUE,
			                "local authority code %s is not among the %zu loaded LA boundaries", trimmed, l->n);
	} else {
		char norm[256];
		normalise(trimmed, norm, sizeof norm);
		for (size_t i = 0; i < l->n && !e; i++)
			if (strcmp(l->v[i].norm, norm) == 0)
				e = &l->v[i];
		for (size_t i = 0; i < sizeof split_names / sizeof split_names[0] && !e; i++) {
			char a[256];
			normalise(split_names[i].name, a, sizeof a);
			if (strcmp(a, norm) == 0)
				return hv_error(ctx, HAVEN_ERR_VALUE,
				                "local authority '%s' no longer exists: it became %s; give the current "
				                "authority",
				                trimmed, split_names[i].split);
		}
		for (size_t i = 0; i < sizeof aliases / sizeof aliases[0] && !e; i++) {
			char a[256];
			normalise(aliases[i].alias, a, sizeof a);
			if (strcmp(a, norm) == 0)
				e = by_code(l, aliases[i].code);
		}
		if (!e)
			return hv_error(ctx, HAVEN_ERR_VALUE,
			                "local authority '%s' matches none of the %zu loaded LA boundaries by name "
			                "(give its ONS code instead)",
			                trimmed, l->n);
	}
	*code = e->code;
	*name = e->name;
	return HAVEN_OK;
}
