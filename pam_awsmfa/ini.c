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

static bool read_section(struct ini_state *st, const struct ini_line *ln,
                         char *msg, size_t msglen)
{
    if (st->h->section == NULL) {
        snprintf(msg, msglen, "sections are not allowed in this file");
        return false;
    }
    if (ln->end - ln->start < 3 || ln->end[-1] != ']') {
        snprintf(msg, msglen, "a section header is [name]");
        return false;
    }
    if (!set_text(st->section, ln->start + 1, ln->end - 1)) {
        snprintf(msg, msglen, "out of memory");
        return false;
    }
    st->in_section = true;
    return st->h->section(st->h->ctx, ln->number, secret_str(st->section), msg,
                          msglen);
}

static bool read_pair(struct ini_state *st, const struct ini_line *ln,
                      char *msg, size_t msglen)
{
    const char *eq = memchr(ln->start, '=', (size_t)(ln->end - ln->start));
    if (eq == NULL) {
        snprintf(msg, msglen, "expected key = value");
        return false;
    }
    const char *key_start = ln->start, *key_end = eq;
    const char *value_start = eq + 1, *value_end = ln->end;
    trim(&key_start, &key_end);
    trim(&value_start, &value_end);
    if (key_start == key_end) {
        snprintf(msg, msglen, "a key is missing before '='");
        return false;
    }
    for (const char *p = key_start; p < key_end; p++) {
        if (!is_key_char(*p)) {
            snprintf(msg, msglen, "a key is letters, digits and '_'");
            return false;
        }
    }
    if (!set_text(st->key, key_start, key_end) ||
        !set_text(st->value, value_start, value_end)) {
        snprintf(msg, msglen, "out of memory");
        return false;
    }
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

static bool read_line(struct ini_state *st, const struct ini_line *ln,
                      char *msg, size_t msglen)
{
    if (ln->start == ln->end || *ln->start == '#' || *ln->start == ';')
        return true;
    char comment = st->h->refuse_trailing_comments ? trailing_comment(ln) : 0;
    if (comment != 0) {
        snprintf(msg, msglen,
                 "a comment after a value ('%c' after a blank) is not "
                 "allowed: comments go on their own line",
                 comment);
        return false;
    }
    if (*ln->start == '[')
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
        trim(&ln.start, &ln.end);
        if (!read_line(st, &ln, msg, msglen))
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
