#include "sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define ALGORITHM "AWS4-HMAC-SHA256"

void sigv4_amz_date(long long epoch, char *out)
{
    time_t t = (time_t)epoch;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

static bool append(struct secret *s, const char *text)
{
    return secret_append(s, text, strlen(text));
}

static void hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

static void sha256_hex(const void *data, size_t len, char *out)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(data, len, digest);
    hex(digest, sizeof(digest), out);
}

static bool unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
           c == '~';
}

/* RFC 3986 percent-encoding of every byte outside the unreserved set
 * (and '/' kept when keep_slash). */
static bool append_encoded(struct secret *s, const char *text, size_t len,
                           bool keep_slash)
{
    bool ok = true;
    for (size_t i = 0; ok && i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        char esc[4];
        if (unreserved(c) || (keep_slash && c == '/'))
            ok = secret_append(s, (const char *)&c, 1);
        else {
            snprintf(esc, sizeof(esc), "%%%02X", c);
            ok = append(s, esc);
        }
    }
    return ok;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes %XX escapes in place; false on a malformed escape. */
static bool percent_decode(char *text, size_t *len)
{
    size_t out = 0;
    for (size_t i = 0; i < *len; i++) {
        if (text[i] != '%') {
            text[out++] = text[i];
            continue;
        }
        if (i + 2 >= *len)
            return false;
        int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
        if (hi < 0 || lo < 0)
            return false;
        text[out++] = (char)(hi * 16 + lo);
        i += 2;
    }
    *len = out;
    return true;
}

/* The canonical URI: dot segments and repeated slashes removed (as AWS
 * does for every service but S3), each byte outside the unreserved set
 * encoded. */
static bool append_canonical_path(struct secret *s, const char *path)
{
    const char *segments[128];
    size_t lengths[128], depth = 0;
    const char *p = path;
    while (*p != '\0') {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n == 0)
            break;
        if (n == 2 && strncmp(p, "..", 2) == 0)
            depth -= depth > 0;
        else if (!(n == 1 && *p == '.')) {
            if (depth == 128)
                return false;
            segments[depth] = p;
            lengths[depth++] = n;
        }
        p += n;
    }
    bool ok = true;
    for (size_t i = 0; ok && i < depth; i++)
        ok =
            append(s, "/") && append_encoded(s, segments[i], lengths[i], false);
    size_t len = strlen(path);
    if (ok && (depth == 0 || (len > 0 && path[len - 1] == '/')))
        ok = append(s, "/");
    return ok;
}

struct query_pair {
    struct secret *key;
    struct secret *value;
};

static int compare_pairs(const void *a, const void *b)
{
    const struct query_pair *x = a, *y = b;
    int c = strcmp(secret_str(x->key), secret_str(y->key));
    return c ? c : strcmp(secret_str(x->value), secret_str(y->value));
}

/* One "key=value" (or "key") of the query, decoded then re-encoded. */
static bool parse_pair(const char *text, size_t len, struct query_pair *out)
{
    struct secret *raw = secret_from(text, len);
    if (raw == NULL)
        return false;
    char *copy = (char *)secret_str(raw);
    char *eq = memchr(copy, '=', len);
    size_t klen = eq ? (size_t)(eq - copy) : len;
    size_t vlen = eq ? len - klen - 1 : 0;
    bool ok = percent_decode(copy, &klen) &&
              (eq == NULL || percent_decode(eq + 1, &vlen));
    out->key = secret_new();
    out->value = secret_new();
    ok = ok && out->key && out->value &&
         append_encoded(out->key, copy, klen, false) &&
         (eq == NULL || append_encoded(out->value, eq + 1, vlen, false));
    secret_free(raw);
    return ok;
}

static void free_pairs(struct query_pair *pairs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        secret_free(pairs[i].key);
        secret_free(pairs[i].value);
    }
    free(pairs);
}

static bool append_canonical_query(struct secret *s, const char *query)
{
    size_t max = 1;
    for (const char *p = query; *p; p++)
        max += *p == '&';
    struct query_pair *pairs = calloc(max, sizeof(*pairs));
    if (pairs == NULL)
        return false;
    size_t n = 0;
    bool ok = true;
    for (const char *p = query; ok && *p != '\0';) {
        size_t len = strcspn(p, "&");
        if (len > 0)
            ok = parse_pair(p, len, &pairs[n++]);
        p += len + (p[len] == '&');
    }
    if (ok)
        qsort(pairs, n, sizeof(*pairs), compare_pairs);
    for (size_t i = 0; ok && i < n; i++)
        ok = (i == 0 || append(s, "&")) &&
             append(s, secret_str(pairs[i].key)) && append(s, "=") &&
             append(s, secret_str(pairs[i].value));
    free_pairs(pairs, n);
    return ok;
}

struct header_ref {
    const struct sigv4_header *header;
    size_t order;
};

static int compare_headers(const void *a, const void *b)
{
    const struct header_ref *x = a, *y = b;
    int c = strcasecmp(x->header->name, y->header->name);
    if (c != 0)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* A header value as signed: trimmed, inner runs of blanks made one. */
static bool append_trimmed(struct secret *s, const char *value)
{
    bool ok = true, blank = false, started = false;
    for (const char *p = value; ok && *p != '\0'; p++) {
        if (*p == ' ' || *p == '\t') {
            blank = started;
            continue;
        }
        if (blank)
            ok = append(s, " ");
        blank = false;
        started = true;
        ok = ok && secret_append(s, p, 1);
    }
    return ok;
}

static bool append_lower(struct secret *s, const char *name)
{
    bool ok = true;
    for (const char *p = name; ok && *p != '\0'; p++) {
        char c = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p;
        ok = secret_append(s, &c, 1);
    }
    return ok;
}

/* Canonical headers (one "name:value\n" per name, repeated names joined
 * with ',' in their order) into s, and the signed-header list into names. */
static bool append_canonical_headers(struct secret *s, struct secret *names,
                                     const struct sigv4_request *req)
{
    size_t n = req->header_count;
    struct header_ref *refs = calloc(n ? n : 1, sizeof(*refs));
    if (refs == NULL)
        return false;
    for (size_t i = 0; i < n; i++)
        refs[i] = (struct header_ref){&req->headers[i], i};
    qsort(refs, n, sizeof(*refs), compare_headers);
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        const char *name = refs[i].header->name;
        bool repeat = i > 0 && strcasecmp(refs[i - 1].header->name, name) == 0;
        if (repeat)
            ok = append(s, ",");
        else
            ok = (i == 0 || append(s, "\n")) && append_lower(s, name) &&
                 append(s, ":") && (i == 0 || append(names, ";")) &&
                 append_lower(names, name);
        ok = ok && append_trimmed(s, refs[i].header->value);
    }
    free(refs);
    return ok && (n == 0 || append(s, "\n"));
}

static struct secret *canonical(const struct sigv4_request *req,
                                struct secret *names)
{
    struct secret *s = secret_new();
    char payload_hash[2 * SHA256_DIGEST_LENGTH + 1];
    sha256_hex(req->payload ? req->payload : "", req->payload_len,
               payload_hash);
    bool ok = s != NULL && append(s, req->method) && append(s, "\n") &&
              append_canonical_path(s, req->path) && append(s, "\n") &&
              append_canonical_query(s, req->query ? req->query : "") &&
              append(s, "\n") && append_canonical_headers(s, names, req) &&
              append(s, "\n") && append(s, secret_str(names)) &&
              append(s, "\n") && append(s, payload_hash);
    if (!ok) {
        secret_free(s);
        return NULL;
    }
    return s;
}

struct secret *sigv4_canonical_request(const struct sigv4_request *req)
{
    struct secret *names = secret_new();
    struct secret *s = names ? canonical(req, names) : NULL;
    secret_free(names);
    return s;
}

static bool append_scope(struct secret *s, const struct sigv4_key *key)
{
    return secret_append(s, key->amz_date, 8) && append(s, "/") &&
           append(s, key->region) && append(s, "/") &&
           append(s, key->service) && append(s, "/aws4_request");
}

struct secret *sigv4_string_to_sign(const struct sigv4_key *key,
                                    const char *canonical_request)
{
    char hash[2 * SHA256_DIGEST_LENGTH + 1];
    sha256_hex(canonical_request, strlen(canonical_request), hash);
    struct secret *s = secret_new();
    bool ok = s != NULL && append(s, ALGORITHM "\n") &&
              append(s, key->amz_date) && append(s, "\n") &&
              append_scope(s, key) && append(s, "\n") && append(s, hash);
    if (!ok) {
        secret_free(s);
        return NULL;
    }
    return s;
}

static void hmac(const void *key, size_t key_len, const char *data,
                 size_t data_len, unsigned char *out)
{
    unsigned int len = SHA256_DIGEST_LENGTH;
    HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)data, data_len,
         out, &len);
}

/* HMAC chain: date, region, service, "aws4_request", then the string. */
static bool signature_hex(const struct sigv4_key *key, const char *sts,
                          char *out)
{
    struct secret *k = secret_from_str("AWS4");
    if (k == NULL || !append(k, key->secret_access_key)) {
        secret_free(k);
        return false;
    }
    unsigned char a[SHA256_DIGEST_LENGTH], b[SHA256_DIGEST_LENGTH];
    hmac(secret_str(k), secret_len(k), key->amz_date, 8, a);
    secret_free(k);
    hmac(a, sizeof(a), key->region, strlen(key->region), b);
    hmac(b, sizeof(b), key->service, strlen(key->service), a);
    hmac(a, sizeof(a), "aws4_request", 12, b);
    hmac(b, sizeof(b), sts, strlen(sts), a);
    hex(a, sizeof(a), out);
    secret_wipe(a, sizeof(a));
    secret_wipe(b, sizeof(b));
    return true;
}

static struct secret *authorization(const struct sigv4_key *key,
                                    const char *names, const char *sig)
{
    struct secret *s = secret_new();
    bool ok = s != NULL && append(s, ALGORITHM " Credential=") &&
              append(s, key->access_key_id) && append(s, "/") &&
              append_scope(s, key) && append(s, ", SignedHeaders=") &&
              append(s, names) && append(s, ", Signature=") && append(s, sig);
    if (!ok) {
        secret_free(s);
        return NULL;
    }
    return s;
}

struct secret *sigv4_authorization(const struct sigv4_request *req,
                                   const struct sigv4_key *key)
{
    struct secret *names = secret_new();
    struct secret *creq = names ? canonical(req, names) : NULL;
    struct secret *sts =
        creq ? sigv4_string_to_sign(key, secret_str(creq)) : NULL;
    char sig[2 * SHA256_DIGEST_LENGTH + 1];
    struct secret *auth = NULL;
    if (sts != NULL && signature_hex(key, secret_str(sts), sig))
        auth = authorization(key, secret_str(names), sig);
    secret_free(sts);
    secret_free(creq);
    secret_free(names);
    return auth;
}
