/* Default STS and IAM endpoints for a region, plain or FIPS (aws.h). */
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
    /* The FIPS endpoints botocore's data lists for the partition (NULL:
     * none).  Its resolver also makes up "SERVICE-fips.REGION" names from
     * the partition's template for every other region; nothing says such
     * a host exists, so those regions get no FIPS default. */
    const char *iam_fips_url;
    const char *sts_fips_label;   /* the FIPS host's first label */
    const char *sts_fips_regions; /* the regions that have one; NULL: all */
};

/* The partitions of botocore's endpoints data: a region is PREFIX, a
 * word and a number ("eu-west-1", "us-gov-east-1").  A region of any
 * other shape (a partition not listed here, such as the European
 * Sovereign Cloud's "eusc-") is refused rather than guessed into the
 * commercial partition: without its partition there is no IAM signing
 * region, and configured endpoints do not supply one. */
static const struct partition partitions[] = {
    /* GovCloud's own endpoints are its FIPS endpoints. */
    {"us-gov-", "amazonaws.com", "https://iam.us-gov.amazonaws.com",
     "us-gov-west-1", "https://iam.us-gov.amazonaws.com", "sts", NULL},
    {"us-isob-", "sc2s.sgov.gov", "https://iam.us-isob-east-1.sc2s.sgov.gov",
     "us-isob-east-1", NULL, NULL, NULL},
    {"us-iso-", "c2s.ic.gov", "https://iam.us-iso-east-1.c2s.ic.gov",
     "us-iso-east-1", NULL, NULL, NULL},
    {"cn-", "amazonaws.com.cn", "https://iam.cn-north-1.amazonaws.com.cn",
     "cn-north-1", NULL, NULL, NULL},
    {"us- eu- ap- sa- ca- me- af- il- mx-", "amazonaws.com",
     "https://iam.amazonaws.com", "us-east-1", "https://iam-fips.amazonaws.com",
     "sts-fips", "us-east-1 us-east-2 us-west-1 us-west-2"},
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

/* Whether word is one of the space-separated list. */
static bool listed(const char *list, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = list; *p != '\0';) {
        size_t n = strcspn(p, " ");
        if (n == len && strncmp(p, word, n) == 0)
            return true;
        p += n + (p[n] == ' ');
    }
    return false;
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

/* "https://LABEL.REGION.SUFFIX", or NULL when out of memory. */
static char *sts_url(const char *label, const char *region, const char *suffix)
{
    size_t n = strlen(label) + strlen(region) + strlen(suffix) + 16;
    char *url = malloc(n);
    if (url != NULL)
        snprintf(url, n, "https://%s.%s.%s", label, region, suffix);
    return url;
}

/* The URL for service in region, or NULL when the partition has none of
 * that kind (or memory ran out). */
static char *endpoint_url(const struct partition *p, const char *service,
                          const char *region, bool fips)
{
    const char *iam = fips ? p->iam_fips_url : p->iam_url;
    if (strcmp(service, "iam") == 0)
        return iam != NULL ? strdup(iam) : NULL;
    if (strcmp(service, "sts") != 0)
        return NULL;
    if (!fips)
        return sts_url("sts", region, p->dns_suffix);
    if (p->sts_fips_label == NULL ||
        (p->sts_fips_regions != NULL && !listed(p->sts_fips_regions, region)))
        return NULL;
    return sts_url(p->sts_fips_label, region, p->dns_suffix);
}

static bool resolve(const char *service, const char *region, bool fips,
                    char **url, char **signing_region)
{
    *url = NULL;
    *signing_region = NULL;
    const struct partition *p = region ? partition_of(region) : NULL;
    if (p != NULL)
        *url = endpoint_url(p, service, region, fips);
    if (*url != NULL)
        *signing_region =
            strdup(strcmp(service, "iam") == 0 ? p->iam_region : region);
    if (*url == NULL || *signing_region == NULL) {
        free(*url);
        free(*signing_region);
        *url = *signing_region = NULL;
        return false;
    }
    return true;
}

bool aws_default_endpoint(const char *service, const char *region, char **url,
                          char **signing_region)
{
    return resolve(service, region, false, url, signing_region);
}

bool aws_fips_endpoint(const char *service, const char *region, char **url,
                       char **signing_region)
{
    return resolve(service, region, true, url, signing_region);
}
