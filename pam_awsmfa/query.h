/* The AWS Query protocol: a form-encoded POST, signed with SigV4, sent
 * with retries inside the login's time budget, the answer classified.
 * Internal to the aws room (iam.c, sts.c, aws_client.c). */
#ifndef PAM_AWSMFA_QUERY_H
#define PAM_AWSMFA_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "aws.h"
#include "http.h"
#include "secret.h"

/* HTTP requests for one call at most: the first and three retries. */
#define QUERY_MAX_ATTEMPTS 4

struct aws_endpoint {
    const char *url;
    const char *region;  /* signing region */
    const char *service; /* "sts" or "iam" */
    const char *version; /* API version, e.g. "2011-06-15" */
};

struct aws_client {
    char *access_key_id;
    struct secret *secret_access_key;
    struct secret *session_token; /* NULL for long-term keys */
    struct aws_endpoint sts;
    struct aws_endpoint iam;
    struct http_client *http;
    /* What is left of the login's time for AWS calls, in milliseconds of
     * the monotonic clock.  Only time spent in calls (and waits between
     * attempts) counts: the user typing a code does not. */
    long budget_ms;
};

struct query_param {
    const char *name;
    const char *value; /* NULL leaves the parameter out; may be a code */
};

/* Calls action with params; on AWS_OK *body holds the response body (a
 * secret, the caller frees it).  st is filled in either way.  A call that
 * carries a one-time code is not resent once a request has left with no
 * answer back: AWS may have used the code, and a resend would be refused
 * as a reused code, blaming the operator. */
enum aws_result query_call(struct aws_client *c, const struct aws_endpoint *ep,
                           const char *action, const struct query_param *params,
                           size_t count, bool one_time_code,
                           struct secret **body, struct aws_status *st);

/* The form body "Action=...&Version=...&k=v..." (RFC 3986 encoding). */
struct secret *query_form(const char *action, const char *version,
                          const struct query_param *params, size_t count);

/* Judges one attempt: res and resp are what http_post gave, signed_at
 * the request's X-Amz-Date.  Fills st (result, code, message, request
 * id, clock skew, detail) and returns whether another attempt may help. */
bool query_judge(enum http_result res, const struct http_response *resp,
                 long long signed_at, struct aws_status *st);

/* Reads an ErrorResponse body into st (code, message, request id);
 * false when the body holds no AWS error code. */
bool query_parse_error(const char *body, size_t len, struct aws_status *st);

/* Whether an answer is worth another attempt: throttling and server
 * errors are; AccessDenied and every other client error never are. */
bool query_retryable(long http_status, const char *code);

/* Seconds from our signing time to an HTTP Date header (IMF-fixdate);
 * false when the header cannot be read. */
bool query_clock_skew(const char *date_header, long long signed_at,
                      long long *skew);

#endif
