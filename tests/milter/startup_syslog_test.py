#!/usr/bin/env python3
"""Errors that stop a program at start reach syslog as well as stderr: the
real autoresponder-milter and autoresponder-dispatcher, started with a bad
configuration, a store that cannot be opened and (the milter) a socket in
use, each write the error to a private syslog socket (syslog_socket, a
datagram socket bound by this test) at facility mail, level error, and to
stderr.

Usage: startup_syslog_test.py MILTER DISPATCHER
"""
import os
import socket
import subprocess
import sys
import tempfile

MILTER, DISPATCHER = sys.argv[1:3]
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def main():
    work = tempfile.mkdtemp(prefix="startup_syslog_")
    log_path = os.path.join(work, "log")
    syslog = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    syslog.bind(log_path)
    syslog.settimeout(5)

    def start(program, config_text):
        conf = os.path.join(work, "test.conf")
        with open(conf, "w") as f:
            f.write("syslog_socket = %s\nlog_target = stderr\nsequence_dir =\n"
                    "transport = sendmail\nsendmail_path = /bin/true\n" % log_path + config_text)
        result = subprocess.run([program, "--config", conf], capture_output=True, text=True,
                                timeout=30)
        try:
            datagram = syslog.recv(8192).decode("utf-8", "replace")
        except socket.timeout:
            datagram = ""
        return result, datagram

    # <19>: facility mail (2) * 8 + error (3).
    for program, name in ((MILTER, "autoresponder-milter"),
                          (DISPATCHER, "autoresponder-dispatcher")):
        result, line = start(program, "store_path = %s/store\nperiod_default = forever\n" % work)
        check(result.returncode == 2, "%s: bad config exits 2 (got %d)" % (name, result.returncode))
        check("period_default" in result.stderr, "%s: bad config on stderr (%r)" % (
            name, result.stderr))
        check(line.startswith("<19>%s[" % name) and "period_default" in line,
              "%s: bad config at syslog_socket, mail.err (got %r)" % (name, line))

        blocker = os.path.join(work, "not-a-directory")
        open(blocker, "w").close()
        result, line = start(program, "store_path = %s/store\n" % blocker)
        check(result.returncode == 1, "%s: unopenable store exits 1 (got %d: %s)" % (
            name, result.returncode, result.stderr))
        check("cannot open store" in result.stderr, "%s: store error on stderr" % name)
        check(line.startswith("<19>%s[" % name) and "cannot open store" in line,
              "%s: store error at syslog_socket (got %r)" % (name, line))

    # A socket another process listens on.
    taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    for engine in ("libmilter", "event"):
        result, line = start(MILTER, "store_path = %s/store\nmilter_engine = %s\n"
                             "milter_socket = inet:%d@127.0.0.1\n" % (work, engine, port))
        check(result.returncode != 0, "%s engine: socket in use stops the milter" % engine)
        check(line.startswith("<19>autoresponder-milter[") and str(port) in line,
              "%s engine: socket in use at syslog_socket (got %r, stderr %r)" % (
                  engine, line, result.stderr))
    taken.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
