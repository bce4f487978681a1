"""PostfixInstance: a private Postfix on 127.0.0.1, built from Debian's
postfix package but configured entirely inside one temporary directory:

    ROOT/etc/     config_directory (main.cf, master.cf)
    ROOT/spool/   queue_directory
    ROOT/data/    data_directory (owned by mail_owner)
    ROOT/maillog  Postfix's own log, written by postlogd (maillog_file)

It receives SMTP on 127.0.0.1:<free port>, accepts mail from 127.0.0.0/8 for
any domain (mydestination is empty, so nothing is delivered locally) and
relays everything to relayhost [127.0.0.1]:<sink port>. Milters are attached
with smtpd_milters / non_smtpd_milters; milter_default_action=accept, so a
milter that is down never stops mail.

Runs as root (Postfix's master must). master runs in the foreground as a
descendant of the test process (postfix start-fg), never detached. The
system instance and /etc/postfix are never started, stopped or written:
every command gets -c ROOT/etc, and Postfix's sendmail gets -C ROOT/etc,
which root may use without alternate_config_directories.

Not thread-safe; one test fixture owns one instance.
"""

import os
import pwd
import re
import signal
import smtplib
import subprocess
import time

from . import net

POSTFIX = "/usr/sbin/postfix"
SENDMAIL = "/usr/sbin/sendmail"
POSTQUEUE = "/usr/sbin/postqueue"

# Queue subdirectories that hold mail not yet delivered or deferred.
_PENDING_QUEUES = ("maildrop", "incoming", "active", "deferred", "hold")

# Every service Postfix needs to accept, relay and bounce mail. None of them
# is chrooted (a chroot would need copies of /etc files inside the queue),
# except the milter clients smtpd and cleanup with chroot=True, as Debian
# runs them: they then see only queue_directory, and a milter's UNIX socket
# must live inside it.
_MASTER_CF = """\
# service type  private unpriv  chroot  wakeup  maxproc command
{smtpd_listen} inet n - {chroot} - - smtpd
pickup    unix  n       -       n       1       1       pickup
cleanup   unix  n       -       {chroot}       -       0       cleanup
qmgr      unix  n       -       n       1       1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""

# Macros the autoresponder milter reads: i (queue id, for logs),
# {auth_authen} (authenticated senders), {daemon_name} (which smtpd).
_MILTER_MACROS = {
    "milter_connect_macros": "j {daemon_name} {daemon_addr} v _",
    "milter_mail_macros": "i {auth_type} {auth_authen} {auth_author} {mail_addr} "
                          "{mail_host} {mail_mailer} {daemon_name}",
    "milter_rcpt_macros": "i {rcpt_addr} {rcpt_host} {rcpt_mailer} {daemon_name}",
    "milter_end_of_header_macros": "i",
    "milter_end_of_data_macros": "i {auth_authen} {daemon_name}",
}


class PostfixError(RuntimeError):
    pass


def postfix_available():
    """None when a private instance can be started here, else why not."""
    if not os.access(POSTFIX, os.X_OK):
        return "Postfix is not installed (%s)" % POSTFIX
    if os.geteuid() != 0:
        return "a private Postfix instance needs root"
    try:
        pwd.getpwnam("postfix")
    except KeyError:
        return "the postfix user does not exist"
    return None


class PostfixInstance:
    def __init__(self, root, relay_port, smtpd_milters="", non_smtpd_milters="",
                 extra_main_cf=None, extra_master_cf="", chroot=False):
        self.root = os.path.abspath(root)
        self.config_dir = os.path.join(self.root, "etc")
        self.queue_dir = os.path.join(self.root, "spool")
        self.data_dir = os.path.join(self.root, "data")
        self.maillog = os.path.join(self.root, "maillog")
        self.relay_port = relay_port
        self.smtpd_milters = smtpd_milters
        self.non_smtpd_milters = non_smtpd_milters
        self.extra_main_cf = dict(extra_main_cf or {})
        # More master.cf services (lines in master.cf syntax), appended: a
        # second smtpd with its own -o overrides, for example.
        self.extra_master_cf = extra_master_cf or ""
        self.chroot = chroot
        self.smtp_port = net.free_port()
        self._running = False
        self._master = None  # the postfix start-fg process
        self._start_log = None

    # --- configuration ---

    def main_cf(self):
        settings = {
            "compatibility_level": "3.6",
            "config_directory": self.config_dir,
            "queue_directory": self.queue_dir,
            "data_directory": self.data_dir,
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "myhostname": "mx.integration.test",
            "mydomain": "integration.test",
            "myorigin": "$myhostname",
            "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4",
            "mydestination": "",
            "local_recipient_maps": "",
            "alias_maps": "",
            "alias_database": "",
            "mynetworks": "127.0.0.0/8",
            "smtpd_relay_restrictions": "permit_mynetworks, reject",
            "smtpd_recipient_restrictions": "permit_mynetworks, reject",
            "relayhost": "[127.0.0.1]:%d" % self.relay_port,
            "smtp_host_lookup": "native",
            "disable_dns_lookups": "yes",
            "smtp_connect_timeout": "5s",
            "smtp_tls_security_level": "none",
            "smtpd_tls_security_level": "none",
            "maillog_file": self.maillog,
            "maillog_file_prefixes": self.root,
            # postlogd is killed when one write takes over 10 s (its default):
            # a flush stalled behind cleanup's fsyncs under a 10,000-message
            # bench did that, and every daemon that logs then hangs with it.
            "postlogd_watchdog_timeout": "300s",
            # Short timers: a test never waits for a queue run.
            "queue_run_delay": "1s",
            "minimal_backoff_time": "1s",
            "maximal_backoff_time": "2s",
            "delay_warning_time": "0h",
            "in_flow_delay": "0s",
            "smtpd_milters": self.smtpd_milters,
            "non_smtpd_milters": self.non_smtpd_milters,
            "milter_default_action": "accept",
            "milter_protocol": "6",
            "milter_connect_timeout": "5s",
            "milter_command_timeout": "10s",
            "milter_content_timeout": "20s",
            "biff": "no",
        }
        settings.update(_MILTER_MACROS)
        settings.update(self.extra_main_cf)
        return "".join("%s = %s\n" % item for item in settings.items())

    def master_cf(self):
        text = _MASTER_CF.format(smtpd_listen="127.0.0.1:%d" % self.smtp_port,
                                 chroot="y" if self.chroot else "n")
        if self.extra_master_cf:
            text += self.extra_master_cf.rstrip("\n") + "\n"
        return text

    def _write_config(self):
        for d in (self.config_dir, self.queue_dir, self.data_dir):
            os.makedirs(d, exist_ok=True)
        # Postfix's unprivileged daemons must be able to reach their files;
        # the directories above root must be searchable too.
        os.chmod(self.root, 0o755)
        owner = pwd.getpwnam("postfix")
        os.chown(self.data_dir, owner.pw_uid, owner.pw_gid)
        with open(os.path.join(self.config_dir, "main.cf"), "w") as f:
            f.write(self.main_cf())
        with open(os.path.join(self.config_dir, "master.cf"), "w") as f:
            f.write(self.master_cf())

    # --- life cycle ---

    def _postfix(self, *args, timeout=60):
        result = subprocess.run([POSTFIX, "-c", self.config_dir] + list(args),
                                stdin=subprocess.DEVNULL, capture_output=True,
                                text=True, timeout=timeout)
        if result.returncode != 0:
            raise PostfixError("postfix %s failed (%d): %s%s\n--- maillog ---\n%s" % (
                " ".join(args), result.returncode, result.stdout, result.stderr,
                self.log_tail()))
        return result

    def start(self, timeout=30):
        """Starts master in the foreground (postfix start-fg) as our child,
        so it stays in this process tree: whoever kills the test (CTest's
        timeout) kills Postfix too, and stop() can wait for it."""
        self._write_config()
        self._postfix("check")
        self._start_log = open(os.path.join(self.root, "postfix-start-fg.log"), "ab")
        self._master = subprocess.Popen([POSTFIX, "-c", self.config_dir, "start-fg"],
                                        stdin=subprocess.DEVNULL, stdout=self._start_log,
                                        stderr=subprocess.STDOUT)
        self._running = True

        def ready():
            return "exited" if self._master.poll() is not None else \
                net.port_accepts(self.smtp_port)

        state = net.wait_until(ready, timeout)
        if state is not True:
            self.stop()
            raise PostfixError("Postfix %s before smtpd listened on 127.0.0.1:%d\n%s" % (
                "exited" if state == "exited" else "timed out", self.smtp_port,
                self.log_tail()))
        return self

    def process_roots(self, name):
        """The root directories (/proc/PID/root) of the running Postfix
        daemons called name (smtpd, cleanup): the queue directory when
        chrooted, "/" otherwise."""
        roots = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    argv = f.read().split(b"\0")
                if not argv[0].endswith(b"/" + name.encode()) and argv[0] != name.encode():
                    continue
                # Every Postfix daemon works in its queue directory, which
                # tells this instance's daemons from the system's.
                if os.readlink("/proc/%s/cwd" % pid) != self.queue_dir:
                    continue
                roots.append(os.readlink("/proc/%s/root" % pid))
            except OSError:
                continue
        return roots

    def reload(self):
        self._write_config()
        self._postfix("reload")

    def master_pid(self):
        try:
            with open(os.path.join(self.queue_dir, "pid", "master.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def stop(self, timeout=15):
        """Stops this instance only; safe to call twice and after a failed start."""
        if not self._running:
            return
        self._running = False
        pid = self.master_pid()
        try:
            self._postfix("stop")
        except (PostfixError, subprocess.TimeoutExpired):
            pass
        try:
            self._master.wait(timeout)
        except subprocess.TimeoutExpired:
            if pid is not None and _alive(pid):
                os.kill(pid, signal.SIGKILL)
            self._master.kill()
            self._master.wait(5)
        self._start_log.close()

    # --- submitting mail ---

    def submit_smtp(self, mail_from, rcpt_tos, data):
        """Sends one message to this instance's smtpd; returns its queue id."""
        with smtplib.SMTP("127.0.0.1", self.smtp_port, local_hostname="client.test",
                          timeout=30) as client:
            client.ehlo()
            code, reply = client.mail(mail_from)
            if code != 250:
                raise PostfixError("MAIL FROM refused: %d %r" % (code, reply))
            for rcpt in rcpt_tos:
                code, reply = client.rcpt(rcpt)
                if code not in (250, 251):
                    raise PostfixError("RCPT TO:<%s> refused: %d %r" % (rcpt, code, reply))
            code, reply = client.data(data)
            if code != 250:
                raise PostfixError("DATA refused: %d %r" % (code, reply))
        match = re.search(rb"queued as ([0-9A-Za-z]+)", reply)
        return match.group(1).decode() if match else None

    def sendmail_command(self):
        """argv prefix of Postfix's sendmail(1) aimed at this instance."""
        return [SENDMAIL, "-C", self.config_dir]

    def submit_sendmail(self, mail_from, rcpt_tos, data):
        """Submits one message locally through sendmail -C (pickup, cleanup,
        non_smtpd_milters)."""
        argv = self.sendmail_command() + ["-i", "-f", mail_from or "<>", "--"] + list(rcpt_tos)
        result = subprocess.run(argv, input=data, capture_output=True, timeout=60)
        if result.returncode != 0:
            raise PostfixError("sendmail failed (%d): %s" % (
                result.returncode, result.stderr.decode(errors="replace")))

    # --- observing ---

    def log_text(self):
        try:
            with open(self.maillog, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def log_tail(self, lines=40):
        return "\n".join(self.log_text().splitlines()[-lines:])

    def wait_for_log(self, pattern, timeout=20.0):
        """Waits until the maillog matches pattern (a regex); returns the match."""
        regex = re.compile(pattern)
        match = net.wait_until(lambda: regex.search(self.log_text()), timeout)
        if not match:
            raise TimeoutError("maillog never matched %r\n%s" % (pattern, self.log_tail()))
        return match

    def pending_files(self):
        found = []
        for queue in _PENDING_QUEUES:
            for _, _, files in os.walk(os.path.join(self.queue_dir, queue)):
                found.extend(files)
        return found

    def wait_idle(self, timeout=20.0, settle=0.5):
        """Waits until no mail is waiting in any queue (maildrop to deferred),
        twice in a row settle seconds apart, so nothing is in flight."""
        deadline = time.monotonic() + timeout
        while True:
            if not self.pending_files():
                time.sleep(settle)
                if not self.pending_files():
                    return
            if time.monotonic() >= deadline:
                raise TimeoutError("queue not empty after %.0fs: %s\n%s" % (
                    timeout, self.pending_files(), self.log_tail()))
            time.sleep(0.1)


def _alive(pid):
    """True while pid exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False
