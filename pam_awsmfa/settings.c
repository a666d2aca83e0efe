#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"

static bool replace_url(char **url, const char *configured)
{
    char *copy = strdup(configured);
    if (copy == NULL)
        return false;
    free(*url);
    *url = copy;
    return true;
}

/* One service's endpoint: the configured URL, else the region's default
 * (its FIPS endpoint with use_fips).  A configured URL replaces the
 * default URL only: the signing region still follows the configured
 * region's partition.  On failure err says what to configure. */
static bool resolve_one(const char *service, const char *region, bool fips,
                        const char *configured, char **url, char **signing,
                        char *err, size_t errlen)
{
    if (!aws_default_endpoint(service, region, url, signing)) {
        /* The configured region is of the right shape (config checks
         * it), so its partition is one this module does not know. */
        snprintf(err, errlen,
                 "region %s is in an AWS partition pam_awsmfa does not know, "
                 "so it cannot tell the region to sign for; no setting "
                 "(sts_endpoint, iam_endpoint included) makes it work yet: "
                 "use a region of a known partition",
                 region);
        return false;
    }
    if (configured != NULL) {
        if (replace_url(url, configured))
            return true;
        snprintf(err, errlen, "out of memory");
        return false;
    }
    if (!fips)
        return true;
    free(*url);
    free(*signing);
    if (aws_fips_endpoint(service, region, url, signing))
        return true;
    snprintf(err, errlen,
             "use_fips = yes, but no FIPS endpoint is known for %s in "
             "region %s: set %s_endpoint explicitly",
             service, region, service);
    return false;
}

bool settings_resolve(const struct config *cfg, struct settings *out, char *err,
                      size_t errlen)
{
    const char *region = cfg->region ? cfg->region : SETTINGS_DEFAULT_REGION;
    memset(out, 0, sizeof(*out));
    if (resolve_one("sts", region, cfg->use_fips, cfg->sts_endpoint,
                    &out->sts_endpoint, &out->sts_region, err, errlen) &&
        resolve_one("iam", region, cfg->use_fips, cfg->iam_endpoint,
                    &out->iam_endpoint, &out->iam_region, err, errlen))
        return true;
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
