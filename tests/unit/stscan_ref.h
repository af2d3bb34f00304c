/*
 * stscan_ref.h - the space-time permutation scan computed the slow way,
 * from its definition (docs/scan.md): each centre's locations in order of
 * distance (the centre first, ties by location), every prefix within the
 * radius, every window up to the maximum length (ending on the last day
 * when prospective), observed cases counted from the records and expected
 * cases summed as mu_zd = C_z C_d / C over the cylinder's locations and the
 * window's days.  It shares nothing with src/analysis/stscan.c but the
 * distance.  O(locations^2 x windows x window length x locations): small
 * inputs only.
 */
#ifndef HAVEN_TEST_STSCAN_REF_H
#define HAVEN_TEST_STSCAN_REF_H

#include "analysis/stscan.h"

/** The largest log likelihood ratio over every cylinder and window of in
 *  (its replicates and cluster count are ignored); 0 when none has more
 *  cases than expected. */
double hv_stscan_reference(const hv_stscan_in *in);

#endif
