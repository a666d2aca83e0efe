/* Who a Linux user is on AWS: IAM user, long-term key, MFA device. */
#ifndef PAM_AWSMFA_IDENTITY_H
#define PAM_AWSMFA_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>

#include "secret.h"

struct identity {
    char *iam_user; /* NULL: ask AWS whose key it is (GetCallerIdentity) */
    char *access_key_id;
    struct secret *secret_access_key;
    char *mfa_serial;        /* NULL: choose among the registered devices */
    char *role_arn;          /* NULL: GetSessionToken, else AssumeRole */
    char *external_id;       /* AssumeRole's ExternalId, NULL: none */
    char *role_session_name; /* NULL: derived from the Linux user */
    char *source_identity;   /* AssumeRole's SourceIdentity, NULL: none */
    long duration;           /* 0: the config's duration (role_duration) */
};

enum identity_result {
    IDENTITY_FOUND,
    IDENTITY_UNMAPPED, /* the store has no section for this user */
    IDENTITY_ERROR     /* the store is unsafe or malformed: see err */
};

/* Reads the credentials store (an AWS shared-credentials style INI file,
 * one section per Linux user).  The file must be a regular file, not a
 * link, owned by the module's effective user (root in production) and
 * not readable or writable by group or others.  Values are checked
 * against AWS's patterns; err names the file and line of a problem. */
enum identity_result identity_lookup(const char *store_path,
                                     const char *linux_user,
                                     struct identity *out, char *err,
                                     size_t errlen);
void identity_free(struct identity *id);

/* Whether value fits AWS's pattern for a store key (aws_access_key_id,
 * aws_secret_access_key, iam_user, mfa_serial, role_arn, external_id,
 * role_session_name, source_identity); the session file is checked with
 * the same rules. */
bool identity_value_valid(const char *key, const char *value);

/* The IAM user name in a GetCallerIdentity ARN such as
 * "arn:aws:iam::123456789012:user/division/alice" (the path dropped).
 * Returns NULL (and says why in err) for the root user, a role session or
 * anything else that is not an IAM user; else a copy to free. */
char *identity_user_from_arn(const char *arn, char *err, size_t errlen);

/* AssumeRole's RoleSessionName for a Linux user: AWS allows 2 to 64 of
 * [\w+=,.@-], so every other byte becomes '-', a one-letter name gets a
 * '-' added and a long one is cut at 64.  out must hold 65 bytes. */
#define IDENTITY_SESSION_NAME_MAX 64
void identity_session_name(const char *linux_user, char *out);

#endif
