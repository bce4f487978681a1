"""The store at its limits, end to end through a private Postfix:

  - a store that fills up while the dispatcher is stopped still drains: the
    milter stops recording before the map is full (the mail itself is still
    delivered), and the dispatcher then sends every reply the milter had
    recorded, without the store growing past store_map_size;
  - a dispatcher on a full disk backs off: a few seconds of it cost little
    CPU time and a handful of log lines, not a busy loop, and it sends the
    queue once there is room again.
"""

import os
import subprocess
import time
import unittest

from harness import net
from harness.mail_system import MailSystemCase, build_message
from harness.milter_process import table_rows

ALICE = "alice@example.org"
# A long away text makes each reply a few pages, so a small store fills
# after a few dozen messages.
LONG_TEXT = "I am away until the end of the month.\n" * 200


class StoreLimitSteps:
    """Shared steps; mixed into a MailSystemCase."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.system.programs.set_out_of_office(ALICE, LONG_TEXT, display_name="Alice Away")

    def send_to_alice(self, sender, subject):
        """Sends one message; waits until Postfix delivered it to the sink."""
        data, _ = build_message(sender, ALICE, subject)
        before = self.system.sink.count()
        self.system.send_smtp(sender, [ALICE], data)
        delivered = self.system.wait_for_messages(before + 1)[before:]
        self.assertEqual(len(delivered), 1, [m.summary() for m in delivered])
        self.assertEqual(delivered[0].rcpt_tos, [ALICE])

    def queued(self):
        return table_rows(self.system.programs.ctl("queue", "list", "--limit", "100000"))

    def replies_to_senders(self, messages, prefix):
        return sorted(m.rcpt_tos[0] for m in messages
                      if m.rcpt_tos and m.rcpt_tos[0].startswith(prefix))

    def data_file(self):
        return os.path.join(self.system.programs.store_path, "data.mdb")


class FullStoreDrains(StoreLimitSteps, MailSystemCase):
    transport = "sendmail"
    program_options = {"store_map_size": "1M", "store_reserve": "25%"}

    def test_every_recorded_reply_is_sent_after_the_store_filled_up(self):
        programs = self.system.programs
        # The dispatcher is not running: the queue only grows.
        full_at = None
        for i in range(400):
            self.send_to_alice("filler%03d@example.net" % i, "Message %d" % i)
            if "cannot record" in programs.log_text("milter"):
                full_at = i
                break
        self.assertIsNotNone(full_at, "the store never filled up")
        self.assertGreater(full_at, 5)
        self.system.say("  store full at message %d" % full_at)
        # Mail still passes while the store is full, and is counted.
        self.send_to_alice("late@example.net", "After the store filled")
        log = programs.log_text("milter")
        self.assertTrue("store is full" in log, "the milter never said the store is full")
        self.assertTrue("message accepted" in log, "the milter did not accept the mail")

        recorded = self.queued()
        self.assertEqual(len(recorded), full_at)
        size_before = os.path.getsize(self.data_file())

        self.system.postfix.wait_idle()
        before = self.system.sink.count()
        self.system.say("  run   autoresponder-dispatcher --once")
        programs.dispatch_once()
        self.system.wait_for_messages(before + full_at, timeout=60)
        arrived = self.system.settle()[before:]
        self.assertEqual(self.replies_to_senders(arrived, "filler"),
                         ["filler%03d@example.net" % i for i in range(full_at)])
        self.assertEqual(self.queued(), [])
        self.assertEqual(programs.failed_replies(), [])
        size_after = os.path.getsize(self.data_file())
        self.system.say("  data.mdb %d bytes before sending, %d after" % (size_before,
                                                                           size_after))
        self.assertLessEqual(size_after, 1 << 20)

        # Drained: the milter records replies again by itself.
        self.send_to_alice("again@example.net", "After the queue drained")
        self.assertEqual(len(self.queued()), 1)


def _mount_tmpfs(path, size):
    os.makedirs(path, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s" % size, "tmpfs", path],
                            capture_output=True)
    return result.returncode == 0


def _cpu_seconds(pid):
    """User plus system time of a process, from /proc/PID/stat."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


class DispatcherOnAFullDisk(StoreLimitSteps, MailSystemCase):
    """The store on a small tmpfs that a filler file then takes up."""
    transport = "sendmail"
    program_options = {"store_map_size": "4M", "poll_interval": "1s"}

    @classmethod
    def extra_program_options(cls, root):
        cls.mount = os.path.join(root, "tinyfs")
        if not _mount_tmpfs(cls.mount, "3m"):
            raise unittest.SkipTest("cannot mount a tmpfs here")
        cls.addClassCleanup(subprocess.run, ["umount", "-l", cls.mount])
        return {"store_path": os.path.join(cls.mount, "store")}

    def fill_disk(self):
        filler = os.path.join(self.mount, "filler")
        subprocess.run(["dd", "if=/dev/zero", "of=" + filler, "bs=4k"], capture_output=True)
        return filler

    def test_backs_off_on_a_full_disk_and_sends_after_room_is_made(self):
        programs = self.system.programs
        for i in range(5):
            self.send_to_alice("waiting%d@example.net" % i, "Message %d" % i)
        self.assertEqual(len(self.queued()), 5)
        # Some freed pages, so a failing claim still writes part of its pages
        # (and so touches data.mdb) before the disk refuses the rest.
        filler = self.fill_disk()

        programs.start_dispatcher()
        process = programs._processes["dispatcher"][0]
        self.assertTrue(net.wait_until(
            lambda: "dispatch round failed" in programs.log_text("dispatcher"), 10))
        cpu_start = _cpu_seconds(process.pid)
        time.sleep(6)
        self.assertTrue(programs.running("dispatcher"), programs.log_tail("dispatcher"))
        cpu = _cpu_seconds(process.pid) - cpu_start
        failed_lines = programs.log_text("dispatcher").count("dispatch round failed")
        lines = len(programs.log_text("dispatcher").splitlines())
        self.system.say("  6 s on a full disk: %.2f s CPU, %d log lines (%d failed rounds)" % (
            cpu, lines, failed_lines))
        self.assertLess(cpu, 0.5)
        self.assertLessEqual(failed_lines, 6)
        self.assertLess(lines, 30)

        # Room again: the queue goes out at the next try.
        os.remove(filler)
        before = self.system.sink.count()
        self.system.wait_for_messages(before + 5, timeout=40)
        arrived = self.system.settle()[before:]
        self.assertEqual(self.replies_to_senders(arrived, "waiting"),
                         ["waiting%d@example.net" % i for i in range(5)])
        self.assertIn("dispatch round succeeded again", programs.log_text("dispatcher"))


if __name__ == "__main__":
    unittest.main()
