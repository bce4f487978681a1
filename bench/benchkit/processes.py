"""Programs the benchmarks start: the private Postfix (the integration
harness's PostfixInstance, tuned for load), smtp-sink, the two milters and
the dispatcher. Every program runs in its own session with its output in
WORK/logs/NAME.log and is stopped by its pid; nothing outside WORK is
touched, and the system Postfix is never started or stopped.

Not thread-safe; bench/run owns one Processes per run.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "..", "tests", "integration"))

from harness import net  # noqa: E402
from harness.postfix_instance import PostfixInstance, postfix_available  # noqa: E402

SMTP_SINK = "/usr/sbin/smtp-sink"
SMTP_SOURCE = "/usr/sbin/smtp-source"

# Load settings on top of the harness's main.cf: enough smtpd processes that
# 20 sessions really run in parallel (and the relay's smtp clients too), no
# per-client limits, no reverse lookups; mail still relays to the sink.
LOAD_MAIN_CF = {
    "default_process_limit": "100",
    "smtpd_client_connection_count_limit": "0",
    "smtpd_client_connection_rate_limit": "0",
    "smtpd_peername_lookup": "no",
    "default_destination_concurrency_limit": "20",
    "smtp_destination_concurrency_limit": "20",
    "milter_command_timeout": "30s",
    "milter_content_timeout": "60s",
    "queue_run_delay": "1s",
}


class BenchError(RuntimeError):
    pass


def prerequisites_missing():
    """None when the benchmarks can run here, else why not."""
    why = postfix_available()
    if why:
        return why
    for tool in (SMTP_SINK, SMTP_SOURCE):
        if not os.access(tool, os.X_OK):
            return "%s is missing (Debian package postfix)" % tool
    return None


class Processes:
    def __init__(self, work_dir):
        self.work_dir = work_dir
        self.log_dir = os.path.join(work_dir, "logs")
        os.makedirs(self.log_dir, exist_ok=True)
        self._running = []  # (name, Popen, log file)
        self._postfixes = []

    def log_path(self, name):
        return os.path.join(self.log_dir, name + ".log")

    def spawn(self, name, argv, env=None):
        log = open(self.log_path(name), "ab")
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                   start_new_session=True, env=env)
        self._running.append((name, process, log))
        return process

    def stop(self, process, timeout=15):
        for entry in list(self._running):
            if entry[1] is process:
                self._running.remove(entry)
                _terminate(process, timeout)
                entry[2].close()

    def wait_port(self, process, port, what, timeout=20):
        state = net.wait_until(
            lambda: "exited" if process.poll() is not None else net.port_accepts(port),
            timeout)
        if state is not True:
            raise BenchError("%s did not listen on 127.0.0.1:%d (%s)" % (
                what, port, "exited" if state == "exited" else "timed out"))

    def wait_unix_socket(self, process, path, what, timeout=20):
        """Waits until a filter accepts on the unix socket path, then opens
        it to everyone: the filters run as root, Postfix's smtpd as postfix."""
        state = net.wait_until(
            lambda: "exited" if process.poll() is not None else _unix_accepts(path), timeout)
        if state is not True:
            raise BenchError("%s did not listen on %s (%s)" % (
                what, path, "exited" if state == "exited" else "timed out"))
        os.chmod(path, 0o666)

    # --- the programs ---

    def smtp_sink(self, name):
        """Postfix's smtp-sink on a free port: accepts and discards."""
        port = net.free_port()
        process = self.spawn(name, [SMTP_SINK, "-u", "postfix", "127.0.0.1:%d" % port, "256"])
        self.wait_port(process, port, "smtp-sink")
        return port, process

    def postfix(self, name, relay_port, milter=""):
        """A private Postfix in WORK/NAME relaying to relay_port, with milter
        (Postfix's socket spelling) as its only smtpd milter, if any."""
        instance = PostfixInstance(os.path.join(self.work_dir, name), relay_port,
                                   smtpd_milters=milter, extra_main_cf=LOAD_MAIN_CF)
        instance.start()
        self._postfixes.append(instance)
        return instance

    def stop_postfix(self, instance):
        if instance in self._postfixes:
            self._postfixes.remove(instance)
        instance.stop()

    def stop_all(self):
        for instance in list(self._postfixes):
            self.stop_postfix(instance)
        for _, process, log in reversed(self._running):
            _terminate(process, 10)
            log.close()
        self._running = []


def _unix_accepts(path):
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(path)
        return True
    except OSError:
        return False
    finally:
        client.close()


def _terminate(process, timeout):
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(5)


class Stalled(BenchError):
    """A load generator that stopped making progress (seen: the private
    Postfix's postlogd died of "watchdog timeout" on a loaded machine and
    smtp-source waited for ever). Its run is an error row, not a hang."""


# The slowest rate a run may have before it counts as stalled as a whole,
# and the longest time without one message completing.
FLOOR_RATE = 5.0
STALL_SECONDS = 60.0


def smtp_source(port, messages, sessions, sender, recipient, reuse=False, size=1000,
                timeout=None, stall=STALL_SECONDS, on_stall=None):
    """Runs Postfix's smtp-source against 127.0.0.1:port; returns wall seconds.
    reuse (-d) sends every message of a session over one connection.

    Never waits for ever: smtp-source is killed, and Stalled raised, when no
    message completes for `stall` seconds (its -c counter) or the run takes
    longer than timeout (default: 60 s plus the messages at FLOOR_RATE)."""
    if timeout is None:
        timeout = 60.0 + messages / FLOOR_RATE
    argv = [SMTP_SOURCE, "-4", "-c", "-s", str(sessions), "-m", str(messages), "-l", str(size),
            "-f", sender, "-t", recipient, "-S", "Meeting next week", "-M", "client.test"]
    if reuse:
        argv.append("-d")
    argv.append("127.0.0.1:%d" % port)
    started = time.monotonic()
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    progress = _Progress(process, started)
    stalled = None
    while process.poll() is None:
        now = time.monotonic()
        count, last = progress.state()
        if now - last > stall:
            stalled = "no message completed for %.0f s" % (now - last)
        elif now - started > timeout:
            stalled = "the run took longer than %.0f s" % timeout
        if stalled:
            if on_stall is not None:
                stalled += " (%s)" % on_stall()  # while every process is still there
            _kill_group(process)
            break
        time.sleep(0.5)
    process.wait()
    progress.join()
    seconds = time.monotonic() - started
    count, _ = progress.state()
    if stalled:
        raise Stalled("smtp-source stalled after %d of %d messages in %.0f s: %s%s" % (
            count, messages, seconds, stalled, progress.stderr_tail()))
    if process.returncode != 0:
        raise BenchError("smtp-source failed (%d): %s" % (
            process.returncode, progress.stderr_tail()))
    return seconds


class _Progress:
    """Reads smtp-source's -c counter (a number and a carriage return per
    message completed) and its stderr in the background."""

    def __init__(self, process, started):
        self._lock = threading.Lock()
        self._count = 0
        self._last = started
        self._stderr = b""
        self._threads = [threading.Thread(target=self._read_counter, args=(process.stdout,)),
                         threading.Thread(target=self._read_stderr, args=(process.stderr,))]
        for t in self._threads:
            t.daemon = True
            t.start()

    def _read_counter(self, stream):
        pending = b""
        for chunk in iter(lambda: os.read(stream.fileno(), 4096), b""):
            pending += chunk
            *numbers, pending = re.split(rb"[\r\n]", pending)
            counts = [int(n) for n in numbers if n.strip().isdigit()]
            if counts:
                with self._lock:
                    if max(counts) > self._count:
                        self._count = max(counts)
                        self._last = time.monotonic()

    def _read_stderr(self, stream):
        for chunk in iter(lambda: os.read(stream.fileno(), 4096), b""):
            with self._lock:
                self._stderr = (self._stderr + chunk)[-2000:]

    def state(self):
        with self._lock:
            return self._count, self._last

    def stderr_tail(self):
        with self._lock:
            text = self._stderr.decode("utf-8", "replace").strip()
        return ("; stderr: " + text) if text else ""

    def join(self):
        for t in self._threads:
            t.join(5)


def _kill_group(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def wait_queue_empty(instance, timeout):
    """Seconds until the instance has delivered everything it accepted."""
    started = time.monotonic()
    instance.wait_idle(timeout=timeout, settle=0.2)
    return time.monotonic() - started


def stall_snapshot(instance, ports, path):
    """Writes what a stalled run looked like to path: the cause of the
    stalls seen in item 1 is not known yet, and by the time anyone looks
    the instance is gone. Socket states per port, queue file counts, the
    maillog's tail, processes in uninterruptible sleep, load and pressure."""
    out = []

    def command(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=20).stdout
        except (OSError, subprocess.SubprocessError) as e:
            return "(%s: %s)\n" % (argv[0], e)

    states = {}
    for line in command(["ss", "-tanH"]).splitlines():
        fields = line.split()
        if len(fields) < 5:
            continue
        for port in ports:
            if fields[3].endswith(":%d" % port) or fields[4].endswith(":%d" % port):
                key = (port, fields[0])
                states[key] = states.get(key, 0) + 1
    out.append("sockets (port, state): count")
    out.extend("  %d %s: %d" % (port, state, n) for (port, state), n in sorted(states.items()))
    out.append("queue files:")
    for sub in ("maildrop", "incoming", "active", "deferred", "hold"):
        total = 0
        for _, _, files in os.walk(os.path.join(instance.queue_dir, sub)):
            total += len(files)
        out.append("  %s: %d" % (sub, total))
    for name in ("loadavg", "pressure/io", "pressure/cpu", "pressure/memory"):
        try:
            with open("/proc/" + name) as f:
                out.append("%s: %s" % (name, f.read().strip().replace("\n", " | ")))
        except OSError:
            pass
    out.append("processes in D state or on a Postfix/milter wait:")
    out.append(command(["ps", "-eo", "pid,stat,wchan:24,etime,args", "--sort=stat"]))
    try:
        with open(instance.maillog, encoding="utf-8", errors="replace") as f:
            out.append("maillog tail:\n" + "".join(f.readlines()[-40:]))
    except OSError:
        pass
    with open(path, "w") as f:
        f.write("\n".join(out))
    return path
