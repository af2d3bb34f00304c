/*
 * cli.h - the haven command-line tool's shared pieces.  The CLI only parses
 * arguments and calls the public library (include/haven/); it has no logic
 * of its own.
 */
#ifndef HAVEN_CLI_H
#define HAVEN_CLI_H

#include <getopt.h>
#include "haven/haven.h"

/* What a command does, said once in its line of the command table: the
 * shared code acts on these (no command decides for itself), and 'haven
 * help' shows the first three. */
enum {
	CLI_ACTS = 1u << 0,   /* runs as the acting user: cli_open_store acts on the store (haven_act) */
	CLI_WRITES = 1u << 1, /* changes what the store holds */
	CLI_ADMIN = 1u << 2,  /* for the store's admins (the library refuses anyone else) */
	CLI_REASON = 1u << 3, /* has a --reason option of its own: main leaves --reason in its argv too */
};

/* One subcommand.  name may be two words ("register import"). */
typedef struct cli_cmd {
	const char *name;
	const char *synopsis; /* arguments after the name */
	const char *summary;  /* one line */
	const char *help;     /* options and notes, printed by 'haven help NAME' */
	haven_status (*run)(haven_ctx *ctx, int argc, char **argv);
	unsigned flags; /* CLI_ACTS, CLI_WRITES, CLI_ADMIN, CLI_REASON */
} cli_cmd;

extern const cli_cmd cli_commands[];
extern const size_t cli_ncommands;

/** The command being run (set by main before dispatch). */
extern const cli_cmd *cli_current;

/** Print "usage: haven NAME SYNOPSIS" for the current command to stderr and
 *  return HAVEN_ERR_USAGE. */
haven_status cli_usage(void);

/** Parse options with getopt_long; returns the option character, -1 at the
 *  end, or '?' after printing usage on an unknown option.  Resets getopt on
 *  the first call for each argv. */
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);

/** Require exactly n positional arguments after the options (argv[optind..]).
 *  Returns HAVEN_OK or prints usage and returns HAVEN_ERR_USAGE. */
haven_status cli_positional(int argc, int n);

/** The acting options --as USER, --purpose CODE_OR_USE, --reason TEXT and
 *  --authorisation ID: main takes them out of argv, wherever they appear
 *  after the command's name, before the command parses its own options.
 *  (A command flagged CLI_REASON also keeps --reason in argv.)  user is
 *  NULL unless --as was given. */
extern haven_act_opts cli_act;

/** Open the store at path on ctx; for a command flagged CLI_ACTS, then act
 *  on it (haven_act) with cli_act, the user falling back to the HAVEN_USER
 *  environment variable.  Every command opens its store through this. */
haven_status cli_open_store(haven_ctx *ctx, const char *path);

/** A list of strings from a repeatable option, each value split at commas. */
typedef struct cli_list {
	char **items;
	size_t n;
} cli_list;

/** Append arg's comma-separated values (empty ones are a usage error). */
haven_status cli_list_add(cli_list *l, const char *arg);
void cli_list_free(cli_list *l);

/** Parse "A,B" into two doubles; 1 on success. */
int cli_parse_pair(const char *s, double *a, double *b);

/** The one parser for every id and count on the command line: s must be
 *  ASCII digits only (no sign, space, or anything after) and at most max.
 *  1 and *v on success; 0 otherwise, *v untouched. */
int cli_parse_uint(const char *s, uint64_t max, uint64_t *v);

/** An id (1 to INT64_MAX) with cli_parse_uint; on failure prints
 *  "haven: WHAT 'S' is not ..." to stderr and returns 0. */
int cli_parse_id(const char *what, const char *s, int64_t *id);

/** Long options --csv and --json for listings, and their parser: returns 1
 *  and sets *fmt when c is one of them, else 0. */
#define CLI_FORMAT_OPTIONS                                                                                             \
	{"csv", no_argument, NULL, 'C'},                                                                               \
	{                                                                                                              \
		"json", no_argument, NULL, 'J'                                                                         \
	}
int cli_format_opt(int c, haven_format *fmt);

/** The value of --format (text, csv or json) into *fmt: 1, or 0 after
 *  printing "haven: --format 'S': use text, csv or json" to stderr. */
int cli_format_value(const char *s, haven_format *fmt);

/** The export format of a --layer file by its extension: "gpkg" for
 *  .gpkg, "geojson" for .geojson, else NULL.  Static. */
const char *cli_layer_format(const char *path);

/** Write a listing made by a library call that returned st, then free it;
 *  returns st, or the write's status. */
haven_status cli_write_table(haven_ctx *ctx, haven_status st, haven_table *t, haven_format fmt);

/** A listing command: "NAME STORE [--FILTER VALUE] [--csv|--json]".  Opens
 *  the store (cli_open_store; listings are flagged CLI_ACTS), calls fn with the
 *  filter's value (NULL when not given; filter NULL: the command has none)
 *  and writes the table it makes. */
typedef haven_status (*cli_listing_fn)(haven_ctx *ctx, const char *filter, haven_table **out);
haven_status cli_listing(haven_ctx *ctx, int argc, char **argv, const char *filter, cli_listing_fn fn);

/** cli_listing for a listing that takes no filter: "NAME STORE [--csv|--json]". */
typedef haven_status (*cli_listing0_fn)(haven_ctx *ctx, haven_table **out);
haven_status cli_listing0(haven_ctx *ctx, int argc, char **argv, cli_listing0_fn fn);

/** s made safe to print: control characters and bytes that are not UTF-8
 *  as visible escapes (haven_text_escape).  For every string the CLI prints
 *  that came from data or from the command line.  The copy lives until the
 *  command ends ("?" when out of memory). */
const char *cli_esc(const char *s);

/** Quiet mode (-q): no progress or notices. */
extern int cli_quiet;

#endif
