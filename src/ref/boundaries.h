/*
 * boundaries.h - loading ONS boundaries inside a transaction (boundaries.c).
 * The public haven_boundaries_load (src/govern/reference.c) is the governed
 * operation around it: an admin, one transaction, scopes, the audit entry.
 */
#ifndef HAVEN_REF_BOUNDARIES_H
#define HAVEN_REF_BOUNDARIES_H

#include "core/context.h"
#include "haven/boundaries.h"

/** Replace every area of opts->kind with the first layer of opts->path and
 *  rebuild area_la, inside the caller's write transaction (the caller rolls
 *  back on any error).  Arguments and errors as haven_boundaries_load(). */
haven_status hv_boundaries_load(haven_ctx *ctx, const haven_boundaries_opts *opts, haven_boundaries_report *report);

/* ---- shared with other readers of OGR sources (data/zone.c) ---------- */
/** The name GDAL should open for path: zip archives through /vsizip/, gzip
 *  files through /vsigzip/ (checked to decompress cleanly), anything under
 *  /vsi... as given; a plain path must be a regular file.
 * \param out on HAVEN_OK a new string; caller frees with free(). */
haven_status hv_gdal_name(haven_ctx *ctx, const char *path, char **out);
/** The CRS of an OGR layer (an OGRLayerH of the GDALDatasetH dataset, both
 *  borrowed) as PROJ reads it (*proj_crs, freed with free()) and as a label
 *  for messages; HAVEN_ERR_CRS when the file names none. */
haven_status hv_layer_crs(haven_ctx *ctx, const char *path, void *dataset, void *ogr_layer, char **proj_crs,
                          char *label, size_t nlabel);
/** The polygonal part of g (borrowed) as a new MultiPolygon (caller frees
 *  with GEOSGeom_destroy_r), counting what is not polygonal in *dropped;
 *  NULL if there is none, or on failure: *failed is then 1. */
GEOSGeometry *hv_polygonal_part(GEOSContextHandle_t h, const GEOSGeometry *g, int *dropped, int *failed);
/** If field name f is ONS-style ending in suffix ("CD" or "NM") - AREA<sfx>
 *  or <letters><2 digits><sfx>, any case: AREACD, LAD24CD, ctyua24nm - 1,
 *  and the part before the suffix copied into prefix (when not NULL). */
int hv_ons_field(const char *f, const char *suffix, char *prefix, size_t np);
/** 1 if an ONS field prefix ("LAD24", "CTYUA24") names a kind of area
 *  ("la": CTYUA, UTLA, CTY, UA, CAUTH; "district": LAD, LTLA; ...). */
int hv_ons_prefix_fits_kind(const char *prefix, const char *kind);
#endif
