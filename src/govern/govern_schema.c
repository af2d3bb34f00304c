/*
 * govern_schema.c - the govern module's tables in the store, as steps the store's
 * registry runs (core/module.h, src/store/store.c).
 */
#include "core/module.h"
#include "govern/scope.h"
#include "govern/govern.h"

/* Schema 3: governance (docs/governance.md).  Who may act (authorities,
 * users, roles), for what (the purposes registry, seeded from the 2013
 * protocol), and exceptional use (authorisations signed by a senior's
 * Ed25519 key; the store keeps public keys only). */
static const char schema_v3[] =
    "CREATE TABLE authority("
    " code TEXT PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK(kind IN ('police','la','occ','dfe','probation','hmci')),"
    " name TEXT NOT NULL,"
    " scope TEXT NOT NULL CHECK(scope IN ('national','areas')),"
    " created_at TEXT NOT NULL);"
    "CREATE TABLE authority_area("
    " authority_code TEXT NOT NULL REFERENCES authority(code),"
    " area_kind TEXT NOT NULL CHECK(area_kind IN ('pfa','la')),"
    " area_code TEXT NOT NULL,"
    " PRIMARY KEY(authority_code, area_kind, area_code));"
    /* Public keys an authority signs with, as known to this store: e.g. the
     * HMCI key that signs extract manifests, registered by a receiver. */
    "CREATE TABLE authority_key("
    " id INTEGER PRIMARY KEY,"
    " authority_code TEXT NOT NULL REFERENCES authority(code),"
    " public_key TEXT NOT NULL UNIQUE,"
    " label TEXT,"
    " added_at TEXT NOT NULL);"
    "CREATE TABLE app_user("
    " name TEXT PRIMARY KEY,"
    " authority_code TEXT NOT NULL REFERENCES authority(code),"
    " role TEXT NOT NULL CHECK(role IN ('analyst','senior','admin')),"
    " public_key TEXT,"
    " default_purpose TEXT,"
    " created_at TEXT NOT NULL,"
    " disabled_at TEXT,"
    " CHECK(role <> 'senior' OR public_key IS NOT NULL));"
    "CREATE TABLE purpose("
    " authority_kind TEXT NOT NULL,"
    " code TEXT NOT NULL,"
    " description TEXT NOT NULL,"
    " PRIMARY KEY(authority_kind, code));"
    "INSERT INTO purpose VALUES"
    " ('police','safeguarding','strategic and operational safeguarding of children living in the homes'),"
    " ('police','community-policing','community policing of the homes and the children living in them'),"
    " ('police','offender-management','managing offenders who pose a risk to children'),"
    " ('police','crime-prevention','preventing crime against children by those who target homes'),"
    " ('police','ofsted-concerns','sharing concerns about a home with Ofsted'),"
    " ('probation','offender-management','managing offenders who pose a risk to children (MAPPA)'),"
    " ('la','safeguarding','safeguarding children and the authority''s statutory duties'),"
    " ('occ','visits','planning the Children''s Commissioner''s visits to homes'),"
    " ('dfe','policy','the distribution and capacity of homes, and policy'),"
    " ('hmci','regulation','registering and inspecting children''s homes'),"
    " ('hmci','disclosure','disclosing the register to receivers under the 2013 protocol');"
    "CREATE TABLE authorisation("
    " id INTEGER PRIMARY KEY,"
    " authority_code TEXT NOT NULL REFERENCES authority(code),"
    " senior TEXT NOT NULL REFERENCES app_user(name),"
    " user_name TEXT NOT NULL REFERENCES app_user(name),"
    " use TEXT NOT NULL, reason TEXT NOT NULL,"
    " issued_at TEXT NOT NULL, expires_at TEXT NOT NULL,"
    " nonce TEXT NOT NULL UNIQUE,"
    " signature TEXT NOT NULL,"
    " used_at TEXT);"
    /* The owner recorded by 'haven init' becomes the first authority. */
    "INSERT INTO authority(code, kind, name, scope, created_at)"
    " SELECT c.value, k.value, n.value,"
    "  CASE WHEN k.value IN ('police','la','probation') THEN 'areas' ELSE 'national' END,"
    "  coalesce((SELECT value FROM meta WHERE key = 'created_at'), '')"
    " FROM meta c, meta k, meta n"
    " WHERE c.key = 'owner_code' AND k.key = 'owner_kind' AND n.key = 'owner_name';"
    "INSERT INTO authority_area(authority_code, area_kind, area_code)"
    " SELECT code, CASE kind WHEN 'police' THEN 'pfa' ELSE 'la' END, code FROM authority"
    " WHERE kind IN ('police','la');";

/* Schema 5: recorded scopes (govern/scope.c).  A scope is recorded once,
 * when first known, and changes only by an admin's 'authority rescope';
 * a boundary load never widens it. */
static const char schema_v5[] = "CREATE TABLE authority_scope("
                                " authority_code TEXT NOT NULL REFERENCES authority(code), la_code TEXT NOT NULL,"
                                " PRIMARY KEY(authority_code, la_code)) WITHOUT ROWID;"
                                "ALTER TABLE authority ADD COLUMN scope_recorded_at TEXT;";

/* Every scope the boundaries already make known is recorded (after the
 * boundaries module's step at 5 has related the areas). */
static haven_status record_scopes(haven_ctx *ctx, const haven_owner *owner)
{
	(void)owner;
	return hv_scope_after_boundaries(ctx);
}

/* After the tables, in the same transaction, hv_govern_init records a
 * probation owner's areas and adds the store's first user. */
static const hv_schema_step steps[] = {{3, schema_v3, hv_govern_init}, {5, schema_v5, record_scopes}};

static haven_status counts(haven_ctx *ctx, haven_table *t)
{
	static const hv_info_item items[] = {
	    {"authorities", "SELECT count(*) FROM authority"},
	    {"users", "SELECT count(*) FROM app_user WHERE disabled_at IS NULL"},
	    {"authorisations", "SELECT count(*) FROM authorisation"},
	};
	return hv_info_counts(ctx, t, "governance", items, sizeof items / sizeof items[0]);
}

const hv_module hv_govern_module = {"govern", steps, sizeof steps / sizeof steps[0], counts};
