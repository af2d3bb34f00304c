/*
 * measures.c - the registry of measures: one row per measure.
 *
 * Names are stable identifiers a script can rely on; never rename one.  A
 * measure's role is its disclosure class: counts of homes and places are
 * published by Ofsted per local authority, counts of children are
 * suppressed when small, rates follow their numerator (src/gate/control.c).
 */
#include <string.h>

#include "analysis/measures.h"
#include "core/context.h"

#define HOMES(name, filter, what)                                                                                      \
	{                                                                                                              \
		name, "homes", "count:homes", what, "", HV_M_HOMES, filter, NULL, NULL, 0, NULL                        \
	}
#define PLACES(name, filter, what)                                                                                     \
	{                                                                                                              \
		name, "places", "count:places", what, "", HV_M_PLACES, filter, NULL, NULL, 0, NULL                     \
	}

/* DfE's children looked after at 31 March, with the under-18 population
 * it publishes beside them (docs/stats.md). */
static const char *const at_31_march[] = {"population_type=Children looked after on 31 March each year", NULL};
static const hv_statistic cla = {"dfe_cla_number_and_rate_per_10k_by_la", "children_count", at_31_march};
static const hv_statistic under_18 = {"dfe_cla_number_and_rate_per_10k_by_la", "population_estimate", at_31_march};

static const hv_measure registry[] = {
    {"homes", "homes", "count:homes", "children's homes on the register on the as-at date", "", HV_M_HOMES, NULL, NULL,
     NULL, 0, "homes_private homes_local_authority homes_voluntary homes_health_authority"},
    {"places", "places", "count:places", "their registered places", "", HV_M_PLACES, NULL, NULL, NULL, 0,
     "places_private places_local_authority places_voluntary places_health_authority"},
    HOMES("homes_private", "sector=Private", "homes of the private sector"),
    HOMES("homes_local_authority", "sector=Local Authority", "homes run by a local authority"),
    HOMES("homes_voluntary", "sector=Voluntary", "homes of the voluntary sector"),
    HOMES("homes_health_authority", "sector=Health Authority", "homes run by a health authority"),
    PLACES("places_private", "sector=Private", "places in private homes"),
    PLACES("places_local_authority", "sector=Local Authority", "places in local authority homes"),
    PLACES("places_voluntary", "sector=Voluntary", "places in voluntary homes"),
    PLACES("places_health_authority", "sector=Health Authority", "places in health authority homes"),
    HOMES("homes_active", "status=Active", "homes whose registration is active"),
    HOMES("homes_suspended", "status=Suspended", "homes whose registration is suspended"),
    {"homes_with_enforcement", "homes", "count:homes", "homes with an enforcement action dated in the period", "",
     HV_M_ENFORCEMENT, NULL, NULL, NULL, 0, NULL},
    {"registrations", "homes", "count:homes", "homes first registered in the period (their registration date)", "",
     HV_M_REGISTERED, NULL, NULL, NULL, 0, NULL},
    {"closures", "homes", "count:homes",
     "homes closed or deregistered in the register snapshots received in the period", "", HV_M_CLOSED, NULL, NULL, NULL,
     0, NULL},
    {"children_looked_after", "children", "count:published",
     "children looked after by the local authority on 31 March of the as-at year (DfE)", "", HV_M_STAT, NULL, NULL,
     &cla, 0, NULL},
    {"places_per_10k_children", "places per 10,000 children", "rate:places",
     "places / children under 18 living in the area x 10,000", "children under 18 (ONS mid-year estimate, DfE)",
     HV_M_RATE, NULL, "places", &under_18, 10000, NULL},
    {"places_per_100_cla", "places per 100 children looked after", "rate:places",
     "places in the area's homes / children the local authority looks after x 100: capacity against the LA's "
     "own need",
     "children looked after on 31 March (DfE)", HV_M_RATE, NULL, "places", &cla, 100, NULL},
    {"missing_episodes", "episodes", "count:episodes",
     "episodes of children missing from care that began in the period at the area's homes", "", HV_M_MISSING,
     "episodes", NULL, NULL, 0, NULL},
    {"missing_children", "children", "count:distinct",
     "children missing from the area's homes in the period, each counted once", "", HV_M_MISSING, "children", NULL,
     NULL, 0, NULL},
    {"missing_children_repeat", "children", "count:distinct",
     "children missing from the area's homes more than once in the period", "", HV_M_MISSING, "repeat", NULL, NULL, 0,
     NULL},
    {"missing_episodes_per_100_places", "episodes per 100 places", "rate:missing_episodes",
     "missing_episodes / the registered places of the area's homes on the as-at date x 100", "places on the as-at date",
     HV_M_MISSING, "per_100_places", "missing_episodes", NULL, 100, NULL},
    {"missing_ri_held_pct", "percent of returned episodes", "rate:missing_episodes",
     "episodes after which a return interview was held / episodes ended by the child's return x 100",
     "episodes returned in the period", HV_M_MISSING, "ri_held_pct", "missing_episodes", NULL, 100, NULL},
    {"flows", "placements", "count:episodes",
     "placements from the placing LA to the LA of the home, with distinct children, as lines between the LAs' "
     "centres, with both margins (exported and mapped on their own, --geography la)",
     "", HV_M_FLOWS, NULL, NULL, NULL, 0, NULL},
    {"placements_locations", "placements", "count:children",
     "DfE's location of placements by placing LA: inside_under_20, inside_over_20, outside_under_20, "
     "outside_over_20, not_known and total, as 'haven placements locations --by la' (exported on its own)",
     "", HV_M_PLACEMENTS, "locations", NULL, NULL, 0, NULL},
    {"placements_capacity", "children", "count:children",
     "capacity and sufficiency per LA as at the day: homes, places, children_placed_in (by other LAs), "
     "children_placed, placed_own_area, placed_elsewhere, places_per_child, as 'haven placements capacity' "
     "(exported on its own)",
     "places / children placed", HV_M_PLACEMENTS, "capacity", NULL, NULL, 0, NULL},
};
#define NREGISTRY (sizeof registry / sizeof registry[0])

const hv_measure *hv_measures(size_t *n)
{
	*n = NREGISTRY;
	return registry;
}

const hv_measure *hv_measure_find(const char *name)
{
	for (size_t i = 0; name && i < NREGISTRY; i++)
		if (strcmp(registry[i].name, name) == 0)
			return &registry[i];
	return NULL;
}

haven_status haven_measures(haven_ctx *ctx, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	static const char *const names[] = {"name", "unit", "class", "computed", "denominator", "geographies"};
	haven_table *t;
	haven_status rc = hv_table_new(ctx, "Measures", HV_TABLE_PUBLIC, 6, names, &t);
	for (size_t i = 0; !rc && i < NREGISTRY; i++) {
		const hv_measure *m = &registry[i];
		/* Statistics are published per LA, region and England; closures
		 * are counted per area, not on a grid. */
		const char *where = m->kind == HV_M_FLOWS                          ? "la"
		                    : m->kind == HV_M_PLACEMENTS                   ? "la region england"
		                    : m->kind == HV_M_STAT || m->kind == HV_M_RATE ? "la region england"
		                    : m->kind == HV_M_CLOSED || m->kind == HV_M_MISSING
		                        ? "la district pfa region england"
		                        : "la district pfa region england grid";
		const char *cells[] = {m->name, m->unit, m->role, m->computed, m->denominator, where};
		if (!(rc = hv_table_add_row(ctx, t)))
			for (int c = 0; !rc && c < 6; c++)
				rc = hv_table_set_text(ctx, t, c, cells[c]);
	}
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	*out = t;
	return HAVEN_OK;
}
