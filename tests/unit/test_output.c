/*
 * test_output.c - creating the files haven writes: new, 0600, never through
 * a planted symbolic link, an existing file replaced only when allowed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/output.h"
#include "testutil.h"

/* What is at path before the write. */
enum before { NOTHING, A_FILE, A_LINK, A_DANGLING_LINK };

static const struct output_case {
	int n;
	enum before before;
	int replace; /* the command's --force */
	haven_status want;
	const char *needle;
} cases[] = {
    {1, NOTHING, 0, HAVEN_OK, ""},
    {2, NOTHING, 1, HAVEN_OK, ""},
    {3, A_FILE, 0, HAVEN_ERR_IO, "out.txt: exists; never replaced here"},
    {4, A_LINK, 0, HAVEN_ERR_IO, "exists"},
    {5, A_DANGLING_LINK, 0, HAVEN_ERR_IO, "exists"},
    {6, A_FILE, 1, HAVEN_OK, ""},
    {7, A_LINK, 1, HAVEN_OK, ""},          /* the link is replaced, its target untouched */
    {8, A_DANGLING_LINK, 1, HAVEN_OK, ""}, /* nothing is created where it pointed */
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = calloc(1, 4096);
	assert_non_null(buf);
	size_t n = fread(buf, 1, 4095, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Files in dir whose name starts with prefix. */
static int count_named(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

static void test_output_cases(void **state)
{
	(void)state;
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	mode_t old_umask = umask(0); /* a umask that takes nothing away */
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct output_case *c = &cases[i];
		char dir[1024], path[1100], target[1100];
		snprintf(dir, sizeof dir, "%s/case%d", tu_tmpdir(), c->n);
		assert_int_equal(mkdir(dir, 0700), 0);
		snprintf(path, sizeof path, "%s/out.txt", dir);
		snprintf(target, sizeof target, "%s/target", dir);
		if (c->before == A_FILE || c->before == A_LINK) {
			FILE *f = fopen(c->before == A_FILE ? path : target, "w");
			fputs("before\n", f);
			fclose(f);
		}
		if (c->before == A_LINK || c->before == A_DANGLING_LINK)
			assert_int_equal(symlink(target, path), 0);

		hv_output o;
		haven_status st = hv_output_open(ctx, path, c->replace ? NULL : "never replaced here", &o);
		if (!st) {
			fputs("after\n", o.f);
			st = hv_output_commit(ctx, &o);
		}
		hv_output_abort(&o);
		if (st != c->want || !strstr(haven_errmsg(ctx), c->needle))
			fail_msg("case %d: got %s '%s', want %s '%s'", c->n, haven_status_name(st), haven_errmsg(ctx),
			         haven_status_name(c->want), c->needle);

		struct stat sb;
		char *at_path = slurp(path), *at_target = slurp(target);
		if (st == HAVEN_OK) {
			/* A regular file of mode 0600 holding the new contents. */
			assert_int_equal(lstat(path, &sb), 0);
			assert_true(S_ISREG(sb.st_mode));
			assert_int_equal(sb.st_mode & 07777, 0600);
			assert_string_equal(at_path, "after\n");
		} else if (c->before == A_FILE) {
			assert_string_equal(at_path, "before\n");
		} else {
			assert_int_equal(lstat(path, &sb), 0);
			assert_true(S_ISLNK(sb.st_mode));
		}
		/* Nothing was ever written through a link. */
		if (c->before == A_LINK)
			assert_string_equal(at_target, "before\n");
		if (c->before == A_DANGLING_LINK)
			assert_null(at_target);
		free(at_path);
		free(at_target);
		/* and no temporary file is left behind */
		assert_int_equal(count_named(dir, "out.txt."), 0);
	}
	umask(old_umask);
	haven_ctx_free(ctx);
}

/* Abandoned before the commit: nothing at path, no temporary file. */
static void test_output_abort(void **state)
{
	(void)state;
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	const char *path = tu_tmp("abandoned.txt");
	hv_output o;
	tu_ok(ctx, hv_output_open(ctx, path, "never replaced here", &o));
	fputs("half", o.f);
	assert_int_equal(count_named(tu_tmpdir(), "abandoned.txt."), 1);
	hv_output_abort(&o);
	hv_output_abort(&o); /* twice is harmless */
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(count_named(tu_tmpdir(), "abandoned.txt"), 0);
	haven_ctx_free(ctx);
}

/* hv_file_create: new files only, 0600 whatever the umask, never a link. */
static void test_file_create(void **state)
{
	(void)state;
	mode_t old_umask = umask(0);
	const char *path = tu_tmp("made");
	int fd = hv_file_create(path);
	assert_true(fd >= 0);
	close(fd);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(hv_file_create(path), -1);
	assert_int_equal(errno, EEXIST);
	const char *link = tu_tmp("link");
	assert_int_equal(symlink(tu_tmp("nowhere"), link), 0);
	assert_int_equal(hv_file_create(link), -1);
	assert_int_not_equal(access(tu_tmp("nowhere"), F_OK), 0);
	umask(old_umask);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(test_output_cases), cmocka_unit_test(test_output_abort),
        cmocka_unit_test(test_file_create))
