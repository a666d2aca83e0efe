/* Prints the default endpoint for each "SERVICE REGION" pair of its
 * arguments, one line each: "URL SIGNING_REGION", or "-" when there is
 * none.  With "fips" as the first argument, the FIPS endpoints
 * (use_fips) instead.  Driven by test_aws_endpoints.py. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"

int main(int argc, char **argv)
{
    bool fips = argc > 1 && strcmp(argv[1], "fips") == 0;
    int first = fips ? 2 : 1;
    for (int i = first; i + 1 < argc; i += 2) {
        char *url, *region;
        bool found =
            fips ? aws_fips_endpoint(argv[i], argv[i + 1], &url, &region)
                 : aws_default_endpoint(argv[i], argv[i + 1], &url, &region);
        if (found)
            printf("%s %s\n", url, region);
        else
            printf("-\n");
        free(url);
        free(region);
    }
    return (argc - first) % 2 == 0 ? 0 : 2;
}
