/*
 * cmd_synth.c - haven synth: a synthetic register from Ofsted's provider list.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

haven_status cmd_synth(haven_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"from-ofsted", required_argument, NULL, 'f'},
	                                     {"seed", required_argument, NULL, 's'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {"force", no_argument, NULL, 'F'},
	                                     {NULL, 0, NULL, 0}};
	const char *from = NULL, *out = NULL;
	uint64_t seed = 1;
	int force = 0, c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 'o': out = optarg; break;
		case 'F': force = 1; break;
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
	haven_status st = cli_open_store(ctx, argv[optind]);
	if (st)
		return st;
	haven_synth_report r;
	if ((st = haven_synth_from_ofsted(ctx, from, seed, out, force, &r)))
		return st;
	printf("synthetic register: %lld children's homes with %lld places in %lld local authorities "
	       "(of %lld providers) -> %s/register.csv\n",
	       (long long)r.homes, (long long)r.places, (long long)r.authorities, (long long)r.rows_read, cli_esc(out));
	printf("  postcodes drawn from %lld live postcodes in the gazetteer, seed %llu, %.2f s\n",
	       (long long)r.postcodes_scanned, (unsigned long long)seed, r.seconds);
	return HAVEN_OK;
}
