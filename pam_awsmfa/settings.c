#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"

/* An endpoint given in the config replaces the default URL only: the
 * signing region still follows the configured region's partition. */
static bool resolve_one(const char *service, const char *region,
                        const char *configured, char **url, char **signing)
{
    if (!aws_default_endpoint(service, region, url, signing))
        return false;
    if (configured == NULL)
        return true;
    char *copy = strdup(configured);
    if (copy == NULL)
        return false;
    free(*url);
    *url = copy;
    return true;
}

bool settings_resolve(const struct config *cfg, struct settings *out, char *err,
                      size_t errlen)
{
    const char *region = cfg->region ? cfg->region : SETTINGS_DEFAULT_REGION;
    memset(out, 0, sizeof(*out));
    if (resolve_one("sts", region, cfg->sts_endpoint, &out->sts_endpoint,
                    &out->sts_region) &&
        resolve_one("iam", region, cfg->iam_endpoint, &out->iam_endpoint,
                    &out->iam_region))
        return true;
    snprintf(err, errlen, "no AWS endpoints for region %s", region);
    settings_free(out);
    return false;
}

void settings_free(struct settings *s)
{
    free(s->sts_endpoint);
    free(s->sts_region);
    free(s->iam_endpoint);
    free(s->iam_region);
    memset(s, 0, sizeof(*s));
}
