/*
 * output_int.h - creating the files haven writes (output.c).
 */
#ifndef HAVEN_OUTPUT_INT_H
#define HAVEN_OUTPUT_INT_H

#include <stdio.h>

#include "core/context.h"

/** Create path as a new, empty regular file of mode 0600 (whatever the
 *  umask), open for writing: O_CREAT|O_EXCL|O_NOFOLLOW, so an existing file
 *  or a symbolic link planted there is never written through.  Returns the
 *  descriptor (the caller closes it), or -1 with errno set (EEXIST when
 *  something is there already). */
int hv_file_create(const char *path);

/** An output file being written: under a temporary name next to its final
 *  name until hv_output_commit puts it in place.  Zero it before use; every
 *  field is private to output.c but f. */
typedef struct hv_output {
	FILE *f;             /* write the contents here */
	const char *path;    /* the final name (borrowed) */
	const char *refusal; /* NULL: may replace path; else why an existing path is refused */
	char *tmp;           /* the temporary name, owned */
} hv_output;

/** Start writing the file path.  refusal NULL lets hv_output_commit replace
 *  an existing path (the command's explicit --force); otherwise an existing
 *  path is refused now and again when the file is put in place, with
 *  HAVEN_ERR_IO "PATH: exists; REFUSAL".  The contents go to o->f, a new
 *  file of mode 0600 next to path (hv_file_create).  path and refusal are
 *  borrowed until hv_output_commit or hv_output_abort. */
haven_status hv_output_open(haven_ctx *ctx, const char *path, const char *refusal, hv_output *o);

/** HAVEN_OK when path may be written: nothing is there, or refusal is NULL;
 *  else HAVEN_ERR_IO as hv_output_open says.  For a command to refuse
 *  early, before it does anything the file is for (the file may still be
 *  taken by the time it is written: hv_output_open checks again). */
haven_status hv_output_vacant(haven_ctx *ctx, const char *path, const char *refusal);

/** Flush and sync o->f and put the file in place as path: hard-linked,
 *  which never replaces anything, or, when allowed, renamed over path (which
 *  replaces a symbolic link there, never what it points to).  Whatever the
 *  result, o is finished: on failure the temporary file is removed. */
haven_status hv_output_commit(haven_ctx *ctx, hv_output *o);

/** Give up: close and remove the temporary file.  Harmless on a zeroed,
 *  committed or aborted o. */
void hv_output_abort(hv_output *o);

/** The end of the work o was written for, which ended with rc: commit o
 *  when rc is HAVEN_OK and o is still open, else abort it (an importer's
 *  reject file is put in place only when its import is).  Returns rc, or
 *  the commit's failure. */
haven_status hv_output_end(haven_ctx *ctx, hv_output *o, haven_status rc);

#endif
