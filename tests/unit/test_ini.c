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
    bool refuse_skipped;    /* the skipped handler refuses every line */
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

static bool parse_as(const char *text, size_t len, bool sections, bool strict,
                     struct record *r, char *err)
{
    const struct ini_handler h = {
        .section = sections ? on_section : NULL,
        .pair = on_pair,
        .ctx = r,
        .refuse_trailing_comments = strict,
    };
    return ini_parse(text, len, "/etc/f.conf", &h, err, 256);
}

/* As the user's own AWS files are read. */
static bool parse(const char *text, size_t len, bool sections, struct record *r,
                  char *err)
{
    return parse_as(text, len, sections, false, r, err);
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

/* The module's own files: what looks like a comment after a value is
 * refused, with the file and line, rather than kept in the value. */
static void test_trailing_comment_refused(void **state)
{
    (void)state;
    const char *lines[] = {
        "session_dir = /tmp/lab/s/x   # where sessions go\n",
        "timeout = 5 ;seconds\n",
        "[alice]\t# ops\n",
        "region = eu-west-1\t#\n",
    };
    const char want[] = "/etc/f.conf:2: a comment after a value ('%c' after "
                        "a blank) is not allowed: comments go on their own "
                        "line";
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        char text[128], expected[256];
        snprintf(text, sizeof(text), "# settings\n%s", lines[i]);
        snprintf(expected, sizeof(expected), want,
                 strchr(lines[i], '#') ? '#' : ';');
        struct record r = {0};
        char err[256] = "";
        assert_false(parse_as(text, strlen(text), true, true, &r, err));
        assert_string_equal(err, expected);
        assert_string_equal(r.log, "");
    }
}

static void test_comment_characters_inside_values(void **state)
{
    (void)state;
    const char *text = "# a comment\n"
                       "  ; another\n"
                       "a = x#y;z\n"
                       "b =#1\n";
    struct record r = {0};
    char err[256] = "";
    assert_true(parse_as(text, strlen(text), false, true, &r, err));
    assert_string_equal(r.log, "3:[-] a=<x#y;z>\n"
                               "4:[-] b=<#1>\n");
}

/* Some editors start a UTF-8 file with a byte order mark: skipped there,
 * and only there. */
static void test_byte_order_mark(void **state)
{
    (void)state;
    struct record r = {0};
    char err[256] = "";
    const char *text = "\xef\xbb\xbf[alice]\nk = v\n";
    assert_true(parse_as(text, strlen(text), true, true, &r, err));
    assert_string_equal(r.log, "1:[alice]\n"
                               "2:[alice] k=<v>\n");
    memset(&r, 0, sizeof(r));
    text = "\xef\xbb\xbf"
           "a = 1\n";
    assert_true(parse(text, strlen(text), false, &r, err));
    assert_string_equal(r.log, "1:[-] a=<1>\n");
    refused("a = 1\n\xef\xbb\xbf"
            "b = 2\n",
            false, "/etc/f.conf:2: a key is letters, digits and '_'");
    refused("\xef\xbb\xbf\xef\xbb\xbf"
            "a = 1\n",
            false, "/etc/f.conf:1: a key is letters, digits and '_'");
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

static bool on_skipped(void *ctx, unsigned line, const char *section,
                       const char *key, const char *why, char *msg,
                       size_t msglen)
{
    struct record *r = ctx;
    if (r->refuse_skipped) {
        snprintf(msg, msglen, "%s: %s", key ? key : "-", why);
        return false;
    }
    size_t used = strlen(r->log);
    snprintf(r->log + used, sizeof(r->log) - used, "%u:[%s] skip %s: %s\n",
             line, section ? section : "-", key ? key : "-", why);
    return true;
}

/* As the user's own AWS files are read (configparser's syntax). */
static bool parse_aws(const char *text, struct record *r, char *err)
{
    const struct ini_handler h = {.section = on_section,
                                  .pair = on_pair,
                                  .skipped = on_skipped,
                                  .ctx = r,
                                  .aws_tools_syntax = true};
    return ini_parse(text, strlen(text), "/home/u/.aws/config", &h, err, 256);
}

/* Lines 1-11 read the same with botocore.configloader's raw_config_parse
 * (checked with Python 3.11); botocore refuses the whole file for line
 * 12, which is passed over here. */
static void test_aws_tools_syntax(void **state)
{
    (void)state;
    struct record r = {0};
    char err[256] = "";
    const char *text = "[default-long-term] # my key\n"
                       "AWS_Access_Key_ID = AKIAX\n"
                       "[profile other]\n"
                       "sso-region: eu-west-1 ; kept\n"
                       "s3 =\n"
                       "  max_concurrent_requests = 20\n"
                       "\n"
                       "  # a comment inside the nested block\n"
                       "    [not a section]\n"
                       "region = x\n"
                       "[a] b]\n"
                       "no delimiter here\n";
    assert_true(parse_aws(text, &r, err));
    assert_string_equal(
        r.log, "1:[default-long-term]\n"
               "2:[default-long-term] aws_access_key_id=<AKIAX>\n"
               "3:[profile other]\n"
               "4:[profile other] sso-region=<eu-west-1 ; kept>\n"
               "5:[profile other] s3=<>\n"
               "6:[profile other] skip s3: an indented line continues the "
               "value above\n"
               "9:[profile other] skip s3: an indented line continues the "
               "value above\n"
               "10:[profile other] region=<x>\n"
               "11:[a] b]\n"
               "12:[a] b] skip -: expected key = value\n");
}

/* An indented first key sets the depth a continuation must pass; a
 * header ends the value; a skipped handler may refuse. */
static void test_aws_tools_continuations(void **state)
{
    (void)state;
    struct record r = {0};
    char err[256] = "";
    const char *text = "[p]\n"
                       "  a = 1\n"
                       "  b = 2\n"
                       "[q]\n"
                       "  c = 3\n";
    assert_true(parse_aws(text, &r, err));
    assert_string_equal(r.log, "1:[p]\n2:[p] a=<1>\n3:[p] b=<2>\n"
                               "4:[q]\n5:[q] c=<3>\n");
    struct record refusing = {.refuse_skipped = true};
    text = "[p]\naws_secret_access_key = abc\n  def\n";
    assert_false(parse_aws(text, &refusing, err));
    assert_string_equal(err, "/home/u/.aws/config:3: aws_secret_access_key: "
                             "an indented line continues the value above");
}

/* Without a skipped handler, lines it would get are refused. */
static void test_aws_tools_without_skipped(void **state)
{
    (void)state;
    struct record r = {0};
    char err[256] = "";
    const struct ini_handler h = {.section = on_section,
                                  .pair = on_pair,
                                  .ctx = &r,
                                  .aws_tools_syntax = true};
    const char *text = "[p]\n= x\n";
    assert_false(ini_parse(text, strlen(text), "f", &h, err, sizeof(err)));
    assert_string_equal(err, "f:2: a key is missing before '='");
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
        cmocka_unit_test(test_trailing_comment_refused),
        cmocka_unit_test(test_comment_characters_inside_values),
        cmocka_unit_test(test_byte_order_mark),
        cmocka_unit_test(test_handler_refusal_stops_with_line),
        cmocka_unit_test(test_nul_byte_refused),
        cmocka_unit_test(test_empty_text),
        cmocka_unit_test(test_aws_tools_syntax),
        cmocka_unit_test(test_aws_tools_continuations),
        cmocka_unit_test(test_aws_tools_without_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
