/* syndic: command-line entry point. Parses the global options, then
 * dispatches to a subcommand of src/cmd/. Exit codes: 0 ok, 1 runtime
 * failure, 2 usage error. This file and src/cmd/ are the only places that
 * end the process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cmd/cmd.h"

static const char help_help[] =
    "usage: syndic help [COMMAND]\n"
    "\n"
    "Show the list of commands, or the usage of one command.\n";

static int cmd_help(const struct cmd_env *env, int argc, char **argv);

const struct cmd_def cmd_table[] = {
    {"init", cmd_init, "create or migrate the database", cmd_init_help},
    {"source", cmd_source, "add, list or remove feed sources",
     cmd_source_help},
    {"opml", cmd_opml, "import or export sources as OPML", cmd_opml_help},
    {"fetch", cmd_fetch, "poll due sources once", cmd_fetch_help},
    {"parse", cmd_parse, "parse feed files, print normalized JSON",
     cmd_parse_help},
    {"sanitize", cmd_sanitize, "make an HTML fragment safe (stdin to stdout)",
     cmd_sanitize_help},
    {"excerpt", cmd_excerpt, "a short safe excerpt of HTML (stdin to stdout)",
     cmd_excerpt_help},
    {"serve", cmd_serve, "run the web site", cmd_serve_help},
    {"partner", cmd_partner, "add, list or remove partners",
     cmd_partner_help},
    {"digest", cmd_digest, "preview or send the digests by email",
     cmd_digest_help},
    {"subscribers", cmd_subscribers,
     "list, export, import or delete mailing list subscribers",
     cmd_subscribers_help},
    {"inquiries", cmd_inquiries,
     "list, show, export or update partnership inquiries",
     cmd_inquiries_help},
    {"help", cmd_help, "show help for a command", help_help},
    {NULL, NULL, NULL, NULL},
};

static const char global_usage[] =
    "usage: syndic [--db PATH] [--config PATH] [-v|-q] COMMAND [ARGS]\n"
    "\n"
    "syndic is a news syndication hub: it polls partner feeds, keeps each\n"
    "story once, republishes safe excerpts and runs a partner mailing list.\n"
    "\n"
    "Global options:\n"
    "  --db PATH       SQLite database (env SYNDIC_DB; default from config,\n"
    "                  else ./syndic.db)\n"
    "  --config PATH   INI configuration file (env SYNDIC_CONFIG)\n"
    "  -v, --verbose   more log output (repeat for debug)\n"
    "  -q, --quiet     errors only\n"
    "  --version       print the version and exit\n"
    "  -h, --help      print this help and exit\n"
    "\n"
    "Commands:\n";

static void
print_global_help(FILE *to)
{
    const struct cmd_def *c;

    fputs(global_usage, to);
    for (c = cmd_table; c->name != NULL; c++) {
        fprintf(to, "  %-12s %s\n", c->name, c->summary);
    }
    fputs("\nExit status: 0 ok, 1 runtime failure, 2 usage error.\n"
          "'syndic help COMMAND' shows the options of a command.\n",
          to);
}

static int
cmd_help(const struct cmd_env *env, int argc, char **argv)
{
    if (argc < 2) {
        print_global_help(env->out);
        return CMD_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return cmd_print_help(env, "help", env->out);
    if (argc > 2)
        return cmd_usage_error(env, "help", "too many arguments");
    return cmd_print_help(env, argv[1], env->out);
}

/* Process-wide library set-up lives here, the one place that owns the
 * process: libcurl's global state must exist before any thread uses it. */
static int
run_command(const struct cmd_env *env, const struct cmd_def *c, int argc,
            char **argv)
{
    int rc;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "syndic: libcurl failed to initialize\n");
        return CMD_RUNTIME;
    }
    rc = c->run(env, argc, argv);
    curl_global_cleanup();
    return rc;
}

/* A global option's value: "--db=X" or "--db X". NULL when absent. */
static const char *
global_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);

    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc)
        return "";
    return argv[++*i];
}

int
main(int argc, char **argv)
{
    struct cmd_env env = {NULL, NULL, 0, stdout, stderr};
    const struct cmd_def *c;
    const char *v;
    int i;

    env.db_path = getenv("SYNDIC_DB");
    env.config_path = getenv("SYNDIC_CONFIG");
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if ((v = global_value(argc, argv, &i, "--db")) != NULL) {
            if (*v == '\0')
                return cmd_usage_error(&env, "", "--db needs a path");
            env.db_path = v;
        } else if ((v = global_value(argc, argv, &i, "--config")) != NULL) {
            if (*v == '\0')
                return cmd_usage_error(&env, "", "--config needs a path");
            env.config_path = v;
        } else if (strcmp(argv[i], "-v") == 0 ||
                   strcmp(argv[i], "--verbose") == 0) {
            env.verbosity++;
        } else if (strcmp(argv[i], "-vv") == 0) {
            env.verbosity += 2;
        } else if (strcmp(argv[i], "-q") == 0 ||
                   strcmp(argv[i], "--quiet") == 0) {
            env.verbosity--;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("syndic %s\n", SYNDIC_VERSION);
            return CMD_OK;
        } else if (strcmp(argv[i], "--help") == 0 ||
                   strcmp(argv[i], "-h") == 0) {
            print_global_help(stdout);
            return CMD_OK;
        } else {
            fprintf(stderr, "syndic: unknown option '%s'; try 'syndic "
                            "--help'\n", argv[i]);
            return CMD_USAGE;
        }
    }
    if (i >= argc) {
        print_global_help(stderr);
        return CMD_USAGE;
    }
    for (c = cmd_table; c->name != NULL; c++) {
        if (strcmp(c->name, argv[i]) != 0)
            continue;
        if (argc - i >= 2 && (strcmp(argv[i + 1], "--help") == 0 ||
                              strcmp(argv[i + 1], "-h") == 0))
            return cmd_print_help(&env, c->name, stdout);
        return run_command(&env, c, argc - i, argv + i);
    }
    fprintf(stderr, "syndic: unknown command '%s'; try 'syndic --help'\n",
            argv[i]);
    return CMD_USAGE;
}
