/* Buffers for secrets: every byte is wiped before the memory is returned. */
#ifndef PAM_AWSMFA_SECRET_H
#define PAM_AWSMFA_SECRET_H

#include <stdbool.h>
#include <stddef.h>

/* A growable, always NUL-terminated byte string that is wiped on free and
 * whenever it moves.  Used for keys, session tokens, TOTP codes and any
 * buffer that may hold one (HTTP bodies, file contents). */
struct secret;

struct secret *secret_new(void);
struct secret *secret_from(const char *text, size_t len);
struct secret *secret_from_str(const char *text);
/* Appends; returns false (and leaves the secret unchanged) when out of
 * memory. */
bool secret_append(struct secret *s, const char *text, size_t len);
const char *secret_str(const struct secret *s);
size_t secret_len(const struct secret *s);
/* Writes all of the contents to fd (going on after short writes and
 * EINTR); false with errno set on failure. */
bool secret_write(const struct secret *s, int fd);
/* Wipes the contents and sets the length to zero, keeping the secret. */
void secret_clear(struct secret *s);
void secret_free(struct secret *s);

/* Wipes n bytes in a way the compiler may not optimise away. */
void secret_wipe(void *p, size_t n);
/* Wipes a NUL-terminated heap string and frees it; NULL is fine. */
void secret_free_str(char *s);
/* Compares in time that depends only on n. */
bool secret_equal(const void *a, const void *b, size_t n);

#endif
