/*
 * haven/common.h - what every part of haven's API shares: releasing the
 * strings the library returns, and the size of a public key as text.
 */
#ifndef HAVEN_COMMON_H
#define HAVEN_COMMON_H

#ifdef __cplusplus
extern "C" {
#endif

/** Size of a buffer for an Ed25519 public key in base64: 32 bytes are 44
 *  characters, plus the NUL.  Every key haven prints or takes is this. */
#define HAVEN_PUBKEY_B64 45

/** Release a string (or buffer) a haven function returned for the caller
 *  to release, e.g. a checkpoint's text; NULL is a harmless no-op.  It is
 *  the C library's free underneath, so code that released these strings
 *  that way stays correct; new code calls haven_free. */
void haven_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
