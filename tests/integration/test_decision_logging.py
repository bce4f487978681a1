"""What the milter logs per message, through a real private Postfix: at
log_level = info one decision line for mail that reaches someone with a rule
and nothing for other mail; after `log_level = debug` and a SIGHUP, the
decision trail of every message (the same lines `autoresponder-ctl explain`
prints); back at info after the next SIGHUP. Then `autoresponder-ctl
explain` on the delivered copy agrees with what the milter did and leaves
the store as it was.
"""

import hashlib
import os
import signal
import subprocess
import tempfile
import unittest

from harness import net
from harness.mail_system import MailSystemCase, build_message, strip_trace_headers

ALICE = "alice@example.org"
NOBODY = "nobody@example.org"


class DecisionLoggingTest(MailSystemCase):
    program_options = {"log_level": "info"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.system.programs.set_out_of_office(ALICE, "I am away", display_name="Alice Away")

    def send(self, sender, rcpt, subject):
        data, _ = build_message(sender, rcpt, subject)
        before = self.system.sink.count()
        queue_id = self.system.send_smtp(sender, [rcpt], data)
        delivered = self.system.wait_for_messages(before + 1)[before:]
        self.assertEqual(len(delivered), 1)
        self.assertTrue(queue_id, "Postfix gave no queue id")
        return queue_id, delivered[0]

    def milter_lines(self, queue_id):
        """The milter's log lines about one message, once its end of
        message is over (Postfix delivered it, so the milter answered)."""
        return [line for line in self.system.programs.log_text("milter").splitlines()
                if (queue_id + ": ") in line]

    def reload_milter(self, log_level):
        programs = self.system.programs
        programs.write_config(log_level=log_level)
        before = programs.log_text("milter").count("configuration reloaded")
        process = programs._processes["milter"][0]
        process.send_signal(signal.SIGHUP)
        self.assertTrue(net.wait_until(
            lambda: programs.log_text("milter").count("configuration reloaded") > before, 10),
            programs.log_tail("milter"))

    def store_digest(self):
        with open(os.path.join(self.system.programs.store_path, "data.mdb"), "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()

    def test_info_then_debug_by_reload_then_explain(self):
        # info: one line for the message to alice, nothing for nobody's.
        qid, _ = self.send("info-sender@example.net", ALICE, "at info")
        lines = self.milter_lines(qid)
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("reply queued to info-sender@example.net for " + ALICE, lines[0])
        qid, _ = self.send("info-sender@example.net", NOBODY, "no rule at info")
        self.assertEqual(self.milter_lines(qid), [])

        # debug by reload: the trail of every message, also without a rule.
        self.reload_milter("debug")
        qid, delivered = self.send("debug-sender@example.net", ALICE, "at debug")
        text = "\n".join(self.milter_lines(qid))
        for expected in ("trail: " + ALICE + ": out-of-office rule: pass (found)",
                         "trail: message: automatic signals: pass",
                         "trail: " + ALICE + ": window: pass",
                         "trail: " + ALICE + ": history: pass (never answered)",
                         "reply queued to debug-sender@example.net"):
            self.assertIn(expected, text)
        qid_nobody, _ = self.send("debug-sender@example.net", NOBODY, "no rule at debug")
        self.assertIn("trail: " + NOBODY + ": out-of-office rule: stop (none)",
                      "\n".join(self.milter_lines(qid_nobody)))

        # Back to info: no trail.
        self.reload_milter("info")
        qid, _ = self.send("later-sender@example.net", NOBODY, "no rule at info again")
        self.assertEqual(self.milter_lines(qid), [])

        # explain the message the milter just answered: already answered,
        # exit 1, and the store unchanged.
        message_file = os.path.join(self.root, "answered.eml")
        with open(message_file, "wb") as f:
            f.write(strip_trace_headers(delivered.data))
        digest = self.store_digest()
        programs = self.system.programs
        result = subprocess.run(
            [programs.ctl_binary, "--config", programs.config_path, "explain",
             "--from", "debug-sender@example.net", "--to", ALICE, message_file],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(ALICE + ": history: stop (already-answered", result.stdout)
        self.assertEqual(self.store_digest(), digest, "explain changed the store")


if __name__ == "__main__":
    unittest.main()
