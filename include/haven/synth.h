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
 */
#ifndef HAVEN_SYNTH_H
#define HAVEN_SYNTH_H

#include <stdint.h>
#include "haven/context.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct haven_synth_report {
	int64_t rows_read;   /* providers in the Ofsted file */
	int64_t homes;       /* of which registered as children's homes */
	int64_t places;
	int64_t authorities; /* distinct local authorities */
	int64_t postcodes_scanned;
	double seconds;
} haven_synth_report;

/** Read the Ofsted provider list at ofsted_path and write DIR/register.csv
 *  (a new file, mode 0600).  Needs the store's 'la' boundaries and postcode
 *  gazetteer ('district' boundaries, when loaded, name the invented towns).
 * \param out_dir   created (0700) if missing; borrowed
 * \param overwrite 0: an existing DIR/register.csv is refused (HAVEN_ERR_IO);
 *                  1: it is replaced (a symbolic link there too, never its target)
 * \param report    filled on HAVEN_OK; borrowed
 * \return HAVEN_ERR_VALUE (file:row) for an LA name that cannot be matched to
 *         an ONS code, HAVEN_ERR_NOT_FOUND when an LA has no postcode inside. */
haven_status haven_synth_from_ofsted(haven_ctx *ctx, const char *ofsted_path, uint64_t seed, const char *out_dir,
                                     int overwrite, haven_synth_report *report);

#ifdef __cplusplus
}
#endif
#endif
