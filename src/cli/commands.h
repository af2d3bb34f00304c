/*
 * commands.h - the command functions, one per entry of the table in
 * commands.c; each is defined in its cmd_<module>.c.
 */
#ifndef HAVEN_CLI_COMMANDS_H
#define HAVEN_CLI_COMMANDS_H

#include "cli.h"

haven_status cmd_audit_keygen(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_audit_checkpoint(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_audit_verify(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_audit_export(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_boundaries_load(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_boundaries_centres(haven_ctx *ctx, int argc, char **argv); /* LA centres (issue 11) */
haven_status cmd_where(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_request_add(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_request_confirm(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_request_withdraw(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_request_list(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_request_due(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_disclose_extract(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_gazetteer_load(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_stats_import(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_stats_list(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_stats_value(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_geocode(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_geocode_report(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_geocode_set(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_authority_add(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_authority_list(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_authority_rescope(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_authority_key_add(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_authority_key_list(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_user_add(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_user_list(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_user_disable(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_purpose_list(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_authorise(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_transparency(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_complaint_add(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_complaint_list(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_complaint_update(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_erase(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_export(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_map(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_missing_trends(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_missing_outliers(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_missing_scorecard(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_missing_hotspots(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_register_import(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_register_changes(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_register_summary(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_init(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_info(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_key_init(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_missing_import(haven_ctx *ctx, int argc, char **argv);
/* placements (issue 11) */
haven_status cmd_placements_import(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_placements_locations(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_placements_flows(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_placements_capacity(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_missing_linkage(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_synth(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_cluster(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_missing_clusters(haven_ctx *ctx, int argc, char **argv);
/* the space-time permutation scan (cmd_scan.c) */
haven_status cmd_scan(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_missing_scan(haven_ctx *ctx, int argc, char **argv);

/* offender exclusion zones and proposed-address checks (cmd_zones.c) */
haven_status cmd_zones_import(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_zones_check(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_zones_address(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_zones_propose(haven_ctx *ctx, int argc, char **argv);
/* the location risk profile: crime, offenders, the assessment (cmd_location.c) */
haven_status cmd_crime_import(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_offenders_import(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_location_assess(haven_ctx *ctx, int argc, char **argv);

/* alert lists: every open home in an area, for police (cmd_alert.c) */
haven_status cmd_alert_list(haven_ctx *ctx, int argc, char **argv);

#endif
