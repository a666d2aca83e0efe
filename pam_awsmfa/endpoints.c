#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"

struct partition {
    const char *prefix; /* regions that start with it */
    const char *dns_suffix;
    const char *iam_url; /* IAM is global within a partition */
    const char *iam_region;
};

/* The three public partitions (botocore's endpoints data).  Any other
 * region is taken to be in the "aws" partition; isolated partitions are
 * reached by configuring the endpoints explicitly. */
static const struct partition partitions[] = {
    {"cn-", "amazonaws.com.cn", "https://iam.cn-north-1.amazonaws.com.cn",
     "cn-north-1"},
    {"us-gov-", "amazonaws.com", "https://iam.us-gov.amazonaws.com",
     "us-gov-west-1"},
    {"", "amazonaws.com", "https://iam.amazonaws.com", "us-east-1"},
};

static bool region_valid(const char *region)
{
    size_t len = strlen(region);
    if (len == 0 || len > 32 || region[0] == '-' || region[len - 1] == '-')
        return false;
    return strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789-") == len;
}

static const struct partition *partition_of(const char *region)
{
    size_t i = 0;
    while (strncmp(region, partitions[i].prefix,
                   strlen(partitions[i].prefix)) != 0)
        i++;
    return &partitions[i];
}

bool aws_default_endpoint(const char *service, const char *region, char **url,
                          char **signing_region)
{
    *url = NULL;
    *signing_region = NULL;
    if (region == NULL || !region_valid(region))
        return false;
    const struct partition *p = partition_of(region);
    if (strcmp(service, "iam") == 0) {
        *url = strdup(p->iam_url);
        *signing_region = strdup(p->iam_region);
    } else if (strcmp(service, "sts") == 0) {
        size_t n = strlen(region) + strlen(p->dns_suffix) + 16;
        *url = malloc(n);
        if (*url != NULL)
            snprintf(*url, n, "https://sts.%s.%s", region, p->dns_suffix);
        *signing_region = strdup(region);
    }
    if (*url == NULL || *signing_region == NULL) {
        free(*url);
        free(*signing_region);
        *url = *signing_region = NULL;
        return false;
    }
    return true;
}
