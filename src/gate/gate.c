/*
 * gate.c - recording operations on disclosed data as the acting user.
 * The output half of the gate is haven_table_write() in table.c.
 */
#include <string.h>

#include "gate/gate.h"
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

haven_status hv_table_disclosed(haven_ctx *ctx, const char *title, sqlite3_stmt *st, hv_audit_op op,
                                const char *object, haven_table **out)
{
	haven_status rc = hv_table_from_stmt(ctx, title, st, out);
	if (!rc && (rc = hv_table_release(ctx, *out, op, object, NULL))) {
		haven_table_free(*out);
		*out = NULL;
	}
	return rc;
}
