/* awsmfa, the operators' command: serves the AWS session that pam_awsmfa
 * obtained at login from the calling user's own session file, to people
 * (status), shells (env), the AWS CLI and SDKs (credential-process) and
 * single commands (exec).  It never reads the long-term keys, and it
 * never serves expired credentials. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "awsmfa_exec.h"
#include "awsmfa_load.h"
#include "awsmfa_render.h"
#include "awsmfa_status.h"
#include "config.h"
#include "text.h"

#define RENEW_HINT "log in again or run sudo -v to renew"

static const char usage_text[] =
    "Usage: awsmfa [--session-dir DIR] [--config FILE] COMMAND [ARGS]\n"
    "\n"
    "Serves the AWS session credentials that pam_awsmfa obtained when you\n"
    "logged in, and refuses them once they have expired.\n"
    "\n"
    "Commands:\n"
    "  status [--json]         IAM user, MFA device, expiry (UTC and local\n"
    "                          time) and time left\n"
    "  env [--fish]            export lines for sh, bash and zsh, or set\n"
    "                          lines for fish: eval \"$(awsmfa env)\"\n"
    "  credential-process      the JSON that credential_process in an AWS\n"
    "                          config profile expects\n"
    "  exec [--] CMD [ARG...]  runs CMD with the credentials in its\n"
    "                          environment\n"
    "  path                    prints where the session file is\n"
    "\n"
    "Options:\n"
    "  --session-dir DIR  the module's session directory, an absolute\n"
    "                     path (default: the AWSMFA_SESSION_DIR variable,\n"
    "                     else session_dir in the module's config file)\n"
    "  --config FILE      the module's config file, an absolute path\n"
    "                     (default: " CONFIG_DEFAULT_PATH ")\n"
    "  -h, --help         shows this help\n"
    "  --version          shows the version\n"
    "\n"
    "Exit status: 0 valid, 1 expired, 2 no session, 3 session file\n"
    "unusable, 4 other error, 64 usage error; exec: the command's own.\n"
    "See awsmfa(1).\n";

static int print_text(const char *text)
{
    return fputs(text, stdout) >= 0 && fflush(stdout) == 0 ? AWSMFA_EXIT_OK
                                                           : AWSMFA_EXIT_ERROR;
}

/* "awsmfa: what[: word]" and a pointer to --help. */
static int usage_error(const char *what, const char *word)
{
    char shown[128];
    text_sanitize(shown, sizeof(shown), word);
    fprintf(stderr, "awsmfa: %s%s%s\nTry 'awsmfa --help'.\n", what,
            word != NULL ? ": " : "", shown);
    return AWSMFA_EXIT_USAGE;
}

/* Writes a secret's text to stdout in one piece (no stdio buffer keeps a
 * copy), then wipes and frees it. */
static int emit_secret(struct secret *text)
{
    if (text == NULL) {
        fprintf(stderr, "awsmfa: out of memory\n");
        return AWSMFA_EXIT_ERROR;
    }
    bool ok = secret_write(text, STDOUT_FILENO);
    secret_free(text);
    if (!ok) {
        fprintf(stderr, "awsmfa: cannot write to stdout: %s\n",
                strerror(errno));
        return AWSMFA_EXIT_ERROR;
    }
    return AWSMFA_EXIT_OK;
}

/* Says on stderr why the session cannot be served, and returns the exit
 * status for it.  Messages name the file, never what it holds. */
static int explain_state(const struct awsmfa_session *s, const char *why)
{
    char shown[600];
    text_sanitize(shown, sizeof(shown), why);
    if (s->state == AWSMFA_NONE) {
        fprintf(stderr, "awsmfa: no AWS session: %s; " RENEW_HINT "\n", shown);
        return AWSMFA_EXIT_NONE;
    }
    if (s->state == AWSMFA_UNUSABLE) {
        fprintf(stderr,
                "awsmfa: the session file cannot be used: %s; log in again "
                "or run sudo -v to replace it\n",
                shown);
        return AWSMFA_EXIT_UNUSABLE;
    }
    char expired[32];
    if (!text_format_utc(s->rec.expiration, expired, sizeof(expired)))
        snprintf(expired, sizeof(expired), "an unknown time");
    fprintf(stderr, "awsmfa: the AWS session expired at %s; " RENEW_HINT "\n",
            expired);
    return AWSMFA_EXIT_EXPIRED;
}

/* Loads and judges the session; false when that was impossible (the
 * config or the clock), the message having been given on stderr.  Either
 * way s is to be freed. */
static bool load(const struct awsmfa_where *where, struct awsmfa_session *s,
                 char *why, size_t whylen)
{
    if (awsmfa_session_load(where, s, why, whylen))
        return true;
    char shown[600];
    text_sanitize(shown, sizeof(shown), why);
    fprintf(stderr, "awsmfa: %s\n", shown);
    return false;
}

static int command_status(const struct awsmfa_where *where, bool json)
{
    struct awsmfa_session s;
    char why[600];
    int status = AWSMFA_EXIT_ERROR;
    if (load(where, &s, why, sizeof(why))) {
        bool printed = awsmfa_status_print(&s, json);
        status =
            s.state == AWSMFA_VALID ? AWSMFA_EXIT_OK : explain_state(&s, why);
        if (!printed) {
            fprintf(stderr, "awsmfa: cannot write the status\n");
            status = AWSMFA_EXIT_ERROR;
        }
    }
    awsmfa_session_free(&s);
    return status;
}

/* What a command does with the credentials of a valid session. */
enum serving { SERVE_ENV_POSIX, SERVE_ENV_FISH, SERVE_PROCESS, SERVE_EXEC };

static int serve_valid(const struct session_record *rec, enum serving how,
                       char *const argv[])
{
    switch (how) {
    case SERVE_ENV_POSIX:
        return emit_secret(awsmfa_render_env(rec, AWSMFA_SHELL_POSIX));
    case SERVE_ENV_FISH:
        return emit_secret(awsmfa_render_env(rec, AWSMFA_SHELL_FISH));
    case SERVE_PROCESS:
        return emit_secret(awsmfa_render_credential_process(rec));
    default:
        return awsmfa_exec(rec, argv);
    }
}

/* env, credential-process and exec: the credentials while the session is
 * valid, else nothing on stdout and the reason on stderr. */
static int command_serve(const struct awsmfa_where *where, enum serving how,
                         char *const argv[])
{
    struct awsmfa_session s;
    char why[600];
    int status = AWSMFA_EXIT_ERROR;
    if (load(where, &s, why, sizeof(why)))
        status = s.state == AWSMFA_VALID ? serve_valid(&s.rec, how, argv)
                                         : explain_state(&s, why);
    awsmfa_session_free(&s);
    return status;
}

static int command_path(const struct awsmfa_where *where)
{
    char *path = NULL;
    char why[600];
    if (!awsmfa_session_path(where, &path, why, sizeof(why))) {
        char shown[600];
        text_sanitize(shown, sizeof(shown), why);
        fprintf(stderr, "awsmfa: %s\n", shown);
        return AWSMFA_EXIT_ERROR;
    }
    int ok = printf("%s\n", path) > 0 && fflush(stdout) == 0;
    free(path);
    return ok ? AWSMFA_EXIT_OK : AWSMFA_EXIT_ERROR;
}

/* A command's one optional flag: accepted (sets *set), or a usage error
 * for anything else.  --help is honoured anywhere. */
static int command_flag(int argc, char *argv[], const char *flag, bool *set,
                        bool *help)
{
    *set = false;
    *help = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            *help = true;
        else if (flag != NULL && strcmp(argv[i], flag) == 0)
            *set = true;
        else
            return usage_error("unexpected argument", argv[i]);
    }
    return AWSMFA_EXIT_OK;
}

static int run_command(const struct awsmfa_where *where, const char *name,
                       int argc, char *argv[])
{
    if (strcmp(name, "exec") == 0) {
        if (argc > 0 && strcmp(argv[0], "--") == 0) {
            argc--;
            argv++;
        }
        if (argc == 0)
            return usage_error("exec needs a command to run", NULL);
        return command_serve(where, SERVE_EXEC, argv);
    }
    const char *flag = strcmp(name, "status") == 0 ? "--json"
                       : strcmp(name, "env") == 0  ? "--fish"
                                                   : NULL;
    bool set, help;
    int status = command_flag(argc, argv, flag, &set, &help);
    if (status != AWSMFA_EXIT_OK)
        return status;
    if (help)
        return print_text(usage_text);
    if (strcmp(name, "status") == 0)
        return command_status(where, set);
    if (strcmp(name, "env") == 0)
        return command_serve(where, set ? SERVE_ENV_FISH : SERVE_ENV_POSIX,
                             NULL);
    if (strcmp(name, "credential-process") == 0)
        return command_serve(where, SERVE_PROCESS, NULL);
    if (strcmp(name, "path") == 0)
        return command_path(where);
    return usage_error("unknown command", name);
}

/* "--name VALUE" or "--name=VALUE": the value, advancing *i past it; NULL
 * when argv[*i] is not that option. */
static const char *option_value(int argc, char *argv[], int *i,
                                const char *name, bool *missing)
{
    size_t len = strlen(name);
    if (strncmp(argv[*i], name, len) != 0)
        return NULL;
    if (argv[*i][len] == '=')
        return argv[*i] + len + 1;
    if (argv[*i][len] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

static bool is_relative(const char *path)
{
    return path != NULL && path[0] != '\0' && path[0] != '/';
}

/* A relative folder or file would depend on where the command runs.  It
 * comes from the caller (an option or the environment), so it is a
 * usage error; the config file's own session_dir is checked where it is
 * read.  Returns -1 when every path in use is absolute. */
static int relative_path(const struct awsmfa_where *where)
{
    const char *from_env = getenv("AWSMFA_SESSION_DIR");
    bool option_given = where->session_dir && where->session_dir[0] != '\0';
    if (is_relative(where->session_dir))
        return usage_error("--session-dir needs an absolute path", NULL);
    if (!option_given && is_relative(from_env))
        return usage_error("AWSMFA_SESSION_DIR needs an absolute path", NULL);
    bool dir_given = option_given || (from_env && from_env[0] != '\0');
    if (!dir_given && is_relative(where->config))
        return usage_error("--config needs an absolute path", NULL);
    return -1;
}

/* The options before the command.  Returns -1 to go on with the command
 * at argv[*next], else the exit status (help, version, usage error). */
static int parse_options(int argc, char *argv[], struct awsmfa_where *where,
                         int *next)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        bool missing = false;
        const char *value;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return print_text(usage_text);
        if (strcmp(argv[i], "--version") == 0)
            return print_text("awsmfa (pam_awsmfa) " PACKAGE_VERSION "\n");
        if ((value = option_value(argc, argv, &i, "--session-dir", &missing)) !=
            NULL)
            where->session_dir = value;
        else if ((value = option_value(argc, argv, &i, "--config", &missing)) !=
                 NULL)
            where->config = value;
        else
            return usage_error(
                missing ? "option needs a value" : "unknown option", argv[i]);
    }
    *next = i;
    return relative_path(where);
}

/* awsmfa trusts its environment and options to say where the session is,
 * which is right only with the caller's own privileges. */
static bool runs_as_caller(void)
{
    if (getuid() == geteuid() && getgid() == getegid())
        return true;
    fprintf(stderr, "awsmfa: refusing to run set-user-ID or set-group-ID; "
                    "ask the administrator to install it without\n");
    return false;
}

int main(int argc, char *argv[])
{
    if (!runs_as_caller())
        return AWSMFA_EXIT_ERROR;
    /* Secrets are in memory from here on: no core dump, and no other
     * process of the user may attach (exec restores both for the
     * command that `exec` runs). */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    /* Local times in status follow the user's TZ. */
    tzset();
    struct awsmfa_where where = {0};
    int next = 0;
    int status = parse_options(argc, argv, &where, &next);
    if (status >= 0)
        return status;
    if (next >= argc)
        return usage_error("no command given (status, env, "
                           "credential-process, exec or path)",
                           NULL);
    return run_command(&where, argv[next], argc - next - 1, argv + next + 1);
}
