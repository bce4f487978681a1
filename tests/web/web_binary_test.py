"""autoresponder-web as installed: the program started with a config file
(proxy-header logins, a temporary store, a port of 127.0.0.1 chosen here),
driven over HTTP, then stopped with SIGTERM, which must end it with status 0.

Usage: web_binary_test.py AUTORESPONDER_WEB AUTORESPONDER_CTL
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

WEB, CTL = sys.argv[1], sys.argv[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebBinary(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="ar-web-")
        self.addCleanup(self.dir.cleanup)
        self.port = free_port()
        self.store = os.path.join(self.dir.name, "store")
        self.config = os.path.join(self.dir.name, "autoresponder-milter.conf")
        with open(self.config, "w") as f:
            f.write("store_path = %s\nlog_target = stderr\n"
                    "web_listen = 127.0.0.1:%d\nweb_auth = proxy-header\n"
                    "web_trusted_proxies = 127.0.0.1\nweb_login_domain = example.org\n"
                    "web_cookie_secure = no\nhostname = mail.example.org\n"
                    % (self.store, self.port))
        self.log = open(os.path.join(self.dir.name, "web.log"), "w+")
        self.addCleanup(self.log.close)
        self.web = subprocess.Popen([WEB, "--config", self.config], stderr=self.log)
        self.addCleanup(self.stop)
        for _ in range(500):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.web.poll() is not None:
                    self.fail("autoresponder-web exited: %s" % self.web_log())
                time.sleep(0.02)
        self.fail("autoresponder-web did not listen")

    def stop(self):
        if self.web.poll() is None:
            self.web.kill()
            self.web.wait()

    def web_log(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def call(self, method, path, headers=None, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path),
                                         data=data, method=method, headers=headers or {})
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read()), response.headers
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read()), error.headers

    def test_sets_a_reply_the_cli_sees_and_stops_cleanly_on_sigterm(self):
        status, _, _ = self.call("GET", "/api/v1/ooo")
        self.assertEqual(status, 401)
        status, session, headers = self.call("GET", "/api/v1/session", {"X-Remote-User": "ola"})
        self.assertEqual(status, 200)
        cookie = headers["Set-Cookie"].split(";")[0]
        user = {"X-Remote-User": "ola", "Cookie": cookie}
        status, body, _ = self.call("PUT", "/api/v1/ooo", user, {"text": "Away."})
        self.assertEqual(status, 403, body)
        status, body, _ = self.call(
            "PUT", "/api/v1/ooo", dict(user, **{"X-CSRF-Token": session["csrf_token"]}),
            {"text": "Away until Monday.", "start": "2020-01-01", "period": "2d"})
        self.assertEqual(status, 201, body)
        status, preview, _ = self.call("GET", "/api/v1/ooo/preview?sender=kari@example.net", user)
        self.assertEqual(status, 200, preview)
        self.assertIn("Away until Monday.", preview["message"])

        shown = subprocess.run([CTL, "--config", self.config, "ooo", "show", "ola@example.org",
                                "--json"], capture_output=True, text=True)
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertEqual(json.loads(shown.stdout)["text"], "Away until Monday.")

        self.web.send_signal(signal.SIGTERM)
        self.assertEqual(self.web.wait(timeout=30), 0, self.web_log())
        self.assertIn("web: created rule ola@example.org user=ola@example.org", self.web_log())


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
