#include "explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEE_ADMIN "Ask the bastion's administrator to check the system log."

static void explain_skew(const struct aws_status *st, struct explanation *out)
{
    /* Rounded: the skew is measured against the answer's Date, a second
     * or so after signing. */
    long long minutes = (llabs(st->clock_skew) + 30) / 60;
    const char *way = st->clock_skew > 0 ? "behind" : "ahead of";
    snprintf(out->user, sizeof(out->user),
             "This server's clock is about %lld minutes %s AWS's, so AWS "
             "refuses its requests. %s",
             minutes, way, SEE_ADMIN);
    snprintf(out->log, sizeof(out->log),
             "clock skew: the bastion's clock is %llds %s AWS (%s: %s)",
             llabs(st->clock_skew), way, st->code, st->message);
}

/* Whose key AWS judged, for the operator: the IAM user's when known,
 * else (before GetCallerIdentity has named the user) the login's. */
static void key_owner(const char *iam_user, bool capital, char *out,
                      size_t outlen)
{
    const char *the = capital ? "The" : "the";
    if (iam_user != NULL)
        snprintf(out, outlen, "%s access key stored for IAM user %s", the,
                 iam_user);
    else
        snprintf(out, outlen, "%s access key stored for your login", the);
}

static void explain_api_error(const struct aws_status *st, const char *iam_user,
                              struct explanation *out)
{
    const char *code = st->code;
    char key[192];
    if (strcmp(code, "InvalidClientTokenId") == 0 ||
        strcmp(code, "SignatureDoesNotMatch") == 0) {
        key_owner(iam_user, false, key, sizeof(key));
        snprintf(out->user, sizeof(out->user), "AWS does not accept %s%s. %s",
                 key, iam_user ? "" : ", so its IAM user cannot be found",
                 SEE_ADMIN);
    } else if (strcmp(code, "NoSuchEntity") == 0 && iam_user != NULL) {
        snprintf(out->user, sizeof(out->user),
                 "AWS has no IAM user named %s. %s", iam_user, SEE_ADMIN);
    } else if (strcmp(code, "AccessDenied") == 0) {
        key_owner(iam_user, true, key, sizeof(key));
        snprintf(out->user, sizeof(out->user),
                 "%s may not do this (AWS said AccessDenied). %s", key,
                 SEE_ADMIN);
    } else {
        snprintf(out->user, sizeof(out->user),
                 "AWS refused the request (%s). %s", code, SEE_ADMIN);
    }
    snprintf(out->log, sizeof(out->log), "AWS error %s (HTTP %ld): %s", code,
             st->http_status, st->message);
}

static void explain_lost_answer(const struct aws_status *st,
                                struct explanation *out)
{
    snprintf(out->user, sizeof(out->user),
             "AWS's answer was lost on the way, and your code may already "
             "have been used. Wait for the next code and log in again.");
    snprintf(out->log, sizeof(out->log),
             "answer lost after the code was sent (not resent): %s",
             st->detail);
}

static void explain_unusable(const struct aws_status *st,
                             struct explanation *out)
{
    char status[32] = "no HTTP status read";
    if (st->http_status != 0)
        snprintf(status, sizeof(status), "HTTP %ld", st->http_status);
    snprintf(out->user, sizeof(out->user),
             "AWS's answer could not be understood. %s", SEE_ADMIN);
    snprintf(out->log, sizeof(out->log), "unusable AWS response (%s): %s",
             status, st->detail);
}

void explain_failure(const struct aws_status *st, const char *iam_user,
                     struct explanation *out)
{
    switch (st->result) {
    case AWS_API_ERROR:
        if (st->clock_skew_known)
            explain_skew(st, out);
        else
            explain_api_error(st, iam_user, out);
        return;
    case AWS_NETWORK_ERROR:
        if (st->answer_lost) {
            explain_lost_answer(st, out);
            return;
        }
        snprintf(out->user, sizeof(out->user),
                 "AWS cannot be reached from this server right now, so "
                 "your MFA code cannot be checked. Try again later. %s",
                 SEE_ADMIN);
        snprintf(out->log, sizeof(out->log),
                 "AWS unreachable after %d attempt(s): %s", st->attempts,
                 st->detail);
        return;
    case AWS_PROTOCOL_ERROR:
        explain_unusable(st, out);
        return;
    case AWS_OK:
    case AWS_LOCAL_ERROR:
        break;
    }
    snprintf(out->user, sizeof(out->user),
             "The MFA check failed on this server. %s", SEE_ADMIN);
    snprintf(out->log, sizeof(out->log), "local error: %s", st->detail);
}

bool explain_code_refusal(const struct aws_status *st, const char *iam_user,
                          const char *serial, struct explanation *out)
{
    if (strstr(st->message, "unable to validate") != NULL) {
        snprintf(out->user, sizeof(out->user),
                 "AWS cannot validate codes from MFA device %s with the "
                 "access key stored for IAM user %s: the device and the key "
                 "belong to different IAM users. %s",
                 serial, iam_user, SEE_ADMIN);
        snprintf(out->log, sizeof(out->log),
                 "device not validated for this IAM user: %s", st->message);
        return false;
    }
    snprintf(out->user, sizeof(out->user),
             "Wrong or already used code: AWS refused it. Wait for the next "
             "code and try again.");
    snprintf(out->log, sizeof(out->log), "wrong or reused code: %s",
             st->message);
    return true;
}
