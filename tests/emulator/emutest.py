"""Shared equipment for the emulator's own tests: fixture users with fresh
keys and seeds, the real aws CLI, and hand-made signed requests (signed
by botocore's client-side signer, sent with http.client)."""

import base64
import http.client
import json
import os
import re
import secrets
import shutil
import ssl
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import emulator
from totp import totp_code

ACCOUNT = "123456789012"
AWS_CLI = "/usr/bin/aws"
VERSIONS = {"sts": "2011-06-15", "iam": "2010-05-08"}
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def new_seed():
    return base64.b32encode(secrets.token_bytes(20)).decode()


def new_key():
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return {"id": "AKIA" + "".join(secrets.choice(alphabet)
                                   for _ in range(16)),
            "secret": secrets.token_urlsafe(30)[:40]}


def user(name, devices=("virtual",), **extra):
    """A fixture user: one key, and a device of each listed kind, each
    with its own seed."""
    doc = {"name": name, "path": "/", "keys": [new_key()],
           "mfa_devices": []}
    for n, kind in enumerate(devices):
        if kind == "fido":
            doc["mfa_devices"].append({
                "serial": f"arn:aws:iam::{ACCOUNT}:u2f/user/{name}/k{n}",
                "type": "fido"})
        elif kind == "hardware":
            doc["mfa_devices"].append({
                "serial": f"GAHT{secrets.randbelow(10**8):08d}",
                "type": "hardware", "seed": new_seed()})
        else:
            suffix = "" if n == 0 else f"-{n}"
            doc["mfa_devices"].append({
                "serial": f"arn:aws:iam::{ACCOUNT}:mfa/{name}{suffix}",
                "type": "virtual", "seed": new_seed()})
    doc.update(extra)
    return doc


class Bench:
    """One emulator for a test module, with its fixture users by name."""

    def __init__(self, users, **options):
        self.dir = tempfile.mkdtemp(prefix="awsemu-test-")
        self.users = {u["name"]: u for u in users}
        fixture = {"account": ACCOUNT, "users": users}
        fixture.update(options)
        self.emu = emulator.Emulator(fixture, os.path.join(self.dir, "emu"))
        self.emu.start()

    def close(self):
        self.emu.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def key(self, name):
        return self.users[name]["keys"][0]

    def device(self, name, n=0):
        return self.users[name]["mfa_devices"][n]

    def code(self, name, n=0, steps=0):
        return totp_code(self.device(name, n)["seed"],
                         self.emu.now() + 30 * steps)

    def long_term(self, name):
        key = self.key(name)
        return {"AWS_ACCESS_KEY_ID": key["id"],
                "AWS_SECRET_ACCESS_KEY": key["secret"]}

    def aws(self, args, creds, region="us-east-1"):
        """The real aws CLI against the emulator; one attempt only, so an
        error is AWS's first answer."""
        home = os.path.join(self.dir, "home")
        os.makedirs(home, exist_ok=True)
        env = {"PATH": "/usr/bin:/bin", "HOME": home,
               "AWS_CONFIG_FILE": os.path.join(home, "config"),
               "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "creds"),
               "AWS_EC2_METADATA_DISABLED": "true",
               "AWS_CA_BUNDLE": self.emu.ca_file, "AWS_PAGER": "",
               "AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard",
               "AWS_DEFAULT_REGION": region}
        env.update(creds)
        return subprocess.run([AWS_CLI, "--endpoint-url", self.emu.url,
                               "--output", "json"] + args,
                              capture_output=True, text=True, env=env,
                              timeout=120)


def cli_error(done):
    """(code, message) from the aws CLI's "An error occurred (Code) when
    calling the Op operation: message"."""
    found = re.search(r"An error occurred \((\w+)\) when calling the \w+ "
                      r"operation(?: \(reached max retries: \d+\))?: (.*)",
                      done.stderr, re.S)
    if found is None:
        raise AssertionError(f"no AWS error in: {done.stderr!r}")
    return found.group(1), found.group(2).rstrip("\n")


def cli_json(done):
    if done.returncode != 0:
        raise AssertionError(f"aws failed: {done.stderr}")
    return json.loads(done.stdout)


def session_env(credentials):
    return {"AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
            "AWS_SESSION_TOKEN": credentials["SessionToken"]}


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def xml(self):
        return ET.fromstring(self.body)

    def find(self, path):
        """Text at a path of plain element names, namespaces ignored."""
        node = self.xml()
        for name in path.split("/"):
            node = next((c for c in node if c.tag.split("}")[-1] == name),
                        None)
            if node is None:
                return None
        return node.text

    def error(self):
        return self.find("Error/Code"), self.find("Error/Message")


def signed(emu, service, action, params, key_id, secret, token=None,
           region=None, version=None):
    """(headers, body) of a POST signed by botocore's client signer."""
    region = region or ("us-east-1" if service == "iam" else "eu-west-1")
    form = dict(Action=action, Version=version or VERSIONS[service],
                **params)
    request = AWSRequest(method="POST", url=emu.url + "/",
                         data=urlencode(form).encode(),
                         headers={"Content-Type": FORM})
    SigV4Auth(Credentials(key_id, secret, token), service,
              region).add_auth(request)
    return dict(request.headers.items()), request.body


def send(emu, headers, body, method="POST", target="/", timeout=30,
         connection=None):
    """Sends one request over HTTPS (verified against the test CA)."""
    own = connection is None
    if own:
        connection = connect(emu, timeout)
    try:
        connection.request(method, target, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        if own:
            connection.close()


def connect(emu, timeout=30):
    context = ssl.create_default_context(cafile=emu.ca_file)
    return http.client.HTTPSConnection("127.0.0.1", emu.port,
                                       context=context, timeout=timeout)


def call(bench, name, service, action, params=None, session=None,
         **options):
    """A signed call as a fixture user (or with session credentials)."""
    if session is not None:
        ids = (session["AccessKeyId"], session["SecretAccessKey"],
               session["SessionToken"])
    else:
        ids = (bench.key(name)["id"], bench.key(name)["secret"], None)
    headers, body = signed(bench.emu, service, action, params or {},
                           ids[0], ids[1], ids[2], **options)
    return send(bench.emu, headers, body)
