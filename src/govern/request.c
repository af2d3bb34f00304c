/*
 * request.c - HMCI's record of disclosure requests under the 2013 protocol:
 * who asked, in what capacity, how often, and whether a monthly request is
 * still confirmed.
 *
 * A receiver asks in writing, through the one officer the protocol names for
 * its kind of authority.  A monthly request stays in force for 12 calendar
 * months from its latest confirmation (or from the request, if never
 * confirmed) and lapses the day after; extracts stop until a new request is
 * made.  The status is never stored: it is worked out from the dates on the
 * context's today (hv_now), so it is always current and tests can fix the
 * clock.  Rules and messages: docs/disclosure.md.
 */
#include <stdlib.h>
#include <string.h>

#include "govern/disclosure.h"
#include "haven/disclose.h"
#include "core/sql.h"
#include "core/table.h"

/* ---- dates ----------------------------------------------------------------- */

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

void hv_date_add_year(const char *date, char out[11])
{
	int y = atoi(date) + 1, m = atoi(date + 5), d = atoi(date + 8);
	if (m == 2 && d == 29 && !is_leap(y))
		d = 28;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

/* The date of day number days (days since 1970-01-01), as YYYY-MM-DD. */
static void date_from_days(int64_t days, char out[11])
{
	char t[21];
	hv_format_time(days * 86400, t);
	memcpy(out, t, 10);
	out[10] = '\0';
}

/* Parse a date argument: HAVEN_ERR_VALUE unless a real date, not after today. */
static haven_status need_past_date(haven_ctx *ctx, const char *what, const char *date)
{
	if (!date || !hv_parse_date(date, NULL))
		return hv_error(ctx, HAVEN_ERR_VALUE, "%s '%s' is not a date (YYYY-MM-DD)", what, date ? date : "");
	char today[11];
	hv_today(ctx, today);
	if (strcmp(date, today) > 0)
		return hv_error(ctx, HAVEN_ERR_VALUE, "%s %s is in the future (today is %s)", what, date, today);
	return HAVEN_OK;
}

/* ---- checks ------------------------------------------------------------------ */

haven_status hv_need_hmci(haven_ctx *ctx, const char *what)
{
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	char kind[32], code[64];
	if ((rc = hv_meta_get(ctx, "owner_kind", kind, sizeof kind)) ||
	    (rc = hv_meta_get(ctx, "owner_code", code, sizeof code)))
		return rc;
	if (strcmp(kind, "hmci") != 0)
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "%s is HMCI's: this store belongs to %s %s, and only an HMCI store records disclosure "
		                "requests and makes extracts",
		                what, *kind ? kind : "(no owner kind)", code);
	return HAVEN_OK;
}

/* Text a person typed: non-empty, at most max bytes, no control characters
 * (it may end up on one line of a manifest). */
static haven_status check_text(haven_ctx *ctx, const char *what, const char *s, size_t max)
{
	if (!s || !*s)
		return hv_error(ctx, HAVEN_ERR_MISSING, "%s is required", what);
	size_t n = strlen(s);
	if (n > max)
		return hv_error(ctx, HAVEN_ERR_VALUE, "%s is %zu bytes long; at most %zu", what, n, max);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return hv_error(ctx, HAVEN_ERR_VALUE, "%s holds a control character (byte %u)", what, *p);
	return HAVEN_OK;
}

/* The requester role the protocol accepts from each kind of authority. */
static const struct {
	const char *kind, *role, *who;
} roles[] = {
    {"police", "chief-officer", "a police force's request must come from a Chief Officer of police"},
    {"la", "director-of-childrens-services",
     "a local authority's request must come from its Director of Children's Services"},
    {"occ", "senior-official", "the Children's Commissioner's request must come from an agreed senior official"},
    {"dfe", "senior-official", "the DfE's (or Secretary of State's) request must come from an agreed senior official"},
    {"probation", "senior-official", "a probation service's request must come from an agreed senior official"},
};

/* ---- reading requests ------------------------------------------------------- */

static const char sql_requests[] = "SELECT r.id, r.authority_code, a.name, r.kind, r.requested_on, r.withdrawn_on,"
                                   " (SELECT confirmed_on FROM request_confirmation c WHERE c.request_id = r.id"
                                   "   ORDER BY confirmed_on DESC, id DESC LIMIT 1),"
                                   " (SELECT count(*) FROM extract e WHERE e.request_id = r.id),"
                                   " (SELECT max(made_at) FROM extract e WHERE e.request_id = r.id),"
                                   " r.requester, r.requester_role, r.deliver_to,"
                                   " (SELECT confirmed_by FROM request_confirmation c WHERE c.request_id = r.id"
                                   "   ORDER BY confirmed_on DESC, id DESC LIMIT 1)"
                                   " FROM disclosure_request r JOIN authority a ON a.code = r.authority_code";
enum { Q_REQUESTER = 9, Q_ROLE, Q_DELIVER, Q_CONFIRMED_BY };

static void copy_col(sqlite3_stmt *st, int i, char *buf, size_t n)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	snprintf(buf, n, "%s", s ? s : "");
}

/* Fill r from the current row of sql_requests and work out its state. */
static void request_from_row(const haven_ctx *ctx, sqlite3_stmt *st, hv_request *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	copy_col(st, 1, r->authority, sizeof r->authority);
	copy_col(st, 2, r->authority_name, sizeof r->authority_name);
	copy_col(st, 3, r->kind, sizeof r->kind);
	copy_col(st, 4, r->requested_on, sizeof r->requested_on);
	copy_col(st, 5, r->withdrawn_on, sizeof r->withdrawn_on);
	copy_col(st, 6, r->last_confirmed, sizeof r->last_confirmed);
	r->extracts = sqlite3_column_int64(st, 7);
	copy_col(st, 8, r->last_extract, sizeof r->last_extract);
	char today[11];
	hv_today(ctx, today);
	int monthly = strcmp(r->kind, "monthly") == 0;
	if (monthly && !*r->withdrawn_on)
		hv_date_add_year(*r->last_confirmed ? r->last_confirmed : r->requested_on, r->due);
	if (*r->withdrawn_on)
		r->status = "withdrawn";
	else if (!monthly)
		r->status = r->extracts ? "fulfilled" : "active";
	else
		r->status = strcmp(today, r->due) > 0 ? "lapsed" : "active";
}

haven_status hv_request_get(haven_ctx *ctx, int64_t id, hv_request *out)
{
	sqlite3_stmt *st;
	haven_status rc = hv_preparef(ctx, &st, "%s WHERE r.id = ?", sql_requests);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		request_from_row(ctx, st, out);
	else if (s == SQLITE_DONE)
		rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND, "there is no disclosure request %lld in this store",
		              (long long)id);
	else
		rc = hv_error_sql(ctx, "reading a disclosure request");
	sqlite3_finalize(st);
	return rc;
}

/* ---- recording --------------------------------------------------------------- */

haven_status haven_disclose_request_add(haven_ctx *ctx, const haven_request_opts *o, int64_t *id)
{
	hv_clear(ctx);
	if (id)
		*id = 0;
	haven_status rc = hv_need_hmci(ctx, "recording a disclosure request");
	if (rc)
		return rc;
	if (!o)
		return hv_error(ctx, HAVEN_ERR_USAGE, "no request given");
	if ((rc = check_text(ctx, "the authority code", o->authority, 63)) ||
	    (rc = check_text(ctx, "the requester's name", o->requester, 200)) ||
	    (rc = check_text(ctx, "the requester's role", o->role, 64)) ||
	    (rc = check_text(ctx, "the kind of request", o->kind, 16)) ||
	    (rc = check_text(ctx, "where to deliver extracts (--deliver-to)", o->deliver_to, 1000)))
		return rc;
	if ((rc = need_past_date(ctx, "request date", o->date)))
		return rc;
	if (strcmp(o->kind, "one-off") != 0 && strcmp(o->kind, "monthly") != 0)
		return hv_error(ctx, HAVEN_ERR_VALUE, "kind of request '%s' is not one-off or monthly", o->kind);
	int known_role = 0;
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		known_role |= strcmp(o->role, roles[i].role) == 0;
	if (!known_role)
		return hv_error(ctx, HAVEN_ERR_VALUE,
		                "requester role '%s' is not chief-officer, director-of-childrens-services or "
		                "senior-official",
		                o->role);

	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx, "SELECT kind, name FROM authority WHERE code = ?", &st)))
		return rc;
	sqlite3_bind_text(st, 1, o->authority, -1, SQLITE_STATIC);
	char kind[16] = "", name[256] = "";
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		copy_col(st, 0, kind, sizeof kind);
		copy_col(st, 1, name, sizeof name);
	}
	sqlite3_finalize(st);
	if (!found)
		return hv_error(
		    ctx, HAVEN_ERR_NOT_FOUND,
		    "authority %s is not registered in this store; register it before recording its request",
		    o->authority);
	if (strcmp(kind, "hmci") == 0)
		return hv_error(ctx, HAVEN_ERR_DENIED, "%s (%s) is HMCI itself: HMCI does not request its own register",
		                o->authority, name);
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(kind, roles[i].kind) == 0 && strcmp(o->role, roles[i].role) != 0)
			return hv_error(ctx, HAVEN_ERR_DENIED, "%s (%s): %s (--role %s), not %s", o->authority, name,
			                roles[i].who, roles[i].role, o->role);

	if ((rc = hv_prepare(ctx,
	                     "INSERT INTO disclosure_request(authority_code, requester, requester_role, requested_on,"
	                     " kind, deliver_to, created_at) VALUES(?,?,?,?,?,?,?)",
	                     &st)))
		return rc;
	char now[21];
	hv_format_time(hv_now(ctx), now);
	sqlite3_bind_text(st, 1, o->authority, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, o->requester, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, o->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, o->date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, o->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, o->deliver_to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = hv_error_sql(ctx, "recording the request");
	else if (id)
		*id = sqlite3_last_insert_rowid(ctx->db);
	sqlite3_finalize(st);
	return rc;
}

haven_status haven_disclose_request_confirm(haven_ctx *ctx, int64_t id, const char *date, const char *by)
{
	hv_clear(ctx);
	haven_status rc = hv_need_hmci(ctx, "confirming a disclosure request");
	if (rc)
		return rc;
	if ((rc = check_text(ctx, "who confirmed (--by)", by, 200)) ||
	    (rc = need_past_date(ctx, "confirmation date", date)))
		return rc;
	hv_request r;
	if ((rc = hv_request_get(ctx, id, &r)))
		return rc;
	if (strcmp(r.kind, "monthly") != 0)
		return hv_error(ctx, HAVEN_ERR_VALUE,
		                "request %lld is one-off: only monthly requests are confirmed every 12 months",
		                (long long)id);
	if (*r.withdrawn_on)
		return hv_error(ctx, HAVEN_ERR_DENIED, "request %lld was withdrawn on %s; it cannot be confirmed",
		                (long long)id, r.withdrawn_on);
	if (strcmp(date, r.requested_on) < 0)
		return hv_error(ctx, HAVEN_ERR_VALUE, "confirmation date %s is before the request itself (%s)", date,
		                r.requested_on);
	if (*r.last_confirmed && strcmp(date, r.last_confirmed) < 0)
		return hv_error(ctx, HAVEN_ERR_VALUE,
		                "confirmation date %s is before the request's latest confirmation (%s)", date,
		                r.last_confirmed);
	if (*r.last_confirmed && strcmp(date, r.last_confirmed) == 0)
		return hv_error(ctx, HAVEN_ERR_DUPLICATE, "request %lld was already confirmed on %s", (long long)id,
		                date);
	if (strcmp(date, r.due) > 0)
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "request %lld lapsed after %s, 12 months after its %s on %s; a confirmation dated %s "
		                "cannot revive it: record a new request",
		                (long long)id, r.due, *r.last_confirmed ? "latest confirmation" : "request date",
		                *r.last_confirmed ? r.last_confirmed : r.requested_on, date);
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx,
	                     "INSERT INTO request_confirmation(request_id, confirmed_on, confirmed_by, recorded_at)"
	                     " VALUES(?,?,?,?)",
	                     &st)))
		return rc;
	char now[21];
	hv_format_time(hv_now(ctx), now);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = hv_error_sql(ctx, "recording the confirmation");
	sqlite3_finalize(st);
	return rc;
}

haven_status haven_disclose_request_withdraw(haven_ctx *ctx, int64_t id, const char *date)
{
	hv_clear(ctx);
	haven_status rc = hv_need_hmci(ctx, "withdrawing a disclosure request");
	if (rc)
		return rc;
	if ((rc = need_past_date(ctx, "withdrawal date", date)))
		return rc;
	hv_request r;
	if ((rc = hv_request_get(ctx, id, &r)))
		return rc;
	if (*r.withdrawn_on)
		return hv_error(ctx, HAVEN_ERR_VALUE, "request %lld was already withdrawn on %s", (long long)id,
		                r.withdrawn_on);
	if (strcmp(r.status, "fulfilled") == 0)
		return hv_error(
		    ctx, HAVEN_ERR_VALUE,
		    "request %lld is one-off and was fulfilled (extract made %s); there is nothing to withdraw",
		    (long long)id, r.last_extract);
	if (strcmp(date, r.requested_on) < 0)
		return hv_error(ctx, HAVEN_ERR_VALUE, "withdrawal date %s is before the request itself (%s)", date,
		                r.requested_on);
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx, "UPDATE disclosure_request SET withdrawn_on = ? WHERE id = ?", &st)))
		return rc;
	sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = hv_error_sql(ctx, "recording the withdrawal");
	sqlite3_finalize(st);
	return rc;
}

/* ---- listings ---------------------------------------------------------------- */

static haven_status set_text_or_null(haven_ctx *ctx, haven_table *t, int col, const char *s)
{
	return hv_table_set_text(ctx, t, col, s && *s ? s : NULL);
}

haven_status haven_disclose_request_list(haven_ctx *ctx, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	haven_status rc = hv_need_hmci(ctx, "listing disclosure requests");
	if (rc)
		return rc;
	static const char *const names[] = {"id",
	                                    "authority",
	                                    "authority_name",
	                                    "requester",
	                                    "role",
	                                    "kind",
	                                    "requested_on",
	                                    "deliver_to",
	                                    "last_confirmed",
	                                    "confirmed_by",
	                                    "next_confirmation_due",
	                                    "status",
	                                    "withdrawn_on",
	                                    "extracts",
	                                    "last_extract"};
	char today[11], title[96];
	hv_today(ctx, today);
	snprintf(title, sizeof title, "Disclosure requests on %s", today);
	haven_table *t;
	if ((rc = hv_table_new(ctx, title, HV_TABLE_PUBLIC, (int)(sizeof names / sizeof names[0]), names, &t)))
		return rc;
	sqlite3_stmt *st = NULL;
	rc = hv_preparef(ctx, &st, "%s ORDER BY r.id", sql_requests);
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		hv_request r;
		request_from_row(ctx, st, &r);
		const char *col[] = {NULL,
		                     r.authority,
		                     r.authority_name,
		                     (const char *)sqlite3_column_text(st, Q_REQUESTER),
		                     (const char *)sqlite3_column_text(st, Q_ROLE),
		                     r.kind,
		                     r.requested_on,
		                     (const char *)sqlite3_column_text(st, Q_DELIVER),
		                     r.last_confirmed,
		                     (const char *)sqlite3_column_text(st, Q_CONFIRMED_BY),
		                     r.due,
		                     r.status,
		                     r.withdrawn_on};
		rc = hv_table_add_row(ctx, t);
		if (!rc)
			rc = hv_table_set_int(ctx, t, 0, r.id);
		for (int c = 1; !rc && c < (int)(sizeof col / sizeof col[0]); c++)
			rc = set_text_or_null(ctx, t, c, col[c]);
		if (!rc)
			rc = hv_table_set_int(ctx, t, 13, r.extracts);
		if (!rc)
			rc = set_text_or_null(ctx, t, 14, r.last_extract);
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "listing requests");
	sqlite3_finalize(st);
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	*out = t;
	return HAVEN_OK;
}

haven_status haven_disclose_request_due(haven_ctx *ctx, int within_days, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	haven_status rc = hv_need_hmci(ctx, "listing confirmations due");
	if (rc)
		return rc;
	if (within_days < 0 || within_days > 3660)
		return hv_error(ctx, HAVEN_ERR_USAGE, "within %d days: give 0 to 3660 days", within_days);
	char today[11], horizon[11], title[128];
	int64_t today_days;
	hv_today(ctx, today);
	hv_parse_date(today, &today_days);
	date_from_days(today_days + within_days, horizon);
	snprintf(title, sizeof title, "Confirmations due by %s (within %d days of %s), and lapsed requests", horizon,
	         within_days, today);
	static const char *const names[] = {"id",  "authority", "authority_name", "requester", "last_confirmed",
	                                    "due", "days_left", "status"};
	haven_table *t;
	if ((rc = hv_table_new(ctx, title, HV_TABLE_PUBLIC, (int)(sizeof names / sizeof names[0]), names, &t)))
		return rc;
	/* Monthly requests in force, soonest due first: the due date is the
	 * anniversary of the later of the two dates, which orders as they do. */
	sqlite3_stmt *st = NULL;
	rc = hv_preparef(ctx, &st,
	                 "%s WHERE r.kind = 'monthly' AND r.withdrawn_on IS NULL"
	                 " ORDER BY max(r.requested_on, coalesce((SELECT max(confirmed_on)"
	                 "  FROM request_confirmation c WHERE c.request_id = r.id), '')), r.id",
	                 sql_requests);
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		hv_request r;
		request_from_row(ctx, st, &r);
		if (strcmp(r.due, horizon) > 0)
			continue;
		int64_t due_days;
		hv_parse_date(r.due, &due_days);
		rc = hv_table_add_row(ctx, t);
		if (!rc)
			rc = hv_table_set_int(ctx, t, 0, r.id);
		if (!rc)
			rc = set_text_or_null(ctx, t, 1, r.authority);
		if (!rc)
			rc = set_text_or_null(ctx, t, 2, r.authority_name);
		if (!rc)
			rc = set_text_or_null(ctx, t, 3, (const char *)sqlite3_column_text(st, Q_REQUESTER));
		if (!rc)
			rc = set_text_or_null(ctx, t, 4, r.last_confirmed);
		if (!rc)
			rc = set_text_or_null(ctx, t, 5, r.due);
		if (!rc)
			rc = hv_table_set_int(ctx, t, 6, due_days - today_days);
		if (!rc)
			rc = set_text_or_null(ctx, t, 7, r.status);
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "listing requests due");
	sqlite3_finalize(st);
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	*out = t;
	return HAVEN_OK;
}
