/* SigV4 against AWS's public test vectors, read from the folder named by
 * AWSMFA_SIGV4_SUITE (never copied into this project).  Each case's .req
 * is parsed here, signed with the suite's constants, and the canonical
 * request, string to sign and Authorization header are compared with the
 * case's .creq, .sts and .authz files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sigv4.h"

#define MAX_HEADERS 16

/* The suite's constants (its SOURCE.txt). */
static const struct sigv4_key suite_key = {
    .access_key_id = "AKIDEXAMPLE",
    .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    .region = "us-east-1",
    .service = "service",
    .amz_date = "20150830T123600Z",
};

/* Cases whose request has the security token added after signing, which
 * a signer cannot see in its input: the vector documents a
 * caller-side choice, not signing. */
static const char *const skipped[][2] = {
    {"post-sts-header-after", "token header added after signing"},
};

struct parsed {
    char *text; /* the .req file, cut up in place */
    char method[8];
    char *path;
    char *query;
    struct sigv4_header headers[MAX_HEADERS];
    char *values[MAX_HEADERS]; /* unfolded values, malloc'd */
    size_t count;
    char *body;
};

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *text = calloc(1, 65536);
    size_t n = fread(text, 1, 65535, f);
    fclose(f);
    text[n] = '\0';
    return text;
}

static void parse_request_line(struct parsed *p, char *line)
{
    char *space = strchr(line, ' ');
    char *proto = strstr(line, " HTTP/");
    assert_non_null(space);
    assert_non_null(proto);
    snprintf(p->method, sizeof(p->method), "%.*s", (int)(space - line), line);
    *proto = '\0';
    p->path = space + 1;
    char *q = strchr(p->path, '?');
    p->query = q ? q + 1 : "";
    if (q)
        *q = '\0';
}

/* A header line, or a continuation (leading blank) folded onto the last
 * header with one space, as HTTP/1.1 obs-fold unfolding does. */
static void parse_header(struct parsed *p, char *line)
{
    if ((line[0] == ' ' || line[0] == '\t') && p->count > 0) {
        char *prev = p->values[p->count - 1];
        size_t need = strlen(prev) + strlen(line) + 2;
        prev = realloc(prev, need);
        strcat(strcat(prev, " "), line + strspn(line, " \t"));
        p->values[p->count - 1] = prev;
        p->headers[p->count - 1].value = prev;
        return;
    }
    char *colon = strchr(line, ':');
    assert_non_null(colon);
    assert_true(p->count < MAX_HEADERS);
    *colon = '\0';
    p->values[p->count] = strdup(colon + 1);
    p->headers[p->count] = (struct sigv4_header){line, p->values[p->count]};
    p->count++;
}

static void parse_request(struct parsed *p, char *text)
{
    memset(p, 0, sizeof(*p));
    p->text = text;
    char *body = strstr(text, "\n\n");
    if (body != NULL) {
        *body = '\0';
        p->body = body + 2;
    }
    char *save = NULL;
    char *line = strtok_r(text, "\n", &save);
    parse_request_line(p, line);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL)
        parse_header(p, line);
}

static void free_request(struct parsed *p)
{
    for (size_t i = 0; i < p->count; i++)
        free(p->values[i]);
    free(p->text);
}

static const char *skip_reason(const char *name)
{
    for (size_t i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++) {
        if (strcmp(skipped[i][0], name) == 0)
            return skipped[i][1];
    }
    return NULL;
}

static void expect_file(const char *dir, const char *name, const char *ext,
                        const struct secret *got)
{
    char path[16384];
    if (snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext) < 0)
        fail_msg("path too long");
    char *want = slurp(path);
    assert_non_null(want);
    assert_non_null(got);
    if (strcmp(want, secret_str(got)) != 0)
        fail_msg("%s.%s differs:\n--- want\n%s\n--- got\n%s", name, ext, want,
                 secret_str(got));
    free(want);
}

/* get-vanilla-with-session-token signs a token its .req does not show
 * (the signer's caller adds it); take it from the signed request. */
static void add_token_from_sreq(struct parsed *p, const char *dir,
                                const char *name)
{
    char path[16384];
    if (snprintf(path, sizeof(path), "%s/%s.creq", dir, name) < 0)
        fail_msg("path too long");
    char *creq = slurp(path);
    bool signs_token = strstr(creq, "\nx-amz-security-token:") != NULL;
    free(creq);
    for (size_t i = 0; i < p->count; i++) {
        if (strcasecmp(p->headers[i].name, "X-Amz-Security-Token") == 0)
            signs_token = false;
    }
    if (!signs_token)
        return;
    snprintf(path, sizeof(path), "%s/%s.sreq", dir, name);
    char *sreq = slurp(path);
    char *line = strstr(sreq, "\nX-Amz-Security-Token:");
    assert_non_null(line);
    static char header_line[4096];
    snprintf(header_line, sizeof(header_line), "%.*s",
             (int)strcspn(line + 1, "\n"), line + 1);
    free(sreq);
    parse_header(p, header_line);
}

static void run_case(const char *dir, const char *name)
{
    char path[16384];
    if (snprintf(path, sizeof(path), "%s/%s.req", dir, name) < 0)
        fail_msg("path too long");
    struct parsed p;
    parse_request(&p, slurp(path));
    add_token_from_sreq(&p, dir, name);
    struct sigv4_request req = {p.method,
                                p.path,
                                p.query,
                                p.headers,
                                p.count,
                                p.body ? p.body : "",
                                p.body ? strlen(p.body) : 0};
    struct secret *creq = sigv4_canonical_request(&req);
    expect_file(dir, name, "creq", creq);
    struct secret *sts = sigv4_string_to_sign(&suite_key, secret_str(creq));
    expect_file(dir, name, "sts", sts);
    struct secret *authz = sigv4_authorization(&req, &suite_key);
    expect_file(dir, name, "authz", authz);
    secret_free(creq);
    secret_free(sts);
    secret_free(authz);
    free_request(&p);
}

/* Walks the suite: every folder holding NAME/NAME.req is a case. */
static void walk(const char *dir, int *ran)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char sub[8192], req[16384];
        if (snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name) < 0 ||
            snprintf(req, sizeof(req), "%s/%s.req", sub, e->d_name) < 0)
            fail_msg("path too long");
        FILE *f = fopen(req, "r");
        if (f == NULL) {
            DIR *inner = opendir(sub);
            if (inner != NULL) {
                closedir(inner);
                walk(sub, ran);
            }
            continue;
        }
        fclose(f);
        const char *why = skip_reason(e->d_name);
        if (why != NULL) {
            printf("skipped %s: %s\n", e->d_name, why);
            continue;
        }
        run_case(sub, e->d_name);
        (*ran)++;
    }
    closedir(d);
}

static void test_suite(void **state)
{
    (void)state;
    const char *dir = getenv("AWSMFA_SIGV4_SUITE");
    DIR *suite = dir ? opendir(dir) : NULL;
    if (suite == NULL)
        fail_msg("AWSMFA_SIGV4_SUITE (%s) must name AWS's SigV4 test "
                 "suite folder (../shared/sigv4-suite)",
                 dir ? dir : "unset");
    closedir(suite);
    int ran = 0;
    walk(dir, &ran);
    printf("%d SigV4 vectors passed\n", ran);
    assert_true(ran >= 25);
}

static void test_amz_date(void **state)
{
    (void)state;
    char out[17];
    sigv4_amz_date(1440938160, out);
    assert_string_equal(out, "20150830T123600Z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_amz_date),
        cmocka_unit_test(test_suite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
