/*
 * oversight_schema.c - the oversight module's tables in the store, as steps the store's
 * registry runs (core/module.h, src/store/store.c).
 */
#include "core/module.h"

/* Schema 3: complaints from homes, or children through an advocate, linked
 * to the audit entries they concern (docs/governance.md). */
static const char schema_v3[] =
    "CREATE TABLE complaint("
    " id INTEGER PRIMARY KEY,"
    " about TEXT NOT NULL CHECK(about IN ('home','child')),"
    " urn TEXT, advocate TEXT,"
    " summary TEXT NOT NULL,"
    " status TEXT NOT NULL CHECK(status IN ('open','investigating','upheld','not-upheld','withdrawn')),"
    " outcome TEXT,"
    " received_on TEXT NOT NULL, recorded_by TEXT NOT NULL, updated_at TEXT NOT NULL,"
    " CHECK(about <> 'child' OR advocate IS NOT NULL),"
    " CHECK(about <> 'home' OR urn IS NOT NULL));"
    "CREATE TABLE complaint_audit("
    " complaint_id INTEGER NOT NULL REFERENCES complaint(id),"
    " audit_seq INTEGER NOT NULL,"
    " PRIMARY KEY(complaint_id, audit_seq));";

static const hv_schema_step steps[] = {{3, schema_v3, NULL}};

static haven_status counts(haven_ctx *ctx, haven_table *t)
{
	static const hv_info_item items[] = {{"complaints", "SELECT count(*) FROM complaint"}};
	return hv_info_counts(ctx, t, "oversight", items, sizeof items / sizeof items[0]);
}

const hv_module hv_oversight_module = {"oversight", steps, sizeof steps / sizeof steps[0], counts};
