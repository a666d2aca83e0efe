"""Where bastions differ (issue 9): roles assumed with MFA, the IAM user
found from the key, use_fips, keys from the user's own AWS files, and a
real proxy, through the real PAM stack against the emulator."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (ACCOUNT, PAM, Bastion, BastionCase,  # noqa: E402
                     iam_user)

OPS = f"arn:aws:iam::{ACCOUNT}:role/ops"
SHORT = f"arn:aws:iam::{ACCOUNT}:role/short"
OTHERS = f"arn:aws:iam::{ACCOUNT}:role/others-only"
NO_SOURCE = f"arn:aws:iam::{ACCOUNT}:role/no-source-identity"


def deep_user(name, path):
    user = iam_user(name)
    user["path"] = path
    return user


class RoleTest(BastionCase):
    """role_arn in the store: AssumeRole with the code, not
    GetSessionToken.  Each case uses its own IAM user, so no code is
    reused."""

    @classmethod
    def make_bastion(cls):
        names = ["alice", "bob", "carol", "dave", "erin", "frank", "ivy",
                 "judy", "kim"]
        return Bastion(
            [iam_user(n) for n in names],
            roles=[{"arn": OPS, "trust": names, "require_mfa": True,
                    "max_session_seconds": 7200},
                   {"arn": SHORT, "trust": names, "require_mfa": True,
                    "max_session_seconds": 3600},
                   {"arn": OTHERS, "trust": ["nobody"],
                    "require_mfa": True},
                   {"arn": NO_SOURCE, "trust": names, "require_mfa": True,
                    "allow_source_identity": False}])

    def test_role_session_by_default_one_hour(self):
        b = self.b
        b.map_to("alice", role_arn=OPS)
        r = b.login([b.code("alice")], session=True)
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        self.assertEqual(b.calls("GetSessionToken"), [])
        [call] = b.calls("AssumeRole")
        self.assertEqual(call["params"]["RoleArn"], OPS)
        self.assertEqual(call["params"]["DurationSeconds"], "3600")
        self.assertEqual(call["params"]["SerialNumber"],
                         b.device("alice")["serial"])
        # The session name is the Linux user's (root here: fits as is).
        self.assertEqual(call["params"]["RoleSessionName"], b.linux_user)
        self.assertTrue(call["has_token_code"])
        # The credentials handed over are the role's.
        cli = b.aws(["sts", "get-caller-identity"], {
            "AWS_ACCESS_KEY_ID": r.env["AWS_ACCESS_KEY_ID"],
            "AWS_SECRET_ACCESS_KEY": r.env["AWS_SECRET_ACCESS_KEY"],
            "AWS_SESSION_TOKEN": r.env["AWS_SESSION_TOKEN"]})
        self.assertEqual(cli.returncode, 0, cli.stderr)
        arn = json.loads(cli.stdout)["Arn"]
        self.assertEqual(arn, f"arn:aws:sts::{ACCOUNT}:assumed-role/ops/"
                         f"{b.linux_user}")
        self.assertEqual(b.read_session()["AccessKeyId"],
                         r.env["AWS_ACCESS_KEY_ID"])
        # The operator, the log and the session file say it is the role's
        # session, not the IAM user's own.
        self.assertRegex(r.out, r"\[info\] AWS session for role ops \(as "
                         r"IAM user alice\) is valid until \S+Z\.")
        self.assertRegex(r.syslog, r"iam_user=alice .*outcome=granted "
                         r"reason=\"session valid until \S+Z, for role "
                         + re.escape(OPS) + r"\" request_id=\S+")
        self.assertEqual(b.read_session()["RoleArn"], OPS)

    def test_session_name_duration_and_external_id_from_store(self):
        b = self.b
        b.map_to("bob", role_arn=OPS, role_session_name="bob@bastion-1",
                 external_id="ext-1234", duration="7200")
        r = b.login([b.code("bob")])
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        [call] = b.calls("AssumeRole")
        self.assertEqual(call["params"]["RoleSessionName"], "bob@bastion-1")
        self.assertEqual(call["params"]["ExternalId"], "ext-1234")
        self.assertEqual(call["params"]["DurationSeconds"], "7200")
        self.assertNotIn("SourceIdentity", call["params"])

    def test_source_identity_from_store_reaches_aws(self):
        b = self.b
        b.map_to("ivy", role_arn=OPS, source_identity="ivy.smith@example")
        r = b.login([b.code("ivy")])
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        [call] = b.calls("AssumeRole")
        self.assertEqual(call["params"]["SourceIdentity"],
                         "ivy.smith@example")
        self.assertEqual(call["params"]["RoleArn"], OPS)
        self.assertNotIn("ExternalId", call["params"])

    def test_bad_source_identity_refuses_before_aws(self):
        b = self.b
        store = b.map_to("judy", role_arn=OPS, source_identity="judy smith")
        r = b.login([b.code("judy")])
        self.assertEqual(r.rc, PAM["SERVICE_ERR"], r)
        self.assertIn("cannot read its credentials store", r.out)
        self.assertIn(f"{store}:6: source_identity 'judy smith' is not "
                      "valid: 2 to 64 of letters", r.syslog)
        self.assertNotIn("AWS MFA code for", r.out)
        self.assertEqual(b.emu.requests(), [])

    def test_role_duration_from_config(self):
        b = self.b
        b.config(role_duration="5400", duration="43200")
        b.map_to("carol", role_arn=OPS)
        r = b.login([b.code("carol")])
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        [call] = b.calls("AssumeRole")
        self.assertEqual(call["params"]["DurationSeconds"], "5400")

    def test_over_the_roles_maximum_is_explained_once(self):
        b = self.b
        b.config(role_duration="7200")
        b.map_to("dave", role_arn=SHORT)
        r = b.login([b.code("dave"), b.code("dave")])
        self.assertEqual(r.rc, PAM["MAXTRIES"], r)
        self.assertIn(f"[error] Role {SHORT} does not allow sessions of "
                      "7200 seconds.", r.out)
        self.assertRegex(r.syslog, r"outcome=error .*7200s is over the "
                         r"role's MaxSessionDuration")
        # Another code cannot help: asked once, sent once.
        self.assertEqual(len(b.calls("AssumeRole")), 1)
        self.assertEqual(r.out.count("AWS MFA code for"), 1, r)

    def test_untrusted_role_is_not_a_wrong_code(self):
        b = self.b
        b.map_to("erin", role_arn=OTHERS)
        r = b.login([b.code("erin"), b.code("erin")])
        self.assertEqual(r.rc, PAM["MAXTRIES"], r)
        self.assertIn(f"[error] IAM user erin may not assume role {OTHERS}",
                      r.out)
        self.assertNotIn("Wrong or already used code", r.out)
        self.assertIn("trust policy", r.syslog)
        self.assertEqual(len(b.calls("AssumeRole")), 1)

    def test_role_refusing_source_identity_is_not_a_wrong_code(self):
        b = self.b
        b.map_to("kim", role_arn=NO_SOURCE, source_identity="kim.lee")
        r = b.login([b.code("kim"), b.code("kim")])
        self.assertEqual(r.rc, PAM["MAXTRIES"], r)
        self.assertIn(f"[error] Role {NO_SOURCE} does not accept this "
                      "login.", r.out)
        self.assertNotIn("Wrong or already used code", r.out)
        self.assertRegex(r.syslog, r"outcome=error .*AssumeRole "
                         r"refused: the role does not grant "
                         r"sts:SetSourceIdentity; check the role's trust "
                         r"policy")
        # Another code cannot help: asked once, sent once.
        self.assertEqual(r.out.count("AWS MFA code for"), 1, r)
        self.assertEqual(len(b.calls("AssumeRole")), 1)

    def test_wrong_code_for_a_role_may_be_retried(self):
        b = self.b
        b.map_to("frank", role_arn=OPS)
        r = b.login([b.wrong_code("frank"), b.code("frank")])
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        self.assertIn("[error] Wrong or already used code", r.out)
        self.assertEqual(len(b.calls("AssumeRole")), 2)
        self.assertNotIn(b.code("frank"), r.syslog + r.out)


class DiscoveryTest(BastionCase):
    """No iam_user in the store: GetCallerIdentity names the IAM user."""

    @classmethod
    def make_bastion(cls):
        return Bastion([deep_user("grace", "/division/team/"),
                        iam_user("heidi")])

    def store_without_iam_user(self, name):
        key = self.b.users[name]["keys"][0]
        self.b.store({self.b.linux_user: {
            "aws_access_key_id": key["id"],
            "aws_secret_access_key": key["secret"]}})

    def test_user_with_a_path_is_found_from_the_key(self):
        b = self.b
        self.store_without_iam_user("grace")
        r = b.login([b.code("grace")])
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        self.assertEqual(len(b.calls("GetCallerIdentity")), 1)
        [listing] = b.calls("ListMFADevices")
        self.assertEqual(listing["params"]["UserName"], "grace")
        self.assertIn("AWS MFA code for grace (", r.out)
        self.assertIn("iam_user=grace", r.syslog)
        self.assertEqual(b.read_session()["IamUser"], "grace")

    def test_named_iam_user_needs_no_lookup(self):
        b = self.b
        b.map_to("heidi")
        r = b.login([b.code("heidi")])
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        self.assertEqual(b.calls("GetCallerIdentity"), [])

    def test_unknown_key_is_refused_before_any_prompt(self):
        b = self.b
        b.store({b.linux_user: {
            "aws_access_key_id": "AKIAUNKNOWNUNKNOWN12",
            "aws_secret_access_key": "x" * 40}})
        r = b.login(["123456"])
        self.assertEqual(r.rc, PAM["MAXTRIES"], r)
        self.assertNotIn("AWS MFA code for", r.out)
        # The IAM user is not known: the message names the login's key.
        self.assertIn("[error] AWS does not accept the access key stored "
                      "for your login, so its IAM user cannot be found. "
                      "Ask the bastion's administrator to check the system "
                      "log.", r.out)
        self.assertNotIn("not known yet", r.out + r.syslog)
        self.assertRegex(r.syslog, r"outcome=error reason=\"AWS error "
                         r"InvalidClientTokenId \(HTTP 403\)")
        self.assertNotIn("iam_user=", r.syslog)
        self.assertEqual(b.calls("ListMFADevices"), [])


class FipsTest(BastionCase):
    """use_fips = yes: explicit endpoints still win; a region whose FIPS
    endpoints are not known refuses the login before any AWS call.  (The
    FIPS defaults themselves are real AWS hosts, never contacted here:
    test_endpoints and test_aws_endpoints.py check them.)"""

    @classmethod
    def make_bastion(cls):
        return Bastion([iam_user("kate")])

    def setUp(self):
        super().setUp()
        self.b.map_to("kate")

    def test_explicit_endpoints_win(self):
        b = self.b
        b.config(use_fips="yes", region="us-east-1")
        r = b.login([b.code("kate")])
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        self.assertEqual(len(b.calls("GetSessionToken")), 1)

    def test_region_without_fips_endpoints_is_refused(self):
        b = self.b
        b.config(use_fips="yes", region="eu-west-1", sts_endpoint=None)
        r = b.login([b.code("kate")])
        self.assertEqual(r.rc, PAM["SERVICE_ERR"], r)
        self.assertIn("[error] MFA login is not configured correctly on "
                      "this server.", r.out)
        self.assertIn("use_fips = yes, but no FIPS endpoint is known for "
                      "sts in region eu-west-1: set sts_endpoint "
                      "explicitly", r.syslog)
        self.assertNotIn("AWS MFA code for", r.out)
        self.assertEqual(b.emu.requests(), [])

    def test_bad_value_names_file_and_line(self):
        b = self.b
        path = b.config(use_fips="on")
        r = b.login(["123456"])
        self.assertEqual(r.rc, PAM["SERVICE_ERR"], r)
        self.assertRegex(r.syslog, re.escape(path) + r":\d+: use_fips 'on' "
                         r"is not valid: yes or no")
        self.assertEqual(b.emu.requests(), [])


class UserKeysTest(BastionCase):
    """key_source = user: the key from a profile of the user's own AWS
    files (user_aws_dir points at a temp folder: the tests never touch a
    real home)."""

    PROFILE = "default-long-term"

    @classmethod
    def make_bastion(cls):
        return Bastion([iam_user("olivia", devices=("virtual", "virtual")),
                        iam_user("peggy")])

    def setUp(self):
        super().setUp()
        self.aws_dir = os.path.join(self.b.dir, "userhome", ".aws")
        shutil.rmtree(self.aws_dir, ignore_errors=True)
        os.makedirs(self.aws_dir)
        # No store at all: nothing may come from it.
        self.b.config(key_source="user", user_profile=self.PROFILE,
                      user_aws_dir=self.aws_dir,
                      credentials_file=os.path.join(self.b.dir, "none"))

    def write(self, name, text, mode=0o600):
        path = os.path.join(self.aws_dir, name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def credentials(self, iam_name, extra="", mode=0o600):
        key = self.b.users[iam_name]["keys"][0]
        return self.write("credentials",
                          "[default]\naws_access_key_id = AKIAOTHEROTHER1234"
                          "\naws_secret_access_key = other\n"
                          f"[{self.PROFILE}]\n"
                          f"aws_access_key_id = {key['id']}\n"
                          f"aws_secret_access_key = {key['secret']}\n"
                          "region = eu-west-1\n" + extra, mode)

    def assertRefusedBeforeAws(self, r, words):
        self.assertEqual(r.rc, PAM["MAXTRIES"], r)
        self.assertIn("[error] Your AWS key cannot be used: ", r.out)
        self.assertIn(words, r.out)
        self.assertIn(words, r.syslog)
        self.assertNotIn("AWS MFA code for", r.out)
        self.assertEqual(self.b.emu.requests(), [])

    def test_profile_key_and_mfa_serial_from_the_users_files(self):
        b = self.b
        self.credentials("olivia")
        second = b.device("olivia", 1)["serial"]
        self.write("config", f"[profile {self.PROFILE}]\n"
                   f"mfa_serial = {second}\nregion = eu-west-1\n"
                   "[profile other]\ncredential_process = /bin/false\n",
                   0o644)
        r = b.login([b.code("olivia", 1)])
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        self.assertIn(f"AWS MFA code for olivia ({second}):", r.out)
        [call] = b.calls("GetSessionToken")
        self.assertEqual(call["access_key_id"],
                         b.users["olivia"]["keys"][0]["id"])
        self.assertEqual(len(b.calls("GetCallerIdentity")), 1)

    def test_credentials_others_can_read_are_refused(self):
        self.credentials("peggy", mode=0o640)
        self.assertRefusedBeforeAws(self.b.login(["123456"]), "has mode")

    def test_a_link_is_not_followed(self):
        real = self.credentials("peggy")
        moved = os.path.join(self.b.dir, "userhome", "elsewhere")
        os.rename(real, moved)
        os.symlink(moved, real)
        self.assertRefusedBeforeAws(self.b.login(["123456"]),
                                    "is a symbolic link")

    def test_a_file_of_another_owner_is_refused(self):
        path = self.credentials("peggy")
        os.chown(path, 65534, 65534)
        r = self.b.login(["123456"])
        self.assertEqual(r.rc, PAM["MAXTRIES"], r)
        self.assertEqual(self.b.emu.requests(), [])

    def test_a_session_profile_is_refused(self):
        self.credentials("peggy", "aws_session_token = IQoJb3JpZ2luX2VjE\n")
        self.assertRefusedBeforeAws(self.b.login(["123456"]),
                                    "already a temporary session")

    def test_a_credential_process_profile_is_refused(self):
        self.credentials("peggy")
        self.write("config", f"[profile {self.PROFILE}]\n"
                   "credential_process = /usr/bin/awsmfa credential-process"
                   "\n", 0o644)
        self.assertRefusedBeforeAws(self.b.login(["123456"]),
                                    "is a credential_process")

    def test_files_the_aws_tools_read_are_read(self):
        # What botocore's raw_config_parse reads: a comment after a
        # header, keys in capitals, '-' and nested blocks elsewhere, and
        # [profile default] for the default profile's mfa_serial.
        b = self.b
        key = b.users["olivia"]["keys"][0]
        self.write("credentials", "[default] # my key\n"
                   f"AWS_ACCESS_KEY_ID = {key['id']}\n"
                   f"Aws_Secret_Access_Key: {key['secret']}\n"
                   "[other]\naws_access_key_id = AKIAOTHEROTHER1234\n")
        second = b.device("olivia", 1)["serial"]
        self.write("config", "[profile other]\nsso-region = eu-west-1\n"
                   "s3 =\n  max_concurrent_requests = 20\n"
                   f"[profile default]\nmfa_serial = {second}\n", 0o644)
        b.config(key_source="user", user_profile="default",
                 user_aws_dir=self.aws_dir,
                 credentials_file=os.path.join(b.dir, "none"))
        r = b.login([b.code("olivia", 1)])
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        self.assertIn(f"AWS MFA code for olivia ({second}):", r.out)
        [call] = b.calls("GetSessionToken")
        self.assertEqual(call["access_key_id"], key["id"])

    def test_a_continued_secret_is_refused(self):
        self.credentials("peggy", "aws_secret_access_key = x\n")
        self.assertRefusedBeforeAws(self.b.login(["123456"]), "given twice")
        self.write("credentials", f"[{self.PROFILE}]\n"
                   "aws_access_key_id = AKIAOTHEROTHER1234\n"
                   "aws_secret_access_key = abc\n  def\n")
        self.assertRefusedBeforeAws(
            self.b.login(["123456"]), "aws_secret_access_key: an indented "
            "line continues the value above")

    def test_no_such_profile_is_unmapped(self):
        self.write("credentials", "[default]\naws_access_key_id = "
                   "AKIAOTHEROTHER1234\naws_secret_access_key = x\n")
        r = self.b.login(["123456"])
        self.assertEqual(r.rc, PAM["USER_UNKNOWN"], r)
        self.assertIn(f"has no profile [{self.PROFILE}]", r.out)
        self.assertEqual(self.b.emu.requests(), [])


def free_port():
    """A loopback port nothing listens on (the system's choice)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Tinyproxy:
    """Debian's tinyproxy on 127.0.0.1, in the foreground, with its own
    config in a temp dir, allowed to CONNECT only to one port."""

    def __init__(self, connect_port):
        self.dir = tempfile.mkdtemp(prefix="awsmfa-proxy-")
        os.chmod(self.dir, 0o777)
        self.port = free_port()
        self.log = os.path.join(self.dir, "tinyproxy.log")
        conf = os.path.join(self.dir, "tinyproxy.conf")
        with open(conf, "w") as f:
            f.write(f"Port {self.port}\nListen 127.0.0.1\nTimeout 30\n"
                    f"LogFile \"{self.log}\"\nLogLevel Info\n"
                    f"PidFile \"{self.dir}/tinyproxy.pid\"\n"
                    "MaxClients 20\nAllow 127.0.0.1\n"
                    f"ConnectPort {connect_port}\nDisableViaHeader Yes\n")
        self.proc = subprocess.Popen(
            [TINYPROXY, "-d", "-c", conf], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.close()
        raise AssertionError("tinyproxy did not start listening")

    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def connects(self):
        """The CONNECT requests tinyproxy logged."""
        if not os.path.exists(self.log):
            return []
        with open(self.log, errors="replace") as f:
            return [l for l in f if "CONNECT 127.0.0.1:" in l]

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


TINYPROXY = shutil.which("tinyproxy") or "/usr/bin/tinyproxy"


class ProxyTest(BastionCase):
    """proxy = http://host:port: every AWS call goes through a real
    proxy as CONNECT; no_proxy bypasses it; the environment's proxy
    variables never steer a login."""

    @classmethod
    def make_bastion(cls):
        return Bastion([iam_user(n) for n in
                        ("ivan", "judy", "mallory", "niaj")])

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.proxy = Tinyproxy(cls.bastion.emu.port)

    @classmethod
    def tearDownClass(cls):
        cls.proxy.close()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        # A port where no proxy listens: a call sent there cannot work.
        self.dead = f"http://127.0.0.1:{free_port()}"

    def test_login_through_the_proxy(self):
        b = self.b
        before = len(self.proxy.connects())
        b.config(proxy=self.proxy.url())
        b.map_to("ivan")
        r = b.login([b.code("ivan")])
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        tunnels = self.proxy.connects()[before:]
        self.assertGreaterEqual(len(tunnels), 1, "no CONNECT logged")
        self.assertIn(f"CONNECT 127.0.0.1:{b.emu.port} ", tunnels[0])
        self.assertEqual(len(b.calls("GetSessionToken")), 1)

    def test_an_unreachable_proxy_is_not_bypassed(self):
        b = self.b
        b.config(proxy=self.dead)
        b.map_to("judy")
        r = b.login([b.code("judy")])
        self.assertEqual(r.rc, PAM["MAXTRIES"], r)
        self.assertIn("AWS cannot be reached", r.out)
        self.assertEqual(b.emu.requests(), [])

    def test_no_proxy_hosts_are_reached_directly(self):
        b = self.b
        b.config(proxy=self.dead, no_proxy="localhost,127.0.0.1")
        b.map_to("mallory")
        r = b.login([b.code("mallory")])
        self.assertEqual(r.rc, PAM["SUCCESS"], r)

    def test_proxy_from_the_environment_is_ignored(self):
        b = self.b
        b.config()
        b.map_to("niaj")
        names = ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
        saved = {n: os.environ.get(n) for n in names}
        os.environ.update({n: self.dead for n in names})
        try:
            r = b.login([b.code("niaj")])
        finally:
            for n, v in saved.items():
                if v is None:
                    os.environ.pop(n, None)
                else:
                    os.environ[n] = v
        self.assertEqual(r.rc, PAM["SUCCESS"], r)


if __name__ == "__main__":
    unittest.main(verbosity=2)
