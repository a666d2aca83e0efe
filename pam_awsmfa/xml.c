#include "xml.h"

#include <expat.h>
#include <stdio.h>
#include <string.h>

#include "secret.h"

struct reader {
    XML_Parser parser;
    xml_text_fn fn;
    void *ctx;
    char path[XML_MAX_DEPTH * 64];
    size_t ends[XML_MAX_DEPTH + 1]; /* path length at each depth */
    int depth;
    struct secret *text; /* the current element's text */
    const char *problem;
};

static void stop(struct reader *r, const char *problem)
{
    if (r->problem == NULL)
        r->problem = problem;
    XML_StopParser(r->parser, XML_FALSE);
}

static const char *local_name(const char *name)
{
    const char *bar = strrchr(name, '|');
    return bar ? bar + 1 : name;
}

static void on_start(void *arg, const XML_Char *name, const XML_Char **attrs)
{
    struct reader *r = arg;
    (void)attrs;
    const char *local = local_name(name);
    size_t used = r->ends[r->depth];
    size_t need = used + strlen(local) + 2;
    if (r->depth == XML_MAX_DEPTH || need > sizeof(r->path)) {
        stop(r, "XML nested too deeply");
        return;
    }
    snprintf(r->path + used, sizeof(r->path) - used, "%s%s",
             r->depth ? "/" : "", local);
    r->ends[++r->depth] = strlen(r->path);
    secret_clear(r->text);
}

/* Trims blanks at both ends, in place. */
static const char *trimmed(char *text)
{
    size_t len = strlen(text);
    while (len > 0 && strchr(" \t\r\n", text[len - 1]) != NULL)
        text[--len] = '\0';
    return text + strspn(text, " \t\r\n");
}

static void on_end(void *arg, const XML_Char *name)
{
    struct reader *r = arg;
    (void)name;
    /* After a stop expat may still end an empty element whose start was
     * refused: the path bookkeeping must not move then. */
    if (r->problem != NULL)
        return;
    if (secret_len(r->text) > 0) {
        const char *text = trimmed((char *)secret_str(r->text));
        if (*text != '\0' && !r->fn(r->ctx, r->path, text))
            stop(r, "unexpected content");
        secret_clear(r->text);
    }
    r->path[r->ends[--r->depth]] = '\0';
}

static void on_text(void *arg, const XML_Char *s, int len)
{
    struct reader *r = arg;
    if (secret_len(r->text) + (size_t)len > XML_MAX_TEXT)
        stop(r, "XML text too long");
    else if (!secret_append(r->text, s, (size_t)len))
        stop(r, "out of memory");
}

/* AWS never sends a DOCTYPE; refusing it keeps entity tricks out. */
static void on_doctype(void *arg, const XML_Char *name, const XML_Char *sys,
                       const XML_Char *pub, int internal)
{
    (void)name;
    (void)sys;
    (void)pub;
    (void)internal;
    stop(arg, "XML with a DOCTYPE");
}

static void setup(struct reader *r)
{
    XML_SetUserData(r->parser, r);
    XML_SetElementHandler(r->parser, on_start, on_end);
    XML_SetCharacterDataHandler(r->parser, on_text);
    XML_SetStartDoctypeDeclHandler(r->parser, on_doctype);
}

/* Runs expat over the document; the reader's problem (or expat's own
 * complaint) goes to err. */
static bool parse(struct reader *r, const char *doc, size_t len, char *err,
                  size_t errlen)
{
    setup(r);
    enum XML_Status st = XML_Parse(r->parser, doc, (int)len, XML_TRUE);
    if (r->problem != NULL)
        snprintf(err, errlen, "%s", r->problem);
    else if (st != XML_STATUS_OK)
        snprintf(err, errlen, "not XML (%s at line %lu)",
                 XML_ErrorString(XML_GetErrorCode(r->parser)),
                 (unsigned long)XML_GetCurrentLineNumber(r->parser));
    return st == XML_STATUS_OK && r->problem == NULL;
}

bool xml_read(const char *doc, size_t len, xml_text_fn fn, void *ctx, char *err,
              size_t errlen)
{
    struct reader r = {.fn = fn, .ctx = ctx};
    bool ok = false;
    if (len > XML_MAX_DOC) {
        snprintf(err, errlen, "XML larger than %d bytes", XML_MAX_DOC);
        return false;
    }
    r.parser = XML_ParserCreateNS("UTF-8", '|');
    r.text = secret_new();
    if (r.parser == NULL || r.text == NULL)
        snprintf(err, errlen, "out of memory");
    else
        ok = parse(&r, doc, len, err, errlen);
    if (r.parser != NULL)
        XML_ParserFree(r.parser);
    secret_free(r.text);
    return ok;
}

bool xml_path_ends(const char *path, const char *suffix)
{
    size_t plen = strlen(path), slen = strlen(suffix);
    if (slen > plen)
        return false;
    const char *tail = path + plen - slen;
    return strcmp(tail, suffix) == 0 && (tail == path || tail[-1] == '/');
}
