#include "awsmfa_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "text.h"

#define TEST_CLOCK_VARIABLE "AWSMFA_TEST_NOW"
#define SESSION_DIR_VARIABLE "AWSMFA_SESSION_DIR"

bool awsmfa_clock(long long *now, char *err, size_t errlen)
{
    const char *fake = getenv(TEST_CLOCK_VARIABLE);
    if (fake == NULL) {
        *now = (long long)time(NULL);
        return true;
    }
    /* A mistyped test clock must not fall back to the real one silently:
     * the test would then pass or fail for the wrong reason. */
    char *end;
    errno = 0;
    long long value = strtoll(fake, &end, 10);
    if (fake[0] < '0' || fake[0] > '9' || *end != '\0' || errno != 0) {
        snprintf(err, errlen,
                 TEST_CLOCK_VARIABLE " must be a number of seconds since "
                                     "the epoch (it is meant for tests)");
        return false;
    }
    *now = value;
    return true;
}

/* The session directory from the module's own config file, read exactly
 * as the module reads it.  The CLI reads nothing else of the module's:
 * never the credentials store. */
static char *dir_from_config(const char *config_path, char *err, size_t errlen)
{
    struct config cfg;
    char *arg = NULL;
    if (config_path != NULL && config_path[0] != '/') {
        snprintf(err, errlen, "--config needs an absolute path");
        return NULL;
    }
    if (config_path != NULL && asprintf(&arg, "config=%s", config_path) < 0) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    const char *argv[1] = {arg};
    char why[512];
    bool loaded =
        config_load(&cfg, arg != NULL ? 1 : 0, argv, why, sizeof(why));
    free(arg);
    if (!loaded) {
        snprintf(err, errlen,
                 "cannot read the module's settings: %s; ask the "
                 "administrator, or give --session-dir",
                 why);
        return NULL;
    }
    char *dir = strdup(cfg.session_dir != NULL ? cfg.session_dir
                                               : CONFIG_DEFAULT_SESSION_DIR);
    config_free(&cfg);
    if (dir == NULL)
        snprintf(err, errlen, "out of memory");
    return dir;
}

/* A relative folder would depend on where the command runs, as the
 * module's own session_dir may not. */
static char *session_dir(const struct awsmfa_where *where, char *err,
                         size_t errlen)
{
    const char *chosen = where->session_dir;
    const char *given_by = "--session-dir";
    if (chosen == NULL || chosen[0] == '\0') {
        chosen = getenv(SESSION_DIR_VARIABLE);
        given_by = SESSION_DIR_VARIABLE;
    }
    if (chosen == NULL || chosen[0] == '\0')
        return dir_from_config(where->config, err, errlen);
    if (chosen[0] != '/') {
        snprintf(err, errlen, "%s needs an absolute path", given_by);
        return NULL;
    }
    char *dir = strdup(chosen);
    if (dir == NULL)
        snprintf(err, errlen, "out of memory");
    else
        text_tidy_path(dir); /* As the module stores its session_dir. */
    return dir;
}

bool awsmfa_session_path(const struct awsmfa_where *where, char **path,
                         char *err, size_t errlen)
{
    char *dir = session_dir(where, err, errlen);
    if (dir == NULL)
        return false;
    *path = session_path(dir, getuid());
    free(dir);
    if (*path == NULL)
        snprintf(err, errlen, "out of memory");
    return *path != NULL;
}

static bool file_missing(const char *path)
{
    struct stat st;
    return lstat(path, &st) != 0 && errno == ENOENT;
}

/* Reads the file into s->rec and sets s->state. */
static void read_session(const char *dir, struct awsmfa_session *s, char *err,
                         size_t errlen)
{
    if (file_missing(s->path)) {
        snprintf(err, errlen, "%s does not exist", s->path);
        s->state = AWSMFA_NONE;
        return;
    }
    /* session_read checks owner (this user), mode 0600, no link, size
     * and every field; its messages never quote the file's contents. */
    if (!session_read(s->path, getuid(), &s->rec, err, errlen)) {
        s->state = AWSMFA_UNUSABLE;
        return;
    }
    if (s->rec.expiration > s->now) {
        s->state = AWSMFA_VALID;
        return;
    }
    s->state = AWSMFA_EXPIRED;
    /* Removed only when the file is still this user's and still expired
     * when looked at again: a renewal in between is kept.  A test clock
     * (AWSMFA_TEST_NOW) set ahead must not delete a session that is
     * valid by the real clock, so the earlier of the two decides. */
    long long real_now = (long long)time(NULL);
    session_remove_if_expired(dir, getuid(),
                              s->now < real_now ? s->now : real_now);
}

bool awsmfa_session_load(const struct awsmfa_where *where,
                         struct awsmfa_session *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    snprintf(err, errlen, "%s", "");
    if (!awsmfa_clock(&out->now, err, errlen))
        return false;
    char *dir = session_dir(where, err, errlen);
    if (dir == NULL)
        return false;
    out->path = session_path(dir, getuid());
    if (out->path == NULL) {
        snprintf(err, errlen, "out of memory");
        free(dir);
        return false;
    }
    read_session(dir, out, err, errlen);
    free(dir);
    return true;
}

void awsmfa_session_free(struct awsmfa_session *s)
{
    free(s->path);
    session_record_free(&s->rec);
    memset(s, 0, sizeof(*s));
}
