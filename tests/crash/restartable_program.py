"""RestartableProgram: one long-running autoresponder program that the crash
test SIGKILLs and starts again, many times.

Every run appends to one log file (a marker line separates the runs). The
object remembers how each run ended: a run that ended before the test killed
it is an unexpected exit, which the test reports as a failure (a program
that cannot start again after a SIGKILL is exactly what a crash test looks
for).

Not thread-safe; the test's main thread owns every instance.
"""

import signal
import subprocess
import time


class RestartableProgram:
    def __init__(self, name, argv, log_path, ready=None):
        """ready(): true once a started run can do its job (e.g. the milter
        listens); None means ready at once."""
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self.ready = ready
        self.starts = 0
        self.kills = 0
        self.unexpected_exits = []  # (run number, exit status)
        self._process = None
        self._run_offset = 0  # where the current run's output starts in the log

    def running(self):
        return self._process is not None and self._process.poll() is None

    def start(self, timeout=20.0):
        """Starts a new run and waits until it is ready."""
        self.starts += 1
        with open(self.log_path, "ab") as log:
            log.write(b"=== run %d (crash test)\n" % self.starts)
            log.flush()
            self._run_offset = log.tell()
            self._process = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=log,
                                             stderr=log, start_new_session=True)
        if self.ready is None:
            return
        deadline = time.monotonic() + timeout
        while not self.ready():
            if self._process.poll() is not None:
                self._note_exit()
                raise RuntimeError("%s run %d exited (%s) before it was ready:\n%s" % (
                    self.name, self.starts, self._process.returncode, self.log_tail()))
            if time.monotonic() >= deadline:
                raise RuntimeError("%s run %d not ready after %.0fs:\n%s" % (
                    self.name, self.starts, timeout, self.log_tail()))
            time.sleep(0.02)

    def wait_for_output(self, needle, timeout=10.0):
        """Waits until the current run has logged needle; True if it did."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self._run_output():
                return True
            if not self.running():
                return False
            time.sleep(0.005)
        return False

    def _run_output(self):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(self._run_offset)
                return f.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def kill(self):
        """SIGKILL, as a power cut or the OOM killer would; waits until the
        process is gone. A run that had already ended is recorded."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait()
            self.kills += 1
        else:
            self._note_exit()
        self._process = None

    def stop(self, timeout=10.0):
        """SIGTERM, the orderly stop; SIGKILL if it hangs. Returns the exit
        status (None when nothing ran)."""
        if self._process is None:
            return None
        if self._process.poll() is not None:
            self._note_exit()
            status = self._process.returncode
        else:
            self._process.send_signal(signal.SIGTERM)
            try:
                status = self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
                status = "hung after SIGTERM"
        self._process = None
        return status

    def _note_exit(self):
        self.unexpected_exits.append((self.starts, self._process.returncode))

    def log_tail(self, lines=40):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return "\n".join(f.read().splitlines()[-lines:])
        except OSError:
            return ""
