/*
 * haven/haven.h - umbrella header for libhaven, a geospatial safeguarding
 * analysis engine for receivers of the HMCI children's homes register.
 *
 * Conventions (see docs/ARCHITECTURE.md):
 *  - every call runs inside a haven_ctx (context.h) and returns a
 *    haven_status (status.h); the message is read with haven_errmsg();
 *  - every public function says who owns what it takes and gives;
 *  - all geometry is British National Grid (EPSG:27700), metres.
 */
#ifndef HAVEN_HAVEN_H
#define HAVEN_HAVEN_H

#include "haven/common.h"
#include "haven/status.h"
#include "haven/context.h"
#include "haven/store.h"
#include "haven/table.h"
#include "haven/postcode.h"
#include "haven/geocode.h"
#include "haven/synth.h"
#include "haven/govern.h"
#include "haven/oversight.h"
#include "haven/boundaries.h"
#include "haven/register.h"
#include "haven/gazetteer.h"
#include "haven/stats.h"
#include "haven/audit.h"
#include "haven/disclose.h"
#include "haven/gate.h"
#include "haven/aggregate.h"
#include "haven/export.h"
#include "haven/map.h"
#include "haven/missing.h"
#include "haven/hotspots.h"
#include "haven/trends.h"
#include "haven/cluster.h"
#include "haven/scan.h"
#include "haven/where.h"
#include "haven/placements.h"
#include "haven/zones.h"
#include "haven/location.h"
#include "haven/alert.h"

#endif
