/* awsmfa: finding and reading the calling user's own session file, and
 * deciding whether it is still valid. */
#ifndef PAM_AWSMFA_AWSMFA_LOAD_H
#define PAM_AWSMFA_AWSMFA_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "session.h"

/* awsmfa's exit statuses (documented in awsmfa(1)). */
#define AWSMFA_EXIT_OK 0
#define AWSMFA_EXIT_EXPIRED 1
#define AWSMFA_EXIT_NONE 2
#define AWSMFA_EXIT_UNUSABLE 3
#define AWSMFA_EXIT_ERROR 4
#define AWSMFA_EXIT_USAGE 64

/* Where the session directory comes from, strongest first: the
 * --session-dir option, the AWSMFA_SESSION_DIR environment variable, the
 * module's config file (--config, or the module's default path). */
struct awsmfa_where {
    const char *session_dir; /* --session-dir, or NULL */
    const char *config;      /* --config, or NULL */
};

enum awsmfa_state {
    AWSMFA_VALID,
    AWSMFA_EXPIRED, /* the file was removed when it was still expired */
    AWSMFA_NONE,    /* no session file */
    AWSMFA_UNUSABLE /* unsafe, corrupt or unreadable: err says why */
};

struct awsmfa_session {
    char *path;    /* the session file */
    long long now; /* the clock every decision used */
    enum awsmfa_state state;
    struct session_record rec; /* filled when VALID or EXPIRED */
};

/* The clock: time(2), or AWSMFA_TEST_NOW (seconds since the epoch) when
 * that is set.  The variable exists for tests; it changes which time
 * expiry is judged and shown against, never which file is read.  False
 * (err set) when the variable is set but not a number. */
bool awsmfa_clock(long long *now, char *err, size_t errlen);

/* The session file path for the calling user (real uid), malloc'd into
 * *path; false with err set when the config file cannot be read. */
bool awsmfa_session_path(const struct awsmfa_where *where, char **path,
                         char *err, size_t errlen);

/* Reads the calling user's session file and judges it against the clock.
 * Returns false only for errors outside the file (config, clock, memory),
 * with err set; the file's own problems come back as the state, with err
 * describing them (never their contents).  An expired file is removed. */
bool awsmfa_session_load(const struct awsmfa_where *where,
                         struct awsmfa_session *out, char *err, size_t errlen);
void awsmfa_session_free(struct awsmfa_session *s);

#endif
