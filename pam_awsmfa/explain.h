/* Turning an AWS outcome into words for the operator and the log. */
#ifndef PAM_AWSMFA_EXPLAIN_H
#define PAM_AWSMFA_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "aws.h"

struct explanation {
    char user[512]; /* what the operator is told */
    char log[512];  /* the reason in the decision line */
};

/* Any failed call: unreachable, unreadable, clock skew, bad key, ...
 * iam_user is NULL while it is not known yet (a failed GetCallerIdentity):
 * the key is then named as the one stored for the operator's login. */
void explain_failure(const struct aws_status *st, const char *iam_user,
                     struct explanation *out);

/* GetSessionToken said AccessDenied: a wrong or reused code, or a device
 * AWS cannot validate for this user ("unable to validate").  Returns true
 * when another try could succeed. */
bool explain_code_refusal(const struct aws_status *st, const char *iam_user,
                          const char *serial, struct explanation *out);

#endif
