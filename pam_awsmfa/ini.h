/* One reader for `key = value` files: the config file (no sections) and
 * the credentials store (INI sections, as in AWS's credentials file). */
#ifndef PAM_AWSMFA_INI_H
#define PAM_AWSMFA_INI_H

#include <stdbool.h>
#include <stddef.h>

/* What the reader hands over, line by line.  Values may be secrets: the
 * reader keeps its copies in wiped buffers, and so must a handler. */
struct ini_handler {
    /* "[name]" lines; NULL means sections are not allowed.  name is the
     * text between the brackets, exactly. */
    bool (*section)(void *ctx, unsigned line, const char *name, char *msg,
                    size_t msglen);
    /* "key = value" lines; section is NULL before any section header. */
    bool (*pair)(void *ctx, unsigned line, const char *section, const char *key,
                 const char *value, char *msg, size_t msglen);
    void *ctx;
    /* The module's own files refuse a line holding a blank then '#' or
     * ';': another reader would take it for a comment after the value,
     * this one for part of the value.  The AWS tools keep such text in
     * the value, so the user's own AWS files are read without this. */
    bool refuse_trailing_comments;
    /* The user's own AWS files are read as the AWS tools read them
     * (botocore uses Python's configparser): keys are any text before the
     * first '=' or ':', handed over in lower case; a section name is the
     * text up to the last ']' of its line, and anything after that ']' is
     * ignored; an indented line after a key continues its value (nested
     * settings such as "s3 =").  Such continuation lines and lines that
     * are not key = value go to skipped instead of stopping the reader. */
    bool aws_tools_syntax;
    /* With aws_tools_syntax: a line passed over.  key is the key whose
     * value the line continues, or NULL for a line that is not key =
     * value; why says what the line is.  Returning false refuses it, as
     * does a NULL skipped. */
    bool (*skipped)(void *ctx, unsigned line, const char *section,
                    const char *key, const char *why, char *msg, size_t msglen);
};

/* Reads text (len bytes) line by line.  A UTF-8 byte order mark at the
 * start is skipped (some editors write one).  Blank lines and lines whose
 * first non-blank character is '#' or ';' are skipped.  A key is letters,
 * digits and '_'; key and value are trimmed of blanks; the value is the
 * rest of the line (no inline comments: see refuse_trailing_comments).
 * aws_tools_syntax relaxes these rules for the user's own files.
 * Stops at the first problem, a syntax error or a handler returning
 * false, and writes "shown:LINE: problem" to err.  A handler writes only
 * the problem to msg. */
bool ini_parse(const char *text, size_t len, const char *shown,
               const struct ini_handler *h, char *err, size_t errlen);

#endif
