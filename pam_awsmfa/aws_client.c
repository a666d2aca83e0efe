/* The client behind aws.h: keys, endpoints, one HTTPS handle and the
 * login's time budget (struct aws_client is in query.h). */
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "query.h"

#define STS_VERSION "2011-06-15"
#define IAM_VERSION "2010-05-08"

static bool copy_endpoint(struct aws_endpoint *ep, const char *url,
                          const char *region, const char *service,
                          const char *version)
{
    ep->url = url ? strdup(url) : NULL;
    ep->region = region ? strdup(region) : NULL;
    ep->service = service;
    ep->version = version;
    return ep->url != NULL && ep->region != NULL;
}

static void free_endpoint(struct aws_endpoint *ep)
{
    free((char *)ep->url);
    free((char *)ep->region);
}

struct aws_client *aws_client_new(const struct aws_client_options *opts)
{
    if (opts->access_key_id == NULL || opts->secret_access_key == NULL ||
        opts->timeout <= 0)
        return NULL;
    struct aws_client *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    struct http_options http = {opts->ca_file, opts->user_agent, opts->proxy,
                                opts->no_proxy};
    c->access_key_id = strdup(opts->access_key_id);
    c->secret_access_key = secret_from_str(opts->secret_access_key);
    c->session_token =
        opts->session_token ? secret_from_str(opts->session_token) : NULL;
    c->http = http_client_new(&http);
    c->budget_ms = opts->timeout * 1000;
    bool ok = c->access_key_id && c->secret_access_key && c->http &&
              (opts->session_token == NULL || c->session_token) &&
              copy_endpoint(&c->sts, opts->sts_endpoint, opts->sts_region,
                            "sts", STS_VERSION) &&
              copy_endpoint(&c->iam, opts->iam_endpoint, opts->iam_region,
                            "iam", IAM_VERSION);
    if (!ok) {
        aws_client_free(c);
        return NULL;
    }
    return c;
}

void aws_client_free(struct aws_client *c)
{
    if (c == NULL)
        return;
    free(c->access_key_id);
    secret_free(c->secret_access_key);
    secret_free(c->session_token);
    free_endpoint(&c->sts);
    free_endpoint(&c->iam);
    http_client_free(c->http);
    free(c);
}
