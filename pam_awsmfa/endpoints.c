/* Default STS and IAM endpoints for a region (aws.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"

#define MAX_REGION 32

struct partition {
    const char *prefixes; /* region prefixes, each ending in '-' */
    const char *dns_suffix;
    const char *iam_url; /* IAM is global within a partition */
    const char *iam_region;
};

/* The partitions of botocore's endpoints data: a region is PREFIX, a
 * word and a number ("eu-west-1", "us-gov-east-1").  A region of any
 * other shape (a partition not listed here, such as a newer isolated
 * one) gets no default: its endpoints must be configured explicitly,
 * rather than guessed into the commercial partition. */
static const struct partition partitions[] = {
    {"us-gov-", "amazonaws.com", "https://iam.us-gov.amazonaws.com",
     "us-gov-west-1"},
    {"us-isob-", "sc2s.sgov.gov", "https://iam.us-isob-east-1.sc2s.sgov.gov",
     "us-isob-east-1"},
    {"us-iso-", "c2s.ic.gov", "https://iam.us-iso-east-1.c2s.ic.gov",
     "us-iso-east-1"},
    {"cn-", "amazonaws.com.cn", "https://iam.cn-north-1.amazonaws.com.cn",
     "cn-north-1"},
    {"us- eu- ap- sa- ca- me- af- il- mx-", "amazonaws.com",
     "https://iam.amazonaws.com", "us-east-1"},
};

/* "word-number" and nothing else: [a-z]+-[0-9]+. */
static bool word_and_number(const char *rest)
{
    size_t word = strspn(rest, "abcdefghijklmnopqrstuvwxyz");
    if (word == 0 || rest[word] != '-')
        return false;
    const char *number = rest + word + 1;
    size_t digits = strspn(number, "0123456789");
    return digits > 0 && number[digits] == '\0';
}

/* The length of the prefix (from the space-separated list) that region
 * starts with, or 0. */
static size_t matching_prefix(const char *prefixes, const char *region)
{
    for (const char *p = prefixes; *p != '\0';) {
        size_t len = strcspn(p, " ");
        if (strncmp(region, p, len) == 0)
            return len;
        p += len + (p[len] == ' ');
    }
    return 0;
}

static const struct partition *partition_of(const char *region)
{
    if (strlen(region) > MAX_REGION)
        return NULL;
    for (size_t i = 0; i < sizeof(partitions) / sizeof(partitions[0]); i++) {
        size_t len = matching_prefix(partitions[i].prefixes, region);
        if (len > 0)
            return word_and_number(region + len) ? &partitions[i] : NULL;
    }
    return NULL;
}

bool aws_default_endpoint(const char *service, const char *region, char **url,
                          char **signing_region)
{
    *url = NULL;
    *signing_region = NULL;
    const struct partition *p = region ? partition_of(region) : NULL;
    if (p == NULL)
        return false;
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
