"""The bench's measurements, one function a phase.  Each takes the lab
(emulator + user pool) and returns plain numbers for the report."""

import os
import subprocess
import threading
import time

import callgrind
import clients

LATENCY_SECONDS = 0.05


def _job_requests(lab, identity):
    return [r for r in lab.emu.requests()
            if r.get("access_key_id") == identity.key_id]


def serial(lab, runners, repeat, workdir):
    """repeat runs of each runner, interleaved so that drift in the
    machine's load hits all alike.  Returns {name: [Sample]} and, per
    runner, the emulator's view of each job: [(requests, handshakes,
    {action: count})]."""
    samples = {r.name: [] for r in runners}
    traffic = {r.name: [] for r in runners}
    for _ in range(repeat):
        for runner in runners:
            identity = lab.take()
            sample = runner.run(identity, workdir)
            if not sample.ok:
                raise RuntimeError(f"{runner.name} failed: {sample.why}")
            samples[runner.name].append(sample)
            log = _job_requests(lab, identity)
            actions = {}
            for entry in log:
                actions[entry["action"]] = actions.get(entry["action"], 0) + 1
            traffic[runner.name].append(
                (len(log), sum(1 for e in log if e["new_connection"]),
                 actions))
    return samples, traffic


def latency(lab, runners, repeat, workdir):
    """Like serial, with the emulator holding every answer back by
    LATENCY_SECONDS (its delay fault, queued for the job's own
    requests)."""
    samples = {r.name: [] for r in runners}
    for _ in range(repeat):
        for runner in runners:
            lab.emu.set_faults([{"match": "*", "kind": "delay",
                                 "seconds": LATENCY_SECONDS, "count": 2}])
            sample = runner.run(lab.take(), workdir)
            left = lab.emu.pending_faults()
            if not sample.ok or left:
                raise RuntimeError(f"{runner.name} with latency: "
                                   f"{sample.why or 'made fewer requests'}")
            samples[runner.name].append(sample)
    return samples


def concurrent(lab, ours, level, workdir):
    """level logins started at once, each its own bastion and IAM user.
    Returns (batch seconds, [Sample])."""
    identities = [lab.take() for _ in range(level)]
    prepared = [ours.prepare(i, workdir) for i in identities]
    codes = [lab.code(i) for i in identities]
    samples = [clients.Sample() for _ in identities]
    threads = []
    began = time.monotonic()
    for n, (cmd, env) in enumerate(prepared):
        out = os.path.join(workdir, f"{identities[n].name}.out")
        proc, t0 = clients.start(cmd, env, codes[n] + "\n", out)
        threads.append(threading.Thread(
            target=clients.finish,
            args=(proc, t0, samples[n], out,
                  lambda t: "authenticate: Success" in t)))
        threads[-1].start()
    for thread in threads:
        thread.join()
    return max(s.end for s in samples) - began, samples


def instructions(lab, make_runner, workdir):
    """Callgrind's per-group instruction counts for one job."""
    out = os.path.join(workdir, f"callgrind.{time.monotonic_ns()}")
    runner = make_runner(callgrind.wrapper(out))
    sample = runner.run(lab.take(), workdir)
    if not sample.ok:
        raise RuntimeError(f"{runner.name} under callgrind: {sample.why}")
    return callgrind.grouped(callgrind.self_cost_by_object(out))


def build_loginloop(srcdir, workdir):
    binary = os.path.join(workdir, "loginloop")
    subprocess.run(["cc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror",
                    "-o", binary, os.path.join(srcdir, "loginloop.c"),
                    "-lpam"], check=True)
    return binary


def memory(lab, ours, binary, count, step, workdir):
    """count logins in one process (loginloop) as one Linux user mapped
    to one IAM user; before each code the emulator forgets the codes it
    has seen (its reset), so the device's current code is good again.
    Returns [(logins, VmRSS KiB)]."""
    identity = lab.take()
    confdir = lab.bastion(identity, ours.module)
    env = dict(os.environ, LD_PRELOAD=ours.shim,
               AWSMFA_TEST_SYSLOG=os.path.join(workdir, "syslog"),
               AWS_EC2_METADATA_DISABLED="true")
    proc = subprocess.Popen([binary, confdir, "awsmfa-bench",
                             lab.linux_user, str(count), str(step)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            env=env, text=True)
    points = []
    for line in proc.stdout:
        if line.startswith("code?"):
            lab.emu.reset()
            proc.stdin.write(lab.code(identity) + "\n")
            proc.stdin.flush()
        elif line.startswith("rss "):
            _, logins, kib = line.split()
            points.append((int(logins), int(kib)))
        elif line.startswith("failed"):
            raise RuntimeError(f"loginloop: {line.strip()}")
    proc.stdin.close()
    if proc.wait() != 0:
        raise RuntimeError(f"loginloop exited {proc.returncode}")
    return points


def heap_at_exit(lab, ours, binary, count, workdir):
    """Bytes still allocated when loginloop exits after count logins,
    by valgrind's memcheck: memory a login keeps shows as growth with
    count."""
    log = os.path.join(workdir, f"memcheck.{count}")
    wrapped = os.path.join(workdir, f"loginloop-memcheck.{count}")
    with open(wrapped, "w") as f:
        f.write("#!/bin/sh\nexec valgrind --tool=memcheck --leak-check=no "
                f"--log-file='{log}' '{binary}' \"$@\"\n")
    os.chmod(wrapped, 0o755)
    memory(lab, ours, wrapped, count, count, workdir)
    with open(log) as f:
        for line in f:
            if "in use at exit:" in line:
                return int(line.split("in use at exit:")[1].split()[0]
                           .replace(",", ""))
    raise RuntimeError(f"no heap summary in {log}")
