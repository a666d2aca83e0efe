#include "query.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "sigv4.h"
#include "text.h"
#include "xml.h"

#define BACKOFF_BASE_MS 100
#define CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"

static bool append(struct secret *s, const char *text)
{
    return secret_append(s, text, strlen(text));
}

static bool append_encoded(struct secret *s, const char *text)
{
    bool ok = true;
    for (const unsigned char *p = (const unsigned char *)text; ok && *p; p++) {
        char esc[4];
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
            (*p >= '0' && *p <= '9') || strchr("-_.~", *p) != NULL) {
            ok = secret_append(s, (const char *)p, 1);
        } else {
            snprintf(esc, sizeof(esc), "%%%02X", *p);
            ok = append(s, esc);
        }
    }
    return ok;
}

static bool append_param(struct secret *s, const char *name, const char *value,
                         bool first)
{
    return (first || append(s, "&")) && append_encoded(s, name) &&
           append(s, "=") && append_encoded(s, value);
}

struct secret *query_form(const char *action, const char *version,
                          const struct query_param *params, size_t count)
{
    struct secret *s = secret_new();
    bool ok = s != NULL && append_param(s, "Action", action, true) &&
              append_param(s, "Version", version, false);
    for (size_t i = 0; ok && i < count; i++)
        ok = params[i].value == NULL ||
             append_param(s, params[i].name, params[i].value, false);
    if (!ok) {
        secret_free(s);
        return NULL;
    }
    return s;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Full jitter: a random wait up to the exponential cap, so that many
 * bastions throttled at once do not come back in step. */
static long backoff_ms(int attempt)
{
    long cap = BACKOFF_BASE_MS << (attempt < 6 ? attempt : 6);
    unsigned int r = 0;
    if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
        r = (unsigned int)now_ms();
    return (long)(r % (unsigned int)cap);
}

/* 429 Too Many Requests is throttling by definition (RFC 6585), from
 * AWS or a proxy before it: the request was not acted on.  Every other
 * 4xx (AccessDenied above all: a wrong or reused code) is final.
 * Retrying a refused code would also burn the user's next one. */
bool query_retryable(long http_status, const char *code)
{
    static const char *const throttled[] = {
        "Throttling",           "ThrottlingException",
        "RequestLimitExceeded", "TooManyRequestsException",
        "RequestThrottled",     NULL};
    if ((http_status >= 500 && http_status <= 599) || http_status == 429)
        return true;
    for (const char *const *t = throttled; *t != NULL; t++) {
        if (strcmp(code, *t) == 0)
            return true;
    }
    return false;
}

static int month_number(const char *name)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const char *at = strstr(months, name);
    return at && strlen(name) == 3 && (at - months) % 3 == 0
               ? (int)(at - months) / 3
               : -1;
}

/* The epoch time of tm's fields, when they name a real moment since
 * 1970.  sscanf reads "32", "-4" or "26" as readily as "04", and timegm
 * would carry such a field over, so the time must read back the same. */
static bool real_utc_time(const struct tm *tm, long long *when)
{
    struct tm copy = *tm, back;
    time_t t = timegm(&copy);
    if (tm->tm_year < 70 || gmtime_r(&t, &back) == NULL ||
        back.tm_year != tm->tm_year || back.tm_mon != tm->tm_mon ||
        back.tm_mday != tm->tm_mday || back.tm_hour != tm->tm_hour ||
        back.tm_min != tm->tm_min || back.tm_sec != tm->tm_sec)
        return false;
    *when = (long long)t;
    return true;
}

/* Date headers are RFC 7231 IMF-fixdate, "Fri, 04 Dec 2026 13:00:00 GMT";
 * read without strptime, whose month names follow the locale. */
bool query_clock_skew(const char *date_header, long long signed_at,
                      long long *skew)
{
    char month[4] = "";
    struct tm tm = {0};
    int end = 0;
    long long aws_time;
    if (sscanf(date_header, "%*3s, %2d %3s %4d %2d:%2d:%2d GMT%n", &tm.tm_mday,
               month, &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
               &end) != 6 ||
        end == 0 || date_header[end] != '\0')
        return false;
    tm.tm_mon = month_number(month);
    tm.tm_year -= 1900;
    if (tm.tm_mon < 0 || !real_utc_time(&tm, &aws_time))
        return false;
    *skew = aws_time - signed_at;
    return true;
}

struct error_fields {
    struct aws_status *st;
    bool has_code;
};

static bool take_error_field(void *ctx, const char *path, const char *text)
{
    struct error_fields *f = ctx;
    if (xml_path_ends(path, "Error/Code")) {
        text_sanitize(f->st->code, sizeof(f->st->code), text);
        f->has_code = true;
    } else if (xml_path_ends(path, "Error/Message")) {
        text_sanitize(f->st->message, sizeof(f->st->message), text);
    } else if ((xml_path_ends(path, "RequestId") ||
                xml_path_ends(path, "RequestID")) &&
               f->st->request_id[0] == '\0') {
        text_sanitize(f->st->request_id, sizeof(f->st->request_id), text);
    }
    return true;
}

bool query_parse_error(const char *body, size_t len, struct aws_status *st)
{
    struct error_fields f = {st, false};
    char err[128];
    return xml_read(body, len, take_error_field, &f, err, sizeof(err)) &&
           f.has_code;
}

/* "host[:port]" as the Host header carries it, and the URL's path. */
static bool split_url(const char *url, char *host, size_t hostlen, char *path,
                      size_t pathlen)
{
    CURLU *u = curl_url();
    char *h = NULL, *port = NULL, *p = NULL;
    bool ok = u != NULL &&
              curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_PATH, &p, 0) == CURLUE_OK;
    if (ok && curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK)
        port = NULL;
    if (ok) {
        snprintf(host, hostlen, "%s%s%s", h, port ? ":" : "", port ? port : "");
        snprintf(path, pathlen, "%s", p);
    }
    curl_free(h);
    curl_free(port);
    curl_free(p);
    curl_url_cleanup(u);
    return ok;
}

struct prepared {
    char host[512];
    char path[1024];
    struct secret *form;
};

/* "Name: value" in a secret (the token header is one). */
static struct secret *header_line(const char *name, const char *value)
{
    struct secret *s = secret_from_str(name);
    if (s != NULL && !(append(s, ": ") && append(s, value))) {
        secret_free(s);
        return NULL;
    }
    return s;
}

#define MAX_LINES 6

/* The header lines of one attempt: the signed ones, the Authorization
 * that signs them, and the unsigned Content-Type and Expect. */
static size_t build_lines(const struct sigv4_request *sr,
                          const struct secret *auth, struct secret **lines)
{
    size_t n = 0;
    for (size_t i = 0; i < sr->header_count; i++)
        lines[n++] = header_line(sr->headers[i].name, sr->headers[i].value);
    lines[n++] = auth ? header_line("Authorization", secret_str(auth)) : NULL;
    lines[n++] = header_line("Content-Type", CONTENT_TYPE);
    /* No "Expect: 100-continue" round trip for a small body. */
    lines[n++] = secret_from_str("Expect:");
    return n;
}

/* Signs one attempt at signed_at (host and x-amz-date, and the session
 * token when there is one) and sends it. */
static enum http_result attempt(struct aws_client *c,
                                const struct aws_endpoint *ep,
                                const struct prepared *req, long long signed_at,
                                struct http_response *resp)
{
    char amz_date[17];
    sigv4_amz_date(signed_at, amz_date);
    const char *token = c->session_token ? secret_str(c->session_token) : "";
    struct sigv4_header signed_headers[] = {
        {"Host", req->host},
        {"X-Amz-Date", amz_date},
        {"X-Amz-Security-Token", token},
    };
    struct sigv4_request sr = {"POST",
                               req->path,
                               "",
                               signed_headers,
                               c->session_token ? 3 : 2,
                               secret_str(req->form),
                               secret_len(req->form)};
    struct sigv4_key key = {c->access_key_id, secret_str(c->secret_access_key),
                            ep->region, ep->service, amz_date};
    struct secret *auth = sigv4_authorization(&sr, &key);
    struct secret *lines[MAX_LINES];
    size_t count = build_lines(&sr, auth, lines);
    const char *text[MAX_LINES];
    bool ok = true;
    for (size_t i = 0; i < count; i++) {
        ok = ok && lines[i] != NULL;
        text[i] = lines[i] ? secret_str(lines[i]) : NULL;
    }
    enum http_result res = HTTP_FAILED;
    if (ok)
        res = http_post(c->http, ep->url, text, count, req->form, c->budget_ms,
                        resp);
    else
        snprintf(resp->error, sizeof(resp->error), "out of memory");
    for (size_t i = 0; i < count; i++)
        secret_free(lines[i]);
    secret_free(auth);
    return res;
}

/* AWS's own time in a refusal's message, when the Date header is gone:
 * "Signature expired: A is now earlier than B (NOW - 15 min.)" and
 * "Signature not yet current: A is still later than B (NOW + 15 min.)". */
static bool skew_from_message(const char *message, long long signed_at,
                              long long *skew)
{
    const char *open = strchr(message, '(');
    struct tm tm = {0};
    long long aws_time;
    if (open == NULL ||
        sscanf(open, "(%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon,
               &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    if (!real_utc_time(&tm, &aws_time))
        return false;
    *skew = aws_time - signed_at;
    return true;
}

/* AWS refuses a time stamp more than 15 minutes off its clock. */
static void note_skew(struct aws_status *st, const char *date,
                      long long signed_at)
{
    bool expired = strstr(st->message, "Signature expired") != NULL ||
                   strstr(st->message, "Signature not yet current") != NULL;
    if (strcmp(st->code, "RequestExpired") != 0 &&
        !(strcmp(st->code, "SignatureDoesNotMatch") == 0 && expired))
        return;
    st->clock_skew_known =
        query_clock_skew(date, signed_at, &st->clock_skew) ||
        skew_from_message(st->message, signed_at, &st->clock_skew);
}

/* A complete response that is not a 2xx. */
static bool judge_refusal(const struct http_response *resp, long long signed_at,
                          struct aws_status *st)
{
    bool parsed =
        query_parse_error(secret_str(resp->body), secret_len(resp->body), st);
    if (parsed) {
        st->result = AWS_API_ERROR;
        note_skew(st, resp->date, signed_at);
    } else if (resp->status >= 500) {
        /* A load balancer's or proxy's page: AWS is not answering. */
        st->result = AWS_NETWORK_ERROR;
        snprintf(st->detail, sizeof(st->detail),
                 "HTTP %ld with no AWS error in the body", resp->status);
    } else {
        st->result = AWS_PROTOCOL_ERROR;
        snprintf(st->detail, sizeof(st->detail),
                 "HTTP %ld with no readable AWS error", resp->status);
    }
    return query_retryable(resp->status, st->code);
}

bool query_judge(enum http_result res, const struct http_response *resp,
                 long long signed_at, struct aws_status *st)
{
    st->http_status = resp->status;
    text_sanitize(st->request_id, sizeof(st->request_id), resp->request_id);
    if (res != HTTP_DONE) {
        text_sanitize(st->detail, sizeof(st->detail), resp->error);
        st->result =
            res == HTTP_TOO_LARGE ? AWS_PROTOCOL_ERROR : AWS_NETWORK_ERROR;
        /* A timeout used up the time; a refused certificate or an
         * oversized answer would only come again. */
        return res == HTTP_FAILED;
    }
    if (resp->status >= 200 && resp->status < 300) {
        st->result = AWS_OK;
        return false;
    }
    return judge_refusal(resp, signed_at, st);
}

static bool prepare(const struct aws_endpoint *ep, const char *action,
                    const struct query_param *params, size_t count,
                    struct prepared *req, struct aws_status *st)
{
    req->form = query_form(action, ep->version, params, count);
    if (req->form == NULL) {
        st->result = AWS_LOCAL_ERROR;
        snprintf(st->detail, sizeof(st->detail), "out of memory");
        return false;
    }
    if (!split_url(ep->url, req->host, sizeof(req->host), req->path,
                   sizeof(req->path))) {
        st->result = AWS_LOCAL_ERROR;
        snprintf(st->detail, sizeof(st->detail), "bad endpoint URL");
        return false;
    }
    return true;
}

/* An oversized answer did come (AWS answered); a refused certificate or
 * URL means the request never left. */
static bool answer_never_came(enum http_result res)
{
    return res == HTTP_FAILED || res == HTTP_TIMED_OUT;
}

/* Spends the wait before the next attempt; false when no time is left. */
static bool wait_before_retry(struct aws_client *c, int attempt)
{
    long wait = backoff_ms(attempt);
    if (c->budget_ms - wait <= 0)
        return false;
    sleep_ms(wait);
    c->budget_ms -= wait;
    return true;
}

enum aws_result query_call(struct aws_client *c, const struct aws_endpoint *ep,
                           const char *action, const struct query_param *params,
                           size_t count, bool one_time_code,
                           struct secret **body, struct aws_status *st)
{
    memset(st, 0, sizeof(*st));
    *body = NULL;
    struct prepared req = {0};
    struct http_response resp = {0};
    bool again = prepare(ep, action, params, count, &req, st);
    for (int n = 0; again && n < QUERY_MAX_ATTEMPTS; n++) {
        if (n > 0 && !wait_before_retry(c, n))
            break;
        if (c->budget_ms <= 0) {
            st->result = AWS_NETWORK_ERROR;
            snprintf(st->detail, sizeof(st->detail), "time limit reached");
            break;
        }
        long long start = now_ms(), signed_at = (long long)time(NULL);
        enum http_result res = attempt(c, ep, &req, signed_at, &resp);
        c->budget_ms -= now_ms() - start;
        memset(st, 0, sizeof(*st));
        st->attempts = n + 1;
        again = query_judge(res, &resp, signed_at, st);
        /* A code that left with no answer back (cut off, reset, or the
         * time ran out) may have been used, whether or not time remains
         * for another attempt. */
        if (one_time_code && answer_never_came(res) && resp.request_sent) {
            st->answer_lost = true;
            again = false;
        }
    }
    if (st->result == AWS_OK) {
        *body = resp.body;
        resp.body = NULL;
    }
    http_response_clear(&resp);
    secret_free(req.form);
    return st->result;
}
