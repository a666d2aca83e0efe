/* The session handed to the operator: environment and session file. */
#ifndef PAM_AWSMFA_SESSION_H
#define PAM_AWSMFA_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "secret.h"

struct session_record {
    char *access_key_id;
    struct secret *secret_access_key;
    struct secret *session_token;
    long long expiration; /* seconds since the epoch, UTC */
    long long issued;     /* when the module got the credentials */
    char *iam_user;
    char *mfa_serial;
    char *role_arn; /* the role assumed, NULL for the IAM user's own */
    char *region;   /* NULL when not configured */
};

/* The environment for the session as "NAME=value" strings, each a secret
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
 * AWS_CREDENTIAL_EXPIRATION, and AWS_REGION/AWS_DEFAULT_REGION when a
 * region is set).  Returns the count, or -1 when out of memory. */
int session_environment(const struct session_record *rec,
                        struct secret ***entries);
void session_environment_free(struct secret **entries, int count);

/* Writes session_dir/<uid>/session.json atomically (temp file in the same
 * directory, fsync, rename; no link followed), owned by uid:gid, file 0600,
 * directory 0700.  session_dir itself must be root-owned, not writable
 * by group or others, and passable by others; an existing <uid> directory
 * must be a real directory owned by uid with mode 0700, else the write is
 * refused.  err says why. */
bool session_write(const char *session_dir, uid_t uid, gid_t gid,
                   const struct session_record *rec, char *err, size_t errlen);

/* What session_write needs that can be checked before there are any
 * credentials: session_dir and session_dir/<uid> made or found as
 * session_write makes them (same rules, and every directory from the root
 * down lets others pass, so that the user can reach their file), and no
 * directory standing where session.json goes.  For the login to refuse
 * before the code is asked and spent; session_write checks all again. */
bool session_prepare(const char *session_dir, uid_t uid, gid_t gid, char *err,
                     size_t errlen);

/* Reads and checks a session file (owner uid, mode 0600, not a link,
 * valid JSON with every field). */
bool session_read(const char *path, uid_t uid, struct session_record *rec,
                  char *err, size_t errlen);

/* The one rule for temporary credentials, whether STS just sent them or
 * a session file is read back: AccessKeyId as the credentials store's
 * key id, SecretAccessKey as its secret key (printable ASCII, no blanks),
 * SessionToken printable ASCII with no blanks, Expiration an ISO 8601 UTC
 * time.  NULL when all fit, else the problem, naming the field (never its
 * value); a NULL argument is a missing field. */
const char *session_credentials_problem(const char *access_key_id,
                                        const char *secret_access_key,
                                        const char *session_token,
                                        const char *expiration);

/* The session file path for a uid, malloc'd. */
char *session_path(const char *session_dir, uid_t uid);

void session_record_free(struct session_record *rec);

/* Removes session_dir/<uid>/session.json when it is a valid session file
 * that expired at or before `now` (seconds since the epoch); the same
 * directory checks as session_write apply.  Returns true when a file was
 * removed. */
bool session_remove_if_expired(const char *session_dir, uid_t uid,
                               long long now);

#endif
