/*
 * gate_int.h - the disclosure gate: the one road by which disclosed data is
 * processed and leaves haven.
 *
 * Every operation on disclosed data is recorded (hv_record) as the acting
 * user, inside the transaction that performs it.  Every result table that
 * holds disclosed data is released (hv_table_release) so that
 * haven_table_write - the only writer of tables - requires an actor, keeps
 * only rows in the owner's scope, records the consultation or disclosure in
 * the audit log before a byte is written, and marks the output
 * OFFICIAL-SENSITIVE.  Later disclosure control (suppression, rounding)
 * belongs here too.
 */
#ifndef HAVEN_GATE_INT_H
#define HAVEN_GATE_INT_H

#include "govern/audit.h"
#include "core/context.h"
#include "core/table.h"

/** Append an audit entry for op as the acting user (hv_need_actor first),
 *  with the actor's authority, purpose, reason and authoriser, and consume
 *  an exceptional-use authorisation.  Must run inside the caller's
 *  transaction.  object says what was processed, never the data itself.
 *  recipients: required for HV_AUDIT_DISCLOSURE, else NULL. */
haven_status hv_record(haven_ctx *ctx, hv_audit_op op, const char *object, int64_t rows, const char *recipients);

/** Mark t as holding disclosed data.  object and recipients are copied. */
haven_status hv_table_release(haven_ctx *ctx, haven_table *t, hv_audit_op op, const char *object,
                              const char *recipients);

/** hv_table_from_stmt, then hv_table_release(op, object): the usual way a
 *  listing of disclosed data is made.  On failure *out is NULL. */
haven_status hv_table_disclosed(haven_ctx *ctx, const char *title, sqlite3_stmt *st, hv_audit_op op,
                                const char *object, haven_table **out);

#endif
