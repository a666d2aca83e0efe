/* Small text helpers shared by the rooms. */
#ifndef PAM_AWSMFA_TEXT_H
#define PAM_AWSMFA_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Copies src into dst (always NUL-terminated, cut to fit), replacing
 * control characters and bytes that are not printable ASCII with '?',
 * so that text from the network is safe for a terminal or a log. */
void text_sanitize(char *dst, size_t dstlen, const char *src);

/* Formats a time as ISO 8601 UTC, "2026-12-04T10:00:00Z". */
bool text_format_utc(long long epoch, char *buf, size_t buflen);
/* Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" (fraction ignored). */
bool text_parse_utc(const char *text, long long *epoch);

#endif
