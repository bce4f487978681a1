"""The Debian package built by cmake/Packaging.cmake: cpack -G DEB into a
temporary directory, then its file list (dpkg-deb -c), its control fields
and maintainer scripts (dpkg-deb -f / -e), and lintian, which must report
no error (E:). Warnings are printed, not failed on.

Environment (CTest sets it): AR_CPACK_CONFIG (the build's CPackConfig.cmake),
AR_CPACK (the cpack binary), AR_PROJECT_VERSION.
"""

import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest

PACKAGE = "autoresponder-milter"
DOC = "./usr/share/doc/%s/" % PACKAGE
EXPECTED_FILES = [
    "./usr/sbin/autoresponder-milter",
    "./usr/sbin/autoresponder-dispatcher",
    "./usr/sbin/autoresponder-ctl",
    "./usr/sbin/autoresponder-web",
    "./usr/share/man/man5/autoresponder-milter.conf.5.gz",
    "./usr/share/man/man8/autoresponder-milter.8.gz",
    "./usr/share/man/man8/autoresponder-dispatcher.8.gz",
    "./usr/share/man/man8/autoresponder-ctl.8.gz",
    "./usr/share/man/man8/autoresponder-web.8.gz",
    "./etc/autoresponder-milter/autoresponder-milter.conf",
    "./usr/share/bash-completion/completions/autoresponder-ctl",
    DOC + "copyright",
    DOC + "changelog.gz",
    DOC + "examples/postfix-main.cf.example",
    DOC + "examples/postfix-master.cf.example",
    DOC + "examples/sendmail.mc.example",
]


def say(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, **kwargs)


def missing_prerequisite():
    if not os.environ.get("AR_CPACK_CONFIG"):
        return "AR_CPACK_CONFIG is not set (CTest sets it)"
    for program in ("dpkg-deb", "dpkg-shlibdeps", "lintian"):
        if shutil.which(program) is None:
            return "%s is not installed (scripts/install-deps installs it)" % program
    return None


class DebianPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        reason = missing_prerequisite()
        if reason is not None:
            if os.environ.get("AR_PACKAGING_REQUIRED") == "1":
                raise RuntimeError("packaging prerequisite missing: " + reason)
            raise unittest.SkipTest(reason)
        cls.root = tempfile.mkdtemp(prefix="ar-package-")
        cls.addClassCleanup(shutil.rmtree, cls.root, True)
        cpack = os.environ.get("AR_CPACK") or "cpack"
        built = run([cpack, "-G", "DEB", "--config", os.environ["AR_CPACK_CONFIG"],
                     "-B", cls.root])
        say(built.stdout[-3000:])
        if built.returncode != 0:
            raise AssertionError("cpack failed (%d):\n%s\n%s" % (
                built.returncode, built.stdout[-4000:], built.stderr[-4000:]))
        debs = sorted(name for name in os.listdir(cls.root) if name.endswith(".deb"))
        if len(debs) != 1:
            raise AssertionError("expected one .deb in %s, found %s" % (cls.root, debs))
        cls.deb = os.path.join(cls.root, debs[0])
        cls.contents = run(["dpkg-deb", "-c", cls.deb], check=True).stdout
        cls.paths = [line.split()[5] for line in cls.contents.splitlines()
                     if len(line.split()) >= 6]
        cls.control_dir = os.path.join(cls.root, "control")
        run(["dpkg-deb", "-e", cls.deb, cls.control_dir], check=True)

    def field(self, name):
        return run(["dpkg-deb", "-f", self.deb, name], check=True).stdout.strip()

    def control_file(self, name):
        with open(os.path.join(self.control_dir, name), encoding="utf-8") as f:
            return f.read()

    def test_file_name_and_version_follow_the_project(self):
        version = os.environ.get("AR_PROJECT_VERSION")
        self.assertEqual(self.field("Package"), PACKAGE)
        if version:
            self.assertEqual(self.field("Version"), version)
            self.assertTrue(os.path.basename(self.deb).startswith(
                "%s_%s_" % (PACKAGE, version)), self.deb)

    def test_contains_programs_man_pages_config_and_docs(self):
        say(self.contents)
        for path in EXPECTED_FILES:
            self.assertIn(path, self.paths)

    def test_nothing_outside_the_debian_hierarchy(self):
        # A /usr/local path means an install rule ignored the prefix.
        allowed = ("./", "./etc/", "./usr/", "./lib/", "./var/")
        for path in self.paths:
            self.assertTrue(path.startswith(allowed), path)
            self.assertNotIn("/usr/local", path)

    def test_man_pages_and_changelog_are_compressed(self):
        for path in self.paths:
            if "/share/man/man" in path and not path.endswith("/"):
                self.assertTrue(path.endswith(".gz"), path)

    def test_depends_come_from_the_binaries(self):
        depends = self.field("Depends")
        say("Depends: " + depends)
        # dpkg-shlibdeps found libc and the libraries the programs link.
        for library in ("libc6", "liblmdb0", "libmilter1.0.1", "adduser"):
            self.assertIn(library, depends)

    def test_every_file_in_etc_is_a_conffile(self):
        conffiles = self.control_file("conffiles").split()
        etc_files = [p[1:] for p in self.paths if p.startswith("./etc/") and not p.endswith("/")]
        self.assertEqual(sorted(conffiles), sorted(etc_files))
        self.assertIn("/etc/autoresponder-milter/autoresponder-milter.conf", conffiles)

    def test_maintainer_scripts_create_the_user_and_never_start_services(self):
        postinst = self.control_file("postinst")
        commands = "\n".join(line for line in postinst.splitlines()
                             if not line.lstrip().startswith("#"))
        self.assertIn("adduser --system", postinst)
        self.assertIn("systemd-tmpfiles --create", postinst)
        self.assertIn("daemon-reload", postinst)
        for word in (" enable", " start", " restart", "--now"):
            self.assertNotIn(word, commands)
        self.assertIn("purge)", self.control_file("postrm"))
        for script in ("postinst", "prerm", "postrm"):
            mode = os.stat(os.path.join(self.control_dir, script)).st_mode & 0o777
            self.assertEqual(mode, 0o755, script)
            checked = run(["sh", "-n", os.path.join(self.control_dir, script)])
            self.assertEqual(checked.returncode, 0, checked.stderr)

    def test_socket_is_inside_the_postfix_chroot(self):
        # Debian's smtpd and cleanup run chrooted in /var/spool/postfix: the
        # packaged socket must be there, its directory created, writable by
        # the sandboxed unit, and Postfix put into the service group.
        tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", self.deb], capture_output=True,
                             check=True).stdout
        files = tarfile.open(fileobj=io.BytesIO(tar))

        def text(path):
            return files.extractfile(path).read().decode("utf-8")

        service = text("./usr/lib/systemd/system/autoresponder-milter.service")
        self.assertIn("--milter_socket unix:/var/spool/postfix/autoresponder/milter.sock", service)
        self.assertIn("ReadWritePaths=/var/spool/postfix/autoresponder", service)
        tmpfiles = text("./usr/lib/tmpfiles.d/autoresponder-milter.conf")
        self.assertIn("d /var/spool/postfix/autoresponder 0750 autoresponder autoresponder", tmpfiles)
        postinst = self.control_file("postinst")
        self.assertIn("adduser --quiet postfix", postinst)
        self.assertIn("/var/spool/postfix/autoresponder", self.control_file("postrm"))

    def test_lintian_reports_no_errors(self):
        result = run(["lintian", "--tag-display-limit", "0", self.deb])
        say("$ lintian %s\n%s%s" % (os.path.basename(self.deb), result.stdout, result.stderr))
        errors = [line for line in result.stdout.splitlines() if line.startswith("E:")]
        self.assertEqual(errors, [])


if __name__ == "__main__":
    unittest.main()
