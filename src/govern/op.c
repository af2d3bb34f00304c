/*
 * op.c - a governed operation: who may run it, its transaction, and its
 * audit entry.
 *
 * Every operation on disclosed data runs as a user (haven_act) and leaves
 * one audit entry, appended inside the operation's own transaction with the
 * actor's authority, purpose, reason and authoriser; an exceptional use
 * consumes its single-use authorisation in that same transaction.  The
 * prologue (store open, someone acting, the right role, BEGIN IMMEDIATE) and
 * the epilogue (the entry, COMMIT or ROLLBACK) are written once, here.
 */
#include <string.h>

#include "core/sql.h"
#include "govern/govern.h"

haven_status hv_record(haven_ctx *ctx, hv_audit_op op, const char *object, int64_t rows, const char *recipients)
{
	haven_status rc = hv_need_actor(ctx);
	if (rc)
		return rc;
	const hv_actor *a = &ctx->actor;
	hv_audit_entry e = {
	    .operation = op,
	    .user = a->user,
	    .authority = a->authority,
	    .purpose = a->purpose,
	    .justification = a->reason,
	    .object = object,
	    .rows = rows,
	    .recipients = recipients,
	    .authoriser = a->exceptional ? a->authoriser : NULL,
	};
	if ((rc = hv_audit_append(ctx, &e, NULL)))
		return rc;
	return hv_actor_consume(ctx);
}

haven_status hv_op_begin(haven_ctx *ctx, hv_op *op, unsigned flags)
{
	op->flags = flags;
	op->began = 0;
	haven_status rc = hv_need_store(ctx);
	if (!rc && (flags & (HV_OP_ACTOR | HV_OP_ADMIN | HV_OP_SENIOR)))
		rc = hv_need_actor(ctx);
	if (!rc && (flags & HV_OP_ADMIN)) {
		static const char *const admin[] = {"admin", NULL};
		rc = hv_need_role(ctx, admin);
	}
	if (!rc && (flags & HV_OP_SENIOR)) {
		static const char *const senior[] = {"senior", NULL};
		rc = hv_need_role(ctx, senior);
	}
	if (!rc && (flags & HV_OP_WRITE) && !(rc = hv_begin(ctx)))
		op->began = 1;
	return rc;
}

haven_status hv_op_begin_police(haven_ctx *ctx, hv_op *op, const char *what)
{
	haven_status rc = hv_op_begin(ctx, op, HV_OP_ACTOR);
	if (!rc && strcmp(ctx->actor.authority_kind, "police"))
		rc = hv_error(ctx, HAVEN_ERR_DENIED, "%s is for police users of the force only; %s is a %s user", what,
		              ctx->actor.user, ctx->actor.authority_kind);
	return rc;
}

haven_status hv_op_end(haven_ctx *ctx, hv_op *op, haven_status rc, hv_audit_op what, const char *object, int64_t rows,
                       const char *recipients)
{
	if (!rc && object)
		rc = hv_record(ctx, what, object, rows, recipients);
	if (op->began) {
		if (!rc)
			rc = hv_commit(ctx);
		if (rc)
			hv_rollback(ctx);
		op->began = 0;
	}
	return rc;
}
