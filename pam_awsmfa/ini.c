#include "ini.h"

#include <stdio.h>
#include <string.h>

#include "secret.h"

/* One line being read: its number and its trimmed bounds. */
struct ini_line {
    unsigned number;
    const char *start;
    const char *end;
};

/* The reader's working copies, wiped when the reader is done. */
struct ini_state {
    const struct ini_handler *h;
    struct secret *section;
    struct secret *key;
    struct secret *value;
    bool in_section;
    /* aws_tools_syntax: the indent of the last line that was not a
     * continuation, and whether an indented line now continues the value
     * of st->key (only after a key inside a section, as configparser). */
    size_t indent;
    bool continuable;
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static bool is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

static void trim(const char **start, const char **end)
{
    while (*start < *end && is_blank(**start))
        (*start)++;
    while (*end > *start && is_blank((*end)[-1]))
        (*end)--;
}

static bool set_text(struct secret *s, const char *start, const char *end)
{
    secret_clear(s);
    return secret_append(s, start, (size_t)(end - start));
}

/* Keys are case-insensitive for the AWS tools: configparser lower-cases
 * them before botocore looks them up. */
static bool set_lower_text(struct secret *s, const char *start, const char *end)
{
    secret_clear(s);
    for (const char *p = start; p < end; p++) {
        char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
        if (!secret_append(s, &c, 1))
            return false;
    }
    return true;
}

/* A line the reader does not hand to pair: refused, or with
 * aws_tools_syntax left to the skipped handler. */
static bool pass_over(struct ini_state *st, const struct ini_line *ln,
                      const char *key, const char *why, char *msg,
                      size_t msglen)
{
    if (!st->h->aws_tools_syntax || st->h->skipped == NULL) {
        snprintf(msg, msglen, "%s", why);
        return false;
    }
    return st->h->skipped(st->h->ctx, ln->number,
                          st->in_section ? secret_str(st->section) : NULL, key,
                          why, msg, msglen);
}

/* The ']' that closes a section header, or NULL when the line is none.
 * configparser takes the last ']' and ignores what follows it, so that
 * "[name] # note" is [name]; the strict reading wants it at the end. */
static const char *section_close(const struct ini_state *st,
                                 const struct ini_line *ln)
{
    const char *close = ln->end - 1;
    if (st->h->aws_tools_syntax) {
        while (close > ln->start && *close != ']')
            close--;
    }
    return close - ln->start >= 2 && *close == ']' ? close : NULL;
}

static bool read_section(struct ini_state *st, const struct ini_line *ln,
                         char *msg, size_t msglen)
{
    if (st->h->section == NULL) {
        snprintf(msg, msglen, "sections are not allowed in this file");
        return false;
    }
    const char *close = section_close(st, ln);
    if (close == NULL) {
        snprintf(msg, msglen, "a section header is [name]");
        return false;
    }
    if (!set_text(st->section, ln->start + 1, close)) {
        snprintf(msg, msglen, "out of memory");
        return false;
    }
    st->in_section = true;
    st->continuable = false;
    return st->h->section(st->h->ctx, ln->number, secret_str(st->section), msg,
                          msglen);
}

/* The '=' between key and value; the AWS tools also take a ':', the
 * first of either. */
static const char *delimiter(const struct ini_state *st,
                             const struct ini_line *ln)
{
    for (const char *p = ln->start; p < ln->end; p++) {
        if (*p == '=' || (*p == ':' && st->h->aws_tools_syntax))
            return p;
    }
    return NULL;
}

static const char *bad_key(const struct ini_state *st, const char *start,
                           const char *end)
{
    if (start == end)
        return "a key is missing before '='";
    for (const char *p = start; p < end && !st->h->aws_tools_syntax; p++) {
        if (!is_key_char(*p))
            return "a key is letters, digits and '_'";
    }
    return NULL;
}

static bool read_pair(struct ini_state *st, const struct ini_line *ln,
                      char *msg, size_t msglen)
{
    const char *eq = delimiter(st, ln);
    if (eq == NULL)
        return pass_over(st, ln, NULL, "expected key = value", msg, msglen);
    const char *key_start = ln->start, *key_end = eq;
    const char *value_start = eq + 1, *value_end = ln->end;
    trim(&key_start, &key_end);
    trim(&value_start, &value_end);
    const char *problem = bad_key(st, key_start, key_end);
    if (problem != NULL)
        return pass_over(st, ln, NULL, problem, msg, msglen);
    bool copied = st->h->aws_tools_syntax
                      ? set_lower_text(st->key, key_start, key_end)
                      : set_text(st->key, key_start, key_end);
    if (!copied || !set_text(st->value, value_start, value_end)) {
        snprintf(msg, msglen, "out of memory");
        return false;
    }
    st->continuable = st->in_section;
    return st->h->pair(st->h->ctx, ln->number,
                       st->in_section ? secret_str(st->section) : NULL,
                       secret_str(st->key), secret_str(st->value), msg, msglen);
}

/* The '#' or ';' that follows a blank on the line, or 0. */
static char trailing_comment(const struct ini_line *ln)
{
    for (const char *p = ln->start + 1; p < ln->end; p++) {
        if ((*p == '#' || *p == ';') && is_blank(p[-1]))
            return *p;
    }
    return 0;
}

/* configparser's continuation rule: a line indented deeper than the
 * line of the key above belongs to that key's value, whatever it holds
 * (even "[name]"); blank and comment lines in between do not end it. */
static bool continues_value(struct ini_state *st, size_t indent)
{
    if (!st->h->aws_tools_syntax)
        return false;
    if (st->continuable && indent > st->indent)
        return true;
    st->indent = indent;
    return false;
}

static bool read_line(struct ini_state *st, const struct ini_line *ln,
                      size_t indent, char *msg, size_t msglen)
{
    if (ln->start == ln->end || *ln->start == '#' || *ln->start == ';')
        return true;
    if (continues_value(st, indent))
        return pass_over(st, ln, secret_str(st->key),
                         "an indented line continues the value above", msg,
                         msglen);
    char comment = st->h->refuse_trailing_comments ? trailing_comment(ln) : 0;
    if (comment != 0) {
        snprintf(msg, msglen,
                 "a comment after a value ('%c' after a blank) is not "
                 "allowed: comments go on their own line",
                 comment);
        return false;
    }
    /* For configparser a line that is no header is tried as key = value. */
    if (*ln->start == '[' &&
        (!st->h->aws_tools_syntax || section_close(st, ln) != NULL))
        return read_section(st, ln, msg, msglen);
    return read_pair(st, ln, msg, msglen);
}

static bool read_lines(struct ini_state *st, const char *text, size_t len,
                       char *msg, size_t msglen, unsigned *number)
{
    const char *end_of_text = text + len;
    const char *p = text;
    for (*number = 1; p < end_of_text; (*number)++) {
        const char *nl = memchr(p, '\n', (size_t)(end_of_text - p));
        struct ini_line ln = {*number, p, nl ? nl : end_of_text};
        if (memchr(ln.start, '\0', (size_t)(ln.end - ln.start)) != NULL) {
            snprintf(msg, msglen, "the line holds a NUL byte");
            return false;
        }
        const char *indented = ln.start;
        trim(&ln.start, &ln.end);
        if (!read_line(st, &ln, (size_t)(ln.start - indented), msg, msglen))
            return false;
        p = nl ? nl + 1 : end_of_text;
    }
    return true;
}

#define UTF8_BOM "\xef\xbb\xbf"

bool ini_parse(const char *text, size_t len, const char *shown,
               const struct ini_handler *h, char *err, size_t errlen)
{
    size_t bom = sizeof(UTF8_BOM) - 1;
    if (len >= bom && memcmp(text, UTF8_BOM, bom) == 0) {
        text += bom;
        len -= bom;
    }
    struct ini_state st = {.h = h};
    st.section = secret_new();
    st.key = secret_new();
    st.value = secret_new();
    char msg[384] = "out of memory";
    unsigned number = 0;
    bool ok = st.section && st.key && st.value &&
              read_lines(&st, text, len, msg, sizeof(msg), &number);
    if (!ok)
        snprintf(err, errlen, "%s:%u: %s", shown, number, msg);
    secret_free(st.section);
    secret_free(st.key);
    secret_free(st.value);
    return ok;
}
