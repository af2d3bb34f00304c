/*
 * la_int.h - resolve local authorities given by name or code to ONS codes.
 *
 * Names are matched against the names of the 'la' boundaries in the store
 * (upper-tier: counties and unitary authorities, the children's-services
 * authorities) after normalising case, punctuation, "&", "City of" and
 * "County of" forms, and then against a short table of variant and former
 * names ("Bristol, City of", "Durham", reorganised counties).  A name that
 * matches nothing, or a former county now split between several authorities,
 * is an error, never a guess.  Statistics also need DfE's three-digit LA
 * numbers and to know which former codes cover the same area as their
 * successor (docs/stats.md).
 */
#ifndef HAVEN_LA_INT_H
#define HAVEN_LA_INT_H

#include "core/context.h"

typedef struct hv_lanames hv_lanames;

/** Load the 'la' areas' codes and names from the store.  HAVEN_ERR_NOT_FOUND
 *  if none are loaded.  Free with hv_lanames_free(). */
haven_status hv_lanames_load(haven_ctx *ctx, hv_lanames **out);
void hv_lanames_free(hv_lanames *l);

/** Resolve given (a GSS code like "E08000003" or a name).  On HAVEN_OK *code
 *  and *name are borrowed from l.  On failure HAVEN_ERR_VALUE with a message
 *  saying why (unknown, or which authorities a former county became); the
 *  caller prefixes file and row. */
haven_status hv_lanames_resolve(haven_ctx *ctx, hv_lanames *l, const char *given, const char **code,
                                const char **name);

/** 1 if s is an ONS GSS code: a letter (E, W, S, N, K or L) and eight
 *  digits ("E08000035", "E92000001"). */
int hv_gss_code(const char *s);

/** The code under which statistics for code are held today: for a former
 *  code whose successor is the same authority over the same area (North
 *  Yorkshire E10000023 is E06000065, Somerset E10000027 is E06000066,
 *  Buckinghamshire, Northumberland and Gateshead's older codes), the
 *  successor's; for every other code (current ones, authorities that split
 *  or merged) code itself.  Static, or code. */
const char *hv_la_same_area(const char *code);

/** The GSS code DfE publishes with its three-digit LA number (old_la_code,
 *  "805" is E06000001), and *name (if not NULL) its name; NULL for a number
 *  haven does not know.  Static strings. */
const char *hv_la_dfe_number(const char *number, const char **name);

#endif
