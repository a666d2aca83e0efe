/* The module's settings: the config file, then module arguments on top. */
#ifndef PAM_AWSMFA_CONFIG_H
#define PAM_AWSMFA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_DEFAULT_PATH SCONFDIR "/pam_awsmfa.conf"
#define CONFIG_DEFAULT_CREDENTIALS SCONFDIR "/pam_awsmfa.credentials"
#define CONFIG_DEFAULT_SESSION_DIR "/run/pam_awsmfa"

/* AWS's limits for GetSessionToken's DurationSeconds (IAM users). */
#define CONFIG_DURATION_MIN 900
#define CONFIG_DURATION_MAX 129600
/* ... and AssumeRole's; a role's own MaxSessionDuration (1 hour unless
 * raised) may be lower, so roles ask for an hour unless told otherwise. */
#define CONFIG_ROLE_DURATION_MAX 43200
#define CONFIG_ROLE_DURATION_DEFAULT 3600

enum unmapped_policy {
    UNMAPPED_DENY,  /* a Linux user with no credentials is refused */
    UNMAPPED_IGNORE /* ... or left to the rest of the stack (PAM_IGNORE) */
};

enum key_source {
    KEY_SOURCE_STORE, /* the root-only credentials store */
    KEY_SOURCE_USER   /* a profile of the user's own AWS files */
};

struct config {
    char *path;             /* the config file that was read */
    char *region;           /* NULL when not configured */
    char *sts_endpoint;     /* https URL; NULL = derived from region */
    char *iam_endpoint;     /* https URL; NULL = derived from region */
    bool use_fips;          /* derived endpoints are the FIPS ones */
    char *ca_file;          /* NULL = the system's trust store */
    char *proxy;            /* http://host:port, NULL = direct */
    char *no_proxy;         /* hosts reached directly, NULL = none */
    long timeout;           /* seconds for all of a login's AWS calls */
    long duration;          /* DurationSeconds asked of STS */
    long role_duration;     /* ... when the identity has a role */
    char *credentials_file; /* the root-only credentials store */
    enum key_source key_source;
    char *user_profile; /* the profile, with key_source = user */
    char *user_aws_dir; /* its folder; a leading "~/" is the home */
    char *session_dir;  /* per-uid session files live below it */
    long tries;         /* code attempts per login */
    enum unmapped_policy unmapped;
    bool debug;
};

/* Reads the file named by a config=PATH argument (or the default), then
 * applies every other key=value argument over it; "debug" alone is
 * debug=yes.  Every key and value is checked.  On failure returns false
 * and writes a message naming the file and line, or the argument, to err.
 * A missing file is an error only when config= named it. */
bool config_load(struct config *cfg, int argc, const char **argv, char *err,
                 size_t errlen);
void config_free(struct config *cfg);

/* The keys config_load accepts, NULL-terminated (for docs and tests). */
extern const char *const config_keys[];

#endif
