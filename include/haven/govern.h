/*
 * haven/govern.h - who may act on disclosed data, and for what.
 *
 * The 2013 protocol limits use of the register to safeguarding.  haven
 * enforces it mechanically: every operation on disclosed data runs as a
 * named user of a registered authority, under a purpose from the registry
 * for that kind of authority.  Any other use is exceptional: it needs a
 * reason and an authorisation signed (Ed25519) by a senior user of the same
 * authority, is single-use, and is counted in the public transparency
 * report.  See docs/governance.md.
 */
#ifndef HAVEN_GOVERN_H
#define HAVEN_GOVERN_H

#include <stdint.h>
#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Who is acting, and for what.  All strings borrowed. */
typedef struct haven_act_opts {
	const char *user;      /* the acting user (CLI: --as, or HAVEN_USER) */
	const char *purpose;   /* a registered purpose code, or for exceptional use a description of
	                          the use; NULL: the user's default purpose */
	const char *reason;    /* why: required for exceptional use */
	int64_t authorisation; /* id of a senior's signed authorisation: required for exceptional use */
} haven_act_opts;

/** Set the actor on ctx for the open store, after checking that the user
 *  exists and is enabled, and that the purpose is registered for the user's
 *  kind of authority or else that the authorisation is genuine: signed by a
 *  senior of the same authority (not the user), for this user and this use,
 *  unexpired and unused.  The authorisation is consumed by the first
 *  operation that records an audit entry.
 * \return HAVEN_ERR_DENIED with a message naming what failed;
 *         HAVEN_ERR_TAMPER for a signature that does not verify. */
haven_status haven_act(haven_ctx *ctx, const haven_act_opts *opts);

/** The acting user's name, or NULL when nobody is acting.  Borrowed. */
const char *haven_actor(const haven_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif
