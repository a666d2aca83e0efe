/* xml: the path reader under AWS-shaped bodies and hostile ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml.h"

/* Every (path, text) the reader reported, one "path=text\n" line each. */
struct seen {
    char lines[4096];
    int calls;
    int stop_at; /* the call that answers false; 0 never */
};

static bool record(void *ctx, const char *path, const char *text)
{
    struct seen *s = ctx;
    size_t used = strlen(s->lines);
    snprintf(s->lines + used, sizeof(s->lines) - used, "%s=%s\n", path, text);
    return ++s->calls != s->stop_at;
}

/* Counts calls and checks each text is whole, for texts too long to
 * record. */
static bool count_text(void *ctx, const char *path, const char *text)
{
    struct seen *s = ctx;
    (void)path;
    assert_int_equal(strlen(text), XML_MAX_TEXT);
    assert_int_equal(strspn(text, s->calls == 0 ? "y" : "z"), XML_MAX_TEXT);
    s->calls++;
    return true;
}

static bool read_doc(const char *doc, struct seen *s, char *err)
{
    return xml_read(doc, strlen(doc), record, s, err, 128);
}

static void test_paths_use_local_names_and_trim(void **state)
{
    (void)state;
    const char *doc =
        "<?xml version=\"1.0\"?>\n"
        "<GetSessionTokenResponse "
        "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
        "  <GetSessionTokenResult>\n"
        "    <Credentials>\n"
        "      <AccessKeyId>  ASIAEXAMPLE \n</AccessKeyId>\n"
        "    </Credentials>\n"
        "  </GetSessionTokenResult>\n"
        "  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>\n"
        "</GetSessionTokenResponse>\n";
    struct seen s = {0};
    char err[128] = "";
    assert_true(read_doc(doc, &s, err));
    assert_string_equal(
        s.lines, "GetSessionTokenResponse/GetSessionTokenResult/Credentials/"
                 "AccessKeyId=ASIAEXAMPLE\n"
                 "GetSessionTokenResponse/ResponseMetadata/RequestId=r-1\n");
}

static void test_prefixed_namespace_is_dropped(void **state)
{
    (void)state;
    const char *doc = "<a:R xmlns:a=\"urn:x\"><a:Code>X</a:Code></a:R>";
    struct seen s = {0};
    char err[128];
    assert_true(read_doc(doc, &s, err));
    assert_string_equal(s.lines, "R/Code=X\n");
}

static void test_entities_are_decoded(void **state)
{
    (void)state;
    struct seen s = {0};
    char err[128];
    assert_true(read_doc("<M>a &lt;b&gt; &amp; &#65;</M>", &s, err));
    assert_string_equal(s.lines, "M=a <b> & A\n");
}

static void test_not_xml_is_refused(void **state)
{
    (void)state;
    const char *bad[] = {"", "<html><body>502 Bad Gateway", "{\"json\": 1}",
                         "<a></b>", "<a>\x01</a>"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct seen s = {0};
        char err[128] = "";
        assert_false(read_doc(bad[i], &s, err));
        assert_non_null(strstr(err, "not XML"));
    }
}

static void test_doctype_is_refused(void **state)
{
    (void)state;
    const char *doc = "<!DOCTYPE r [<!ENTITY a \"aaaaaaaa\">"
                      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                      "<r>&b;</r>";
    struct seen s = {0};
    char err[128] = "";
    assert_false(read_doc(doc, &s, err));
    assert_string_equal(err, "XML with a DOCTYPE");
    assert_int_equal(s.calls, 0);
}

/* The classic billion laughs (ten entities, each ten of the one before)
 * and an external entity: both stop at the DOCTYPE, before any
 * expansion or any file is opened, and nothing reaches the callback. */
static void test_entity_attacks_are_refused(void **state)
{
    (void)state;
    char bomb[2048] = "<?xml version=\"1.0\"?><!DOCTYPE lolz ["
                      "<!ENTITY lol0 \"lol\">";
    for (int i = 1; i <= 9; i++) {
        size_t used = strlen(bomb);
        snprintf(bomb + used, sizeof(bomb) - used, "<!ENTITY lol%d \"", i);
        for (int j = 0; j < 10; j++) {
            used = strlen(bomb);
            snprintf(bomb + used, sizeof(bomb) - used, "&lol%d;", i - 1);
        }
        strcat(bomb, "\">");
    }
    strcat(bomb, "]><ErrorResponse><Error><Code>&lol9;</Code></Error>"
                 "</ErrorResponse>");
    const char *attacks[] = {
        bomb,
        "<!DOCTYPE r SYSTEM \"file:///etc/shadow\"><r>x</r>",
        "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/shadow\">]><r>&x;</r>",
        "<!DOCTYPE r PUBLIC \"-//X//Y\" \"http://127.0.0.1:1/x.dtd\"><r/>",
    };
    for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
        struct seen s = {0};
        char err[128] = "";
        assert_false(read_doc(attacks[i], &s, err));
        assert_string_equal(err, "XML with a DOCTYPE");
        assert_int_equal(s.calls, 0);
    }
}

/* An undeclared entity is no way around the DOCTYPE rule. */
static void test_undeclared_entity_is_refused(void **state)
{
    (void)state;
    struct seen s = {0};
    char err[128] = "";
    assert_false(read_doc("<r>&lol9;</r>", &s, err));
    assert_non_null(strstr(err, "not XML"));
    assert_int_equal(s.calls, 0);
}

static void test_blank_and_empty_elements_are_not_reported(void **state)
{
    (void)state;
    struct seen s = {0};
    char err[128] = "";
    assert_true(read_doc("<r>\n <a/> <b> \t\r\n </b><c></c>\n</r>", &s, err));
    assert_int_equal(s.calls, 0);
    assert_true(read_doc("<r><![CDATA[ <x>&amp; ]]></r>", &s, err));
    assert_string_equal(s.lines, "r=<x>&amp;\n");
}

static char *nested(int depth, bool empty_leaf)
{
    char *doc = calloc(1, (size_t)depth * 8 + 16);
    for (int i = 0; i < depth; i++)
        strcat(doc, "<a>");
    strcat(doc, empty_leaf ? "<b/>" : "x");
    for (int i = 0; i < depth; i++)
        strcat(doc, "</a>");
    return doc;
}

static void test_depth_is_bounded(void **state)
{
    (void)state;
    struct seen s = {0};
    char err[128] = "";
    char *ok = nested(XML_MAX_DEPTH, false);
    assert_true(read_doc(ok, &s, err));
    assert_int_equal(s.calls, 1);
    free(ok);
    /* One more level, with text or with an empty element (expat may
     * still report the end of an element whose start was refused). */
    for (int empty = 0; empty <= 1; empty++) {
        char *deep = nested(XML_MAX_DEPTH + (empty ? 0 : 1), empty);
        memset(&s, 0, sizeof(s));
        assert_false(read_doc(deep, &s, err));
        assert_string_equal(err, "XML nested too deeply");
        free(deep);
    }
    char *very = nested(10000, false);
    assert_false(read_doc(very, &s, err));
    free(very);
}

static void test_text_and_document_are_bounded(void **state)
{
    (void)state;
    size_t n = XML_MAX_TEXT + 1;
    char *doc = malloc(n + 16);
    strcpy(doc, "<a>");
    memset(doc + 3, 'x', n);
    strcpy(doc + 3 + n, "</a>");
    struct seen s = {0};
    char err[128] = "";
    assert_false(read_doc(doc, &s, err));
    assert_string_equal(err, "XML text too long");
    free(doc);

    /* The bound is per element: text at the limit passes, and the next
     * element starts from nothing. */
    size_t at = XML_MAX_TEXT;
    char *two = malloc(2 * at + 64);
    assert_non_null(two);
    memset(two, 'y', at + 6);
    memcpy(two, "<r><a>", 6);
    memset(two + 13 + at, 'z', at);
    memcpy(two + 6 + at, "</a><b>", 7);
    strcpy(two + 13 + 2 * at, "</b></r>");
    memset(&s, 0, sizeof(s));
    assert_true(xml_read(two, strlen(two), count_text, &s, err, 128));
    assert_int_equal(s.calls, 2);
    free(two);

    char *big = malloc(XML_MAX_DOC + 2);
    memset(big, ' ', XML_MAX_DOC + 1);
    memcpy(big, "<a/>", 4);
    big[XML_MAX_DOC + 1] = '\0';
    assert_false(read_doc(big, &s, err));
    assert_non_null(strstr(err, "larger than"));
    free(big);
}

static void test_callback_can_stop(void **state)
{
    (void)state;
    struct seen s = {.stop_at = 1};
    char err[128] = "";
    assert_false(read_doc("<r><a>1</a><b>2</b></r>", &s, err));
    assert_int_equal(s.calls, 1);
    assert_string_equal(err, "unexpected content");
}

static void test_path_ends_matches_whole_names(void **state)
{
    (void)state;
    assert_true(xml_path_ends("R/Error/Code", "Error/Code"));
    assert_true(xml_path_ends("Error/Code", "Error/Code"));
    assert_false(xml_path_ends("R/MyError/Code", "Error/Code"));
    assert_false(xml_path_ends("Code", "Error/Code"));
    assert_false(xml_path_ends("R/Error/Codes", "Error/Code"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths_use_local_names_and_trim),
        cmocka_unit_test(test_prefixed_namespace_is_dropped),
        cmocka_unit_test(test_entities_are_decoded),
        cmocka_unit_test(test_not_xml_is_refused),
        cmocka_unit_test(test_doctype_is_refused),
        cmocka_unit_test(test_entity_attacks_are_refused),
        cmocka_unit_test(test_undeclared_entity_is_refused),
        cmocka_unit_test(test_blank_and_empty_elements_are_not_reported),
        cmocka_unit_test(test_depth_is_bounded),
        cmocka_unit_test(test_text_and_document_are_bounded),
        cmocka_unit_test(test_callback_can_stop),
        cmocka_unit_test(test_path_ends_matches_whole_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
