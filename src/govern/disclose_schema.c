/*
 * disclose_schema.c - the disclose module's tables in the store, as steps the store's
 * registry runs (core/module.h, src/store/store.c).
 */
#include "core/module.h"

/* Schema 3: HMCI's disclosure requests with their 12-monthly confirmations,
 * and the extracts made for them (docs/disclosure.md). */
static const char schema_v3[] = "CREATE TABLE disclosure_request("
                                " id INTEGER PRIMARY KEY,"
                                " authority_code TEXT NOT NULL REFERENCES authority(code),"
                                " requester TEXT NOT NULL,"
                                " requester_role TEXT NOT NULL CHECK(requester_role IN"
                                "  ('chief-officer','director-of-childrens-services','senior-official')),"
                                " requested_on TEXT NOT NULL,"
                                " kind TEXT NOT NULL CHECK(kind IN ('one-off','monthly')),"
                                " deliver_to TEXT NOT NULL,"
                                " created_at TEXT NOT NULL,"
                                " withdrawn_on TEXT);"
                                "CREATE TABLE request_confirmation("
                                " id INTEGER PRIMARY KEY,"
                                " request_id INTEGER NOT NULL REFERENCES disclosure_request(id),"
                                " confirmed_on TEXT NOT NULL,"
                                " confirmed_by TEXT NOT NULL,"
                                " recorded_at TEXT NOT NULL);"
                                "CREATE TABLE extract("
                                " id INTEGER PRIMARY KEY,"
                                " request_id INTEGER NOT NULL REFERENCES disclosure_request(id),"
                                " made_at TEXT NOT NULL, made_by TEXT NOT NULL,"
                                " file_sha256 TEXT NOT NULL, homes INTEGER NOT NULL);";

static const hv_schema_step steps[] = {{3, schema_v3, NULL}};

static haven_status counts(haven_ctx *ctx, haven_table *t)
{
	static const hv_info_item items[] = {
	    {"requests", "SELECT count(*) FROM disclosure_request"},
	    {"extracts", "SELECT count(*) FROM extract"},
	};
	return hv_info_counts(ctx, t, "disclosure", items, sizeof items / sizeof items[0]);
}

const hv_module hv_disclose_module = {"disclose", steps, sizeof steps / sizeof steps[0], counts};
