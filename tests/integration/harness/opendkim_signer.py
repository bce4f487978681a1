"""OpenDkimSigner: Debian's OpenDKIM as the site's signing milter, private to
one test: a key pair made by opendkim-genkey, a KeyTable and SigningTable,
its own config and a milter socket on a free loopback port, all in one
temporary directory. Never the system service or /etc/opendkim*.

    ROOT/keys/SELECTOR.private  the private key (0600, as OpenDKIM demands)
    ROOT/keys/SELECTOR.txt      the DNS TXT record opendkim-genkey wrote
    ROOT/key.table, ROOT/signing.table, ROOT/opendkim.conf
    ROOT/opendkim.stderr        what OpenDKIM printed

OpenDKIM signs mail whose From domain is in the SigningTable when the
client is in InternalHosts (its default: 127.0.0.1), which covers both
reinjection paths: the dispatcher's SMTP connection from 127.0.0.1 and
Postfix's non_smtpd_milters, which present local submissions as
localhost [127.0.0.1].

No DNS is involved: verifiers get the public key from public_key_record()
(dkim_txt_lookup() is a dnsfunc for dkimpy).

Not thread-safe; one test fixture owns one instance.
"""

import os
import re
import subprocess

from . import net

OPENDKIM = "/usr/sbin/opendkim"
OPENDKIM_GENKEY = "/usr/sbin/opendkim-genkey"

# The header fields signed, as autoresponder-dispatcher(8) recommends.
SIGN_HEADERS = ("From", "Reply-To", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To",
                "References", "Auto-Submitted", "List-Id", "List-Unsubscribe",
                "List-Unsubscribe-Post", "MIME-Version", "Content-Type",
                "Content-Transfer-Encoding")
# Signed once more than present, so nobody on the way can add one.
OVERSIGN_HEADERS = ("From", "List-Unsubscribe", "List-Unsubscribe-Post")


def opendkim_missing():
    """None when OpenDKIM and its key generator are installed, else why not."""
    for path, package in ((OPENDKIM, "opendkim"), (OPENDKIM_GENKEY, "opendkim-tools")):
        if not os.access(path, os.X_OK):
            return "%s is missing (Debian package %s)" % (path, package)
    return None


class OpenDkimError(RuntimeError):
    pass


class OpenDkimSigner:
    def __init__(self, root, domain, selector="mail"):
        self.root = os.path.abspath(root)
        self.domain = domain
        self.selector = selector
        self.key_dir = os.path.join(self.root, "keys")
        self.config_path = os.path.join(self.root, "opendkim.conf")
        self.port = net.free_port()
        self._process = None
        self._stderr = None

    @property
    def postfix_milter(self):
        """The socket as Postfix writes it in smtpd_milters."""
        return "inet:127.0.0.1:%d" % self.port

    @property
    def record_name(self):
        """The DNS name of the public key: SELECTOR._domainkey.DOMAIN."""
        return "%s._domainkey.%s" % (self.selector, self.domain)

    def _generate(self):
        os.makedirs(self.key_dir, exist_ok=True)
        result = subprocess.run(
            [OPENDKIM_GENKEY, "-b", "2048", "-D", self.key_dir, "-d", self.domain,
             "-s", self.selector], stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=60)
        if result.returncode != 0:
            raise OpenDkimError("opendkim-genkey failed (%d): %s" % (
                result.returncode, result.stderr))
        key_name = "signer"
        with open(os.path.join(self.root, "key.table"), "w") as f:
            f.write("%s %s:%s:%s\n" % (key_name, self.domain, self.selector,
                                       os.path.join(self.key_dir, self.selector + ".private")))
        # A plain file table is looked up by the full From address, then by
        # its domain: every address at the domain is signed.
        with open(os.path.join(self.root, "signing.table"), "w") as f:
            f.write("%s %s\n" % (self.domain, key_name))
        with open(self.config_path, "w") as f:
            f.write("# written by the integration harness\n"
                    "Mode s\n"
                    "Socket inet:%d@127.0.0.1\n"
                    "Background no\n"
                    "Syslog no\n"
                    "PidFile %s\n"
                    "Canonicalization relaxed/simple\n"
                    "KeyTable file:%s\n"
                    "SigningTable file:%s\n"
                    # What autoresponder-dispatcher(8), DKIM SIGNING, asks
                    # of a signer: OpenDKIM's default set (RFC 6376 section
                    # 5.4) leaves out Message-ID, Auto-Submitted and
                    # List-Unsubscribe-Post, which RFC 8058 section 4 wants
                    # signed for one-click unsubscription.
                    "SignHeaders %s\n"
                    "OversignHeaders %s\n"
                    # The key lives under /tmp, which everyone may write, so
                    # OpenDKIM's check of every directory above the key
                    # would refuse it (and tempfail each message); the key
                    # file itself is 0600.
                    "RequireSafeKeys no\n" % (
                        self.port, os.path.join(self.root, "opendkim.pid"),
                        os.path.join(self.root, "key.table"),
                        os.path.join(self.root, "signing.table"),
                        ",".join(SIGN_HEADERS), ",".join(OVERSIGN_HEADERS)))

    def public_key_record(self):
        """The TXT record's text ("v=DKIM1; h=sha256; k=rsa; p=..."), joined
        from the quoted strings opendkim-genkey wrote."""
        with open(os.path.join(self.key_dir, self.selector + ".txt")) as f:
            text = f.read()
        return "".join(re.findall(r'"([^"]*)"', text))

    def dkim_txt_lookup(self, name, timeout=5):
        """A dnsfunc for dkimpy: our record for our name, nothing for others."""
        if isinstance(name, bytes):
            name = name.decode("ascii", "replace")
        if name.rstrip(".").lower() == self.record_name.lower():
            return self.public_key_record().encode("ascii")
        return None

    def start(self, timeout=20):
        os.makedirs(self.root, exist_ok=True)
        self._generate()
        self._stderr = open(os.path.join(self.root, "opendkim.stderr"), "ab")
        self._process = subprocess.Popen([OPENDKIM, "-f", "-x", self.config_path],
                                         stdin=subprocess.DEVNULL, stdout=self._stderr,
                                         stderr=subprocess.STDOUT)

        def ready():
            return "exited" if self._process.poll() is not None else \
                net.port_accepts(self.port)

        state = net.wait_until(ready, timeout)
        if state is not True:
            self.stop()
            raise OpenDkimError("opendkim %s before it listened on 127.0.0.1:%d:\n%s" % (
                "exited" if state == "exited" else "timed out", self.port, self.log_text()))
        return self

    def stop(self, timeout=10):
        """Stops this instance only; safe to call twice."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.terminate()
                try:
                    self._process.wait(timeout)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait(5)
            self._process = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def log_text(self):
        try:
            with open(os.path.join(self.root, "opendkim.stderr"), encoding="utf-8",
                      errors="replace") as f:
                return f.read()
        except OSError:
            return ""
