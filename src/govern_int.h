/*
 * govern_int.h - checks every module makes before touching disclosed data.
 */
#ifndef HAVEN_GOVERN_INT_H
#define HAVEN_GOVERN_INT_H

#include "context_int.h"
#include "haven/govern.h"

/** HAVEN_ERR_DENIED unless someone is acting on the open store
 *  (haven_act); the message says how to name the user. */
haven_status hv_need_actor(haven_ctx *ctx);

/** HAVEN_ERR_DENIED unless the actor's role is one of roles (NULL-terminated). */
haven_status hv_need_role(haven_ctx *ctx, const char *const *roles);

/** Mark the actor's authorisation used, inside the caller's transaction:
 *  HAVEN_ERR_DENIED if it was used already (a replay).  A no-op for use
 *  under a registered purpose. */
haven_status hv_actor_consume(haven_ctx *ctx);

#endif
