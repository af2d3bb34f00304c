/*
 * la_int.h - resolve local authorities given by name or code to ONS codes.
 *
 * Names are matched against the names of the 'la' boundaries in the store
 * (upper-tier: counties and unitary authorities, the children's-services
 * authorities) after normalising case, punctuation, "&", "City of" and
 * "County of" forms, and then against a short table of variant and former
 * names ("Bristol, City of", "Durham", reorganised counties).  A name that
 * matches nothing, or a former county now split between several authorities,
 * is an error, never a guess.
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

#endif
