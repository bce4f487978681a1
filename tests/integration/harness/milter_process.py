"""AutoresponderPrograms: the three autoresponder programs run against one
config file and one store in a temporary directory.

    ROOT/autoresponder.conf   written by write_config()
    ROOT/store/               the LMDB store
    ROOT/clock                FileClock: "now" for every program (see
                              lib/core/clock.h); set_clock() moves it
    ROOT/logs/*.stderr        each program's log (log_target=stderr)

The binaries come from the environment: AR_MILTER, AR_DISPATCHER, AR_CTL
(CTest sets them to the build's targets).

Not thread-safe; one test fixture owns one instance.
"""

import os
import signal
import subprocess

from . import net

BINARY_VARIABLES = ("AR_MILTER", "AR_DISPATCHER", "AR_CTL")


def binaries_missing():
    """None when all three programs are given and executable, else why not."""
    for variable in BINARY_VARIABLES:
        path = os.environ.get(variable)
        if not path:
            return "%s is not set (CTest sets it when the program is built)" % variable
        if not os.access(path, os.X_OK):
            return "%s=%s is not an executable file" % (variable, path)
    return None



def table_rows(output):
    """The rows of an autoresponder-ctl table: its non-empty lines but the
    header, which is printed first and whose first column name is upper case."""
    lines = [line for line in output.splitlines() if line.strip()]
    if lines and lines[0].split("\t")[0].isupper():
        lines = lines[1:]
    return lines

class ProgramError(RuntimeError):
    pass


class AutoresponderPrograms:
    def __init__(self, root, postfix_config_dir=None, transport="sendmail",
                 smtp_port=None, extra_options=None, unix_socket=None,
                 postfix_socket_name=None):
        self.root = os.path.abspath(root)
        self.milter = os.environ.get("AR_MILTER", "autoresponder-milter")
        self.dispatcher = os.environ.get("AR_DISPATCHER", "autoresponder-dispatcher")
        self.ctl_binary = os.environ.get("AR_CTL", "autoresponder-ctl")
        self.config_path = os.path.join(self.root, "autoresponder.conf")
        self.store_path = os.path.join(self.root, "store")
        self.clock_path = os.path.join(self.root, "clock")
        self.log_dir = os.path.join(self.root, "logs")
        self.milter_port = net.free_port()
        # A UNIX socket instead of the loopback port: the path the milter
        # listens on, and the name Postfix uses for it (relative to its
        # chroot when smtpd is chrooted).
        self.unix_socket = unix_socket
        self.postfix_socket_name = postfix_socket_name or unix_socket
        self.postfix_config_dir = postfix_config_dir
        self.transport = transport
        self.smtp_port = smtp_port
        self.extra_options = dict(extra_options or {})
        self._processes = {}  # name -> (Popen, stderr file)
        self._runs = 0
        os.makedirs(self.log_dir, exist_ok=True)

    # --- what Postfix attaches ---

    @property
    def milter_socket(self):
        """Our programs' spelling (libmilter): inet:PORT@HOST or unix:PATH."""
        if self.unix_socket:
            return "unix:" + self.unix_socket
        return "inet:%d@127.0.0.1" % self.milter_port

    @property
    def postfix_milter(self):
        """Postfix's spelling of the same socket: inet:HOST:PORT or unix:PATH."""
        if self.unix_socket:
            return "unix:" + self.postfix_socket_name
        return "inet:127.0.0.1:%d" % self.milter_port

    # --- configuration and time ---

    def options(self):
        """The config file's settings as (name, value) pairs, in order;
        repeatable options appear once per value."""
        items = [
            ("milter_socket", self.milter_socket),
            ("store_path", self.store_path),
            ("clock", "file:" + self.clock_path),
            ("log_target", "stderr"),
            ("log_level", "debug"),
            ("transport", self.transport),
            # Never the system's sequences (the default is under /etc);
            # sequence tests set their own directory.
            ("sequence_dir", ""),
        ]
        if self.transport == "sendmail":
            items.append(("sendmail_path", "/usr/sbin/sendmail"))
            if self.postfix_config_dir:
                items += [("sendmail_arg", "-C"), ("sendmail_arg", self.postfix_config_dir)]
        else:
            items += [("smtp_host", "127.0.0.1"), ("smtp_port", str(self.smtp_port))]
        for name, value in self.extra_options.items():
            values = value if isinstance(value, (list, tuple)) else [value]
            items = [item for item in items if item[0] != name]
            items += [(name, v) for v in values]
        return items

    def write_config(self, path=None, **overrides):
        """Writes the config file (or another one at path, with overrides:
        e.g. transport="smtp", smtp_port=N) and returns its path."""
        path = path or self.config_path
        items = [item for item in self.options() if item[0] not in overrides]
        for name, value in overrides.items():
            values = value if isinstance(value, (list, tuple)) else [value]
            items += [(name, str(v)) for v in values]
        with open(path, "w", encoding="utf-8") as f:
            f.write("# written by the integration test harness\n")
            for name, value in items:
                f.write("%s = %s\n" % (name, value))
        return path

    def set_clock(self, unix_seconds):
        """Moves "now" for every program at once: they re-read the file on
        each use. Written atomically so no reader sees half a number."""
        temporary = self.clock_path + ".new"
        with open(temporary, "w") as f:
            f.write("%d\n" % unix_seconds)
        os.replace(temporary, self.clock_path)

    def clock(self):
        with open(self.clock_path) as f:
            return int(f.read().strip())

    # --- long-running programs ---

    def _spawn(self, name, argv):
        stderr = open(os.path.join(self.log_dir, name + ".stderr"), "ab")
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=stderr,
                                   stderr=stderr, start_new_session=True)
        self._processes[name] = (process, stderr)
        return process

    def start_milter(self, timeout=20):
        if not os.path.exists(self.config_path):
            self.write_config()
        process = self._spawn("milter", [self.milter, "--config", self.config_path])

        def ready():
            if process.poll() is not None:
                return "exited"
            if self.unix_socket:
                return net.unix_socket_accepts(self.unix_socket)
            return net.port_accepts(self.milter_port)

        state = net.wait_until(ready, timeout)
        if state is not True:
            raise ProgramError("autoresponder-milter %s before listening on %s:\n%s" % (
                "exited (%s)" % process.returncode if state == "exited" else "timed out",
                self.milter_socket, self.log_tail("milter")))

    def start_dispatcher(self):
        """The dispatcher as a daemon (tests usually call dispatch_once())."""
        if not os.path.exists(self.config_path):
            self.write_config()
        self._spawn("dispatcher", [self.dispatcher, "--config", self.config_path])

    def running(self, name):
        entry = self._processes.get(name)
        return entry is not None and entry[0].poll() is None

    def stop(self, timeout=10):
        """Stops every program this object started (SIGTERM, then SIGKILL)."""
        for name, (process, stderr) in list(self._processes.items()):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)
            stderr.close()
            del self._processes[name]

    # --- one-shot programs ---

    def _run(self, name, argv, timeout=60, check=True):
        self._runs += 1
        log = os.path.join(self.log_dir, "%03d-%s.stderr" % (self._runs, name))
        result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                                timeout=timeout)
        with open(log, "wb") as f:
            f.write(b"$ " + " ".join(argv).encode() + b"\n" + result.stderr)
        stdout = result.stdout.decode("utf-8", errors="replace")
        if check and result.returncode != 0:
            raise ProgramError("%s exited %d\nstdout: %s\nstderr: %s" % (
                " ".join(argv), result.returncode, stdout,
                result.stderr.decode("utf-8", errors="replace")[-4000:]))
        return stdout

    def ctl(self, *args, check=True):
        """Runs autoresponder-ctl --config CONFIG ARGS...; returns stdout."""
        if not os.path.exists(self.config_path):
            self.write_config()
        return self._run("ctl", [self.ctl_binary, "--config", self.config_path] + list(args),
                         check=check)

    def set_out_of_office(self, address, text, display_name=None, subject=None,
                          extra_args=()):
        args = ["ooo", "set", address, "--text", text]
        if display_name is not None:
            args += ["--name", display_name]
        if subject is not None:
            args += ["--subject", subject]
        return self.ctl(*(args + list(extra_args)))

    def queued_replies(self):
        """ctl queue list: one line per reply waiting to be sent (the header skipped)."""
        return table_rows(self.ctl("queue", "list"))

    def failed_replies(self):
        """ctl queue failed: one line per reply given up on (the header skipped)."""
        return table_rows(self.ctl("queue", "failed"))

    def dispatch_once(self, config_path=None):
        """autoresponder-dispatcher --once: sends every reply due now."""
        return self._run("dispatcher", [self.dispatcher, "--config",
                                        config_path or self.config_path, "--once"])

    # --- observing ---

    def log_text(self, name):
        try:
            with open(os.path.join(self.log_dir, name + ".stderr"), encoding="utf-8",
                      errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def log_tail(self, name, lines=40):
        return "\n".join(self.log_text(name).splitlines()[-lines:])

    def wait_for_log(self, name, needle, timeout=10.0):
        if not net.wait_until(lambda: needle in self.log_text(name), timeout):
            raise TimeoutError("%s log never said %r\n%s" % (name, needle, self.log_tail(name)))


def now_for_tests():
    """A fixed, round start time for FileClock: 2026-01-05 09:00:00 UTC (a Monday)."""
    return 1767603600
