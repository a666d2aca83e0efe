"""Default endpoints against botocore's endpoints data: for every region
botocore lists (and one unlisted region shaped like each partition's), the
STS and IAM URL and signing region printed by test_aws_endpoint_tool must
be the ones botocore resolves.  Regions of partitions botocore does not
know get no default from us."""

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


def botocore_answer(resolver, service, region):
    endpoint = resolver.construct_endpoint(service, region)
    if endpoint is None:
        return None
    scope = endpoint.get("credentialScope", {}).get("region", region)
    return f"https://{endpoint['hostname']} {scope}"


def our_answers(pairs):
    tool = os.path.join(os.environ.get("top_builddir", "."),
                        "tests/unit/test_aws_endpoint_tool")
    args = [word for pair in pairs for word in pair]
    wrapper = os.environ.get("AWSMFA_TEST_WRAPPER", "").split()
    out = subprocess.run(wrapper + [tool] + args, check=True,
                         capture_output=True, text=True).stdout
    return out.splitlines()


def main():
    data = botocore.loaders.create_loader().load_data("endpoints")
    resolver = botocore.regions.EndpointResolver(data)
    pairs, partitions = [], set()
    for partition in data["partitions"]:
        name = partition["partition"]
        regions = list(partition["regions"])
        if name in UNLISTED:
            regions.append(UNLISTED[name])
            partitions.add(name)
        for region in regions:
            pairs += [("sts", region, name), ("iam", region, name)]
    ours = our_answers([(service, region) for service, region, _ in pairs])
    failures, checked = 0, 0
    for (service, region, partition), got in zip(pairs, ours):
        want = botocore_answer(resolver, service, region)
        if partition not in UNLISTED:
            # A partition we have no defaults for: configure endpoints.
            want = "-"
        if want is None:
            print(f"skip {service} {region}: botocore has no endpoint")
            continue
        checked += 1
        if got != want:
            failures += 1
            print(f"FAIL {service} {region}: ours {got!r}, botocore {want!r}")
    missing = set(UNLISTED) - partitions
    if missing:
        print(f"FAIL botocore lacks partitions {sorted(missing)}")
        failures += 1
    print(f"{checked} endpoints compared, {failures} failures")
    return 1 if failures or checked < 40 else 0


if __name__ == "__main__":
    sys.exit(main())
