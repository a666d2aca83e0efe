/* Reading the bodies of successful AWS answers into typed results; kept
 * apart from the calls so tests can feed them canned bodies. */
#ifndef PAM_AWSMFA_AWS_PARSE_H
#define PAM_AWSMFA_AWS_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "aws.h"

#define IAM_MAX_MARKER 512
#define IAM_MAX_DEVICES 256

/* One ListMFADevices page: devices are appended to list; marker is set
 * (and *truncated true) when another page follows. */
bool iam_parse_devices_page(const char *body, size_t len,
                            struct mfa_device_list *list, bool *truncated,
                            char *marker, char *err, size_t errlen);

/* The Credentials of a result element (result is "GetSessionTokenResult"
 * or "AssumeRoleResult"), checked: every field present once and not
 * empty, all of them fit for the session file (session.h's
 * session_credentials_problem), the expiration after now. */
bool sts_parse_credentials(const char *result, const char *body, size_t len,
                           long long now, struct aws_credentials *out,
                           char *err, size_t errlen);

/* A GetCallerIdentity result: Arn, Account and UserId, all present. */
bool sts_parse_caller_identity(const char *body, size_t len,
                               struct aws_caller_identity *out, char *err,
                               size_t errlen);

#endif
