/* AWS Signature Version 4: a pure function of the request, the key and a
 * time stamp.  No sockets, no files, no clock. */
#ifndef PAM_AWSMFA_SIGV4_H
#define PAM_AWSMFA_SIGV4_H

#include <stddef.h>

#include "secret.h"

struct sigv4_header {
    const char *name;
    const char *value;
};

struct sigv4_request {
    const char *method;
    const char *path;  /* as sent, e.g. "/" (normalised and encoded here) */
    const char *query; /* as sent, without '?'; "" when none */
    const struct sigv4_header *headers; /* every header to sign */
    size_t header_count;
    const char *payload;
    size_t payload_len;
};

struct sigv4_key {
    const char *access_key_id;
    const char *secret_access_key;
    const char *region;
    const char *service;
    const char *amz_date; /* "YYYYMMDDTHHMMSSZ", as in X-Amz-Date */
};

/* X-Amz-Date for a time: "20150830T123600Z".  out has 17 bytes. */
void sigv4_amz_date(long long epoch, char *out);

/* Each step, exposed for the test vectors.  Results are secrets (a
 * canonical request holds the session token header); NULL when out of
 * memory or when the request cannot be signed (a malformed escape). */
struct secret *sigv4_canonical_request(const struct sigv4_request *req);
struct secret *sigv4_string_to_sign(const struct sigv4_key *key,
                                    const char *canonical_request);
/* The Authorization header's value. */
struct secret *sigv4_authorization(const struct sigv4_request *req,
                                   const struct sigv4_key *key);

#endif
