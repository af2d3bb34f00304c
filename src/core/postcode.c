/*
 * postcode.c - UK postcode normalisation.
 *
 * Postcodes arrive typed by people and exported by spreadsheets: any case,
 * any spacing, and now and then a letter O for a zero or an I for a one.
 * Every match in the gazetteer is on the canonical form "OUTWARD INWARD"
 * (upper case, one space), so this is the one place that decides what a
 * postcode is.
 *
 * Shapes (A letter, 9 digit): outward A9, A99, AA9, AA99, A9A, AA9A; inward
 * 9AA whose letters are never C, I, K, M, O or V.  Two historic outward codes
 * that break the pattern are accepted because the national postcode files
 * still carry them: GIR (only "GIR 0AA", Girobank) and NPT (Newport, Gwent,
 * terminated in the 1980s, whose inward codes predate the letter rules: the
 * national file holds "NPT 0VA").  The letter rules of individual positions are not
 * applied to the outward code: terminated W1 sectors such as "W1V" and "W1M"
 * break them and are real.
 *
 * O/0 and I/1 slips are fixed only where the shape allows just one of the
 * pair: the first character of the outward code (a letter), the first of the
 * inward code (a digit), the second of a two-character outward code (a
 * digit) and the third of a four-character outward code that starts with two
 * letters (a digit).  Every other position could hold either, so it is left
 * as written and the postcode must then validate as it stands.
 */
#include <string.h>

#include "haven/postcode.h"

static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Letters allowed in the last two places of the inward code. */
static int is_inward_letter(char c)
{
	return is_upper(c) && c != 'C' && c != 'I' && c != 'K' && c != 'M' && c != 'O' && c != 'V';
}

/* A position that must hold a digit: O -> 0, I -> 1. */
static void want_digit(char *c, int *fixes)
{
	if (*c == 'O') {
		*c = '0';
		(*fixes)++;
	} else if (*c == 'I') {
		*c = '1';
		(*fixes)++;
	}
}

/* A position that must hold a letter: 0 -> O, 1 -> I. */
static void want_letter(char *c, int *fixes)
{
	if (*c == '0') {
		*c = 'O';
		(*fixes)++;
	} else if (*c == '1') {
		*c = 'I';
		(*fixes)++;
	}
}

/* Outward code of length n (2-4) after fixes: one of the six shapes. */
static int outward_ok(const char *o, size_t n)
{
	switch (n) {
	case 2: /* A9 */
		return is_upper(o[0]) && is_digit(o[1]);
	case 3: /* A99, AA9, A9A */
		if (!is_upper(o[0]))
			return 0;
		return (is_digit(o[1]) && is_digit(o[2])) || (is_upper(o[1]) && is_digit(o[2])) ||
		       (is_digit(o[1]) && is_upper(o[2]));
	case 4: /* AA99, AA9A */
		return is_upper(o[0]) && is_upper(o[1]) && is_digit(o[2]) && (is_digit(o[3]) || is_upper(o[3]));
	default:
		return 0;
	}
}

haven_status haven_postcode_normalise(const char *in, char out[9], int *fixed)
{
	char s[8];
	size_t n = 0;
	int fixes = 0;
	out[0] = '\0';
	if (fixed)
		*fixed = 0;
	if (!in)
		return HAVEN_ERR_VALUE;
	/* Upper-case and drop whitespace, including the UTF-8 no-break space
	 * that spreadsheets like to put between the halves. */
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		unsigned char c = *p;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
			continue;
		if (c == 0xC2 && p[1] == 0xA0) {
			p++;
			continue;
		}
		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		if (!is_upper((char)c) && !is_digit((char)c))
			return HAVEN_ERR_VALUE;
		if (n == 7)
			return HAVEN_ERR_VALUE;
		s[n++] = (char)c;
	}
	if (n < 5)
		return HAVEN_ERR_VALUE;
	size_t on = n - 3;
	char *o = s, *w = s + on;

	want_digit(&w[0], &fixes);
	want_letter(&o[0], &fixes);
	if (on == 2)
		want_digit(&o[1], &fixes);
	else if (on == 4 && is_upper(o[0]) && is_upper(o[1]))
		want_digit(&o[2], &fixes);

	if (!is_digit(w[0]))
		return HAVEN_ERR_VALUE;
	int ok;
	if (on == 3 && memcmp(o, "GIR", 3) == 0)
		ok = memcmp(w, "0AA", 3) == 0;
	else if (on == 3 && memcmp(o, "NPT", 3) == 0)
		ok = is_upper(w[1]) && is_upper(w[2]); /* allocated before the inward rules: "NPT 0VA" */
	else
		ok = outward_ok(o, on) && is_inward_letter(w[1]) && is_inward_letter(w[2]);
	if (!ok)
		return HAVEN_ERR_VALUE;

	memcpy(out, o, on);
	out[on] = ' ';
	memcpy(out + on + 1, w, 3);
	out[on + 4] = '\0';
	if (fixed)
		*fixed = fixes;
	return HAVEN_OK;
}

void haven_postcode_sector(const char *pc, char out[7])
{
	out[0] = '\0';
	if (!pc)
		return;
	size_t n = strlen(pc);
	/* Canonical forms are 6 to 8 characters: "A9 9AA" .. "AA9A 9AA". */
	if (n < 6 || n > 8 || pc[n - 4] != ' ')
		return;
	memcpy(out, pc, n - 2);
	out[n - 2] = '\0';
}
