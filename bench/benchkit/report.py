"""The one table bench/run prints: absolute figures, the baseline measured
in the same run, their ratio, the target and PASS/MISS (or "info" where the
issue sets no target)."""

import os
import platform
import subprocess


def machine():
    """One line: cores, RAM, disk, kernel, Debian release."""
    with open("/proc/meminfo") as f:
        total_kib = int(f.readline().split()[1])
    try:
        with open("/etc/debian_version") as f:
            debian = f.read().strip()
    except OSError:
        debian = "?"
    disk = "?"
    try:
        out = subprocess.run(["df", "-hT", "/tmp"], capture_output=True, text=True).stdout
        fields = out.splitlines()[1].split()
        disk = "%s %s (%s)" % (fields[0], fields[2], fields[1])
    except (OSError, IndexError):
        pass
    return "%d cores, %.1f GiB RAM, disk %s, kernel %s, Debian %s" % (
        os.cpu_count() or 0, total_kib / 1048576, disk, platform.release(), debian)


def source_version(repo):
    """The commit measured: the COMMIT file of a snapshot made with git
    archive, or git's HEAD (noting uncommitted changes)."""
    try:
        with open(os.path.join(repo, "COMMIT")) as f:
            return f.read().strip() + " (snapshot)"
    except OSError:
        pass
    try:
        head = subprocess.run(["git", "-C", repo, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True)
        if head.returncode == 0:
            dirty = subprocess.run(["git", "-C", repo, "status", "--porcelain",
                                    "--untracked-files=no"], capture_output=True, text=True)
            return head.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")
    except OSError:
        pass
    return "unknown"


def _verdict(ok):
    return "PASS" if ok else "MISS"


# Item 1's setups as the table names them, ours last.
LABELS = (("accept-all", "accept-all"), ("opendkim", "OpenDKIM (verify)"),
          ("autoresponder", "ours"), ("autoresponder-libmilter", "ours, engine libmilter"),
          ("autoresponder-event", "ours, engine event"),
          ("autoresponder-body", "ours, body trigger loaded"))


def _ratio_row(name, measure, figures, base, base_name, target=None, ok=None):
    ratio = figures["rate"] / base["rate"]
    return ("1", measure % name, "%.1f" % figures["rate"], "%.1f (%s)" % (base["rate"], base_name),
            "%.2f" % ratio, target or "-", "info" if target is None else _verdict(ok(ratio)))


def throughput_rows(t):
    """Item 1: each filter against no milter and against accept-all; the
    targets apply to ours (each engine), OpenDKIM's figures are info."""
    out = []
    none, accept = t["none"], t["accept-all"]
    for key, name in (("none", "no milter"),) + LABELS:
        figures = t.get(key)
        if figures and figures.get("errors"):
            # A stalled run (processes.Stalled) is reported, never waited for.
            out.append(("1", "runs stalled or failed, %s" % name, str(figures["errors"]),
                        (figures.get("error") or figures.get("first_error") or "-")[:60], "-", "0", "ERROR"))
    for key, name in LABELS:
        figures = t.get(key)
        if figures is None:
            continue
        ours = key.startswith("autoresponder")
        if "na" in figures:
            out.append(("1", "Postfix msg/s, %s" % name, "n/a", "-", "-", "-", "n/a"))
            continue
        if "error" in figures or "error" in none or ("error" in accept and key != "accept-all"):
            out.append(("1", "Postfix msg/s, %s" % name, "error", "-", "-", "-", "ERROR"))
            continue
        out.append(_ratio_row(name, "Postfix msg/s, %s", figures, none, "no milter",
                              ">= 0.70" if ours else None, lambda r: r >= 0.70))
        if key != "accept-all":
            out.append(_ratio_row(name, "%s vs accept-all", figures, accept, "accept-all",
                                  ">= 1.3" if ours else None, lambda r: r >= 1.3))
        if "milter_cpu_us" in figures:
            cpu = figures["milter_cpu_us"]
            base = accept["milter_cpu_us"]
            out.append(("1", "milter CPU us/message, %s" % name, "%.0f" % cpu,
                        "-" if key == "accept-all" else "%.0f (accept-all)" % base,
                        "-" if key == "accept-all" else "%.2f" % (cpu / max(base, 1)),
                        "<= 150" if ours else "-", _verdict(cpu <= 150) if ours else "info"))
        if ours or key == "accept-all":
            out.append(("1", "CPU us/message, all processes, %s" % name,
                        "%.0f" % figures["total_cpu_us"],
                        "%.0f (no milter)" % none["total_cpu_us"],
                        "%.2f" % (figures["total_cpu_us"] / max(none["total_cpu_us"], 1)),
                        "-", "info"))
        if ours:
            out.append(("1", "delivered msg/s, %s" % name, "%.1f" % figures["end_to_end_rate"],
                        "%.1f (no milter)" % none["end_to_end_rate"],
                        "%.2f" % (figures["end_to_end_rate"] / none["end_to_end_rate"]), "-",
                        "info"))
    return out


def rows(results):
    """(item, measure, value, baseline, ratio, target, result) per line."""
    out = []
    t = results.get("throughput")
    if t:
        out += throughput_rows(t)
    e = results.get("eom")
    if e:
        ours, accept = e["autoresponder"], e["accept-all"]
        for p in ("p50", "p99"):
            mine, base = ours["eom_%s_us" % p] / 1000, accept["eom_%s_us" % p] / 1000
            out.append(("2", "EOM %s ms, durable record" % p, "%.2f" % mine,
                        "%.2f (accept-all)" % base, "+%.2f ms" % (mine - base), "-", "info"))
    r = results.get("reinjection")
    if r:
        mine, base = r["dispatcher"]["rate"], r["smtp-source"]["rate"]
        out.append(("3", "dispatcher reinjection msg/s", "%.1f" % mine,
                    "%.1f (smtp-source)" % base, "%.2f" % (mine / base), ">= 0.80",
                    _verdict(mine / base >= 0.80)))
    s = results.get("scale")
    if s:
        out.append(("4", "store bytes per entry (%d entries)" % s["items"],
                    "%.0f" % s["bytes_per_item"], "-", "-", "-", "info"))
        out.append(("4", "dispatcher VmHWM MiB", "%.1f" % (s["vm_hwm_kib"] / 1024),
                    "anon %.1f, file %.1f" % (s["rss_anon_kib"] / 1024, s["rss_file_kib"] / 1024),
                    "-", "-", "info"))
        out.append(("4", "lateness p50 / max s (%d due)" % s["due_sent"],
                    "%.3f / %.3f" % (s["late_p50"], s["late_max"]), "-", "-", "-", "info"))
        out.append(("4", "lateness p99 s", "%.3f" % s["late_p99"], "-", "-", "<= 1 s",
                    _verdict(s["late_p99"] <= 1.0)))
    r = results.get("retention")
    if r:
        swept, none = r["sweep"]["days"], r["none"]["days"]
        for day in r["report_days"]:
            if day in swept and day in none:
                out.append(("5", "store live MiB, day %d" % day,
                            "%.1f" % (swept[day]["live_bytes"] / 1048576),
                            "%.1f (no sweep)" % (none[day]["live_bytes"] / 1048576),
                            "%.2f" % (swept[day]["live_bytes"] / none[day]["live_bytes"]),
                            "-", "info"))
        last = max(swept)
        # Every retention (the longest: tokens, 60 days) has run out by then.
        middle = last - 15 if last - 15 in swept else min(swept)
        growth = swept[last]["live_bytes"] / swept[middle]["live_bytes"]
        out.append(("5", "data.mdb MiB, day %d" % last,
                    "%.1f" % (swept[last]["file_bytes"] / 1048576),
                    "%.1f (no sweep)" % (none[last]["file_bytes"] / 1048576),
                    "%.2f" % (swept[last]["file_bytes"] / none[last]["file_bytes"]), "-",
                    "info"))
        out.append(("5", "live bytes day %d / day %d (%d senders, %d enrolments)" % (
                        last, middle, r["senders"], r["enrolments"]),
                    "%.2f" % growth, "%.2f (no sweep)" % (
                        none[last]["live_bytes"] / none[middle]["live_bytes"]),
                    "-", "<= 1.10", _verdict(growth <= 1.10)))
    return out


def table(results):
    header = ("item", "measure", "value", "baseline (same run)", "ratio", "target", "result")
    lines = [header] + rows(results)
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    text = []
    for n, line in enumerate(lines):
        text.append("| " + " | ".join(str(v).ljust(w) for v, w in zip(line, widths)) + " |")
        if n == 0:
            text.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(text)
