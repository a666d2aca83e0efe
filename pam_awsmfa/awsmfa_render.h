/* awsmfa: the session's credentials as text for shells and for the AWS
 * SDKs' credential_process.  Every result is a secret: it holds the
 * secret key and the session token. */
#ifndef PAM_AWSMFA_AWSMFA_RENDER_H
#define PAM_AWSMFA_AWSMFA_RENDER_H

#include "secret.h"
#include "session.h"

enum awsmfa_shell {
    AWSMFA_SHELL_POSIX, /* sh, bash, zsh: export NAME='value' */
    AWSMFA_SHELL_FISH   /* fish: set -gx NAME 'value' */
};

/* One line per variable of session_environment(), each value quoted so
 * that the shell takes it literally, whatever characters it holds.
 * NULL when out of memory. */
struct secret *awsmfa_render_env(const struct session_record *rec,
                                 enum awsmfa_shell shell);

/* The credential_process document: {"Version": 1, "AccessKeyId",
 * "SecretAccessKey", "SessionToken", "Expiration" (RFC 3339, UTC, Z)} on
 * one line.  NULL when out of memory. */
struct secret *
awsmfa_render_credential_process(const struct session_record *rec);

#endif
