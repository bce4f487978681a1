"""bench/run --profile: where each filter's cost per message goes, under
item 1's load (smtp-source, one connection per message, into a private
Postfix with the filter as its only milter).

For each filter it runs, attached to the filter's pid only:
- a first load with `perf stat` counting syscalls by kind (tracepoints),
  thread creations (clone/clone3) and context switches; counters are
  inherited by threads created later, so libmilter's short-lived worker
  threads count;
- a second load with `perf record -g` at 499 Hz: the CPU profile, reported
  as the hottest symbols by self time, and the filter's CPU time from
  /proc (the syscall tracepoints of the first load cost CPU of their own);
- the filter's rusage when it is reaped (all its threads, start to end):
  the share of its context switches that were voluntary, i.e. waits
  (poll, read, futex) rather than preemption: the off-CPU side.
"""

import os
import signal
import subprocess
import time

from . import programs, throughput
from .processes import smtp_source, wait_queue_empty

PERF = "/usr/bin/perf"

# column: tracepoints (or software events) summed into it
EVENTS = (
    ("threads", ("syscalls:sys_enter_clone", "syscalls:sys_enter_clone3")),
    ("poll", ("syscalls:sys_enter_poll", "syscalls:sys_enter_ppoll",
              "syscalls:sys_enter_select", "syscalls:sys_enter_pselect6",
              "syscalls:sys_enter_epoll_wait", "syscalls:sys_enter_epoll_pwait",
              "syscalls:sys_enter_epoll_pwait2")),
    ("read", ("syscalls:sys_enter_read", "syscalls:sys_enter_recvfrom",
              "syscalls:sys_enter_recvmsg")),
    ("write", ("syscalls:sys_enter_write", "syscalls:sys_enter_writev",
               "syscalls:sys_enter_sendto", "syscalls:sys_enter_sendmsg")),
    ("futex", ("syscalls:sys_enter_futex",)),
    ("accept", ("syscalls:sys_enter_accept", "syscalls:sys_enter_accept4")),
    ("mem", ("syscalls:sys_enter_mmap", "syscalls:sys_enter_munmap",
             "syscalls:sys_enter_mprotect", "syscalls:sys_enter_madvise")),
    ("syscalls", ("raw_syscalls:sys_enter",)),
    ("cs", ("context-switches",)),
    ("cpu_ms", ("task-clock",)),
)


def perf_missing():
    if not os.access(PERF, os.X_OK):
        return "%s is missing (Debian package linux-perf)" % PERF
    probe = subprocess.run([PERF, "stat", "-x,", "-e", "syscalls:sys_enter_poll", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return "perf cannot count syscall tracepoints here: %s" % probe.stderr.strip()[-200:]
    return None


def _parse_stat(path):
    """perf stat -x, output -> {column: total}."""
    counts = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            fields = line.strip().split(",")
            if len(fields) < 3 or line.startswith("#"):
                continue
            try:
                counts[fields[2]] = float(fields[0])
            except ValueError:
                counts[fields[2]] = 0.0  # "<not counted>", "<not supported>"
    return {column: sum(counts.get(e, 0.0) for e in events) for column, events in EVENTS}


def _hot_symbols(data, limit=8, sort="dso,sym"):
    """The hottest (dso, symbol) pairs by self time: [(percent, text)]."""
    out = subprocess.run([PERF, "report", "-i", data, "--stdio", "--no-children", "-g", "none",
                          "--sort", sort, "--percent-limit", "1.5"],
                         capture_output=True, text=True, timeout=300).stdout
    hot = []
    for line in out.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "%" not in line.split()[0]:
            continue
        percent, rest = line.split(None, 1)
        hot.append((float(percent.rstrip("%")), " ".join(rest.split())))
        if len(hot) == limit:
            break
    return hot


def _reap(process):
    """SIGTERM to the filter's process group, then wait4: its rusage covers
    every thread it ever had."""
    os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        pid, _, usage = os.wait4(process.pid, os.WNOHANG)
        if pid == process.pid:
            return usage
        time.sleep(0.05)
    return None


def _attached(processes, name, argv, load):
    """Runs load() with a perf command attached; stops perf with SIGINT
    (it then writes its counts or samples). Returns load()'s value."""
    perf = processes.spawn(name, argv)
    time.sleep(1)  # perf attaches to every thread before the load starts
    try:
        return load()
    finally:
        if perf.poll() is None:
            os.kill(perf.pid, signal.SIGINT)
            perf.wait(120)
        processes.stop(perf)


def _load(processes, setup, tag, postfix, messages, sessions, log, what):
    log("profile: %s: %s, smtp-source %d messages, %d sessions" % (
        setup, what, messages, sessions))
    seconds = smtp_source(postfix.smtp_port, messages, sessions, throughput.SENDER,
                          throughput.RECIPIENT)
    wait_queue_empty(postfix, timeout=300)
    throughput.check_run(processes, setup, tag, postfix, messages)
    return seconds


def run(processes, binaries, work, messages, sessions, log):
    names, skipped = throughput.setups(binaries)
    sink_port, sink = processes.smtp_sink("profile-smtp-sink")
    results = {setup: {"na": why} for setup, why in skipped.items()}
    for setup in names:
        if setup == "none":
            continue
        tag = "profile-%s" % setup
        process, milter = throughput.start_setup(processes, binaries, work, setup, tag)
        postfix = processes.postfix("profile-postfix-%s" % setup, sink_port, milter)
        stat_file = os.path.join(work, tag + ".stat")
        data = os.path.join(work, tag + ".perf.data")
        events = ",".join(e for _, group in EVENTS for e in group)
        usage = None
        try:
            # Pass 1 counts (the tracepoints cost CPU of their own); pass 2
            # samples the CPU profile and takes the CPU time from /proc.
            _attached(processes, tag + "-perf-stat", [
                PERF, "stat", "-x,", "-o", stat_file, "-e", events, "-p", str(process.pid)],
                lambda: _load(processes, setup, tag, postfix, messages, sessions, log, "counting"))
            cpu_before = programs.cpu_seconds(process.pid)
            seconds = _attached(processes, tag + "-perf-record", [
                PERF, "record", "-q", "-F", "499", "-g", "-o", data, "-p", str(process.pid)],
                lambda: _load(processes, setup, tag, postfix, messages, sessions, log,
                              "sampling"))
            cpu = programs.cpu_seconds(process.pid) - cpu_before
            tasks = len(os.listdir("/proc/%d/task" % process.pid))
        finally:
            processes.stop_postfix(postfix)
            if process.poll() is None:
                usage = _reap(process)
            processes.stop(process)
        counts = _parse_stat(stat_file)
        figures = {column: value / messages for column, value in counts.items()}
        figures["cpu_us"] = 1e6 * cpu / messages
        figures["cpu_us_traced"] = 1000 * counts["cpu_ms"] / messages
        figures["rate"] = messages / seconds
        figures["threads_alive"] = tasks
        if usage is not None and usage.ru_nvcsw + usage.ru_nivcsw:
            figures["voluntary_share"] = usage.ru_nvcsw / (usage.ru_nvcsw + usage.ru_nivcsw)
        figures["hot"] = _hot_symbols(data)
        figures["dsos"] = _hot_symbols(data, sort="dso")
        results[setup] = figures
        log("profile: %s: %.0f us CPU, %.2f threads, %.1f syscalls, %.1f switches a message" % (
            setup, figures["cpu_us"], figures["threads"], figures["syscalls"], figures["cs"]))
    processes.stop(sink)
    return {"messages": messages, "sessions": sessions, "filters": results}


def table(profile):
    """The per-message table and each filter's hottest symbols."""
    from .report import LABELS
    header = ("filter (per message)", "msg/s", "CPU us", "threads", "syscalls", "poll", "read",
              "write", "futex", "ctx sw", "voluntary")
    lines = [header]
    hot = []
    for key, name in LABELS:
        f = profile["filters"].get(key)
        if f is None:
            continue
        if "na" in f:
            lines.append((name, "n/a") + ("-",) * (len(header) - 2))
            continue
        share = f.get("voluntary_share")
        lines.append((name, "%.0f" % f["rate"], "%.0f" % f["cpu_us"], "%.2f" % f["threads"],
                      "%.1f" % f["syscalls"], "%.1f" % f["poll"], "%.1f" % f["read"],
                      "%.1f" % f["write"], "%.1f" % f["futex"], "%.1f" % f["cs"],
                      "-" if share is None else "%.0f%%" % (100 * share)))
        hot.append("%s: by library: %s" % (name, "; ".join("%.0f%% %s" % h for h in f["dsos"])))
        hot.append("%s: %s" % (name, "; ".join("%.1f%% %s" % h for h in f["hot"][:6])))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    text = ["profile: %d messages, %d sessions, perf attached to the filter only" % (
        profile["messages"], profile["sessions"])]
    for n, line in enumerate(lines):
        text.append("| " + " | ".join(str(v).ljust(w) for v, w in zip(line, widths)) + " |")
        if n == 0:
            text.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    text.append("hottest symbols (self CPU, perf record -g at 499 Hz):")
    text += ["  " + line for line in hot]
    return "\n".join(text)
