/* What every fuzz target shares: a check that turns a broken promise of
 * the code under test into a crash libFuzzer reports and keeps. */
#ifndef PAM_AWSMFA_FUZZ_H
#define PAM_AWSMFA_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, \
                    #cond);                                                    \
            abort();                                                           \
        }                                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether buf (of size bytes) holds a NUL-terminated string. */
static inline bool fuzz_terminated(const char *buf, size_t size)
{
    return memchr(buf, '\0', size) != NULL;
}

/* Whether text is printable ASCII only: what text_sanitize promises for
 * anything from the network that reaches a terminal or the log. */
static inline bool fuzz_printable(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p < 0x20 || *p > 0x7e)
            return false;
    }
    return true;
}

#endif
