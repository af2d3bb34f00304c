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
 * police_episodes.csv and la_episodes.csv, calibrated to them; given DfE's
 * new placements by location and distance, placements.csv, whose homes are
 * chosen so that the geography gives DfE's shares per placing LA.
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

/** Share of DfE's new placements of children looked after given to
 *  children's homes when the options leave it 0: one in eight, the share of
 *  children looked after who live in children's homes (docs/synth.md). */
#define HAVEN_SYNTH_PLACEMENT_SHARE 0.125

/** The placements file to write beside the register (docs/synth.md). */
typedef struct haven_synth_placements {
	const char *dfe_path;     /* DfE's new placements by location and distance; NULL: no file */
	const char *netgain_path; /* DfE's placed inside/outside and net gain by LA; NULL: host LAs by places */
	double share;             /* in (0, 1]; 0: HAVEN_SYNTH_PLACEMENT_SHARE */
} haven_synth_placements;

/** DfE's five categories of a new placement's location (docs/synth.md). */
enum {
	HAVEN_PLACE_INSIDE_UNDER_20,
	HAVEN_PLACE_INSIDE_OVER_20,
	HAVEN_PLACE_OUTSIDE_UNDER_20,
	HAVEN_PLACE_OUTSIDE_OVER_20,
	HAVEN_PLACE_NOT_KNOWN,
	HAVEN_PLACE_NCAT
};

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
	/* The placements file, when asked for (all 0 otherwise). */
	double placement_share; /* the share of DfE's new placements used */
	int placement_first_year, placement_last_year;
	int64_t placement_la_years;                 /* DfE LA-years calibrated to */
	int64_t placement_la_years_suppressed;      /* whose total DfE suppressed: none generated */
	int64_t placements;                         /* rows of placements.csv */
	int64_t placement_children;                 /* distinct child_id */
	int64_t placement_current;                  /* with no end (still placed at the end of the last year) */
	int64_t placement_cat[HAVEN_PLACE_NCAT];    /* generated, by DfE's category */
	int64_t placement_target[HAVEN_PLACE_NCAT]; /* DfE's scaled figures, before any fallback */
	int64_t placement_fallbacks;                /* placements whose category the geography could not give */
	int64_t placement_no_home_las;              /* LAs with no home inside them in some year: placed outside */
	int64_t placement_no_far_las;               /* LAs with no home inside and over 20 miles from any origin */
	int64_t placement_not_known_inside;         /* not-known placements at a home inside the placing LA */
	int64_t placement_linked;                   /* placements of children of the episode files (their child_id) */
	double placement_host_misfit;               /* share of out-of-area placements that would have to move
	                                               host LA to match the net gain targets exactly */
	double seconds;
	int64_t zones; /* synthetic exclusion zones written to DIR/zones.csv */
} haven_synth_report;

/** Read the Ofsted provider list at ofsted_path and write DIR/register.csv
 *  (a new file, mode 0600), and with missing->dfe_path DIR/police_episodes.csv
 *  and DIR/la_episodes.csv (the same way), and with placements->dfe_path
 *  DIR/placements.csv.  Needs the store's 'la' boundaries and postcode
 *  gazetteer ('district' boundaries, when loaded, name the invented towns).
 * \param out_dir   created (0700) if missing; borrowed
 * \param overwrite 0: an existing DIR/register.csv is refused (HAVEN_ERR_IO);
 *                  1: it is replaced (a symbolic link there too, never its target)
 * \param missing   NULL or without dfe_path: no episode files; borrowed
 * \param placements NULL or without dfe_path: no placements file; borrowed
 * \param report    filled on HAVEN_OK; borrowed
 * \return HAVEN_ERR_VALUE (file:row) for an LA name that cannot be matched to
 *         an ONS code or a DfE figure that is not a number or a GSS symbol,
 *         HAVEN_ERR_NOT_FOUND when an LA has no postcode inside,
 *         HAVEN_ERR_USAGE for years outside DfE's file or a share outside (0, 1]. */
haven_status haven_synth_from_ofsted(haven_ctx *ctx, const char *ofsted_path, uint64_t seed, const char *out_dir,
                                     int overwrite, const haven_synth_missing *missing,
                                     const haven_synth_placements *placements, haven_synth_report *report);

#ifdef __cplusplus
}
#endif
#endif
