#include "text.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void text_sanitize(char *dst, size_t dstlen, const char *src)
{
    if (dstlen == 0)
        return;
    size_t n = 0;
    for (; src != NULL && src[n] != '\0' && n + 1 < dstlen; n++) {
        unsigned char c = (unsigned char)src[n];
        dst[n] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    dst[n] = '\0';
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
