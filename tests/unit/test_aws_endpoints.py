"""Default endpoints against botocore's endpoints data: for every region
botocore lists (and one unlisted region shaped like each partition's), the
STS and IAM URL and signing region printed by test_aws_endpoint_tool must
be the ones botocore resolves, plain and with use_fips_endpoint=True.
Regions of partitions botocore does not know get no default from us.

FIPS: botocore 1.29's resolver answers for every region of a partition it
knows, making up "SERVICE-fips.REGION.SUFFIX" from the partition's
template wherever its data lists no FIPS variant for the service (such as
sts-fips.eu-west-1.amazonaws.com, or
iam-fips.aws-cn-global.amazonaws.com.cn).  Nothing says such a host
exists, so those get no FIPS default from us (the admin must configure
one).
This test holds us to botocore's answer wherever its data lists a FIPS
variant, and to no answer everywhere else."""

import copy
import os
import subprocess
import sys

os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import botocore.loaders  # noqa: E402
import botocore.regions  # noqa: E402

# One made-up region per partition, shaped like its regionRegex, so that a
# default is derived rather than looked up.
UNLISTED = {"aws": "ap-future-9", "aws-cn": "cn-future-9",
            "aws-us-gov": "us-gov-future-9", "aws-iso": "us-iso-future-9",
            "aws-iso-b": "us-isob-future-9"}


def botocore_answer(resolver, service, region, fips):
    endpoint = resolver.construct_endpoint(service, region,
                                           use_fips_endpoint=fips)
    if endpoint is None:
        return None
    scope = endpoint.get("credentialScope", {}).get("region", region)
    return f"https://{endpoint['hostname']} {scope}"


def fips_variant_listed(partition, service, region):
    """Whether botocore's data itself lists a FIPS endpoint for service
    in region: on the region's entry (the partition endpoint's, for a
    global service) or in the service's defaults, not merely in the
    partition-wide template."""
    svc = partition["services"].get(service, {})
    key = region
    if not svc.get("isRegionalized", True):
        key = svc.get("partitionEndpoint")
    variants = (svc.get("endpoints", {}).get(key, {}).get("variants", [])
                + svc.get("defaults", {}).get("variants", []))
    return any(v.get("tags") == ["fips"] for v in variants)


def our_answers(pairs, fips):
    tool = os.path.join(os.environ.get("top_builddir", "."),
                        "tests/unit/test_aws_endpoint_tool")
    args = (["fips"] if fips else []) + [w for pair in pairs for w in pair]
    wrapper = os.environ.get("AWSMFA_TEST_WRAPPER", "").split()
    out = subprocess.run(wrapper + [tool] + args, check=True,
                         capture_output=True, text=True).stdout
    return out.splitlines()


def wanted(resolver, partition, service, region, fips):
    """What we must answer, and whether botocore made its answer up."""
    if partition["partition"] not in UNLISTED:
        # A partition we have no defaults for: configure endpoints.
        return "-", False
    answer = botocore_answer(resolver, service, region, fips)
    if fips and answer is not None and \
            not fips_variant_listed(partition, service, region):
        return "-", True
    return answer, False


def compare(data, resolver, fips):
    """Returns (compared, made-up names refused, failures).  data must be
    a copy the resolver has not seen: resolving writes the partition's
    defaults (its variants too) into the endpoint entries it was given."""
    cases = []
    for partition in data["partitions"]:
        regions = list(partition["regions"])
        if partition["partition"] in UNLISTED:
            regions.append(UNLISTED[partition["partition"]])
        for region in regions:
            cases += [(partition, "sts", region), (partition, "iam", region)]
    ours = our_answers([(svc, region) for _, svc, region in cases], fips)
    kind = "fips" if fips else "plain"
    checked, made_up, failures = 0, 0, 0
    for (partition, service, region), got in zip(cases, ours):
        want, invented = wanted(resolver, partition, service, region, fips)
        if want is None:
            print(f"skip {kind} {service} {region}: botocore has none")
            continue
        checked += 1
        made_up += invented
        if got != want:
            failures += 1
            print(f"FAIL {kind} {service} {region}: ours {got!r}, "
                  f"wanted {want!r}")
    if len(ours) != len(cases):
        failures += 1
        print(f"FAIL {kind}: {len(ours)} answers for {len(cases)} pairs")
    print(f"{kind}: {checked} endpoints compared, {made_up} made-up FIPS "
          f"names refused, {failures} failures")
    return checked, made_up, failures


def main():
    data = botocore.loaders.create_loader().load_data("endpoints")
    resolver = botocore.regions.EndpointResolver(copy.deepcopy(data))
    failures = 0
    missing = set(UNLISTED) - {p["partition"] for p in data["partitions"]}
    if missing:
        print(f"FAIL botocore lacks partitions {sorted(missing)}")
        failures += 1
    plain, _, plain_failures = compare(data, resolver, False)
    fips, _, fips_failures = compare(data, resolver, True)
    failures += plain_failures + fips_failures
    return 1 if failures or plain < 40 or fips < 40 else 0


if __name__ == "__main__":
    sys.exit(main())
