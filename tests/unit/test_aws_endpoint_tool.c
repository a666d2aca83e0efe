/* Prints aws_default_endpoint's answer for each "SERVICE REGION" pair
 * of its arguments, one line each: "URL SIGNING_REGION", or "-" when
 * there is no default.  Driven by test_aws_endpoints.py. */
#include <stdio.h>
#include <stdlib.h>

#include "aws.h"

int main(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        char *url, *region;
        if (aws_default_endpoint(argv[i], argv[i + 1], &url, &region))
            printf("%s %s\n", url, region);
        else
            printf("-\n");
        free(url);
        free(region);
    }
    return argc % 2 == 1 ? 0 : 2;
}
