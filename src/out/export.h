/*
 * export.h - what exports (export.c) give the rest of the out layer;
 * haven_export_write() itself is in haven/export.h.
 */
#ifndef HAVEN_OUT_EXPORT_H
#define HAVEN_OUT_EXPORT_H

#include "core/context.h"
#include "haven/export.h"

/** Whether o can be written, as far as can be told before there is a
 *  table: the format, the destination, the layer, CRS and level, and an
 *  existing file (or sidecar) without o->overwrite.  Errors as
 *  haven_export_write().  So that a command refuses before it releases
 *  anything (a release is audited). */
haven_status hv_export_check(haven_ctx *ctx, const haven_export_opts *o);

#endif
