/* Where a login's AWS calls go: configured endpoints, or the defaults for
 * the configured region (FIPS ones with use_fips), and the region each
 * one signs with. */
#ifndef PAM_AWSMFA_SETTINGS_H
#define PAM_AWSMFA_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* The region signed with when none is configured (as the AWS CLI does). */
#define SETTINGS_DEFAULT_REGION "us-east-1"

struct settings {
    char *sts_endpoint;
    char *sts_region;
    char *iam_endpoint;
    char *iam_region;
};

/* On failure (a region without defaults, or without FIPS endpoints when
 * use_fips asks for them) err says which endpoint to configure. */
bool settings_resolve(const struct config *cfg, struct settings *out, char *err,
                      size_t errlen);
void settings_free(struct settings *s);

#endif
