"""The autoresponder programs as the benchmarks run them: one config file
per setup (system clock, log to stderr at info as in production, no
sequences), rules set with autoresponder-ctl, the milter and the dispatcher
started through Processes.

Binaries come from the build directory given to bench/run.
"""

import os
import subprocess
import time

from . import processes as procs
from .processes import BenchError, net


class Binaries:
    def __init__(self, build_dir):
        self.milter = os.path.join(build_dir, "milter", "autoresponder-milter")
        self.dispatcher = os.path.join(build_dir, "dispatcher", "autoresponder-dispatcher")
        self.ctl = os.path.join(build_dir, "ctl", "autoresponder-ctl")
        self.accept_all = os.path.join(build_dir, "bench", "accept_all_milter")
        self.queue_filler = os.path.join(build_dir, "bench", "queue_filler")
        self.eom_client = os.path.join(build_dir, "bench", "milter_eom_client")
        self.retention_bench = os.path.join(build_dir, "bench", "retention_bench")

    def missing(self):
        for path in (self.milter, self.dispatcher, self.ctl, self.accept_all,
                     self.queue_filler, self.eom_client, self.retention_bench):
            if not os.access(path, os.X_OK):
                return path
        return None


def write_config(path, store, milter_port=None, smtp_port=None, extra=None,
                 milter_socket=None):
    """Writes an autoresponder config file; returns its path. milter_socket
    (libmilter's spelling, e.g. unix:/path) wins over milter_port."""
    settings = [
        ("store_path", store),
        ("store_map_size", "8G"),
        ("clock", "system"),
        ("log_target", "stderr"),
        ("log_level", "info"),
        ("sequence_dir", ""),
        ("hostname", "mx.bench.test"),
    ]
    if milter_socket is not None:
        settings.append(("milter_socket", milter_socket))
    elif milter_port is not None:
        settings.append(("milter_socket", "inet:%d@127.0.0.1" % milter_port))
    if smtp_port is not None:
        settings += [("transport", "smtp"), ("smtp_host", "127.0.0.1"),
                     ("smtp_port", str(smtp_port)), ("helo_name", "dispatcher.bench.test")]
    for name, value in (extra or {}).items():
        settings = [item for item in settings if item[0] != name]
        settings.append((name, str(value)))
    with open(path, "w", encoding="utf-8") as f:
        f.write("# written by bench/run\n")
        for name, value in settings:
            f.write("%s = %s\n" % (name, value))
    return path


def run(argv, timeout=600):
    """Runs a one-shot program; returns (stdout, wall seconds)."""
    started = time.monotonic()
    result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=timeout)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise BenchError("%s exited %d: %s%s" % (" ".join(argv), result.returncode,
                                                 result.stdout[-2000:], result.stderr[-2000:]))
    return result.stdout, seconds


def key_values(line):
    """'a=1 b=2.5' -> {'a': 1.0, 'b': 2.5}"""
    values = {}
    for word in line.split():
        if "=" in word:
            name, value = word.split("=", 1)
            try:
                values[name] = float(value)
            except ValueError:
                values[name] = value
    return values


def set_out_of_office(binaries, config, addresses):
    for address in addresses:
        run([binaries.ctl, "--config", config, "ooo", "set", address, "--text",
             "I am out of the office until Monday and will read your message then.",
             "--subject", "Out of office"])


def start_milter(processes, binaries, config, port, name="milter"):
    """port: a TCP port on 127.0.0.1, or the path of a unix socket."""
    process = processes.spawn(name, [binaries.milter, "--config", config])
    _wait_listening(processes, process, port, "autoresponder-milter")
    return process


def start_accept_all(processes, binaries, name="accept-all", socket_path=None):
    """On a free TCP port, or on the unix socket socket_path; returns
    (port or path, process)."""
    where = socket_path or net.free_port()
    spec = "unix:%s" % where if socket_path else "inet:%d@127.0.0.1" % where
    process = processes.spawn(name, [binaries.accept_all, spec])
    _wait_listening(processes, process, where, "accept_all_milter")
    return where, process


def _wait_listening(processes, process, where, what):
    if isinstance(where, str):
        processes.wait_unix_socket(process, where, what)
    else:
        processes.wait_port(process, where, what)


def engines(binaries):
    """The values of milter_engine this milter knows, [] when it has no
    such option (one engine: libmilter's)."""
    out = subprocess.run([binaries.milter, "--print-defaults"], capture_output=True,
                         text=True, timeout=30).stdout
    if not any(line.split("=", 1)[0].strip() == "milter_engine" for line in out.splitlines()):
        return []
    return ["libmilter", "event"]


OPENDKIM = "/usr/sbin/opendkim"


def opendkim_missing():
    """None when Debian's opendkim is installed, else why it is skipped."""
    if os.access(OPENDKIM, os.X_OK):
        return None
    return "%s is missing (Debian package opendkim)" % OPENDKIM


def start_opendkim(processes, work, socket_path, name="opendkim"):
    """Debian's OpenDKIM as a verifier only (Mode v): its own config and
    socket in WORK, in the foreground, never the system service. No keys:
    the bench's messages carry no signature, so each costs the milter
    protocol and OpenDKIM's header and body handling, no DNS."""
    config = os.path.join(work, name + ".conf")
    with open(config, "w", encoding="utf-8") as f:
        f.write("# written by bench/run\n"
                "Mode v\n"
                "Socket local:%s\n"
                "Background no\n"
                "Syslog no\n"
                "UMask 000\n"
                "PidFile %s\n" % (socket_path, os.path.join(work, name + ".pid")))
    process = processes.spawn(name, [OPENDKIM, "-f", "-x", config])
    processes.wait_unix_socket(process, socket_path, "opendkim")
    return process


def fill_queue(binaries, store, count, due_now=0, near=0, near_start=10, near_window=20,
               batch=5000):
    out, _ = run([binaries.queue_filler, "--store", store, "--count", str(count),
                  "--batch", str(batch), "--map-size", str(8 << 30), "--due-now", str(due_now),
                  "--near", str(near), "--near-start", str(near_start),
                  "--near-window", str(near_window)], timeout=1800)
    return key_values(out.strip().splitlines()[-1])


def dispatch_once(binaries, config):
    """autoresponder-dispatcher --once; returns wall seconds."""
    _, seconds = run([binaries.dispatcher, "--config", config, "--once"], timeout=1800)
    return seconds


def start_dispatcher(processes, binaries, config, name="dispatcher"):
    return processes.spawn(name, [binaries.dispatcher, "--config", config])


def memory_of(pid):
    """VmHWM and VmRSS of a process in KiB, from /proc/PID/status."""
    figures = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
                figures[name] = int(value.split()[0])
    return figures


def cpu_seconds(pid):
    """User plus system CPU time of a process and its threads, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


__all__ = ["Binaries", "write_config", "run", "key_values", "set_out_of_office",
           "start_milter", "start_accept_all", "engines", "opendkim_missing",
           "start_opendkim", "fill_queue", "dispatch_once",
           "start_dispatcher", "memory_of", "cpu_seconds", "procs"]
