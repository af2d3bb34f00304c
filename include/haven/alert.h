/*
 * haven/alert.h - alerting every home in an area (docs/alert.md): the
 * protocol's own examples of police telling every children's home in an
 * area about men in vehicles approaching its children, or about a known
 * dangerous offender targeting children nearby.  The list holds each open
 * home's name, address, telephone and registered person (the Schedule 5
 * fields the letter or call needs), for police users of the force only; it
 * is sealed, leaves through haven_release (haven/gate.h), audited with the
 * user's purpose and marked OFFICIAL-SENSITIVE.
 */
#ifndef HAVEN_ALERT_H
#define HAVEN_ALERT_H

#include <stdio.h>

#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The largest radius of an alert list around a point, metres. */
#define HAVEN_ALERT_MAX_RADIUS 50000.0

/** The area of an alert list.  Borrowed for the call.  Exactly one of:
 *  postcode or has_point (with radius), area, zone. */
typedef struct haven_alert_opts {
	const char *postcode; /* the centroid of a postcode of the store's gazetteer */
	int has_point;        /* 1: the point e, n (EPSG:27700 metres) */
	double e, n;
	double radius;     /* with postcode or has_point: metres, 1 to HAVEN_ALERT_MAX_RADIUS */
	const char *area;  /* an LA, district or police force area by its GSS code: its polygon */
	const char *zone;  /* a stored zone by its reference (haven zones import): its geometry */
	const char *as_at; /* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" (Europe/London): the homes open on that day,
	                      and for zone the time it must be live at; NULL: the current register, now */
} haven_alert_opts;

/** Every home open at o->as_at (its version valid on the day, its status
 *  not Resigned, Cancelled, Refused, Closed or Deregistered) whose point
 *  lies in the area, in the acting user's scope: one row per home, by URN:
 *  urn, name, address_1, address_2, address_3, town, postcode, telephone,
 *  registered_person, local_authority and distance_m (metres from the
 *  point; empty for an area or zone).  A point on the radius or on the
 *  polygon's edge is in it.  Police users only; anyone else is refused
 *  (HAVEN_ERR_DENIED).  A police user of another force gets no home: the
 *  table is empty and its metadata ("note") says the area lies outside the
 *  force area (also a notice).
 * \param out on HAVEN_OK a new sealed table; release it with haven_release()
 *            and free it with haven_table_free().
 * \return HAVEN_ERR_NOT_FOUND for an unknown area code, zone or postcode,
 *         or a zone not live at o->as_at (valid that day and in one of its
 *         time windows, as haven zones check decides), saying why. */
haven_status haven_alert_list(haven_ctx *ctx, const haven_alert_opts *o, haven_table **out);

/** The formats of an alert list. */
typedef enum haven_alert_format {
	HAVEN_ALERT_TEXT = 0, /* aligned text, the marking above and below */
	HAVEN_ALERT_CSV,      /* RFC 4180, a column protective_marking: for a mail merge */
	HAVEN_ALERT_VCF       /* vCard 4.0 (RFC 6350), one card per home: for a phone list */
} haven_alert_format;

/** Write released table t of haven_alert_list in fmt to path (a new file
 *  of mode 0600 written under a temporary name and put in place; replaced
 *  only with overwrite), or to out when path is NULL.  A vCard per home:
 *  KIND org, FN and ORG the home's name, ADR, TEL, NOTE with the URN, the
 *  registered person and the marking; lines folded at 75 octets, CRLF.
 * \param t, path, out borrowed. */
haven_status haven_alert_write(haven_ctx *ctx, const haven_table *t, haven_alert_format fmt, const char *path,
                               int overwrite, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
