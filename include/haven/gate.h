/*
 * haven/gate.h - the disclosure gate: the one way a result table is opened.
 *
 * Every table haven makes is sealed (haven/table.h).  haven_release() is
 * the only thing that unseals one.  For a table of disclosed data it
 * requires an acting user with a valid purpose (haven_act), keeps only the
 * rows whose every area, home and geometry lies in the audience's scope,
 * refuses record-level columns to an audience that may have aggregates
 * only, applies disclosure control to count columns, records the
 * consultation in the audit log (committed before a cell can be read), and
 * marks the table OFFICIAL-SENSITIVE.  A table that holds no disclosed data
 * was made as such by the library (a list of purposes, a boundary lookup)
 * and is released without any of that.  The contract, with the test of
 * each promise: docs/disclosure.md ("The gate").
 */
#ifndef HAVEN_GATE_H
#define HAVEN_GATE_H

#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Who a released table is for. */
typedef enum haven_audience {
	/** The acting user, who reads it (an audit "consultation").  Their scope
	 *  is what the store holds for its owner and what their own authority
	 *  may see; users of DfE, the Children's Commissioner and probation
	 *  receive aggregates only. */
	HAVEN_AUDIENCE_ACTOR = 0,
	/** Anyone: a table to publish.  Aggregates only, disclosure control as
	 *  for the most restricted audience. */
	HAVEN_AUDIENCE_PUBLIC
} haven_audience;

/** Release t for audience: on HAVEN_OK t is unsealed, holds only the rows
 *  the audience may see, and can be read and written.
 * \param t borrowed; modified in place (rows dropped, cells suppressed).
 * \return HAVEN_ERR_DENIED when nobody is acting, the audience may have
 *         aggregates only and t names homes or people, the user's authority
 *         sees nothing of this store, or a column has no role;
 *         HAVEN_ERR_USAGE for a table already released. */
haven_status haven_release(haven_ctx *ctx, haven_table *t, haven_audience audience);

#ifdef __cplusplus
}
#endif
#endif
