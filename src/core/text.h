/*
 * text.h - checking and showing text (text.c).
 */
#ifndef HAVEN_CORE_TEXT_H
#define HAVEN_CORE_TEXT_H

#include <stddef.h>

/** 1 if s[0..n) is valid UTF-8 (no overlongs, no surrogates). Sets *bad to
 *  the offset of the first bad byte otherwise. */
int hv_utf8_valid(const char *s, size_t n, size_t *bad);

/** A text cell a spreadsheet would take for a formula: after any leading
 *  apostrophes it begins with = + - @ TAB or CR (OWASP, "CSV Injection"),
 *  and it is not wholly a plain decimal number such as "-1.5491". */
int hv_csv_formula(const char *s);

/** The value a CSV cell written by haven stands for.  haven's CSV writer
 *  puts an apostrophe before a text cell that hv_csv_formula() says a
 *  spreadsheet would run; this takes one away again: cell + 1 when cell
 *  begins with an apostrophe and is such a cell, else cell itself.
 *  Borrowed: points into cell. */
const char *hv_csv_value(const char *cell);

/** Parse a decimal number, the whole of s (spaces around it allowed):
 *  [+-]digits[.digits][e[+-]digits] and nothing else, so hex ("0x39"),
 *  "inf", "nan" and trailing characters are refused.  1 and *v on success;
 *  0 otherwise.  The gazetteer's coordinates and the statistics' figures
 *  are read with it. */
int hv_parse_decimal(const char *s, double *v);

#endif
