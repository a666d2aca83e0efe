/* One HTTPS POST with libcurl: TLS always verified, no redirects, no
 * proxies from the environment (only the configured one), a time limit
 * and a size cap. */
#ifndef PAM_AWSMFA_HTTP_H
#define PAM_AWSMFA_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "secret.h"

/* Bodies larger than this are refused (an STS answer is a few KiB). */
#define HTTP_MAX_BODY (1024 * 1024)

struct http_options {
    const char *ca_file;    /* NULL: the system trust store */
    const char *user_agent; /* NULL: "pam_awsmfa/" PACKAGE_VERSION */
    const char *proxy;      /* http://host:port (CONNECT), NULL: none */
    const char *no_proxy;   /* libcurl NOPROXY list, NULL: none */
};

/* Holds one libcurl handle, so that successive requests of a login reuse
 * their connections (one TLS handshake per host). */
struct http_client;

struct http_client *http_client_new(const struct http_options *opts);
void http_client_free(struct http_client *c);

enum http_result {
    HTTP_DONE,   /* a complete response arrived (any status) */
    HTTP_FAILED, /* connect, TLS, reset, malformed HTTP */
    HTTP_TIMED_OUT,
    HTTP_REFUSED,  /* a certificate that failed verification, an unusable
                      CA file, a URL that is not https: retrying cannot
                      help */
    HTTP_TOO_LARGE /* the body passed HTTP_MAX_BODY */
};

struct http_response {
    long status;         /* the status line's, 0 when none was read */
    struct secret *body; /* may hold credentials */
    char date[64];       /* the Date header, "" when absent */
    char request_id[64]; /* x-amzn-RequestId, "" when absent */
    char error[256];     /* why, for anything but HTTP_DONE */
    bool request_sent;   /* the request left (AWS may have acted on it) */
};

/* POSTs body to url with the given header lines ("Name: value").  The
 * response is reset first; free its body with http_response_clear. */
enum http_result http_post(struct http_client *c, const char *url,
                           const char *const *headers, size_t header_count,
                           const struct secret *body, long timeout_ms,
                           struct http_response *resp);
void http_response_clear(struct http_response *resp);

#endif
