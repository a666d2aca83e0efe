"""Many logins at once: ten of the same Linux user (each mapped, through
its own config and store, to its own IAM user and device), while a reader
keeps opening the shared session file: every login succeeds, and every
read sees complete, valid JSON (the file is replaced atomically)."""

import json
import os
import subprocess
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (MODULE, PAMDRIVE, SHIM, Bastion, iam_user,  # noqa: E402
                     wrapper)

LOGINS = 10
# Ten valgrind runs at once on two cores take minutes, not seconds: the AWS
# budget grows, and each code is the next step's (good for a minute or
# more, where the current one may age out before its prompt).
AWS_TIMEOUT = 300 if wrapper() else 30
CODE_STEP = 1 if wrapper() else 0


class ConcurrencyTest(unittest.TestCase):

    def setUp(self):
        self.names = [f"c{n:02d}" for n in range(LOGINS)]
        self.b = Bastion([iam_user(n) for n in self.names])

    def tearDown(self):
        self.b.close()

    def service_for(self, name):
        """A config, store and PAM service of its own for one login."""
        b = self.b
        folder = os.path.join(b.dir, name)
        os.makedirs(os.path.join(folder, "pam.d"))
        key = b.users[name]["keys"][0]
        store = os.path.join(folder, "credentials")
        fd = os.open(store, os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(f"[{b.linux_user}]\naws_access_key_id = {key['id']}\n"
                    f"aws_secret_access_key = {key['secret']}\n"
                    f"iam_user = {name}\n")
        config = os.path.join(folder, "pam_awsmfa.conf")
        with open(config, "w") as f:
            f.write(f"sts_endpoint = {b.emu.url}\niam_endpoint = {b.emu.url}\n"
                    f"ca_file = {b.emu.ca_file}\ntimeout = {AWS_TIMEOUT}\n"
                    f"credentials_file = {store}\n"
                    f"session_dir = {b.session_dir}\n")
        with open(os.path.join(folder, "pam.d", "c"), "w") as f:
            f.write(f"auth required {MODULE} config={config}\n")
        return os.path.join(folder, "pam.d")

    def test_same_user_at_once(self):
        b = self.b
        confdirs = [self.service_for(n) for n in self.names]
        stop = threading.Event()
        reads = {"ok": 0, "bad": []}

        def reader():
            while not stop.is_set():
                try:
                    with open(b.session_file()) as f:
                        text = f.read()
                except FileNotFoundError:
                    continue
                try:
                    json.loads(text)
                    reads["ok"] += 1
                except ValueError:
                    reads["bad"].append(text[:80])

        thread = threading.Thread(target=reader)
        thread.start()
        env = dict(os.environ, LD_PRELOAD=SHIM,
                   AWSMFA_TEST_SYSLOG=os.path.join(b.dir, "syslog"))
        procs = [subprocess.Popen(
            wrapper() + [PAMDRIVE, "--confdir", d, "--service", "c",
                         "--user", b.linux_user],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            env=env) for d in confdirs]
        outs = [p.communicate(b.code(n, offset_steps=CODE_STEP) + "\n",
                              timeout=600)[0]
                for p, n in zip(procs, self.names)]
        stop.set()
        thread.join()
        for p, out in zip(procs, outs):
            self.assertEqual(p.returncode, 0, out)
        self.assertEqual(reads["bad"], [])
        self.assertGreater(reads["ok"], 0)
        final = b.read_session()
        self.assertIn(final["IamUser"], self.names)
        self.assertEqual(len(b.calls("GetSessionToken")), LOGINS)


if __name__ == "__main__":
    unittest.main(verbosity=2)
