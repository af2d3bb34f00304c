/*
 * cmd_synth.c - haven synth: a synthetic register from Ofsted's provider list,
 * and with DfE's missing-from-care figures, police and LA episode files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

/* "2023" or "2019-2023" into *a and *b; 1 on success. */
static int parse_years(const char *s, int *a, int *b)
{
	uint64_t x, y;
	char first[8];
	const char *dash = strchr(s, '-');
	if (!dash)
		return cli_parse_uint(s, 9999, &x) && (*a = *b = (int)x, 1);
	if ((size_t)(dash - s) >= sizeof first)
		return 0;
	memcpy(first, s, (size_t)(dash - s));
	first[dash - s] = '\0';
	if (!cli_parse_uint(first, 9999, &x) || !cli_parse_uint(dash + 1, 9999, &y))
		return 0;
	*a = (int)x;
	*b = (int)y;
	return 1;
}

/* A share above 0 and at most 1 into *out; 0 (said on stderr) if not. */
static int parse_share(const char *s, const char *opt, double *out)
{
	char *end;
	errno = 0;
	*out = strtod(s, &end);
	if (errno || end == s || *end || !(*out > 0 && *out <= 1)) {
		fprintf(stderr, "haven synth: --%s wants a number above 0 and at most 1, not '%s'\n", opt, cli_esc(s));
		return 0;
	}
	return 1;
}

haven_status cmd_synth(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"from-ofsted", required_argument, NULL, 'f'},
	                                     {"seed", required_argument, NULL, 's'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {"force", no_argument, NULL, 'F'},
	                                     {"missing-from-dfe", required_argument, NULL, 'm'},
	                                     {"missing-years", required_argument, NULL, 'y'},
	                                     {"missing-share", required_argument, NULL, 'S'},
	                                     {"placements-from-dfe", required_argument, NULL, 'p'},
	                                     {"placements-netgain", required_argument, NULL, 'g'},
	                                     {"placements-share", required_argument, NULL, 'P'},
	                                     {NULL, 0, NULL, 0}};
	const char *from = NULL, *out = NULL;
	haven_synth_missing m = {0};
	haven_synth_placements pl = {0};
	uint64_t seed = 1;
	int force = 0, c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 'o': out = optarg; break;
		case 'F': force = 1; break;
		case 'm': m.dfe_path = optarg; break;
		case 'y':
			if (!parse_years(optarg, &m.first_year, &m.last_year)) {
				fprintf(stderr, "haven synth: --missing-years wants YYYY or YYYY-YYYY, not '%s'\n",
				        cli_esc(optarg));
				return HAVEN_ERR_USAGE;
			}
			break;
		case 'S':
			if (!parse_share(optarg, "missing-share", &m.share))
				return HAVEN_ERR_USAGE;
			break;
		case 'p': pl.dfe_path = optarg; break;
		case 'g': pl.netgain_path = optarg; break;
		case 'P':
			if (!parse_share(optarg, "placements-share", &pl.share))
				return HAVEN_ERR_USAGE;
			break;
		case 's':
			if (!cli_parse_uint(optarg, UINT64_MAX, &seed)) {
				fprintf(stderr, "haven synth: --seed wants a whole number from 0 to %llu, not '%s'\n",
				        (unsigned long long)UINT64_MAX, cli_esc(optarg));
				return HAVEN_ERR_USAGE;
			}
			break;
		default: return cli_usage();
		}
	}
	if (cli_positional(argc, 1) || !from || !out)
		return cli_usage();
	if (!m.dfe_path && (m.first_year || m.share > 0)) {
		fprintf(stderr, "haven synth: --missing-years and --missing-share need --missing-from-dfe FILE\n");
		return HAVEN_ERR_USAGE;
	}
	if (!pl.dfe_path && (pl.netgain_path || pl.share > 0)) {
		fprintf(stderr,
		        "haven synth: --placements-netgain and --placements-share need --placements-from-dfe FILE\n");
		return HAVEN_ERR_USAGE;
	}
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	haven_synth_report r;
	if ((st = haven_synth_from_ofsted(ctx, from, seed, out, force, &m, &pl, &r)))
		return st;
	printf("synthetic register: %lld children's homes with %lld places in %lld local authorities "
	       "(of %lld providers) -> %s/register.csv\n",
	       (long long)r.homes, (long long)r.places, (long long)r.authorities, (long long)r.rows_read, cli_esc(out));
	printf("  postcodes drawn from %lld live postcodes in the gazetteer, seed %llu\n",
	       (long long)r.postcodes_scanned, (unsigned long long)seed);
	if (m.dfe_path) {
		printf("missing from care, years ending March %d-%d: children's homes' share of DfE's figures %.2f\n",
		       r.first_year, r.last_year, r.missing_share);
		printf("  %lld episodes of %lld children (%lld missing more than once) placed by %lld LA-years "
		       "(%lld LA-years suppressed by DfE: none generated)\n",
		       (long long)r.episodes, (long long)r.children, (long long)r.repeat_children,
		       (long long)r.la_years, (long long)r.la_years_suppressed);
		double e = r.episodes ? (double)r.episodes : 1;
		printf("  recorded by both %lld, the police only %lld, the LA only %lld; back within 24 h %.1f%%, "
		       "still missing %lld; at a home outside the placing LA %.1f%%\n",
		       (long long)r.both, (long long)r.police_only, (long long)r.la_only,
		       100.0 * (double)r.within_24h / e, (long long)r.still_missing, 100.0 * (double)r.out_of_area / e);
		printf("  -> %s/police_episodes.csv (%lld rows), %s/la_episodes.csv (%lld rows)\n", cli_esc(out),
		       (long long)r.police_rows, cli_esc(out), (long long)r.la_rows);
	}
	printf(
	    "offender exclusion zones: %lld (points with a radius and polygons, some time-windowed) -> %s/zones.csv\n",
	    (long long)r.zones, cli_esc(out));
	if (pl.dfe_path) {
		int64_t *k = r.placement_cat, *t = r.placement_target;
		double n = r.placements ? (double)r.placements : 1;
		printf("new placements, years ending March %d-%d: children's homes' share of DfE's figures %.3f\n",
		       r.placement_first_year, r.placement_last_year, r.placement_share);
		printf("  %lld placements of %lld children by %lld LA-years (%lld LA-years suppressed by DfE: none "
		       "generated); %lld still placed at the end\n",
		       (long long)r.placements, (long long)r.placement_children, (long long)r.placement_la_years,
		       (long long)r.placement_la_years_suppressed, (long long)r.placement_current);
		printf(
		    "  inside the placing LA under 20 miles %.1f%%, over 20 %.1f%%; outside under 20 %.1f%%, over 20 "
		    "%.1f%%; not known %.1f%%\n",
		    100.0 * (double)k[0] / n, 100.0 * (double)k[1] / n, 100.0 * (double)k[2] / n,
		    100.0 * (double)k[3] / n, 100.0 * (double)k[4] / n);
		printf(
		    "  DfE's scaled figures %lld / %lld / %lld / %lld / %lld; %lld placements given another category "
		    "where the geography has no such home (%lld LAs with no home inside them, %lld with none inside "
		    "over 20 miles from an origin)\n",
		    (long long)t[0], (long long)t[1], (long long)t[2], (long long)t[3], (long long)t[4],
		    (long long)r.placement_fallbacks, (long long)r.placement_no_home_las,
		    (long long)r.placement_no_far_las);
		printf("  origins: a postcode district of the placing LA (centroid of the gazetteer's postcodes); "
		       "empty exactly for DfE's 'not known' (%lld of them at a home inside the placing LA)\n",
		       (long long)r.placement_not_known_inside);
		if (pl.netgain_path)
			printf(
			    "  host LAs fitted to DfE's net gain: %.1f%% of out-of-area placements off their host LA's "
			    "target\n",
			    100.0 * r.placement_host_misfit);
		else
			printf("  host LAs by places (no net gain file)\n");
		if (m.dfe_path)
			printf("  %lld placements are of children of the episode files (the same child_id, home and "
			       "dates around their episodes there)\n",
			       (long long)r.placement_linked);
		printf("  -> %s/placements.csv (%lld rows)\n", cli_esc(out), (long long)r.placements);
	}
	printf("  %.2f s\n", r.seconds);
	return HAVEN_OK;
}
