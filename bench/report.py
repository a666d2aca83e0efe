"""The markdown the bench prints: the tables, then each target of issue 8
with whether it holds and, where it does not, what limits it."""

import statistics


def median(values):
    return statistics.median(values)


def spread(values, scale=1.0, digits=1):
    """"median (min-max)" of values times scale."""
    v = [x * scale for x in values]
    return (f"{median(v):.{digits}f} "
            f"({min(v):.{digits}f}-{max(v):.{digits}f})")


def percentile(values, p):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def login_table(title, samples, traffic=None):
    lines = [f"### {title}", "",
             "| client | runs | wall ms | CPU ms | peak RSS MiB |"
             + (" HTTP requests | TLS handshakes |" if traffic else ""),
             "|---|---|---|---|---|" + ("---|---|" if traffic else "")]
    for name, runs in samples.items():
        row = (f"| {name} | {len(runs)} | "
               f"{spread([s.wall for s in runs], 1000)} | "
               f"{spread([s.cpu for s in runs], 1000)} | "
               f"{spread([s.rss_kib for s in runs], 1 / 1024)} |")
        if traffic:
            jobs = traffic[name]
            row += (f" {spread([j[0] for j in jobs], digits=0)} | "
                    f"{spread([j[1] for j in jobs], digits=0)} |")
        lines.append(row)
    return lines + [""]


def ratio_table(serial, delayed):
    lines = ["### Ratios (medians)", "",
             "| | ours / aws CLI | ours / floor |", "|---|---|---|"]
    for label, samples in (("CPU, local", serial),
                           ("wall, local", serial),
                           ("wall, +50 ms a request", delayed)):
        key = "cpu" if label.startswith("CPU") else "wall"
        med = {n: median([getattr(s, key) for s in runs])
               for n, runs in samples.items()}
        ours = med["pam_awsmfa"]
        lines.append(f"| {label} | {ours / med['aws CLI']:.3f} | "
                     f"{ours / med['curl floor']:.2f} |")
    return lines + [""]


def concurrency_table(levels):
    lines = ["### Concurrent logins (pam_awsmfa)", "",
             "| at once | logins | failures | logins/s (median batch) | "
             "p50 ms | p99 ms | p99/p50 |", "|---|---|---|---|---|---|---|"]
    for level, batches in levels.items():
        walls = [s.wall for _, runs in batches for s in runs]
        failures = sum(not s.ok for _, runs in batches for s in runs)
        rate = median([len(runs) / seconds for seconds, runs in batches])
        p50, p99 = percentile(walls, 50), percentile(walls, 99)
        lines.append(f"| {level} | {len(walls)} | {failures} | {rate:.0f} | "
                     f"{p50 * 1000:.0f} | {p99 * 1000:.0f} | "
                     f"{p99 / p50:.2f} |")
    return lines + [""]


def instructions_table(groups):
    names = list(groups)
    rows = sorted({g for counts in groups.values() for g in counts},
                  key=lambda g: -groups[names[0]].get(g, 0))
    lines = ["### Instructions for one job (callgrind, millions)", "",
             "| code | " + " | ".join(names) + " |",
             "|---|" + "---|" * len(names)]
    for group in rows:
        lines.append(f"| {group} | " + " | ".join(
            f"{groups[n].get(group, 0) / 1e6:.2f}" for n in names) + " |")
    lines.append("| **total** | " + " | ".join(
        f"**{sum(groups[n].values()) / 1e6:.2f}**" for n in names) + " |")
    return lines + [""]


def memory_table(memory):
    points, heap = memory
    lines = ["### Memory across logins in one process (loginloop)", "",
             "| logins | VmRSS KiB |", "|---|---|"]
    lines += [f"| {n} | {kib} |" for n, kib in points]
    lines += ["", "| logins | heap in use at exit, bytes (memcheck) |",
              "|---|---|"]
    lines += [f"| {n} | {size} |" for n, size in heap]
    return lines + [""]


def targets(checks):
    """checks: [(target, holds, measured, limit)]; limit is said only
    where the target does not hold."""
    lines = ["### Targets (issue 8)", "", "| target | holds | measured |",
             "|---|---|---|"]
    notes = []
    for target, holds, measured, limit in checks:
        lines.append(f"| {target} | {'yes' if holds else '**no**'} | "
                     f"{measured} |")
        if not holds:
            notes.append(f"- {target}: {limit}")
    if notes:
        lines += ["", "What limits the targets that do not hold:", ""]
        lines += notes
    return lines + [""]
