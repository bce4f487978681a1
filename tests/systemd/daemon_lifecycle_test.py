#!/usr/bin/env python3
"""The daemons as systemd runs them: READY=1 on $NOTIFY_SOCKET once listening,
SIGHUP re-reads the configuration (a broken one is logged and the old one
stays; a burst of SIGHUPs never stops the milter, although libmilter treats
SIGHUP as "stop"), `autoresponder-ctl reload` through the pid files, and
SIGTERM a clean exit that removes the pid file (and the milter's UNIX
socket file).

Usage: daemon_lifecycle_test.py MILTER DISPATCHER CTL
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

MILTER, DISPATCHER, CTL = sys.argv[1:4]
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def wait_for(predicate, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


class Daemon:
    """One program under a fake service manager: a notify socket and a log."""

    def __init__(self, workdir, name, argv):
        self.notify_path = os.path.join(workdir, name + ".notify")
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(self.notify_path)
        # Read like systemd does, at once: a full datagram queue would block
        # the daemon in sd_notify().
        self.notifications = []
        self.seen = 0
        threading.Thread(target=self._read_notifications, daemon=True).start()
        self.log_path = os.path.join(workdir, name + ".log")
        self.log = open(self.log_path, "wb")
        env = dict(os.environ, NOTIFY_SOCKET=self.notify_path)
        self.process = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def _read_notifications(self):
        while True:
            try:
                self.notifications.append(self.notify.recv(4096).decode())
            except OSError:
                return

    def next_notification(self):
        if not wait_for(lambda: len(self.notifications) > self.seen):
            return ""
        self.seen += 1
        return self.notifications[self.seen - 1]

    def settled_count(self, text):
        """How often text is in the log once it stopped growing (0.5 s)."""
        count = -1
        while count != self.log_count(text):
            count = self.log_count(text)
            time.sleep(0.5)
        return count

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def log_count(self, text):
        return self.log_text().count(text)

    def alive(self):
        return self.process.poll() is None


def milter_accepts(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def write_config(path, text):
    with open(path + ".new", "w") as f:
        f.write(text)
    os.replace(path + ".new", path)


def main():
    work = tempfile.mkdtemp(prefix="lifecycle_")
    conf = os.path.join(work, "autoresponder-milter.conf")
    sock = os.path.join(work, "milter.sock")
    milter_pid = os.path.join(work, "milter.pid")
    dispatcher_pid = os.path.join(work, "dispatcher.pid")
    base = (f"store_path = {work}/store\nlog_target = stderr\nhostname = mx.example.org\n"
            "sequence_dir =\n"
            f"milter_pid_file = {milter_pid}\ndispatcher_pid_file = {dispatcher_pid}\n"
            "transport = sendmail\nsendmail_path = /bin/true\n")
    write_config(conf, base + "ignored_sender = bob\n")

    milter = Daemon(work, "milter", [MILTER, "--config", conf, "--milter_socket", "unix:" + sock])
    ready = milter.next_notification()
    check("READY=1" in ready, "milter sends READY=1 (got %r)" % ready)
    check(milter_accepts(sock), "milter listens when it says it is ready")
    check(wait_for(lambda: os.path.exists(milter_pid)), "milter writes its pid file")

    write_config(conf, base + "ignored_sender = carol\n")
    milter.process.send_signal(signal.SIGHUP)
    check("RELOADING=1" in milter.next_notification(), "milter sends RELOADING=1 on SIGHUP")
    check("READY=1" in milter.next_notification(), "milter sends READY=1 after the reload")
    check(wait_for(lambda: milter.log_count("configuration reloaded") == 1),
          "SIGHUP reloads the milter's configuration")

    write_config(conf, base + "period_default = forever\n")
    milter.process.send_signal(signal.SIGHUP)
    check(wait_for(lambda: "reload failed, keeping the running configuration" in milter.log_text()),
          "a broken configuration on reload is logged")
    check(milter.alive() and milter_accepts(sock), "and the milter keeps running")

    write_config(conf, base)
    for _ in range(50):
        milter.process.send_signal(signal.SIGHUP)
        time.sleep(0.002)
    time.sleep(0.5)
    check(milter.alive() and milter_accepts(sock), "a burst of SIGHUPs never stops the milter")

    dispatcher = Daemon(work, "dispatcher", [DISPATCHER, "--config", conf])
    ready = dispatcher.next_notification()
    check("READY=1" in ready, "dispatcher sends READY=1 (got %r)" % ready)
    check(wait_for(lambda: os.path.exists(dispatcher_pid)), "dispatcher writes its pid file")

    before_m = milter.settled_count("configuration reloaded")
    write_config(conf, base.replace("transport = sendmail", "transport = smtp"))
    ctl = subprocess.run([CTL, "--config", conf, "reload"], capture_output=True, text=True)
    check(ctl.returncode == 0, "autoresponder-ctl reload succeeds (%s)" % ctl.stderr.strip())
    check("autoresponder-milter (pid %d)" % milter.process.pid in ctl.stdout and
          "autoresponder-dispatcher (pid %d)" % dispatcher.process.pid in ctl.stdout,
          "autoresponder-ctl reload names both daemons")
    check(wait_for(lambda: milter.log_count("configuration reloaded") == before_m + 1),
          "the milter reloads on autoresponder-ctl reload")
    check(wait_for(lambda: "configuration reloaded from %s: transport smtp" % conf
                   in dispatcher.log_text()),
          "the dispatcher reloads on autoresponder-ctl reload, with the new transport")

    write_config(conf, base.replace("transport = sendmail", "transport = pigeon"))
    dispatcher.process.send_signal(signal.SIGHUP)
    check(wait_for(lambda: "reload failed" in dispatcher.log_text()),
          "a broken configuration on dispatcher reload is logged")
    check(dispatcher.alive(), "and the dispatcher keeps running")

    for daemon, pid_file, name in ((milter, milter_pid, "milter"),
                                   (dispatcher, dispatcher_pid, "dispatcher")):
        daemon.process.send_signal(signal.SIGTERM)
        try:
            code = daemon.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            daemon.process.kill()
            code = None
        check(code == 0, "%s exits 0 on SIGTERM (got %r)" % (name, code))
        check(not os.path.exists(pid_file), "%s removes its pid file" % name)
        if daemon is milter:
            check(not os.path.exists(sock), "the milter removes its UNIX socket file")

    write_config(conf, base)
    ctl = subprocess.run([CTL, "--config", conf, "reload", "milter"], capture_output=True,
                         text=True)
    check(ctl.returncode == 1 and "not running" in ctl.stderr,
          "autoresponder-ctl reload fails when the milter is not running")

    if failures:
        print("--- milter log\n" + milter.log_text())
        print("--- dispatcher log\n" + dispatcher.log_text())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
