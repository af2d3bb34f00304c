/*
 * main.c - the haven CLI: find the subcommand in the table, run it, map its
 * status to the exit code (the status's own number).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const cli_cmd *cli_current;
int cli_quiet;

static int optreset_pending = 1;

/* The copies cli_esc made, freed when the command ends. */
static char **escaped;
static size_t n_escaped;

const char *cli_esc(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return "?";
	haven_text_escape(f, s);
	char **v = fclose(f) == 0 ? realloc(escaped, (n_escaped + 1) * sizeof *v) : NULL;
	if (!v) {
		free(buf);
		return "?";
	}
	escaped = v;
	escaped[n_escaped++] = buf;
	return buf;
}

static void esc_free(void)
{
	for (size_t i = 0; i < n_escaped; i++)
		free(escaped[i]);
	free(escaped);
	escaped = NULL;
	n_escaped = 0;
}

haven_status cli_usage(void)
{
	fprintf(stderr, "usage: haven %s %s\n", cli_current->name, cli_current->synopsis);
	fprintf(stderr, "Try 'haven help %s' for more.\n", cli_current->name);
	return HAVEN_ERR_USAGE;
}

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	if (optreset_pending) {
		optind = 0; /* glibc: full reinitialisation */
		opterr = 1;
		optreset_pending = 0;
	}
	int c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c == '?' || c == ':')
		return '?';
	return c;
}

haven_status cli_positional(int argc, int n)
{
	if (argc - optind != n)
		return cli_usage();
	return HAVEN_OK;
}

haven_act_opts cli_act;

haven_status cli_open_store(haven_ctx *ctx, const char *path)
{
	haven_status st = haven_store_open(ctx, path);
	if (st || !(cli_current->flags & CLI_ACTS))
		return st;
	haven_act_opts o = cli_act;
	if (!o.user)
		o.user = getenv("HAVEN_USER");
	return haven_act(ctx, &o);
}

haven_status cli_list_add(cli_list *l, const char *arg)
{
	const char *p = arg;
	for (;;) {
		size_t n = strcspn(p, ",");
		if (n == 0) {
			fprintf(stderr, "haven %s: empty value in '%s'\n", cli_current->name, cli_esc(arg));
			return HAVEN_ERR_USAGE;
		}
		char **items = realloc(l->items, (l->n + 1) * sizeof *items);
		char *item = items ? strndup(p, n) : NULL;
		if (items)
			l->items = items;
		if (!item) {
			fprintf(stderr, "haven: out of memory\n");
			return HAVEN_ERR_NOMEM;
		}
		l->items[l->n++] = item;
		if (!p[n])
			return HAVEN_OK;
		p += n + 1;
	}
}

void cli_list_free(cli_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* Take the acting options out of argv[1..argc) into cli_act (see cli.h);
 * returns the new argc, or -1 after printing what is wrong.  Stops at "--". */
static int take_acting_options(int argc, char **argv, int keep_reason)
{
	static const char *const names[] = {"as", "purpose", "reason", "authorisation"};
	int out = 1, i = 1;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		int which = -1;
		const char *value = NULL;
		for (int k = 0; k < 4 && which < 0 && strncmp(argv[i], "--", 2) == 0; k++) {
			size_t n = strlen(names[k]);
			if (strncmp(argv[i] + 2, names[k], n) != 0)
				continue;
			if (argv[i][2 + n] == '\0')
				which = k;
			else if (argv[i][2 + n] == '=')
				which = k, value = argv[i] + 3 + n;
		}
		if (which < 0) {
			argv[out++] = argv[i];
			continue;
		}
		if (!value) {
			if (i + 1 >= argc) {
				fprintf(stderr, "haven: --%s needs a value\n", names[which]);
				return -1;
			}
			if (which == 2 && keep_reason)
				argv[out++] = argv[i];
			value = argv[++i];
		}
		if (which == 2 && keep_reason)
			argv[out++] = argv[i];
		switch (which) {
		case 0: cli_act.user = value; break;
		case 1: cli_act.purpose = value; break;
		case 2: cli_act.reason = value; break;
		default: {
			uint64_t id;
			if (!cli_parse_uint(value, INT64_MAX, &id) || id == 0) {
				fprintf(stderr,
				        "haven: --authorisation wants the number 'haven authorise' printed, not '%s'\n",
				        cli_esc(value));
				return -1;
			}
			cli_act.authorisation = (int64_t)id;
		}
		}
	}
	for (; i < argc; i++)
		argv[out++] = argv[i];
	argv[out] = NULL;
	return out;
}

int cli_parse_pair(const char *s, double *a, double *b)
{
	char *end;
	*a = strtod(s, &end);
	if (end == s || *end != ',')
		return 0;
	const char *t = end + 1;
	*b = strtod(t, &end);
	return end != t && *end == '\0';
}

int cli_parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	/* Not strtoull: it takes spaces and a sign ("-1" is 2^64 - 1), and
	 * saturates instead of failing on a number too large. */
	uint64_t x = 0;
	if (!s || !*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		uint64_t d = (uint64_t)(*s - '0');
		if (d > max || x > (max - d) / 10)
			return 0;
		x = x * 10 + d;
	}
	*v = x;
	return 1;
}

int cli_parse_id(const char *what, const char *s, int64_t *id)
{
	uint64_t v;
	if (!cli_parse_uint(s, INT64_MAX, &v) || v == 0) {
		fprintf(stderr, "haven: %s '%s' is not a whole number from 1 to %lld\n", what, cli_esc(s),
		        (long long)INT64_MAX);
		return 0;
	}
	*id = (int64_t)v;
	return 1;
}

int cli_format_opt(int c, haven_format *fmt)
{
	if (c == 'C')
		*fmt = HAVEN_FMT_CSV;
	else if (c == 'J')
		*fmt = HAVEN_FMT_JSON;
	else
		return 0;
	return 1;
}

int cli_format_value(const char *s, haven_format *fmt)
{
	if (strcmp(s, "text") == 0)
		*fmt = HAVEN_FMT_TEXT;
	else if (strcmp(s, "csv") == 0)
		*fmt = HAVEN_FMT_CSV;
	else if (strcmp(s, "json") == 0)
		*fmt = HAVEN_FMT_JSON;
	else {
		fprintf(stderr, "haven: --format '%s': use text, csv or json\n", cli_esc(s));
		return 0;
	}
	return 1;
}

const char *cli_layer_format(const char *path)
{
	const char *ext = path ? strrchr(path, '.') : NULL;
	return !ext ? NULL : strcmp(ext, ".gpkg") == 0 ? "gpkg" : strcmp(ext, ".geojson") == 0 ? "geojson" : NULL;
}

haven_status cli_write_table(haven_ctx *ctx, haven_status st, haven_table *t, haven_format fmt)
{
	/* The one road out: the gate releases the table to the acting user
	 * (scope, disclosure control, audit, marking), then it is written. */
	if (!st)
		st = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR);
	if (!st)
		st = haven_table_write(ctx, t, fmt, stdout);
	haven_table_free(t);
	return st;
}

/* Both listing helpers: fn takes the filter's value, fn0 takes none. */
static haven_status listing(haven_ctx *ctx, int argc, char **argv, const char *filter, cli_listing_fn fn,
                            cli_listing0_fn fn0)
{
	const struct option opts[] = {
	    {filter ? filter : "", required_argument, NULL, 'F'}, CLI_FORMAT_OPTIONS, {NULL, 0, NULL, 0}};
	haven_format fmt = HAVEN_FMT_TEXT;
	const char *value = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "", filter ? opts : opts + 1)) != -1) {
		if (c == 'F')
			value = optarg;
		else if (!cli_format_opt(c, &fmt))
			return cli_usage();
	}
	if (cli_positional(argc, 1))
		return HAVEN_ERR_USAGE;
	haven_status st = cli_open_store(ctx, argv[optind]);
	haven_table *t = NULL;
	if (!st)
		st = fn ? fn(ctx, value, &t) : fn0(ctx, &t);
	return cli_write_table(ctx, st, t, fmt);
}

haven_status cli_listing(haven_ctx *ctx, int argc, char **argv, const char *filter, cli_listing_fn fn)
{
	return listing(ctx, argc, argv, filter, fn, NULL);
}

haven_status cli_listing0(haven_ctx *ctx, int argc, char **argv, cli_listing0_fn fn)
{
	return listing(ctx, argc, argv, NULL, NULL, fn);
}

static void on_progress(void *user, const char *what, int64_t done, int64_t total)
{
	(void)user;
	fputc('\r', stderr);
	haven_text_escape(stderr, what);
	if (total > 0)
		fprintf(stderr, ": %3d%%", (int)(100.0 * (double)done / (double)total));
	else
		fprintf(stderr, ": %lld", (long long)done);
	if (total > 0 && done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

/* Notices and errors quote file names and file content: printed through
 * haven_text_escape, the one place they reach the terminal. */
static void on_notice(void *user, const char *msg)
{
	(void)user;
	haven_text_escape(stderr, msg);
	fputc('\n', stderr);
}

/* Optimal string alignment distance (Levenshtein with adjacent
 * transpositions), for "did you mean". */
static size_t distance(const char *a, const char *b)
{
	enum { MAX = 40 };
	size_t la = strlen(a), lb = strlen(b), d[MAX + 1][MAX + 1];
	if (la > MAX || lb > MAX)
		return 99;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

/* The command's flags as help shows them: " [acts as a user] [writes]
 * [admin]", or nothing. */
static void print_flags(FILE *out, unsigned flags)
{
	static const struct {
		unsigned flag;
		const char *text;
	} shown[] = {{CLI_ACTS, "acts as a user"}, {CLI_WRITES, "writes"}, {CLI_ADMIN, "admin"}};
	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
		if (flags & shown[i].flag)
			fprintf(out, " [%s]", shown[i].text);
}

/* One command's line in a list: name, summary and flags. */
static void print_line(FILE *out, const cli_cmd *c)
{
	fprintf(out, "  %-20s %s", c->name, c->summary);
	print_flags(out, c->flags);
	fputc('\n', out);
}

static void print_overview(FILE *out)
{
	fprintf(out, "haven %s - safeguarding analysis of the HMCI children's homes register\n\n", haven_version());
	fprintf(out, "usage: haven [-q] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < cli_ncommands; i++)
		print_line(out, &cli_commands[i]);
	fprintf(out, "\n[acts as a user]: runs as the acting user, under a purpose, and is recorded in the audit\n"
	             "log; [writes]: changes what the store holds; [admin]: for the store's admins.\n"
	             "\nacting options, accepted anywhere after the command's name:\n"
	             "  --as USER              who is acting (default: the HAVEN_USER environment variable)\n"
	             "  --purpose CODE_OR_USE  a purpose registered for the user's kind of authority (default:\n"
	             "                         the user's default purpose), or for exceptional use the use itself\n"
	             "  --reason TEXT          why; required for exceptional use\n"
	             "  --authorisation ID     a senior's signed authorisation for the exceptional use\n"
	             "                         ('haven authorise'); each one is good for one operation\n"
	             "See docs/governance.md.\n");
	fprintf(out, "\n'haven help COMMAND' shows a command's options.  Exit status is 0 on success,\n"
	             "otherwise the number of the haven_status that failed (see docs/cli.md).\n");
}

static const cli_cmd *find(const char *name)
{
	for (size_t i = 0; i < cli_ncommands; i++)
		if (strcmp(cli_commands[i].name, name) == 0)
			return &cli_commands[i];
	return NULL;
}

/* The command named by the w words argv[i..i+w), or NULL. */
static const cli_cmd *find_words(int argc, char **argv, int i, int w)
{
	char name[128] = "";
	if (i + w > argc)
		return NULL;
	for (int k = 0; k < w; k++)
		snprintf(name + strlen(name), sizeof name - strlen(name), "%s%s", k ? " " : "", argv[i + k]);
	return find(name);
}

static void suggest(const char *name)
{
	fprintf(stderr, "haven: '%s' is not a haven command.", cli_esc(name));
	const char *best = NULL;
	size_t bestd = 3;
	for (size_t i = 0; i < cli_ncommands; i++) {
		size_t d = distance(name, cli_commands[i].name);
		const char *sp = strchr(cli_commands[i].name, ' ');
		if (sp) { /* also compare with the first word of two-word names */
			char first[32];
			snprintf(first, sizeof first, "%.*s", (int)(sp - cli_commands[i].name), cli_commands[i].name);
			size_t d1 = distance(name, first);
			if (d1 < d)
				d = d1;
		}
		if (d < bestd) {
			bestd = d;
			best = cli_commands[i].name;
		}
	}
	if (best)
		fprintf(stderr, " Did you mean '%s'?", best);
	fprintf(stderr, "\nSee 'haven help'.\n");
}

static int help(int argc, char **argv)
{
	if (argc < 1) {
		print_overview(stdout);
		return 0;
	}
	const cli_cmd *c = NULL;
	for (int w = argc < 3 ? argc : 3; w >= 1 && !c; w--)
		c = find_words(argc, argv, 0, w);
	if (!c) {
		/* A group name: list its subcommands. */
		size_t n = strlen(argv[0]), shown = 0;
		for (size_t i = 0; i < cli_ncommands; i++)
			if (strncmp(cli_commands[i].name, argv[0], n) == 0 && cli_commands[i].name[n] == ' ') {
				print_line(stdout, &cli_commands[i]);
				shown++;
			}
		if (shown)
			return 0;
		suggest(argv[0]);
		return HAVEN_ERR_USAGE;
	}
	printf("usage: haven %s %s\n\n%s", c->name, c->synopsis, c->summary);
	print_flags(stdout, c->flags);
	printf("\n");
	if (c->help && *c->help)
		printf("\n%s", c->help);
	/* A command that also heads a group ("geocode"): list the group too. */
	size_t n = strlen(c->name), shown = 0;
	for (size_t i = 0; i < cli_ncommands; i++)
		if (strncmp(cli_commands[i].name, c->name, n) == 0 && cli_commands[i].name[n] == ' ') {
			if (!shown++)
				printf("\nrelated commands:\n");
			print_line(stdout, &cli_commands[i]);
		}
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0)
			cli_quiet = 1;
		else if (strcmp(argv[i], "--version") == 0) {
			printf("haven %s\n", haven_version());
			return 0;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			print_overview(stdout);
			return 0;
		} else {
			fprintf(stderr, "haven: unknown option '%s'\n", cli_esc(argv[i]));
			return HAVEN_ERR_USAGE;
		}
	}
	if (i >= argc) {
		print_overview(stderr);
		return HAVEN_ERR_USAGE;
	}
	if (strcmp(argv[i], "help") == 0)
		return help(argc - i - 1, argv + i + 1);
	if (strcmp(argv[i], "version") == 0) {
		printf("haven %s\n", haven_version());
		return 0;
	}

	const cli_cmd *cmd = NULL;
	int words = 3; /* "authority key add" */
	for (; words >= 1 && !cmd; words--)
		cmd = find_words(argc, argv, i, words);
	words++;
	if (!cmd) {
		/* "haven register" alone, or with an unknown subcommand. */
		size_t n = strlen(argv[i]);
		int group = 0;
		for (size_t k = 0; k < cli_ncommands; k++)
			group |= strncmp(cli_commands[k].name, argv[i], n) == 0 && cli_commands[k].name[n] == ' ';
		if (group) {
			fprintf(stderr, "haven: '%s' needs a subcommand:\n", cli_esc(argv[i]));
			char *h[1] = {argv[i]};
			help(1, h);
			return HAVEN_ERR_USAGE;
		}
		suggest(argv[i]);
		return HAVEN_ERR_USAGE;
	}
	cli_current = cmd;

	haven_global_init();
	haven_ctx *ctx;
	haven_status st = haven_ctx_new(&ctx);
	if (st) {
		fprintf(stderr, "haven: cannot make a context (%s)\n", haven_status_name(st));
		haven_global_cleanup();
		return (int)st;
	}
	if (!cli_quiet) {
		if (isatty(STDERR_FILENO))
			haven_ctx_set_progress(ctx, on_progress, NULL);
		haven_ctx_set_notice(ctx, on_notice, NULL);
	}
	/* The command sees argv[0] = its (last) name word, and no acting options. */
	int cargc = argc - i - (words - 1);
	char **cargv = argv + i + (words - 1);
	cargc = take_acting_options(cargc, cargv, cmd->flags & CLI_REASON);
	st = cargc < 0 ? HAVEN_ERR_USAGE : cmd->run(ctx, cargc, cargv);
	if (st != HAVEN_OK && st != HAVEN_ERR_USAGE)
		fprintf(stderr, "haven %s: error: %s\n", cmd->name,
		        *haven_errmsg(ctx) ? cli_esc(haven_errmsg(ctx)) : haven_status_name(st));
	else if (st == HAVEN_ERR_USAGE && *haven_errmsg(ctx))
		fprintf(stderr, "haven %s: %s\n", cmd->name, cli_esc(haven_errmsg(ctx)));
	esc_free();
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return (int)st;
}
