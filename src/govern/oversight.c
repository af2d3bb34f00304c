/*
 * oversight.c - the transparency report, complaints, and erasure.
 *
 * The transparency report is computed from the audit log alone, and only
 * from a log that verifies: a count of exceptional use that could be edited
 * without detection would be worth nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "govern/audit.h"
#include "govern/govern.h"
#include "haven/oversight.h"
#include "core/sql.h"
#include "core/table.h"

/* ---- transparency ----------------------------------------------------- */

haven_status haven_transparency_report(haven_ctx *ctx, const char *from, const char *to, const char *checkpoint,
                                       haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc)
		return rc;
	int64_t d0, d1;
	if (!from || !hv_parse_date(from, &d0))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--from wants a date YYYY-MM-DD, not '%s'", from ? from : "");
	if (!to || !hv_parse_date(to, &d1))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--to wants a date YYYY-MM-DD, not '%s'", to ? to : "");
	if (d1 < d0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--to %s is before --from %s", to, from);
	haven_audit_report ar;
	if ((rc = haven_audit_verify(ctx, checkpoint, &ar))) {
		char msg[sizeof ctx->errmsg];
		snprintf(msg, sizeof msg, "%s", ctx->errmsg);
		return hv_error(ctx, rc, "no transparency report from a log that does not verify: %s", msg);
	}
	/* Every month in the range, for every authority that appears in the
	 * log, so a month without exceptional use says 0 rather than nothing. */
	sqlite3_stmt *st;
	rc = hv_prepare(ctx,
	                "WITH RECURSIVE months(m) AS ("
	                "  SELECT date(?1, 'start of month')"
	                "  UNION ALL SELECT date(m, '+1 month') FROM months WHERE date(m, '+1 month') <= ?2),"
	                " auths(code) AS (SELECT DISTINCT authority FROM audit),"
	                " counts AS (SELECT strftime('%Y-%m-01', at, 'unixepoch') AS m, authority,"
	                "  count(*) AS operations,"
	                "  sum(coalesce(authoriser, '') <> '') AS exceptional,"
	                /* the notices of many proposed-address checks near one place (docs/zones.md) */
	                "  sum(object LIKE 'notice: repeated proposed-address checks%') AS repeated_checks"
	                "  FROM audit WHERE at >= ?3 AND at < ?4 GROUP BY 1, 2)"
	                " SELECT substr(months.m, 1, 7) AS month, auths.code AS authority_code,"
	                "  coalesce(a.kind, '') AS authority_kind, coalesce(a.name, '') AS authority_name,"
	                "  coalesce(c.exceptional, 0) AS exceptional_uses, coalesce(c.operations, 0) AS operations,"
	                "  coalesce(c.repeated_checks, 0) AS repeated_address_checks"
	                " FROM months CROSS JOIN auths"
	                " LEFT JOIN authority a ON a.code = auths.code"
	                " LEFT JOIN counts c ON c.m = months.m AND c.authority = auths.code"
	                " ORDER BY 1, 2",
	                &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, d0 * 86400);
	sqlite3_bind_int64(st, 4, (d1 + 1) * 86400);
	char title[160];
	snprintf(title, sizeof title,
	         "Use of the children's homes register beyond its intended purposes, %s to %s "
	         "(audit log of %lld entries verified)",
	         from, to, (long long)ar.entries);
	/* Counts per public authority and month: made to be published, no
	 * disclosed data. */
	rc = hv_table_from_stmt(ctx, title, HV_TABLE_PUBLIC, st, out);
	sqlite3_finalize(st);
	return rc;
}

/* ---- complaints ------------------------------------------------------- */

static const char *const complaint_status[] = {"open", "investigating", "upheld", "not-upheld", "withdrawn", NULL};

static int one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* Link audit entries to complaint id, checking each exists. */
static haven_status link_audit(haven_ctx *ctx, int64_t id, const int64_t *seqs, size_t n)
{
	sqlite3_stmt *chk, *ins;
	haven_status rc = hv_prepare(ctx, "SELECT 1 FROM audit WHERE seq = ?", &chk);
	if (rc)
		return rc;
	if ((rc = hv_prepare(ctx, "INSERT OR IGNORE INTO complaint_audit(complaint_id, audit_seq) VALUES(?, ?)",
	                     &ins))) {
		sqlite3_finalize(chk);
		return rc;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		sqlite3_reset(chk);
		sqlite3_bind_int64(chk, 1, seqs[i]);
		if (sqlite3_step(chk) != SQLITE_ROW) {
			rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND, "no audit entry %lld", (long long)seqs[i]);
			break;
		}
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, id);
		sqlite3_bind_int64(ins, 2, seqs[i]);
		if (sqlite3_step(ins) != SQLITE_DONE)
			rc = hv_error_sql(ctx, "linking an audit entry");
	}
	sqlite3_finalize(chk);
	sqlite3_finalize(ins);
	return rc;
}

haven_status haven_complaint_add(haven_ctx *ctx, const haven_complaint *c, int64_t *id)
{
	hv_clear(ctx);
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc)
		return rc;
	static const char *const about[] = {"home", "child", NULL};
	if (!one_of(c->about, about))
		return hv_error(ctx, HAVEN_ERR_USAGE, "a complaint is about a 'home' or a 'child'");
	if (strcmp(c->about, "home") == 0 && (!c->urn || !*c->urn))
		return hv_error(ctx, HAVEN_ERR_MISSING, "a complaint about a home names its URN");
	if (strcmp(c->about, "child") == 0 && (!c->advocate || !*c->advocate))
		return hv_error(ctx, HAVEN_ERR_MISSING,
		                "a complaint from a child comes through an advocate: name the advocate, not the child");
	if (!c->summary || !*c->summary)
		return hv_error(ctx, HAVEN_ERR_MISSING, "a complaint needs a summary");
	char today[11];
	hv_today(ctx, today);
	const char *received = c->received ? c->received : today;
	if (!hv_parse_date(received, NULL) || strcmp(received, today) > 0)
		return hv_error(ctx, HAVEN_ERR_VALUE, "received date '%s' is not a date on or before today", received);
	if (c->urn && *c->urn) {
		int64_t known;
		sqlite3_stmt *st;
		if ((rc = hv_prepare(ctx, "SELECT count(*) FROM home_version WHERE urn = ?", &st)))
			return rc;
		sqlite3_bind_text(st, 1, c->urn, -1, SQLITE_STATIC);
		known = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
		if (!known)
			return hv_error(ctx, HAVEN_ERR_NOT_FOUND, "no home with URN %s in the store", c->urn);
	}
	char now[21];
	hv_format_time(hv_now(ctx), now);
	sqlite3_stmt *ins = NULL;
	if ((rc = hv_op_begin(ctx, &op, HV_OP_ACTOR | HV_OP_WRITE)))
		return rc;
	rc = hv_prepare(ctx,
	                "INSERT INTO complaint(about, urn, advocate, summary, status, received_on, recorded_by,"
	                " updated_at) VALUES(?, ?, ?, ?, 'open', ?, ?, ?)",
	                &ins);
	if (!rc) {
		sqlite3_bind_text(ins, 1, c->about, -1, SQLITE_STATIC);
		hv_bind_text_or_null(ins, 2, c->urn);
		hv_bind_text_or_null(ins, 3, c->advocate);
		sqlite3_bind_text(ins, 4, c->summary, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, received, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 6, ctx->actor.user, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 7, now, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			rc = hv_error_sql(ctx, "recording a complaint");
	}
	sqlite3_finalize(ins);
	int64_t cid = sqlite3_last_insert_rowid(ctx->db);
	if (!rc)
		rc = link_audit(ctx, cid, c->audit_seqs, c->n_audit);
	char object[96];
	snprintf(object, sizeof object, "complaint %lld about a %s recorded", (long long)cid, c->about);
	if ((rc = hv_op_end(ctx, &op, rc, HV_AUDIT_COLLECTION, object, 1, NULL)))
		return rc;
	if (id)
		*id = cid;
	return HAVEN_OK;
}

haven_status haven_complaint_update(haven_ctx *ctx, int64_t id, const char *status, const char *outcome,
                                    const int64_t *audit_seqs, size_t n_audit)
{
	hv_clear(ctx);
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc)
		return rc;
	if (!one_of(status, complaint_status))
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "status '%s' is not one of open, investigating, upheld, not-upheld, withdrawn",
		                status ? status : "");
	int decided = strcmp(status, "upheld") == 0 || strcmp(status, "not-upheld") == 0;
	if (decided && (!outcome || !*outcome))
		return hv_error(ctx, HAVEN_ERR_MISSING, "a complaint %s needs its outcome (--outcome TEXT)", status);
	char now[21];
	hv_format_time(hv_now(ctx), now);
	if ((rc = hv_op_begin(ctx, &op, HV_OP_ACTOR | HV_OP_WRITE)))
		return rc;
	sqlite3_stmt *up;
	rc = hv_prepare(
	    ctx, "UPDATE complaint SET status = ?, outcome = coalesce(?, outcome), updated_at = ? WHERE id = ?", &up);
	if (!rc) {
		sqlite3_bind_text(up, 1, status, -1, SQLITE_STATIC);
		hv_bind_text_or_null(up, 2, outcome);
		sqlite3_bind_text(up, 3, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(up, 4, id);
		if (sqlite3_step(up) != SQLITE_DONE)
			rc = hv_error_sql(ctx, "updating a complaint");
		else if (sqlite3_changes(ctx->db) == 0)
			rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND, "no complaint %lld", (long long)id);
		sqlite3_finalize(up);
	}
	if (!rc)
		rc = link_audit(ctx, id, audit_seqs, n_audit);
	char object[96];
	snprintf(object, sizeof object, "complaint %lld moved to %s", (long long)id, status);
	return hv_op_end(ctx, &op, rc, HV_AUDIT_ALTERATION, object, 1, NULL);
}

haven_status haven_complaint_list(haven_ctx *ctx, const char *status, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc)
		return rc;
	if (status && !one_of(status, complaint_status))
		return hv_error(ctx, HAVEN_ERR_USAGE, "status '%s' is not a complaint status", status);
	sqlite3_stmt *st;
	rc = hv_prepare(
	    ctx,
	    "SELECT c.id, c.received_on AS received, c.about, c.urn, c.advocate, c.summary, c.status,"
	    " c.outcome, c.recorded_by, c.updated_at,"
	    " (SELECT group_concat(audit_seq, ' ') FROM"
	    "   (SELECT audit_seq FROM complaint_audit WHERE complaint_id = c.id ORDER BY 1)) AS audit_entries"
	    " FROM complaint c WHERE ?1 IS NULL OR c.status = ?1 ORDER BY c.id",
	    &st);
	if (rc)
		return rc;
	hv_bind_text_or_null(st, 1, status);
	rc = hv_table_listing(ctx, "Complaints", st,
	                      "id=label received=label about=label urn=home advocate=text summary=text status=label "
	                      "outcome=text recorded_by=text updated_at=label audit_entries=label",
	                      "complaints", out);
	sqlite3_finalize(st);
	return rc;
}

/* ---- erasure ---------------------------------------------------------- */

static haven_status run_count(haven_ctx *ctx, const char *sql, const char *date, int64_t *n)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx, sql, &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = hv_error_sql(ctx, "erasing");
	else
		*n = sqlite3_changes(ctx->db);
	sqlite3_finalize(st);
	return rc;
}

haven_status haven_erase(haven_ctx *ctx, const char *before, haven_erase_report *rep)
{
	hv_clear(ctx);
	memset(rep, 0, sizeof *rep);
	static const char *const roles[] = {"senior", "admin", NULL};
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (!rc)
		rc = hv_need_role(ctx, roles);
	if (rc)
		return rc;
	char today[11];
	hv_today(ctx, today);
	if (!before || !hv_parse_date(before, NULL) || strcmp(before, today) > 0)
		return hv_error(ctx, HAVEN_ERR_VALUE, "--before wants a date YYYY-MM-DD not after today, not '%s'",
		                before ? before : "");
	if ((rc = hv_op_begin(ctx, &op, HV_OP_ACTOR | HV_OP_WRITE)))
		return rc;
	rc = run_count(ctx, "DELETE FROM home_version WHERE valid_to IS NOT NULL AND valid_to < ?1", before,
	               &rep->versions);
	if (!rc)
		rc = run_count(
		    ctx,
		    "DELETE FROM register_change WHERE snapshot_id IN (SELECT id FROM snapshot WHERE received < ?1)",
		    before, &rep->changes);
	if (!rc)
		rc = run_count(ctx,
		               "DELETE FROM enforcement WHERE action_date < ?1"
		               " AND urn NOT IN (SELECT urn FROM home_version)",
		               before, &rep->enforcement);
	char object[256];
	snprintf(object, sizeof object,
	         "disclosed data expired before %s: %lld home versions, %lld change records, %lld enforcement actions",
	         before, (long long)rep->versions, (long long)rep->changes, (long long)rep->enforcement);
	rc = hv_op_end(ctx, &op, rc, HV_AUDIT_ERASURE, object, rep->versions + rep->changes + rep->enforcement, NULL);
	if (rc)
		memset(rep, 0, sizeof *rep);
	return rc;
}
