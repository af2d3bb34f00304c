/*
 * output.c - every file haven writes is created here.
 *
 * What haven writes may hold register data, so each file is private and new:
 * created 0600 with O_EXCL|O_NOFOLLOW, never through a symbolic link planted
 * at its name and never into a file that is already there.  Output files
 * (extracts and manifests, synthetic registers, audit exports, checkpoints)
 * are written under a temporary name next to the final one and put in place
 * only when complete, so a failure never leaves half a file under the final
 * name; an existing file is replaced only when the command was told to
 * (--force).  Key files (keys.c) and new stores (store.c) are created with
 * hv_file_create directly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/keys.h"
#include "core/output.h"

int hv_file_create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	/* The umask only takes bits away; fchmod makes it exactly 0600. */
	if (fd >= 0 && fchmod(fd, 0600) != 0) {
		int err = errno;
		close(fd);
		unlink(path);
		errno = err;
		return -1;
	}
	return fd;
}

static haven_status exists(haven_ctx *ctx, const hv_output *o)
{
	return hv_error(ctx, HAVEN_ERR_IO, "%s: exists; %s", o->path, o->refusal);
}

haven_status hv_output_vacant(haven_ctx *ctx, const char *path, const char *refusal)
{
	struct stat sb;
	hv_output o = {.path = path, .refusal = refusal};
	return refusal && lstat(path, &sb) == 0 ? exists(ctx, &o) : HAVEN_OK;
}

haven_status hv_output_open(haven_ctx *ctx, const char *path, const char *refusal, hv_output *o)
{
	memset(o, 0, sizeof *o);
	o->path = path;
	o->refusal = refusal;
	haven_status rc = hv_output_vacant(ctx, path, refusal);
	if (rc)
		return rc;
	if ((rc = hv_sodium_ready(ctx)))
		return rc;
	size_t n = strlen(path) + sizeof ".tmp-01234567";
	if (!(o->tmp = malloc(n)))
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	/* A random name nobody can plant anything at in advance; should one
	 * be taken all the same, O_EXCL says so and another is tried. */
	int fd = -1;
	for (int tries = 0; fd < 0 && tries < 16; tries++) {
		snprintf(o->tmp, n, "%s.tmp-%08x", path, (unsigned)randombytes_random());
		if ((fd = hv_file_create(o->tmp)) < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0 || !(o->f = fdopen(fd, "wb"))) {
		rc = hv_error(ctx, HAVEN_ERR_IO, "%s: cannot create a file next to it: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		free(o->tmp);
		o->tmp = NULL;
	}
	return rc;
}

haven_status hv_output_commit(haven_ctx *ctx, hv_output *o)
{
	FILE *f = o->f;
	o->f = NULL;
	int ok = fflush(f) == 0 && !ferror(f) && fsync(fileno(f)) == 0;
	int err = errno;
	ok = fclose(f) == 0 && ok;
	haven_status rc = HAVEN_OK;
	struct stat sb;
	if (!ok) {
		rc = hv_error(ctx, HAVEN_ERR_IO, "%s: cannot write: %s", o->path, strerror(err));
	} else if (!o->refusal) {
		/* Replacing is allowed: rename replaces whatever is at path, a
		 * symbolic link included, and writes nothing through it. */
		if (rename(o->tmp, o->path) == 0) {
			free(o->tmp);
			o->tmp = NULL;
		} else {
			rc = hv_error(ctx, HAVEN_ERR_IO, "%s: cannot write: %s", o->path, strerror(errno));
		}
	} else if (link(o->tmp, o->path) != 0) {
		/* link never replaces anything.  A file system without hard
		 * links: rename, having checked nothing is there. */
		err = errno;
		if (err == EEXIST)
			rc = exists(ctx, o);
		else if ((err == EPERM || err == ENOTSUP || err == EOPNOTSUPP) && lstat(o->path, &sb) != 0 &&
		         errno == ENOENT && rename(o->tmp, o->path) == 0) {
			free(o->tmp);
			o->tmp = NULL;
		} else
			rc = hv_error(ctx, HAVEN_ERR_IO, "%s: cannot write: %s", o->path, strerror(err));
	}
	hv_output_abort(o); /* the temporary name, when it is still there */
	return rc;
}

haven_status hv_output_end(haven_ctx *ctx, hv_output *o, haven_status rc)
{
	if (!rc && o->f)
		return hv_output_commit(ctx, o);
	hv_output_abort(o);
	return rc;
}

void hv_output_abort(hv_output *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
}
