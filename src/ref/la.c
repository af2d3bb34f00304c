/*
 * la.c - resolve local authorities given by name or code to current ONS codes;
 * DfE's LA numbers; which former codes are the same area as their successor.
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

/* Former codes: a successor, or NULL with the authorities it split into.
 * same_area: the successor is the same children's-services authority over
 * the same area under a new code (DfE kept its LA number), so figures
 * published for the former code are the successor's; not so where areas
 * merged (Bournemouth and Poole with Christchurch into BCP; Dorset county
 * lost Christchurch) or split. */
static const struct {
	const char *code;
	const char *name;
	const char *successor;
	const char *split;
	int same_area;
} former[] = {
	{"E10000002", "Buckinghamshire (county)", "E06000060", NULL, 1},
	{"E10000009", "Dorset (county)", "E06000059", NULL, 0},
	{"E10000023", "North Yorkshire (county)", "E06000065", NULL, 1},
	{"E10000027", "Somerset (county)", "E06000066", NULL, 1},
	{"E06000028", "Bournemouth", "E06000058", NULL, 0},
	{"E06000029", "Poole", "E06000058", NULL, 0},
	/* New codes for a minor boundary change between the two in 2013. */
	{"E06000048", "Northumberland", "E06000057", NULL, 1},
	{"E08000020", "Gateshead", "E08000037", NULL, 1},
	{"E10000006", "Cumbria", NULL, "Cumberland (E06000063) and Westmorland and Furness (E06000064)", 0},
	{"E10000021", "Northamptonshire", NULL,
	 "North Northamptonshire (E06000061) and West Northamptonshire (E06000062)", 0},
};

/* DfE's three-digit LA numbers (old_la_code in its statistics) and the code
 * and name DfE publishes with each, as in the bundled "children looked
 * after" file (data/dfe/), which tests/unit/test_stats.c checks them
 * against.  Cumbria (909) and Northamptonshire (928) keep their numbers for
 * the years before they split. */
static const struct {
	const char *number, *code, *name;
} dfe_numbers[] = {
	{"201", "E09000001", "City of London"},
	{"202", "E09000007", "Camden"},
	{"203", "E09000011", "Greenwich"},
	{"204", "E09000012", "Hackney"},
	{"205", "E09000013", "Hammersmith and Fulham"},
	{"206", "E09000019", "Islington"},
	{"207", "E09000020", "Kensington and Chelsea"},
	{"208", "E09000022", "Lambeth"},
	{"209", "E09000023", "Lewisham"},
	{"210", "E09000028", "Southwark"},
	{"211", "E09000030", "Tower Hamlets"},
	{"212", "E09000032", "Wandsworth"},
	{"213", "E09000033", "Westminster"},
	{"301", "E09000002", "Barking and Dagenham"},
	{"302", "E09000003", "Barnet"},
	{"303", "E09000004", "Bexley"},
	{"304", "E09000005", "Brent"},
	{"305", "E09000006", "Bromley"},
	{"306", "E09000008", "Croydon"},
	{"307", "E09000009", "Ealing"},
	{"308", "E09000010", "Enfield"},
	{"309", "E09000014", "Haringey"},
	{"310", "E09000015", "Harrow"},
	{"311", "E09000016", "Havering"},
	{"312", "E09000017", "Hillingdon"},
	{"313", "E09000018", "Hounslow"},
	{"314", "E09000021", "Kingston upon Thames"},
	{"315", "E09000024", "Merton"},
	{"316", "E09000025", "Newham"},
	{"317", "E09000026", "Redbridge"},
	{"318", "E09000027", "Richmond upon Thames"},
	{"319", "E09000029", "Sutton"},
	{"320", "E09000031", "Waltham Forest"},
	{"330", "E08000025", "Birmingham"},
	{"331", "E08000026", "Coventry"},
	{"332", "E08000027", "Dudley"},
	{"333", "E08000028", "Sandwell"},
	{"334", "E08000029", "Solihull"},
	{"335", "E08000030", "Walsall"},
	{"336", "E08000031", "Wolverhampton"},
	{"340", "E08000011", "Knowsley"},
	{"341", "E08000012", "Liverpool"},
	{"342", "E08000013", "St. Helens"},
	{"343", "E08000014", "Sefton"},
	{"344", "E08000015", "Wirral"},
	{"350", "E08000001", "Bolton"},
	{"351", "E08000002", "Bury"},
	{"352", "E08000003", "Manchester"},
	{"353", "E08000004", "Oldham"},
	{"354", "E08000005", "Rochdale"},
	{"355", "E08000006", "Salford"},
	{"356", "E08000007", "Stockport"},
	{"357", "E08000008", "Tameside"},
	{"358", "E08000009", "Trafford"},
	{"359", "E08000010", "Wigan"},
	{"370", "E08000016", "Barnsley"},
	{"371", "E08000017", "Doncaster"},
	{"372", "E08000018", "Rotherham"},
	{"373", "E08000019", "Sheffield"},
	{"380", "E08000032", "Bradford"},
	{"381", "E08000033", "Calderdale"},
	{"382", "E08000034", "Kirklees"},
	{"383", "E08000035", "Leeds"},
	{"384", "E08000036", "Wakefield"},
	{"390", "E08000037", "Gateshead"},
	{"391", "E08000021", "Newcastle upon Tyne"},
	{"392", "E08000022", "North Tyneside"},
	{"393", "E08000023", "South Tyneside"},
	{"394", "E08000024", "Sunderland"},
	{"420", "E06000053", "Isles of Scilly"},
	{"800", "E06000022", "Bath and North East Somerset"},
	{"801", "E06000023", "Bristol, City of"},
	{"802", "E06000024", "North Somerset"},
	{"803", "E06000025", "South Gloucestershire"},
	{"805", "E06000001", "Hartlepool"},
	{"806", "E06000002", "Middlesbrough"},
	{"807", "E06000003", "Redcar and Cleveland"},
	{"808", "E06000004", "Stockton-on-Tees"},
	{"810", "E06000010", "Kingston upon Hull, City of"},
	{"811", "E06000011", "East Riding of Yorkshire"},
	{"812", "E06000012", "North East Lincolnshire"},
	{"813", "E06000013", "North Lincolnshire"},
	{"815", "E06000065", "North Yorkshire"},
	{"816", "E06000014", "York"},
	{"821", "E06000032", "Luton"},
	{"822", "E06000055", "Bedford"},
	{"823", "E06000056", "Central Bedfordshire"},
	{"825", "E06000060", "Buckinghamshire"},
	{"826", "E06000042", "Milton Keynes"},
	{"830", "E10000007", "Derbyshire"},
	{"831", "E06000015", "Derby"},
	{"838", "E06000059", "Dorset"},
	{"839", "E06000058", "Bournemouth, Christchurch and Poole"},
	{"840", "E06000047", "County Durham"},
	{"841", "E06000005", "Darlington"},
	{"845", "E10000011", "East Sussex"},
	{"846", "E06000043", "Brighton and Hove"},
	{"850", "E10000014", "Hampshire"},
	{"851", "E06000044", "Portsmouth"},
	{"852", "E06000045", "Southampton"},
	{"855", "E10000018", "Leicestershire"},
	{"856", "E06000016", "Leicester"},
	{"857", "E06000017", "Rutland"},
	{"860", "E10000028", "Staffordshire"},
	{"861", "E06000021", "Stoke-on-Trent"},
	{"865", "E06000054", "Wiltshire"},
	{"866", "E06000030", "Swindon"},
	{"867", "E06000036", "Bracknell Forest"},
	{"868", "E06000040", "Windsor and Maidenhead"},
	{"869", "E06000037", "West Berkshire"},
	{"870", "E06000038", "Reading"},
	{"871", "E06000039", "Slough"},
	{"872", "E06000041", "Wokingham"},
	{"873", "E10000003", "Cambridgeshire"},
	{"874", "E06000031", "Peterborough"},
	{"876", "E06000006", "Halton"},
	{"877", "E06000007", "Warrington"},
	{"878", "E10000008", "Devon"},
	{"879", "E06000026", "Plymouth"},
	{"880", "E06000027", "Torbay"},
	{"881", "E10000012", "Essex"},
	{"882", "E06000033", "Southend-on-Sea"},
	{"883", "E06000034", "Thurrock"},
	{"884", "E06000019", "Herefordshire, County of"},
	{"885", "E10000034", "Worcestershire"},
	{"886", "E10000016", "Kent"},
	{"887", "E06000035", "Medway"},
	{"888", "E10000017", "Lancashire"},
	{"889", "E06000008", "Blackburn with Darwen"},
	{"890", "E06000009", "Blackpool"},
	{"891", "E10000024", "Nottinghamshire"},
	{"892", "E06000018", "Nottingham"},
	{"893", "E06000051", "Shropshire"},
	{"894", "E06000020", "Telford and Wrekin"},
	{"895", "E06000049", "Cheshire East"},
	{"896", "E06000050", "Cheshire West and Chester"},
	{"908", "E06000052", "Cornwall"},
	{"909", "E10000006", "Cumbria"},
	{"916", "E10000013", "Gloucestershire"},
	{"919", "E10000015", "Hertfordshire"},
	{"921", "E06000046", "Isle of Wight"},
	{"925", "E10000019", "Lincolnshire"},
	{"926", "E10000020", "Norfolk"},
	{"928", "E10000021", "Northamptonshire"},
	{"929", "E06000057", "Northumberland"},
	{"931", "E10000025", "Oxfordshire"},
	{"933", "E06000066", "Somerset"},
	{"935", "E10000029", "Suffolk"},
	{"936", "E10000030", "Surrey"},
	{"937", "E10000031", "Warwickshire"},
	{"938", "E10000032", "West Sussex"},
	{"940", "E06000061", "North Northamptonshire"},
	{"941", "E06000062", "West Northamptonshire"},
	{"942", "E06000063", "Cumberland"},
	{"943", "E06000064", "Westmorland and Furness"},
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

int hv_gss_code(const char *s)
{
	if (!s || !*s || !strchr("EWSNKL", s[0]))
		return 0;
	for (int i = 1; i < 9; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return s[9] == '\0';
}

/* A GSS code of a country of the UK: an LA's, never a K (GB, UK) one. */
static int is_gss(const char *s)
{
	return hv_gss_code(s) && strchr("ENSW", s[0]);
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

const char *hv_la_same_area(const char *code)
{
	for (size_t i = 0; i < sizeof former / sizeof former[0]; i++)
		if (former[i].same_area && strcmp(former[i].code, code) == 0)
			return former[i].successor;
	return code;
}

const char *hv_la_dfe_number(const char *number, const char **name)
{
	for (size_t i = 0; i < sizeof dfe_numbers / sizeof dfe_numbers[0]; i++)
		if (strcmp(dfe_numbers[i].number, number) == 0) {
			if (name)
				*name = dfe_numbers[i].name;
			return dfe_numbers[i].code;
		}
	return NULL;
}
