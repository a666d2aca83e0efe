#include "http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

struct http_client {
    CURL *curl;
    char *ca_file;
    char *user_agent;
    char *proxy;    /* "" for none: also turns off the environment's */
    char *no_proxy; /* NULL for none */
};

struct http_client *http_client_new(const struct http_options *opts)
{
    struct http_client *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    /* curl_easy_init runs curl_global_init on first use; libcurl 7.84
     * and later do that safely in a threaded host. */
    c->curl = curl_easy_init();
    c->ca_file = opts->ca_file ? strdup(opts->ca_file) : NULL;
    c->user_agent = strdup(opts->user_agent ? opts->user_agent
                                            : "pam_awsmfa/" PACKAGE_VERSION);
    c->proxy = strdup(opts->proxy ? opts->proxy : "");
    c->no_proxy = opts->no_proxy ? strdup(opts->no_proxy) : NULL;
    if (c->curl == NULL || c->user_agent == NULL || c->proxy == NULL ||
        (opts->ca_file != NULL && c->ca_file == NULL) ||
        (opts->no_proxy != NULL && c->no_proxy == NULL)) {
        http_client_free(c);
        return NULL;
    }
    return c;
}

void http_client_free(struct http_client *c)
{
    if (c == NULL)
        return;
    if (c->curl != NULL)
        curl_easy_cleanup(c->curl);
    free(c->ca_file);
    free(c->user_agent);
    free(c->proxy);
    free(c->no_proxy);
    free(c);
}

void http_response_clear(struct http_response *resp)
{
    secret_free(resp->body);
    memset(resp, 0, sizeof(*resp));
}

static size_t collect_body(char *data, size_t size, size_t n, void *arg)
{
    struct http_response *resp = arg;
    size_t len = size * n;
    if (secret_len(resp->body) + len > HTTP_MAX_BODY) {
        snprintf(resp->error, sizeof(resp->error),
                 "response too large (over %d bytes)", HTTP_MAX_BODY);
        return 0;
    }
    return secret_append(resp->body, data, len) ? len : 0;
}

/* Copies a header's value when its name matches, trimmed and sanitised. */
static void keep_header(const char *line, size_t len, const char *name,
                        char *out, size_t outlen)
{
    size_t nlen = strlen(name);
    if (len <= nlen + 1 || strncasecmp(line, name, nlen) != 0 ||
        line[nlen] != ':')
        return;
    const char *v = line + nlen + 1;
    const char *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    char raw[256];
    snprintf(raw, sizeof(raw), "%.*s", (int)(end - v), v);
    text_sanitize(out, outlen, raw);
}

static size_t collect_header(char *data, size_t size, size_t n, void *arg)
{
    struct http_response *resp = arg;
    size_t len = size * n;
    keep_header(data, len, "Date", resp->date, sizeof(resp->date));
    keep_header(data, len, "x-amzn-RequestId", resp->request_id,
                sizeof(resp->request_id));
    return len;
}

/* Everything that makes the request safe: https only, verification on,
 * no redirects, no signals (PAM runs inside other programs), bodies over
 * the cap refused from their Content-Length already.  A proxy is never
 * taken from the environment (https_proxy of whoever runs sudo must not
 * steer the login's traffic): only the configured one is set, "" when
 * there is none, which turns the environment's off. */
static CURLcode set_proxy(struct http_client *c)
{
    CURL *h = c->curl;
    CURLcode rc = curl_easy_setopt(h, CURLOPT_PROXY, c->proxy);
    if (rc == CURLE_OK && c->proxy[0] != '\0')
        rc = curl_easy_setopt(h, CURLOPT_PROXYTYPE, (long)CURLPROXY_HTTP);
    /* A tunnel (CONNECT) even for plain requests: nothing is ever sent
     * to the proxy but the address to connect to. */
    if (rc == CURLE_OK && c->proxy[0] != '\0')
        rc = curl_easy_setopt(h, CURLOPT_HTTPPROXYTUNNEL, 1L);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_NOPROXY, c->no_proxy);
    return rc;
}

static CURLcode set_safety(struct http_client *c, long timeout_ms)
{
    CURL *h = c->curl;
    CURLcode rc = curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (rc == CURLE_OK && c->ca_file != NULL)
        rc = curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    if (rc == CURLE_OK)
        rc = set_proxy(c);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                              (curl_off_t)HTTP_MAX_BODY);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    return rc;
}

static CURLcode set_request(struct http_client *c, const char *url,
                            struct curl_slist *headers,
                            const struct secret *body,
                            struct http_response *resp)
{
    CURL *h = c->curl;
    CURLcode rc = curl_easy_setopt(h, CURLOPT_URL, url);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_POSTFIELDS, secret_str(body));
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                              (curl_off_t)secret_len(body));
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect_body);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, collect_header);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_HEADERDATA, resp);
    return rc;
}

static enum http_result classify(CURLcode rc, struct http_response *resp)
{
    if (rc == CURLE_OK)
        return HTTP_DONE;
    if ((rc == CURLE_WRITE_ERROR && resp->error[0] != '\0') ||
        rc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(resp->error, sizeof(resp->error),
                 "response too large (over %d bytes)", HTTP_MAX_BODY);
        return HTTP_TOO_LARGE;
    }
    if (resp->error[0] == '\0')
        snprintf(resp->error, sizeof(resp->error), "%s",
                 curl_easy_strerror(rc));
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        return HTTP_TIMED_OUT;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return HTTP_REFUSED;
    default:
        return HTTP_FAILED;
    }
}

/* What a transfer got as far as, whatever its outcome: whether the
 * request left, and the status line's code (an answer cut off or over
 * the size cap still had one; 0 when none arrived). */
static void note_transfer(CURL *h, struct http_response *resp)
{
    long sent = 0;
    curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &sent);
    resp->request_sent = sent > 0;
    if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status) != CURLE_OK)
        resp->status = 0;
}

enum http_result http_post(struct http_client *c, const char *url,
                           const char *const *headers, size_t header_count,
                           const struct secret *body, long timeout_ms,
                           struct http_response *resp)
{
    http_response_clear(resp);
    if (timeout_ms <= 0) {
        /* libcurl would read 0 as "no limit". */
        snprintf(resp->error, sizeof(resp->error), "time limit reached");
        return HTTP_TIMED_OUT;
    }
    resp->body = secret_new();
    struct curl_slist *list = NULL;
    bool ok = resp->body != NULL;
    for (size_t i = 0; ok && i < header_count; i++) {
        struct curl_slist *next = curl_slist_append(list, headers[i]);
        ok = next != NULL;
        list = next ? next : list;
    }
    CURLcode rc = ok ? set_safety(c, timeout_ms) : CURLE_OUT_OF_MEMORY;
    if (rc == CURLE_OK)
        rc = set_request(c, url, list, body, resp);
    if (rc == CURLE_OK) {
        rc = curl_easy_perform(c->curl);
        note_transfer(c->curl, resp);
    }
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, NULL);
    curl_slist_free_all(list);
    return classify(rc, resp);
}
