/*
 * haven/postcode.h - UK postcode normalisation.
 */
#ifndef HAVEN_POSTCODE_H
#define HAVEN_POSTCODE_H

#include "haven/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Normalise a postcode to canonical form "OUTWARD INWARD" (upper case, one
 *  space), e.g. " sw1a1aa" -> "SW1A 1AA".  Fixes O/0 and I/1 slips only in
 *  positions where just one of the pair is valid (the first letter, the digit
 *  that starts the inward code, ...).
 * \param in    borrowed
 * \param out   receives the canonical form (at most 8 characters + NUL)
 * \param fixed if not NULL, receives how many characters were corrected
 * \return HAVEN_OK, or HAVEN_ERR_VALUE if in cannot be a UK postcode. */
haven_status haven_postcode_normalise(const char *in, char out[9], int *fixed);

/** Sector of a canonical postcode ("M1 4AB" -> "M1 4") into out[7]. */
void haven_postcode_sector(const char *pc, char out[7]);

#ifdef __cplusplus
}
#endif
#endif
