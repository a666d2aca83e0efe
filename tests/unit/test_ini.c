/* ini: the one `key = value` reader of the config file and the store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "ini.h"

/* Everything the reader handed over, one "line:[section] key=value" or
 * "line:[section]" per event, for comparison. */
struct record {
    char log[1024];
    const char *refuse_key; /* a key the pair handler refuses */
};

static bool on_section(void *ctx, unsigned line, const char *name, char *msg,
                       size_t msglen)
{
    (void)msg;
    (void)msglen;
    struct record *r = ctx;
    size_t used = strlen(r->log);
    snprintf(r->log + used, sizeof(r->log) - used, "%u:[%s]\n", line, name);
    return true;
}

static bool on_pair(void *ctx, unsigned line, const char *section,
                    const char *key, const char *value, char *msg,
                    size_t msglen)
{
    struct record *r = ctx;
    if (r->refuse_key != NULL && strcmp(key, r->refuse_key) == 0) {
        snprintf(msg, msglen, "no %s here", key);
        return false;
    }
    size_t used = strlen(r->log);
    snprintf(r->log + used, sizeof(r->log) - used, "%u:[%s] %s=<%s>\n", line,
             section ? section : "-", key, value);
    return true;
}

static bool parse(const char *text, size_t len, bool sections, struct record *r,
                  char *err)
{
    const struct ini_handler h = {
        .section = sections ? on_section : NULL,
        .pair = on_pair,
        .ctx = r,
    };
    return ini_parse(text, len, "/etc/f.conf", &h, err, 256);
}

static void test_pairs_comments_and_blanks(void **state)
{
    (void)state;
    struct record r = {0};
    char err[256] = "";
    const char *text = "# comment\n"
                       "\n"
                       "  ; also a comment\n"
                       "a = 1\n"
                       "  b_2\t=\tx y  \r\n"
                       "c=\n"
                       "d = has # and ; inside\n"
                       "e = p=q";
    assert_true(parse(text, strlen(text), false, &r, err));
    assert_string_equal(r.log, "4:[-] a=<1>\n"
                               "5:[-] b_2=<x y>\n"
                               "6:[-] c=<>\n"
                               "7:[-] d=<has # and ; inside>\n"
                               "8:[-] e=<p=q>\n");
}

static void test_sections(void **state)
{
    (void)state;
    struct record r = {0};
    char err[256] = "";
    const char *text = "top = 1\n[alice]\nk = v\n[b.o-b]\nk = w\n";
    assert_true(parse(text, strlen(text), true, &r, err));
    assert_string_equal(r.log, "1:[-] top=<1>\n"
                               "2:[alice]\n"
                               "3:[alice] k=<v>\n"
                               "4:[b.o-b]\n"
                               "5:[b.o-b] k=<w>\n");
}

static void refused(const char *text, bool sections, const char *want_err)
{
    struct record r = {0};
    char err[256] = "";
    assert_false(parse(text, strlen(text), sections, &r, err));
    assert_string_equal(err, want_err);
}

static void test_syntax_errors_name_file_and_line(void **state)
{
    (void)state;
    refused("a = 1\njust words\n", false,
            "/etc/f.conf:2: expected key = value");
    refused("a = 1\n= 2\n", false,
            "/etc/f.conf:2: a key is missing before '='");
    refused("a b = 2\n", false,
            "/etc/f.conf:1: a key is letters, digits and '_'");
    refused("\n\n[alice]\n", false,
            "/etc/f.conf:3: sections are not allowed in this file");
    refused("[alice\n", true, "/etc/f.conf:1: a section header is [name]");
    refused("[]\n", true, "/etc/f.conf:1: a section header is [name]");
}

static void test_handler_refusal_stops_with_line(void **state)
{
    (void)state;
    struct record r = {.refuse_key = "bad"};
    char err[256] = "";
    const char *text = "a = 1\n\nbad = 2\nc = 3\n";
    assert_false(parse(text, strlen(text), false, &r, err));
    assert_string_equal(err, "/etc/f.conf:3: no bad here");
    assert_string_equal(r.log, "1:[-] a=<1>\n");
}

static void test_nul_byte_refused(void **state)
{
    (void)state;
    struct record r = {0};
    char err[256] = "";
    const char text[] = "a = 1\nb = x\0y\n";
    assert_false(parse(text, sizeof(text) - 1, false, &r, err));
    assert_string_equal(err, "/etc/f.conf:2: the line holds a NUL byte");
}

static void test_empty_text(void **state)
{
    (void)state;
    struct record r = {0};
    char err[256] = "";
    assert_true(parse("", 0, true, &r, err));
    assert_string_equal(r.log, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairs_comments_and_blanks),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_syntax_errors_name_file_and_line),
        cmocka_unit_test(test_handler_refusal_stops_with_line),
        cmocka_unit_test(test_nul_byte_refused),
        cmocka_unit_test(test_empty_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
