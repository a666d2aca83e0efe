#include "secret.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct secret {
    char *data;
    size_t len;
    size_t cap;
};

void secret_wipe(void *p, size_t n)
{
    if (p != NULL && n > 0)
        OPENSSL_cleanse(p, n);
}

bool secret_equal(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}

void secret_free_str(char *s)
{
    if (s == NULL)
        return;
    secret_wipe(s, strlen(s));
    free(s);
}

/* Moves the contents into a larger buffer by hand, because realloc could
 * leave a copy of the old bytes behind in freed memory. */
static bool secret_reserve(struct secret *s, size_t need)
{
    if (need <= s->cap)
        return true;
    size_t cap = s->cap ? s->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2)
            return false;
        cap *= 2;
    }
    char *data = malloc(cap);
    if (data == NULL)
        return false;
    memcpy(data, s->data, s->len + 1);
    secret_wipe(s->data, s->cap);
    free(s->data);
    s->data = data;
    s->cap = cap;
    return true;
}

struct secret *secret_new(void)
{
    struct secret *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    s->data = calloc(1, 64);
    if (s->data == NULL) {
        free(s);
        return NULL;
    }
    s->cap = 64;
    return s;
}

struct secret *secret_from(const char *text, size_t len)
{
    struct secret *s = secret_new();
    if (s != NULL && !secret_append(s, text, len)) {
        secret_free(s);
        return NULL;
    }
    return s;
}

struct secret *secret_from_str(const char *text)
{
    return secret_from(text, strlen(text));
}

bool secret_append(struct secret *s, const char *text, size_t len)
{
    if (len > SIZE_MAX - s->len - 1)
        return false;
    if (!secret_reserve(s, s->len + len + 1))
        return false;
    memcpy(s->data + s->len, text, len);
    s->len += len;
    s->data[s->len] = '\0';
    return true;
}

const char *secret_str(const struct secret *s)
{
    return s->data;
}

size_t secret_len(const struct secret *s)
{
    return s->len;
}

void secret_clear(struct secret *s)
{
    secret_wipe(s->data, s->cap);
    s->len = 0;
}

void secret_free(struct secret *s)
{
    if (s == NULL)
        return;
    secret_wipe(s->data, s->cap);
    free(s->data);
    free(s);
}

bool secret_write(const struct secret *s, int fd)
{
    const char *data = s->data;
    size_t len = s->len;
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            errno = EIO; /* no progress and no reason given */
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}
