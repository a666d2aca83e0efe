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

/* Whether text is what text_sanitize promises for anything from the
 * network that reaches a terminal or the log: no C0 control or DEL, and
 * bytes above ASCII only as whole UTF-8 sequences (lead byte C2..F4,
 * continuation bytes 80..BF) that are not C1 controls (C2 80..C2 9F). */
static inline bool fuzz_printable(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && *p < 0xc2) || *p > 0xf4 ||
            (*p == 0xc2 && p[1] < 0xa0))
            return false;
        int more = *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : *p >= 0xc2 ? 1 : 0;
        for (p++; more > 0; more--, p++) {
            if ((*p & 0xc0) != 0x80)
                return false;
        }
    }
    return true;
}

#endif
