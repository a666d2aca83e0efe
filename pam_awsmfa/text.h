/* Small text helpers shared by the rooms. */
#ifndef PAM_AWSMFA_TEXT_H
#define PAM_AWSMFA_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Copies src into dst (always NUL-terminated, cut to fit, never inside
 * a character), so that text from the network is safe for a terminal or
 * a log: printable ASCII and well-formed UTF-8 of printable characters
 * are kept (a user "jürgen" stays greppable); control characters (C0,
 * DEL, C1), invisible or look-alike blanks, overlong forms, surrogates
 * and invalid bytes become '?' (one per byte, or per character when it
 * was well-formed). */
void text_sanitize(char *dst, size_t dstlen, const char *src);

/* Rewrites a path in place without doubled or trailing slashes
 * ("/tmp//x/" becomes "/tmp/x"; "/" stays), so that a final link is
 * seen as one and logged paths read cleanly. */
void text_tidy_path(char *path);

/* Formats a time as ISO 8601 UTC, "2026-12-04T10:00:00Z". */
bool text_format_utc(long long epoch, char *buf, size_t buflen);
/* Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" (fraction ignored). */
bool text_parse_utc(const char *text, long long *epoch);

#endif
