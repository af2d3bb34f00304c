/*
 * disclose.c - HMCI's register extract for one disclosure request: the
 * Schedule 5 fields of the current homes in the requesting authority's
 * scope, marked OFFICIAL-SENSITIVE, with a signed manifest.
 *
 * The request must be in force (not lapsed, withdrawn or, for a one-off,
 * fulfilled).  The homes are chosen by their register LA against the
 * requester's scope (scope.c), so a police force gets exactly the homes of
 * the LAs in its force area and nothing about any child.  The file is
 * written in the register format the receiver's 'haven register import'
 * reads (docs/formats.md), and the manifest binds it, by SHA-256, to the
 * request, the requester and HMCI's Ed25519 key (manifest.c).  The extract
 * row and both files appear together: everything is written to temporary
 * files first, linked into place (never over an existing file) only once the
 * row is recorded, and removed again if the transaction does not commit.
 * docs/disclosure.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "govern/disclosure.h"
#include "gate/gate.h"
#include "govern/govern.h"
#include "haven/disclose.h"
#include "core/output.h"
#include "govern/scope.h"
#include "core/sql.h"
#include "core/table.h"
#include "data/homes.h"

/* The Schedule 5 fields, named as docs/formats.md names the register's
 * columns; the release adds the protective marking.  Nothing else leaves:
 * not the provision type, sector, UPRN, geocoding, nor anything kept in
 * home_version.extra. */
static const char sql_homes[] =
    "SELECT v.urn AS urn, v.name AS name, v.address1 AS address_1, v.address2 AS address_2,"
    " v.address3 AS address_3, v.town AS town, v.postcode AS postcode, v.telephone AS telephone,"
    " v.registered_person AS registered_person, v.registered_person_address AS registered_person_address,"
    " v.responsible_individual AS responsible_individual, v.places AS places,"
    " v.la_code AS local_authority, v.registration_status AS registration_status,"
    " (SELECT group_concat(action_date || ' ' || nature, '; ') FROM (SELECT action_date, nature"
    "   FROM enforcement e WHERE e.urn = v.urn ORDER BY action_date, nature)) AS enforcement_actions"
    " FROM temp.homes v ORDER BY v.urn";

static const char roles_homes[] =
    "urn=home name=text address_1=text address_2=text address_3=text town=text postcode=text telephone=text "
    "registered_person=text registered_person_address=text responsible_individual=text places=count:places "
    "local_authority=area:la registration_status=label enforcement_actions=text";

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

/* Refuse a request that is not in force, saying why. */
static haven_status need_in_force(haven_ctx *ctx, const hv_request *r)
{
	if (strcmp(r->status, "withdrawn") == 0)
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "request %lld was withdrawn on %s: no extract may be made for it", (long long)r->id,
		                r->withdrawn_on);
	if (strcmp(r->status, "fulfilled") == 0)
		return hv_error(
		    ctx, HAVEN_ERR_DENIED,
		    "request %lld was a one-off request and was fulfilled by the extract made %s: a further "
		    "extract needs a new request",
		    (long long)r->id, r->last_extract);
	if (strcmp(r->status, "lapsed") == 0)
		return hv_error(
		    ctx, HAVEN_ERR_DENIED,
		    "request %lld lapsed: it was not confirmed within 12 months of its %s on %s (due by %s), so "
		    "disclosures have stopped; a new request is needed",
		    (long long)r->id, *r->last_confirmed ? "latest confirmation" : "request date",
		    *r->last_confirmed ? r->last_confirmed : r->requested_on, r->due);
	return HAVEN_OK;
}

/* The current homes in scope, as a sealed table. */
static haven_status select_homes(haven_ctx *ctx, const hv_scope *scope, haven_table **out)
{
	sqlite3_stmt *st;
	haven_status rc = hv_homes_view(ctx, NULL, scope);
	if (rc || (rc = hv_prepare(ctx, sql_homes, &st)))
		return rc;
	rc = hv_table_listing(ctx, "", st, roles_homes, NULL, out);
	sqlite3_finalize(st);
	return rc;
}

typedef struct job {
	int64_t request_id;
	const char *out_path;
	char *manifest_path;
	const unsigned char *pk, *sk;
	hv_output data, manifest; /* the two files, written under temporary names */
	int placed_data, placed_manifest;
} job;

/* Everything inside the transaction; the files are left in place on success. */
static haven_status make_extract(haven_ctx *ctx, job *j, haven_extract_report *rep)
{
	hv_request r;
	haven_status rc = hv_request_get(ctx, j->request_id, &r);
	if (!rc)
		rc = need_in_force(ctx, &r);
	if (rc)
		return rc;
	hv_manifest m;
	memset(&m, 0, sizeof m);
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx, "SELECT max(received) FROM snapshot", &st)))
		return rc;
	int have = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (have)
		snprintf(m.register_as_at, sizeof m.register_as_at, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (!have)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		                "no register snapshot in the store; run 'haven register import' first");

	hv_scope *scope;
	if ((rc = hv_scope_load(ctx, r.authority, &scope)))
		return rc;
	snprintf(rep->scope, sizeof rep->scope, "%s", hv_scope_describe(scope));
	haven_table *t = NULL;
	rc = select_homes(ctx, scope, &t);
	hv_scope_free(scope);
	if (rc)
		return rc;
	/* The disclosure leaves through the gate: the recipient's recorded
	 * scope, the audit entry (in this transaction), the marking. */
	char recipients[256], object[200];
	snprintf(recipients, sizeof recipients, "%s (request %lld)", r.authority, (long long)r.id);
	int64_t next = 0;
	if ((rc = hv_query_int(ctx, "SELECT coalesce(max(id), 0) + 1 FROM extract", &next))) {
		haven_table_free(t);
		return rc;
	}
	snprintf(object, sizeof object,
	         "register extract %lld for request %lld: Schedule 5 fields of the current homes", (long long)next,
	         (long long)r.id);
	if (!(rc = hv_table_object(ctx, t, object)))
		rc = hv_release_to(ctx, t, r.authority, recipients);
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	rep->homes = (int64_t)haven_table_nrows(ctx, t);
	int places = haven_table_find(t, "places");
	for (size_t i = 0; i < (size_t)rep->homes; i++)
		rep->places += haven_table_int(ctx, t, i, places);

	/* The file's bytes, in memory first so they are hashed as written. */
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem) {
		haven_table_free(t);
		return nomem(ctx);
	}
	rc = haven_table_write(ctx, t, HAVEN_FMT_CSV, mem);
	haven_table_free(t);
	if (fclose(mem) != 0 && !rc)
		rc = nomem(ctx);
	if (!rc) {
		unsigned char d[crypto_hash_sha256_BYTES];
		crypto_hash_sha256(d, (const unsigned char *)buf, len);
		sodium_bin2hex(rep->sha256, sizeof rep->sha256, d, sizeof d);
		if (fwrite(buf, 1, len, j->data.f) != len)
			rc = hv_error(ctx, HAVEN_ERR_IO, "%s: cannot write: %s", j->out_path, strerror(errno));
	}
	free(buf);
	if (rc)
		return rc;

	char now[21];
	hv_format_time(hv_now(ctx), now);
	char owner[64], owner_name[256];
	if ((rc = hv_meta_get(ctx, "owner_code", owner, sizeof owner)) ||
	    (rc = hv_meta_get(ctx, "owner_name", owner_name, sizeof owner_name)))
		return rc;
	if ((rc = hv_prepare(
	         ctx, "INSERT INTO extract(request_id, made_at, made_by, file_sha256, homes) VALUES(?,?,?,?,?)", &st)))
		return rc;
	sqlite3_bind_int64(st, 1, r.id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ctx->actor.user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, rep->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, rep->homes);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = hv_error_sql(ctx, "recording the extract");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	rep->extract_id = sqlite3_last_insert_rowid(ctx->db);
	rep->fulfilled = strcmp(r.kind, "one-off") == 0;
	snprintf(rep->authority, sizeof rep->authority, "%s", r.authority);
	snprintf(rep->register_as_at, sizeof rep->register_as_at, "%s", m.register_as_at);

	snprintf(m.marking, sizeof m.marking, "%s", HAVEN_MARKING);
	m.extract = rep->extract_id;
	m.request = r.id;
	snprintf(m.authority, sizeof m.authority, "%s", r.authority);
	snprintf(m.authority_name, sizeof m.authority_name, "%s", r.authority_name);
	snprintf(m.issuer, sizeof m.issuer, "%s", owner);
	snprintf(m.issuer_name, sizeof m.issuer_name, "%s", owner_name);
	memcpy(m.extract_date, now, 10);
	m.homes = rep->homes;
	memcpy(m.sha256, rep->sha256, sizeof m.sha256);
	if ((rc = hv_manifest_write(ctx, &m, j->pk, j->sk, j->manifest.f, j->manifest_path)))
		return rc;
	snprintf(rep->public_key, sizeof rep->public_key, "%s", m.public_key);

	if ((rc = hv_output_commit(ctx, &j->data)))
		return rc;
	j->placed_data = 1;
	if ((rc = hv_output_commit(ctx, &j->manifest)))
		return rc;
	j->placed_manifest = 1;
	return HAVEN_OK;
}

haven_status haven_disclose_extract(haven_ctx *ctx, int64_t request_id, const char *key_path, const char *out_path,
                                    haven_extract_report *report)
{
	hv_clear(ctx);
	haven_extract_report local;
	haven_extract_report *rep = report ? report : &local;
	memset(rep, 0, sizeof *rep);
	hv_op op;
	haven_status rc = hv_need_hmci(ctx, "making a register extract");
	if (!rc)
		rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc)
		return rc;
	if (!key_path || !out_path || !*out_path)
		return hv_error(ctx, HAVEN_ERR_USAGE, "an extract needs a key file and an output file");
	job j = {.request_id = request_id, .out_path = out_path};
	if (!(j.manifest_path = sqlite3_mprintf("%s.manifest", out_path)))
		return nomem(ctx);
	static const char never[] = "an extract is never overwritten";
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	j.pk = pk;
	j.sk = sk;
	rc = hv_output_open(ctx, out_path, never, &j.data);
	if (!rc)
		rc = hv_output_open(ctx, j.manifest_path, never, &j.manifest);
	if (!rc)
		rc = hv_key_read(ctx, key_path, pk, sk);
	/* The disclosure's audit entry is the gate's, in this transaction. */
	if (!rc && !(rc = hv_op_begin(ctx, &op, HV_OP_ACTOR | HV_OP_WRITE)))
		rc = hv_op_end(ctx, &op, make_extract(ctx, &j, rep), HV_AUDIT_DISCLOSURE, NULL, 0, NULL);
	sodium_memzero(sk, sizeof sk);
	if (rc) {
		if (j.placed_data)
			unlink(out_path);
		if (j.placed_manifest)
			unlink(j.manifest_path);
		memset(rep, 0, sizeof *rep);
	}
	hv_output_abort(&j.data);
	hv_output_abort(&j.manifest);
	sqlite3_free(j.manifest_path);
	return rc;
}
