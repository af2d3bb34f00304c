/*
 * text.c - text as haven checks and shows it: the one UTF-8 validator, the
 * one escape that keeps data from driving a terminal, and the rules for a
 * CSV cell a spreadsheet would run as a formula, and the one reader of a
 * decimal number in an input file.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "haven/table.h"

int hv_utf8_valid(const char *str, size_t n, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2, min = 0x80, c &= 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, min = 0x800, c &= 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, min = 0x10000, c &= 0x07;
		} else {
			goto fail;
		}
		if (i + len > n)
			goto fail;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				goto fail;
			c = (c << 6) | (s[i + k] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			goto fail;
		i += len;
	}
	return 1;
fail:
	if (bad)
		*bad = i;
	return 0;
}

/* Length of the UTF-8 sequence lead byte c (0x80 or above) announces; 0
 * for a byte that cannot begin one. */
static size_t utf8_len(unsigned char c)
{
	return (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
}

size_t haven_text_escape(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;
	while (*p) {
		/* Shown as itself: printable ASCII, or a whole valid UTF-8
		 * sequence that is not a C1 control (U+0080..U+009F, bytes C2 80
		 * to C2 9F: an 8-bit terminal's CSI is U+009B).  Anything else, one
		 * byte at a time, as \xHH, so no byte of it reaches the terminal. */
		size_t n = *p < 0x80 ? 1 : utf8_len(*p);
		int shown = n == 1 ? *p >= 0x20 && *p != 0x7F
		                   : n > 1 && strnlen((const char *)p, n) == n &&
		                         hv_utf8_valid((const char *)p, n, NULL) && !(p[0] == 0xC2 && p[1] < 0xA0);
		if (shown) {
			if (out)
				fwrite(p, 1, n, out);
			p += n;
			w++;
		} else {
			if (out)
				fprintf(out, "\\x%02x", *p);
			p++;
			w += 4;
		}
	}
	return w;
}

/* A text cell a spreadsheet would evaluate: after any apostrophes, its first
 * character starts a formula (= + - @) or is a TAB or CR (OWASP, "CSV
 * Injection").  The apostrophes are skipped so that a value which already
 * begins with one, such as "'=x", is neutralised too and reads back exactly. */
static int formula_start(const char *s)
{
	s += strspn(s, "'");
	return *s && strchr("=+-@\t\r", *s) != NULL;
}

/* A text cell that is wholly a plain decimal number ("-1.5491", "+44", ".5"):
 * a spreadsheet reads it as that number and nothing else, so it stays as it is. */
static int plain_number(const char *s)
{
	s += *s == '+' || *s == '-';
	size_t digits = strspn(s, "0123456789");
	s += digits;
	if (*s == '.') {
		size_t frac = strspn(s + 1, "0123456789");
		if (!frac)
			return 0;
		digits += frac;
		s += 1 + frac;
	}
	return digits > 0 && *s == '\0';
}

int hv_csv_formula(const char *s) { return formula_start(s) && !plain_number(s); }

const char *hv_csv_value(const char *s)
{
	return s[0] == '\'' && formula_start(s) ? s + 1 : s;
}

static const double POW10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

/* Plain "-12.345" forms take a fast path that gives the same double as
 * strtod (an exact integer divided by an exact power of ten is correctly
 * rounded); the rest go through strtod, once the whole field is known to
 * be a decimal number (strtod alone takes hex, "inf", "nan" and stops
 * before trailing junk). */
int hv_parse_decimal(const char *s, double *v)
{
	while (*s == ' ')
		s++;
	const char *p = s;
	int neg = 0;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	uint64_t m = 0;
	int digits = 0, frac = 0, dot = 0;
	for (;; p++) {
		if (*p >= '0' && *p <= '9') {
			m = m * 10 + (uint64_t)(*p - '0');
			digits++;
			frac += dot;
		} else if (*p == '.' && !dot) {
			dot = 1;
		} else {
			break;
		}
	}
	if (digits == 0)
		return 0;
	const char *end = p;
	int expo = *end == 'e' || *end == 'E';
	if (expo) {
		end++;
		if (*end == '-' || *end == '+')
			end++;
		if (*end < '0' || *end > '9')
			return 0;
		while (*end >= '0' && *end <= '9')
			end++;
	}
	while (*end == ' ')
		end++;
	if (*end != '\0')
		return 0;
	if (!expo && digits <= 15) {
		double d = (double)m / POW10[frac];
		*v = neg ? -d : d;
		return 1;
	}
	double d = strtod(s, NULL);
	if (!isfinite(d))
		return 0;
	*v = d;
	return 1;
}
