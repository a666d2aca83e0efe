"""The three ways to do one login's AWS job, each run as a child process
and measured by the kernel (wait4): wall time, CPU time (user + system),
peak RSS.

  ours   pamdrive: a real PAM stack loading pam_awsmfa (authenticate,
         setcred, open and close the session)
  awscli /usr/bin/aws iam list-mfa-devices, then sts get-session-token
  floor  one curl process making the same two signed HTTPS requests
         (--aws-sigv4, the connection reused via --next)"""

import os
import subprocess
import time
import urllib.parse

from lab import REGION

AWS_CLI = "/usr/bin/aws"
CURL = "/usr/bin/curl"
IAM_VERSION = "2010-05-08"
STS_VERSION = "2011-06-15"
# The aws CLI signs IAM for us-east-1, as AWS's global IAM endpoint wants.
IAM_REGION = "us-east-1"


class Sample:
    """What one job cost; several processes add up (the aws CLI runs
    twice), peak RSS is the largest."""

    def __init__(self):
        self.wall = 0.0
        self.cpu = 0.0
        self.rss_kib = 0
        self.ok = True
        self.why = ""
        self.end = 0.0

    def add(self, wall, usage, ok, why=""):
        self.wall += wall
        self.cpu += usage.ru_utime + usage.ru_stime
        self.rss_kib = max(self.rss_kib, usage.ru_maxrss)
        if not ok and self.ok:
            self.ok, self.why = False, why
        self.end = time.monotonic()


def start(cmd, env, stdin_text, out_path):
    """Starts cmd with stdin_text on its standard input and its output in
    out_path; returns (process, start time)."""
    read_end, write_end = os.pipe()
    os.write(write_end, stdin_text.encode())
    os.close(write_end)
    with open(out_path, "wb") as out:
        began = time.monotonic()
        proc = subprocess.Popen(cmd, env=env, stdin=read_end, stdout=out,
                                stderr=subprocess.STDOUT)
    os.close(read_end)
    return proc, began


def finish(proc, began, sample, out_path, success):
    """Reaps proc with its rusage and adds it to sample; success(text)
    says whether the output shows the job done."""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    with open(out_path, errors="replace") as f:
        text = f.read()
    ok = proc.returncode == 0 and success(text)
    sample.add(wall, usage, ok, f"exit {proc.returncode}: {text[-300:]}")
    return sample


class Ours:
    name = "pam_awsmfa"

    def __init__(self, lab, build, wrapper=()):
        self.lab = lab
        self.pamdrive = os.path.join(build, "tests", "integration",
                                     "pamdrive")
        self.module = os.path.join(build, ".libs", "pam_awsmfa.so")
        self.shim = os.path.join(build, "tests", "integration", ".libs",
                                 "syslog_capture.so")
        self.wrapper = list(wrapper)

    def prepare(self, identity, workdir):
        """Everything but the login itself, outside the measurement."""
        confdir = self.lab.bastion(identity, self.module)
        env = dict(os.environ, LD_PRELOAD=self.shim,
                   AWSMFA_TEST_SYSLOG=os.path.join(workdir, "syslog"),
                   AWS_EC2_METADATA_DISABLED="true")
        cmd = self.wrapper + [self.pamdrive, "--confdir", confdir,
                              "--service", "awsmfa-bench", "--user",
                              self.lab.linux_user, "--session"]
        return cmd, env

    def launch(self, identity, workdir):
        cmd, env = self.prepare(identity, workdir)
        out = os.path.join(workdir, f"{identity.name}.out")
        proc, began = start(cmd, env, self.lab.code(identity) + "\n", out)
        return lambda sample: finish(proc, began, sample, out,
                                     lambda t: "authenticate: Success" in t
                                     and "open_session: Success" in t)

    def run(self, identity, workdir):
        return self.launch(identity, workdir)(Sample())


def _aws_env(lab, identity, workdir):
    home = os.path.join(workdir, "awshome")
    os.makedirs(home, exist_ok=True)
    return {"PATH": "/usr/bin:/bin", "HOME": home,
            "AWS_CONFIG_FILE": os.path.join(home, "config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CA_BUNDLE": lab.emu.ca_file,
            "AWS_ACCESS_KEY_ID": identity.key_id,
            "AWS_SECRET_ACCESS_KEY": identity.secret_key}


class AwsCli:
    name = "aws CLI"

    def __init__(self, lab):
        self.lab = lab

    def run(self, identity, workdir):
        env = _aws_env(self.lab, identity, workdir)
        base = [AWS_CLI, "--endpoint-url", self.lab.emu.url, "--output",
                "json"]
        sample = Sample()
        out = os.path.join(workdir, f"{identity.name}.out")
        proc, began = start(base + ["--region", IAM_REGION, "iam",
                                    "list-mfa-devices", "--user-name",
                                    identity.name], env, "", out)
        finish(proc, began, sample, out, lambda t: identity.serial in t)
        code = self.lab.code(identity)
        proc, began = start(base + ["--region", REGION, "sts",
                                    "get-session-token", "--serial-number",
                                    identity.serial, "--token-code", code],
                            env, "", out)
        return finish(proc, began, sample, out,
                      lambda t: '"SessionToken"' in t)


class Floor:
    name = "curl floor"

    def __init__(self, lab, wrapper=()):
        self.lab = lab
        self.wrapper = list(wrapper)

    def _config(self, identity, workdir):
        """A curl config file (-K), so the keys stay off the command
        line."""
        url = self.lab.emu.url + "/"
        user = f"{identity.key_id}:{identity.secret_key}"
        iam = urllib.parse.urlencode({"Action": "ListMFADevices",
                                      "Version": IAM_VERSION,
                                      "UserName": identity.name})
        sts = urllib.parse.urlencode({"Action": "GetSessionToken",
                                      "Version": STS_VERSION,
                                      "SerialNumber": identity.serial,
                                      "TokenCode": self.lab.code(identity)})
        common = (f'cacert = "{self.lab.emu.ca_file}"\n'
                  'proto = "=https"\nnoproxy = "*"\nsilent\nshow-error\n'
                  f'user = "{user}"\n')
        path = os.path.join(workdir, f"{identity.name}.curlrc")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(common + f'aws-sigv4 = "aws:amz:{IAM_REGION}:iam"\n'
                    f'data = "{iam}"\nurl = "{url}"\nnext\n')
            f.write(common + f'aws-sigv4 = "aws:amz:{REGION}:sts"\n'
                    f'data = "{sts}"\nurl = "{url}"\n')
        return path

    def prepare(self, identity, workdir):
        config = self._config(identity, workdir)
        return self.wrapper + [CURL, "--fail-with-body", "-K", config]

    def run(self, identity, workdir):
        cmd = self.prepare(identity, workdir)
        out = os.path.join(workdir, f"{identity.name}.out")
        proc, began = start(cmd, {"PATH": "/usr/bin:/bin"}, "", out)
        return finish(proc, began, Sample(), out,
                      lambda t: identity.serial in t
                      and "<SessionToken>" in t)
