/*
 * postcode.c - UK postcode normalisation to the canonical "OUTWARD INWARD" form.
 *
 * Registers and gazetteers write postcodes in many ways (" sw1a1aa",
 * "SW1A  1AA"); every postcode is stored and looked up in one canonical form,
 * so that keys match.  The shape is checked, not the existence: an outward
 * code A9, A99, AA9, AA99, A9A or AA9A, and an inward code 9AA whose letters
 * are never C, I, K, M, O or V.  Typing slips between O and 0, and I and 1,
 * are corrected only where the shape allows just one of the pair.
 */
#include <ctype.h>
#include <string.h>

#include "haven/postcode.h"

/* Position classes of a compact postcode (no space). */
enum { LETTER, DIGIT, EITHER };

static int is_letter(char c) { return c >= 'A' && c <= 'Z'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Move c towards the class want when it is an O/0 or I/1 slip. */
static char fix_to(char c, int want, int *fixed)
{
	if (want == DIGIT && (c == 'O' || c == 'I')) {
		(*fixed)++;
		return c == 'O' ? '0' : '1';
	}
	if (want == LETTER && (c == '0' || c == '1')) {
		(*fixed)++;
		return c == '0' ? 'O' : 'I';
	}
	return c;
}

/* Check an outward code of n characters against the six shapes, correcting
 * slips in the positions where the shapes still possible agree. */
static int outward_ok(char *o, size_t n, int *fixed)
{
	if (n < 2 || n > 4)
		return 0;
	o[0] = fix_to(o[0], LETTER, fixed);
	if (!is_letter(o[0]))
		return 0;
	if (n == 2) { /* A9 */
		o[1] = fix_to(o[1], DIGIT, fixed);
		return is_digit(o[1]);
	}
	if (n == 4) { /* AA99, AA9A */
		o[1] = fix_to(o[1], LETTER, fixed);
		o[2] = fix_to(o[2], DIGIT, fixed);
		return is_letter(o[1]) && is_digit(o[2]) && (is_digit(o[3]) || is_letter(o[3]));
	}
	/* n == 3: A99, A9A, AA9.  The second character decides; it is never
	 * corrected because either class is valid there. */
	if (is_letter(o[1])) { /* AA9 */
		o[2] = fix_to(o[2], DIGIT, fixed);
		return is_digit(o[2]);
	}
	return is_digit(o[1]) && (is_digit(o[2]) || is_letter(o[2])); /* A99, A9A */
}

static int inward_letter_ok(char c) { return is_letter(c) && !strchr("CIKMOV", c); }

haven_status haven_postcode_normalise(const char *in, char out[9], int *fixed)
{
	char pc[8];
	size_t n = 0;
	int nfix = 0;
	out[0] = '\0';
	if (fixed)
		*fixed = 0;
	if (!in)
		return HAVEN_ERR_VALUE;
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		if (isspace(*p))
			continue;
		if (!isalnum(*p) || n == 7)
			return HAVEN_ERR_VALUE;
		pc[n++] = (char)toupper(*p);
	}
	if (n < 5)
		return HAVEN_ERR_VALUE;
	char *inward = pc + n - 3;
	inward[0] = fix_to(inward[0], DIGIT, &nfix);
	if (!is_digit(inward[0]) || !inward_letter_ok(inward[1]) || !inward_letter_ok(inward[2]))
		return HAVEN_ERR_VALUE;
	if (!outward_ok(pc, n - 3, &nfix))
		return HAVEN_ERR_VALUE;
	memcpy(out, pc, n - 3);
	out[n - 3] = ' ';
	memcpy(out + n - 2, inward, 3);
	out[n + 1] = '\0';
	if (fixed)
		*fixed = nfix;
	return HAVEN_OK;
}

void haven_postcode_sector(const char *pc, char out[7])
{
	/* "OUT IN" -> "OUT I": everything up to the first inward character. */
	const char *sp = strchr(pc, ' ');
	size_t len = strlen(pc);
	size_t n = sp ? (size_t)(sp - pc) + 2 : (len > 2 ? len - 2 : 0);
	if (n > len)
		n = len;
	if (n > 6)
		n = 6;
	memcpy(out, pc, n);
	out[n] = '\0';
}
