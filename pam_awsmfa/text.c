#include "text.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The length of the well-formed UTF-8 sequence of two to four bytes at
 * s (shortest form, no surrogate, at most U+10FFFF), with its code
 * point; 0 when there is none. */
static size_t utf8_sequence(const unsigned char *s, unsigned long *cp)
{
    size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
    if (len == 0 || s[0] > 0xf4)
        return 0;
    unsigned long v = s[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    static const unsigned long least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < least[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

/* Characters that are not text to a terminal or a log reader: controls
 * (C1 ones are escapes to some terminals), characters that show as a
 * plain blank or as nothing at all (Unicode's default-ignorable ones,
 * Hangul fillers, the blank Braille pattern), direction marks, line and
 * paragraph separators, annotation marks and non-characters.  A reader
 * must not be shown text that is not there, nor miss text that is. */
static const struct {
    unsigned long first, last;
} not_text[] = {
    {0x0000, 0x00a0},   {0x00ad, 0x00ad},   {0x034f, 0x034f},
    {0x061c, 0x061c},   {0x115f, 0x1160},   {0x1680, 0x1680},
    {0x17b4, 0x17b5},   {0x180b, 0x180f},   {0x2000, 0x200f},
    {0x2028, 0x202f},   {0x205f, 0x206f},   {0x2800, 0x2800},
    {0x3000, 0x3000},   {0x3164, 0x3164},   {0xfdd0, 0xfdef},
    {0xfe00, 0xfe0f},   {0xfeff, 0xfeff},   {0xffa0, 0xffa0},
    {0xfff0, 0xfffb},   {0x1bca0, 0x1bca3}, {0x1d173, 0x1d17a},
    {0xe0000, 0xe0fff},
};

static bool shown_as_is(unsigned long cp)
{
    if ((cp & 0xfffe) == 0xfffe) /* U+FFFE, U+FFFF in every plane */
        return false;
    for (size_t i = 0; i < sizeof(not_text) / sizeof(not_text[0]); i++) {
        if (cp >= not_text[i].first && cp <= not_text[i].last)
            return false;
    }
    return true;
}

void text_sanitize(char *dst, size_t dstlen, const char *src)
{
    if (dstlen == 0)
        return;
    const unsigned char *s = (const unsigned char *)src;
    size_t in = 0, out = 0;
    while (s != NULL && s[in] != '\0' && out + 1 < dstlen) {
        unsigned long cp = 0;
        size_t len = s[in] >= 0x80 ? utf8_sequence(s + in, &cp) : 0;
        if (len > 0 && shown_as_is(cp) && out + len < dstlen) {
            memcpy(dst + out, s + in, len);
            out += len;
            in += len;
            continue;
        }
        if (len > 0 && shown_as_is(cp))
            break; /* A character cut in half would be invalid text. */
        dst[out++] = s[in] >= 0x20 && s[in] < 0x7f ? (char)s[in] : '?';
        in += len > 0 ? len : 1;
    }
    dst[out] = '\0';
}

void text_tidy_path(char *path)
{
    size_t out = 0;
    for (size_t in = 0; path[in] != '\0'; in++) {
        if (path[in] != '/' || out == 0 || path[out - 1] != '/')
            path[out++] = path[in];
    }
    while (out > 1 && path[out - 1] == '/')
        out--;
    path[out] = '\0';
}

bool text_format_utc(long long epoch, char *buf, size_t buflen)
{
    time_t t = (time_t)epoch;
    struct tm tm;
    if ((long long)t != epoch || gmtime_r(&t, &tm) == NULL)
        return false;
    /* Four-digit years only, so that text_parse_utc reads it back. */
    if (tm.tm_year < 0 - 1900 || tm.tm_year > 9999 - 1900)
        return false;
    /* strftime's %Y does not pad: year 0 would be "0-01-01". */
    int n = snprintf(buf, buflen, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
    return n > 0 && (size_t)n < buflen;
}

/* Reads exactly `width` decimal digits; no sign, no spaces. */
static bool read_digits(const char **p, int width, int *value)
{
    int v = 0;
    for (int i = 0; i < width; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *p += width;
    *value = v;
    return true;
}

static bool read_char(const char **p, char want)
{
    if (**p != want)
        return false;
    (*p)++;
    return true;
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/* An optional ".digits" (1 to 9 of them), which is ignored. */
static bool skip_fraction(const char **p)
{
    if (**p != '.')
        return true;
    (*p)++;
    int digits = 0;
    while (**p >= '0' && **p <= '9') {
        (*p)++;
        digits++;
    }
    return digits >= 1 && digits <= 9;
}

bool text_parse_utc(const char *text, long long *epoch)
{
    const char *p = text;
    int year, month, day, hour, minute, second;
    if (!read_digits(&p, 4, &year) || !read_char(&p, '-') ||
        !read_digits(&p, 2, &month) || !read_char(&p, '-') ||
        !read_digits(&p, 2, &day) || !read_char(&p, 'T') ||
        !read_digits(&p, 2, &hour) || !read_char(&p, ':') ||
        !read_digits(&p, 2, &minute) || !read_char(&p, ':') ||
        !read_digits(&p, 2, &second) || !skip_fraction(&p) ||
        !read_char(&p, 'Z') || *p != '\0')
        return false;
    /* timegm would quietly carry an out-of-range field over (Feb 30 into
     * March), so every field is checked first. */
    if (month < 1 || month > 12 || day < 1 ||
        day > days_in_month(year, month) || hour > 23 || minute > 59 ||
        second > 59)
        return false;
    struct tm tm = {
        .tm_year = year - 1900,
        .tm_mon = month - 1,
        .tm_mday = day,
        .tm_hour = hour,
        .tm_min = minute,
        .tm_sec = second,
    };
    errno = 0;
    time_t t = timegm(&tm);
    if (t == (time_t)-1 && errno == EOVERFLOW)
        return false;
    *epoch = (long long)t;
    return true;
}
