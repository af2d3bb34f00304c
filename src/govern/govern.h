/*
 * govern_int.h - checks every module makes before touching disclosed data.
 */
#ifndef HAVEN_GOVERN_GOVERN_H
#define HAVEN_GOVERN_GOVERN_H

#include "core/context.h"
#include "govern/audit.h"
#include "haven/govern.h"
#include "haven/store.h"

/** HAVEN_ERR_DENIED unless someone is acting on the open store
 *  (haven_act); the message says how to name the user. */
haven_status hv_need_actor(haven_ctx *ctx);

/** HAVEN_ERR_DENIED unless the actor's role is one of roles (NULL-terminated). */
haven_status hv_need_role(haven_ctx *ctx, const char *const *roles);

/** Mark the actor's authorisation used, inside the caller's transaction:
 *  HAVEN_ERR_DENIED if it was used already (a replay).  A no-op for use
 *  under a registered purpose. */
haven_status hv_actor_consume(haven_ctx *ctx);

/* ---- governed operations (op.c) ------------------------------------------ */

/** Append an audit entry for op as the acting user (hv_need_actor first),
 *  with the actor's authority, purpose, reason and authoriser, and consume
 *  an exceptional-use authorisation.  Must run inside the caller's
 *  transaction.  object says what was processed, never the data itself.
 *  recipients: required for HV_AUDIT_DISCLOSURE, else NULL. */
haven_status hv_record(haven_ctx *ctx, hv_audit_op op, const char *object, int64_t rows, const char *recipients);

/** What an operation needs (hv_op_begin). */
enum {
	HV_OP_ACTOR = 1u << 0,  /* someone acting (any role) */
	HV_OP_WRITE = 1u << 1,  /* runs in its own write transaction (BEGIN IMMEDIATE) */
	HV_OP_ADMIN = 1u << 2,  /* the actor is an admin */
	HV_OP_SENIOR = 1u << 3, /* the actor is a senior */
};

typedef struct hv_op {
	unsigned flags;
	int began; /* a transaction is open */
} hv_op;

/** Start a governed operation: a store open, and as flags say, an actor, a
 *  role, and a write transaction.  On an error nothing is open. */
haven_status hv_op_begin(haven_ctx *ctx, hv_op *op, unsigned flags);

/** hv_op_begin(ctx, op, HV_OP_ACTOR) for an operation that lists homes to
 *  police only: any actor whose authority is not police is refused
 *  (HAVEN_ERR_DENIED: "WHAT is for police users of the force only; USER is
 *  a KIND user").  what (borrowed) says what the operation gives. */
haven_status hv_op_begin_police(haven_ctx *ctx, hv_op *op, const char *what);

/** End it: when rc is HAVEN_OK and object is not NULL, record the audit
 *  entry (what, object, rows, recipients); then commit, or on any error roll
 *  back.  Returns the first error, or HAVEN_OK. */
haven_status hv_op_end(haven_ctx *ctx, hv_op *op, haven_status rc, hv_audit_op what, const char *object, int64_t rows,
                       const char *recipients);

/** Set up governance for a store whose governance tables were just made:
 *  the govern module's hook at schema 3 (govern_schema.c), inside the
 *  migration's transaction.  Records a probation owner's areas, and adds
 *  the first user, an admin of the owner authority whose default purpose
 *  is the first purpose registered for its kind.
 * \param owner the new store's owner (haven_store_create), or NULL when an
 *              older store is being upgraded; the admin's name is then
 *              $HAVEN_USER, else the operating system's login name. */
haven_status hv_govern_init(haven_ctx *ctx, const haven_owner *owner);

/* ---- authorisations (docs/governance.md, "Exceptional use") ------------ */

#define HV_NONCE_BYTES 16

/** The fields a senior signs.  Strings borrowed. */
typedef struct hv_authorisation {
	const char *authority; /* the senior's (and the user's) authority code */
	const char *senior;
	const char *user;
	const char *use;
	const char *reason;
	int64_t issued_at;  /* Unix seconds, UTC */
	int64_t expires_at; /* Unix seconds, UTC: valid while now < expires_at */
	unsigned char nonce[HV_NONCE_BYTES];
} hv_authorisation;

/** The canonical bytes of a: the tag "haven-authorisation-v1" then each
 *  field, text as a 4-byte big-endian length and its bytes, times as 8-byte
 *  big-endian integers, the nonce as 16-byte text.
 * \param out on HAVEN_OK a malloc'd buffer of *len bytes; caller frees with free().
 * \return HAVEN_ERR_VALUE for a text field over 65535 bytes. */
haven_status hv_govern_encode(haven_ctx *ctx, const hv_authorisation *a, unsigned char **out, size_t *len);

#endif
