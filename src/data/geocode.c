/*
 * geocode.c - offline geocoding of register homes: UPRN, postcode, sector.
 *
 * The hot loop does one gazetteer lookup (indexed) and a handful of
 * point-in-polygon tests through GEOS STRtrees of prepared geometries
 * (areas.c), so a national register of ~4,000 homes places in well under a
 * second.  See include/haven/geocode.h for the methods and confidences.
 */
#include <string.h>
#include <time.h>

#include "ref/areas.h"
#include "core/crs.h"
#include "core/table.h"
#include "data/homes.h"
#include "govern/govern.h"
#include "ref/gazetteer.h"
#include "haven/geocode.h"
#include "haven/postcode.h"
#include "core/sql.h"
#include "core/table.h"

#define COAST_TOLERANCE_M 200.0 /* generalised (BGC, 20 m) coastlines */
#define NEAREST_AREA_M 1000.0   /* for district/PFA/region of a coastal point */

/* The four boundary sets a point is placed in.  Only 'la' is required. */
typedef struct placer {
	hv_areas *la, *district, *pfa, *region;
} placer;

static void placer_free(placer *p)
{
	hv_areas_free(p->la);
	hv_areas_free(p->district);
	hv_areas_free(p->pfa);
	hv_areas_free(p->region);
}

static haven_status placer_load(haven_ctx *ctx, placer *p)
{
	memset(p, 0, sizeof *p);
	haven_status rc = hv_areas_load(ctx, "la", &p->la);
	if (rc)
		return rc;
	/* The others are optional: a store may hold only LA boundaries. */
	hv_areas **opt[] = {&p->district, &p->pfa, &p->region};
	const char *kinds[] = {"district", "pfa", "region"};
	for (int i = 0; i < 3; i++) {
		rc = hv_areas_load(ctx, kinds[i], opt[i]);
		if (rc == HAVEN_ERR_NOT_FOUND)
			rc = HAVEN_OK;
		if (rc) {
			placer_free(p);
			return rc;
		}
	}
	hv_clear(ctx);
	return HAVEN_OK;
}

/* Code of the area of a covering (e, n), or of the nearest within
 * NEAREST_AREA_M; NULL if none or a is NULL. */
static const char *area_at(hv_areas *a, double e, double n)
{
	if (!a)
		return NULL;
	long i = hv_areas_find(a, e, n);
	if (i < 0) {
		double d;
		i = hv_areas_nearest(a, e, n, NEAREST_AREA_M, &d);
	}
	return i >= 0 ? hv_areas_code(a, i) : NULL;
}

typedef struct placement {
	const char *la_check; /* ok, mismatch, outside */
	const char *la_found, *district, *pfa, *region;
} placement;

/* Cross-check (e, n) against the register's LA and find its other areas. */
static void place(placer *p, const char *la_code, double e, double n, placement *out)
{
	long want = hv_areas_index(p->la, la_code);
	long got = hv_areas_find(p->la, e, n);
	out->la_found = got >= 0 ? hv_areas_code(p->la, got) : NULL;
	if (want >= 0 && got == want) {
		out->la_check = "ok";
	} else if (got >= 0) {
		out->la_check = "mismatch";
	} else {
		double d;
		long near = hv_areas_nearest(p->la, e, n, COAST_TOLERANCE_M, &d);
		out->la_found = near >= 0 ? hv_areas_code(p->la, near) : NULL;
		out->la_check = near >= 0 && near == want ? "ok" : near >= 0 ? "mismatch" : "outside";
	}
	out->district = area_at(p->district, e, n);
	out->pfa = area_at(p->pfa, e, n);
	out->region = area_at(p->region, e, n);
}

/* UPDATE of one version's location columns; ?1 id, ?2 method, ?3 confidence,
 * ?4 key, ?5 check, ?6 la_found, ?7 district, ?8 pfa, ?9 region, ?10 note,
 * ?11 at, ?12 e, ?13 n (NULL e/n: no point). */
static const char update_sql[] =
    "UPDATE home_version SET geo_method = ?2, geo_confidence = ?3, geo_key = ?4, geo_la_check = ?5,"
    " geo_la_found = ?6, geo_district = ?7, geo_pfa = ?8, geo_region = ?9, geo_note = ?10, geo_at = ?11,"
    " geom = CASE WHEN ?12 IS NULL THEN NULL ELSE MakePoint(?12, ?13, 27700) END"
    " WHERE id = ?1";

static haven_status write_location(haven_ctx *ctx, sqlite3_stmt *up, int64_t id, const char *method, double conf,
                                   const char *key, const placement *pl, const char *note, const char *at,
                                   const double *e, const double *n)
{
	sqlite3_reset(up);
	sqlite3_clear_bindings(up);
	sqlite3_bind_int64(up, 1, id);
	sqlite3_bind_text(up, 2, method, -1, SQLITE_STATIC);
	sqlite3_bind_double(up, 3, conf);
	hv_bind_text_or_null(up, 4, key);
	if (pl) {
		hv_bind_text_or_null(up, 5, pl->la_check);
		hv_bind_text_or_null(up, 6, pl->la_found);
		hv_bind_text_or_null(up, 7, pl->district);
		hv_bind_text_or_null(up, 8, pl->pfa);
		hv_bind_text_or_null(up, 9, pl->region);
	}
	hv_bind_text_or_null(up, 10, note);
	sqlite3_bind_text(up, 11, at, -1, SQLITE_STATIC);
	if (e && n) {
		sqlite3_bind_double(up, 12, *e);
		sqlite3_bind_double(up, 13, *n);
	}
	if (sqlite3_step(up) != SQLITE_DONE)
		return hv_error_sql(ctx, "writing a home's location");
	return HAVEN_OK;
}

haven_status haven_geocode_run(haven_ctx *ctx, int redo, haven_geocode_report *rep)
{
	hv_clear(ctx);
	memset(rep, 0, sizeof *rep);
	double t0 = hv_monotonic();
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc)
		return rc;
	placer p;
	if ((rc = placer_load(ctx, &p)))
		return rc;
	hv_gazetteer *g = NULL;
	hv_scope *scope = NULL;
	sqlite3_stmt *sel = NULL, *up = NULL;
	char object[160] = "";
	if ((rc = hv_gazetteer_open(ctx, &g)) || (rc = hv_scope_actor(ctx, &scope)))
		goto out;
	if ((rc = hv_op_begin(ctx, &op, HV_OP_ACTOR | HV_OP_WRITE)) || (rc = hv_homes_view(ctx, NULL, scope)))
		goto out;
	/* The homes the user may see: a user of another authority in the store
	 * places only those of their own area. */
	rc = hv_prepare(ctx,
	                "SELECT id, urn, postcode, uprn, la_code, geo_method FROM temp.homes"
	                " WHERE geo_method IS NULL OR (?1 AND geo_method <> 'manual') ORDER BY urn",
	                &sel);
	if (!rc)
		rc = hv_prepare(ctx, update_sql, &up);
	if (rc)
		goto out;
	sqlite3_bind_int(sel, 1, redo ? 1 : 0);
	char at[21];
	hv_format_time(hv_now(ctx), at);
	int s;
	while ((s = sqlite3_step(sel)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(sel, 0);
		const char *pc = (const char *)sqlite3_column_text(sel, 2);
		const char *la = (const char *)sqlite3_column_text(sel, 4);
		double e = 0, n = 0;
		const char *method = "unmatched";
		double conf = 0.0;
		char key[24] = "";
		int found = 0;
		rep->homes++;
		if (sqlite3_column_type(sel, 3) != SQLITE_NULL) {
			int64_t uprn = sqlite3_column_int64(sel, 3);
			if ((rc = hv_gazetteer_uprn(g, uprn, &found, &e, &n)))
				goto out;
			if (found) {
				method = "uprn", conf = 1.0;
				snprintf(key, sizeof key, "%lld", (long long)uprn);
			}
		}
		if (!found) {
			hv_gz_match m;
			if ((rc = hv_gazetteer_postcode(g, pc, &m, &e, &n)))
				goto out;
			if (m == HV_GZ_LIVE || m == HV_GZ_TERMINATED) {
				found = 1;
				method = m == HV_GZ_LIVE ? "postcode" : "postcode_terminated";
				conf = m == HV_GZ_LIVE ? 0.9 : 0.7;
				snprintf(key, sizeof key, "%s", pc);
			}
		}
		if (!found) {
			char sector[7];
			haven_postcode_sector(pc, sector);
			if ((rc = hv_gazetteer_sector(g, sector, &found, &e, &n)))
				goto out;
			if (found) {
				method = "sector", conf = 0.4;
				snprintf(key, sizeof key, "%s", sector);
			}
		}
		placement pl = {0};
		if (found) {
			place(&p, la, e, n, &pl);
			if (strcmp(pl.la_check, "ok") == 0)
				rep->la_ok++;
			else if (strcmp(pl.la_check, "mismatch") == 0)
				rep->la_mismatch++;
			else
				rep->la_outside++;
		}
		if (!strcmp(method, "uprn"))
			rep->uprn++;
		else if (!strcmp(method, "postcode"))
			rep->postcode++;
		else if (!strcmp(method, "postcode_terminated"))
			rep->postcode_terminated++;
		else if (!strcmp(method, "sector"))
			rep->sector++;
		else
			rep->unmatched++;
		rc = write_location(ctx, up, id, method, conf, found ? key : NULL, found ? &pl : NULL, NULL, at,
		                    found ? &e : NULL, found ? &n : NULL);
		if (rc)
			goto out;
	}
	if (s != SQLITE_DONE) {
		rc = hv_error_sql(ctx, "reading homes to geocode");
		goto out;
	}
	rc = hv_query_int(ctx, "SELECT count(*) FROM temp.homes WHERE geo_method = 'manual'", &rep->manual_kept);
	if (!rc && rep->homes > 0)
		snprintf(object, sizeof object,
		         "home_version: locations of %lld homes from the gazetteer and boundaries (%s)",
		         (long long)rep->homes, redo ? "all again" : "those without one");
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(up);
	rc = hv_op_end(ctx, &op, rc, HV_AUDIT_COMBINATION, *object ? object : NULL, rep->homes, NULL);
	hv_scope_free(scope);
	hv_gazetteer_close(g);
	placer_free(&p);
	rep->seconds = hv_monotonic() - t0;
	return rc;
}

haven_status haven_geocode_set(haven_ctx *ctx, const char *urn, double e, double n, const char *reason)
{
	hv_clear(ctx);
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc)
		return rc;
	if (!reason || !*reason)
		return hv_error(ctx, HAVEN_ERR_USAGE, "a manual placement needs a reason (--reason TEXT)");
	if (!hv_bng_in_extent(e, n))
		return hv_error(
		    ctx, HAVEN_ERR_CRS,
		    "point (%.1f, %.1f) is not in Great Britain in EPSG:27700 (easting, northing in metres)", e, n);
	char home_la[16];
	if ((rc = hv_homes_la(ctx, urn, home_la, sizeof home_la)))
		return rc;
	if (!*home_la)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND, "no current home with URN %s", urn);
	hv_scope *scope = NULL;
	if ((rc = hv_scope_actor(ctx, &scope)))
		return rc;
	rc = hv_homes_view(ctx, NULL, scope);
	hv_scope_free(scope);
	sqlite3_stmt *sel;
	if (rc || (rc = hv_prepare(ctx, "SELECT id, la_code FROM temp.homes WHERE urn = ?", &sel)))
		return rc;
	sqlite3_bind_text(sel, 1, urn, -1, SQLITE_STATIC);
	if (sqlite3_step(sel) != SQLITE_ROW) {
		sqlite3_finalize(sel);
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND, "no current home with URN %s in your scope", urn);
	}
	int64_t id = sqlite3_column_int64(sel, 0);
	char la[16];
	snprintf(la, sizeof la, "%s", (const char *)sqlite3_column_text(sel, 1));
	sqlite3_finalize(sel);

	placer p;
	if ((rc = placer_load(ctx, &p)))
		return rc;
	placement pl;
	place(&p, la, e, n, &pl);
	char at[21];
	hv_format_time(hv_now(ctx), at);
	sqlite3_stmt *up = NULL;
	char object[128];
	snprintf(object, sizeof object, "home_version: location of home %s set by hand", urn);
	rc = hv_op_begin(ctx, &op, HV_OP_ACTOR | HV_OP_WRITE);
	if (!rc)
		rc = hv_prepare(ctx, update_sql, &up);
	if (!rc)
		rc = write_location(ctx, up, id, "manual", 1.0, NULL, &pl, reason, at, &e, &n);
	sqlite3_finalize(up);
	rc = hv_op_end(ctx, &op, rc, HV_AUDIT_ALTERATION, object, 1, NULL);
	if (!rc && strcmp(pl.la_check, "mismatch") == 0)
		hv_notice(ctx, "note: the point is in %s, not in the home's local authority %s", pl.la_found, la);
	else if (!rc && strcmp(pl.la_check, "outside") == 0)
		hv_notice(ctx, "note: the point is outside every LA boundary (the home's local authority is %s)", la);
	placer_free(&p);
	return rc;
}

haven_status haven_geocode_issues(haven_ctx *ctx, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	hv_scope *scope = NULL;
	if (!rc && !(rc = hv_scope_actor(ctx, &scope)))
		rc = hv_homes_view(ctx, NULL, scope);
	hv_scope_free(scope);
	sqlite3_stmt *st;
	if (rc ||
	    (rc = hv_prepare(ctx,
	                     "SELECT urn, name, postcode, la_code, coalesce(geo_method, 'not_run') AS method,"
	                     " geo_confidence AS confidence, geo_la_check AS la_check, geo_la_found AS la_found,"
	                     " CASE WHEN geo_method IS NULL THEN 'not geocoded yet: run haven geocode'"
	                     "  WHEN geo_method = 'unmatched' THEN 'unmatched: postcode and sector unknown'"
	                     "  WHEN geo_la_check = 'mismatch' THEN 'placed in ' || geo_la_found || ', register"
	                     " says ' || la_code"
	                     "  WHEN geo_la_check = 'outside' THEN 'placed outside every LA boundary'"
	                     "  ELSE 'approximate: postcode sector centroid' END AS issue"
	                     " FROM temp.homes WHERE geo_method IS NULL"
	                     "  OR geo_method IN ('unmatched', 'sector') OR geo_la_check IN ('mismatch', 'outside')"
	                     " ORDER BY la_code, urn",
	                     &st)))
		return rc;
	rc = hv_table_listing(ctx, "Homes to check", st,
	                      "urn=home name=text postcode=text la_code=area:la method=label confidence=label "
	                      "la_check=label la_found=label issue=text",
	                      "home_version: geocoding report", out);
	sqlite3_finalize(st);
	return rc;
}
