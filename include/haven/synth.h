/*
 * haven/synth.h - synthetic register disclosures built from real open data.
 *
 * Ofsted publishes its provider list with the name, address and postcode of
 * every children's home REDACTED: exactly the fields the 2013 protocol
 * governs.  haven_synth_from_ofsted() turns that list into a register
 * disclosure in haven's format (docs/formats.md): every published field is
 * kept as published; only the redacted and unpublished ones (name, address,
 * postcode, telephone, registered person's address, responsible individual)
 * are invented and the row is marked synthetic.  Each invented postcode is a
 * real live postcode from the store's gazetteer whose centroid lies inside
 * the home's local authority polygon.  The same inputs and seed give the same
 * file, byte for byte.
 *
 * Given DfE's figures of children missing from care by local authority
 * (docs/synth.md), it also writes the police and local-authority episode
 * files of those homes (docs/formats.md, "Missing episode file"),
 * police_episodes.csv and la_episodes.csv, calibrated to them.
 */
#ifndef HAVEN_SYNTH_H
#define HAVEN_SYNTH_H

#include <stdint.h>
#include "haven/context.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Share of DfE's missing-from-care figures given to children's homes when
 *  the options leave it 0 (the reasons: docs/synth.md). */
#define HAVEN_SYNTH_MISSING_SHARE 0.35

/** What episode files to write beside the register. */
typedef struct haven_synth_missing {
	const char *dfe_path; /* DfE's missing-or-away file by LA; NULL: no episode files */
	int first_year;       /* years ending 31 March; 0: 2019 */
	int last_year;        /* 0: 2023 */
	double share;         /* in (0, 1]; 0: HAVEN_SYNTH_MISSING_SHARE */
} haven_synth_missing;

typedef struct haven_synth_report {
	int64_t rows_read; /* providers in the Ofsted file */
	int64_t homes;     /* of which registered as children's homes */
	int64_t places;
	int64_t authorities; /* distinct local authorities */
	int64_t postcodes_scanned;
	/* The episode files, when asked for (all 0 otherwise). */
	double missing_share;         /* the share of DfE's figures used */
	int first_year, last_year;    /* years ending 31 March */
	int64_t la_years;             /* DfE LA-years calibrated to */
	int64_t la_years_suppressed;  /* LA-years whose incidents DfE suppressed ('c'): none generated */
	int64_t episodes;             /* generated: = scaled DfE incidents of the LA-years used */
	int64_t children;             /* children with an episode, summed over years */
	int64_t repeat_children;      /* of whom missing more than once */
	int64_t police_rows, la_rows; /* rows of police_episodes.csv and la_episodes.csv */
	int64_t both, police_only, la_only;
	int64_t still_missing; /* episodes with no return by the end of the last year */
	int64_t out_of_area;   /* episodes at a home outside the placing LA */
	int64_t within_24h;    /* episodes that ended within 24 hours */
	double seconds;
	int64_t zones; /* synthetic exclusion zones written to DIR/zones.csv */
} haven_synth_report;

/** Read the Ofsted provider list at ofsted_path and write DIR/register.csv
 *  (a new file, mode 0600), and with missing->dfe_path DIR/police_episodes.csv
 *  and DIR/la_episodes.csv (the same way).  Needs the store's 'la' boundaries and postcode
 *  gazetteer ('district' boundaries, when loaded, name the invented towns).
 * \param out_dir   created (0700) if missing; borrowed
 * \param overwrite 0: an existing DIR/register.csv is refused (HAVEN_ERR_IO);
 *                  1: it is replaced (a symbolic link there too, never its target)
 * \param missing   NULL or without dfe_path: the register only; borrowed
 * \param report    filled on HAVEN_OK; borrowed
 * \return HAVEN_ERR_VALUE (file:row) for an LA name that cannot be matched to
 *         an ONS code or a DfE figure that is not a number or a GSS symbol,
 *         HAVEN_ERR_NOT_FOUND when an LA has no postcode inside,
 *         HAVEN_ERR_USAGE for years outside DfE's file or a share outside (0, 1]. */
haven_status haven_synth_from_ofsted(haven_ctx *ctx, const char *ofsted_path, uint64_t seed, const char *out_dir,
                                     int overwrite, const haven_synth_missing *missing, haven_synth_report *report);

#ifdef __cplusplus
}
#endif
#endif
