"""Crash test: SIGKILL autoresponder-milter and autoresponder-dispatcher at
random moments under load, then check that nothing acknowledged was lost and
that nothing was sent twice beyond the documented window.

The setup (the integration harness, tests/integration/harness): a private
Postfix with the milter attached to its smtpd, relaying to the SMTP sink;
three out-of-office rules and a sequence whose one step is due at once; the
dispatcher as a daemon sending replies and steps over SMTP to a second smtpd
of the same Postfix that has no milter (so they are not filtered again, as
autoresponder-dispatcher(8) advises). 300 messages from distinct senders,
each of which should cause exactly one follow-up.

Postfix runs with milter_default_action = tempfail. Then a 250 after DATA
means the milter answered the end of the message, and the milter commits the
reply to the store before it answers (autoresponder-milter(8)): every
acknowledged message's trigger is durable. A message whose milter was killed
under it gets a 4xx and the client sends it again. With accept, a 250 would
prove nothing: after a milter failure Postfix goes on without the milter for
the rest of the SMTP session, so most of the load would pass unseen (tried:
269 of 300 without a follow-up) and only the maillog's per-queue-id milter
warnings could tell which messages count. A message the milter recorded just
before it was killed gets a 4xx too; its follow-up still goes out, and its
retry causes no second one (a sender is answered once per period, and the
same trigger mail never enrols anyone twice).

The documented window (autoresponder-dispatcher(8), lib/store/FORMAT.md): a
reply is claimed, sent, then completed; a dispatcher killed between the MTA
accepting a reply and the completion committing sends it again (same
Message-ID) after its next start. So each dispatcher kill may add at most one
copy of each reply in flight, at most dispatch_concurrency replies per kill.
Claims of a killed dispatcher are released by the next start, or else come
back after dispatch_lease; the drain waits for either.

The seed (AR_CRASH_SEED, fixed by default) chooses when the kills happen; the
verdict does not depend on it, only the timing does.
"""

import collections
import os
import random
import re
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

from harness import milter_process, net, postfix_instance  # noqa: E402
from harness.mail_system import build_message, skip_or_fail  # noqa: E402
from harness.smtp_sink import SmtpSink  # noqa: E402

from restartable_program import RestartableProgram  # noqa: E402
from trigger_load import Trigger, TriggerLoad  # noqa: E402

DEFAULT_SEED = 20261123
MESSAGES = 300
LOAD_THREADS = 6
LOAD_PAUSE = 0.25  # seconds per thread between messages: the load lasts ~15 s
KILL_WINDOW = (0.5, 14.0)  # seconds after the load starts
MILTER_KILLS = 8
# The dispatcher keeps up with the load, so a kill at a random moment mostly
# finds it idle. In a burst it is killed and stays down for a while, so that
# replies pile up; started again, it sends the backlog, and is killed once
# more a random moment after its first send of the run, most likely with a
# reply in flight. Bursts do not overlap: each has its own third of the kill
# window.
DISPATCHER_BURSTS = 3
BURST_DOWN = (1.0, 2.0)  # seconds the dispatcher stays down
BURST_SECOND_KILL = (0.0, 0.1)  # seconds after its first send
DISPATCHER_KILLS = 2 * DISPATCHER_BURSTS
DRAIN_SECONDS = 60.0

AWAY = ("away1@corp.test", "away2@corp.test", "away3@corp.test")
# Every fifth message enrols its sender in a sequence whose one step is due at
# once; the dispatcher composes and sends it like a reply.
SIGNUP = "signup@shop.test"
SEQUENCE_EVERY = 5
SEQUENCE = """[sequence]
name = welcome
from = Shop <shop@shop.test>
[trigger]
direction = smtp
recipient = ^signup@shop\\.test$
[step hello]
when = 0s after enrolment
template = hello.txt
"""
STEP_SUBJECT = "Welcome aboard"
CONCURRENCY = 4

PROGRAM_OPTIONS = {
    # Leases and retries run in real time: a FileClock would stand still and
    # a claimed reply would never come back.
    "clock": "system",
    "log_level": "info",
    "on_internal_error": "tempfail",
    # Claimed replies of a killed dispatcher come back soon. The lease must
    # outlive one hand-over (transport_timeout), which on this small shared
    # machine is given 2 s rather than 1.
    "dispatch_lease": "3s",
    "transport_timeout": "2s",
    "dispatch_batch_size": "10",
    "dispatch_concurrency": str(CONCURRENCY),
    "retry_base": "1s",
    "retry_max": "2s",
    "poll_interval": "1s",
}


class PostfixWithReplyListener(postfix_instance.PostfixInstance):
    """The harness's Postfix plus a second smtpd on reply_port without
    milters, for the dispatcher's replies."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reply_port = net.free_port()

    def master_cf(self):
        return super().master_cf() + (
            "127.0.0.1:%d inet n - n - - smtpd\n"
            "  -o smtpd_milters=\n" % self.reply_port)


class CrashUnderLoad(unittest.TestCase):
    def setUp(self):
        reason = postfix_instance.postfix_available() or milter_process.binaries_missing()
        if reason is not None:
            skip_or_fail(reason)
        self.seed = int(os.environ.get("AR_CRASH_SEED", DEFAULT_SEED))
        self.root = tempfile.mkdtemp(prefix="ar-crash-")
        os.chmod(self.root, 0o755)  # Postfix's daemons walk down to their queue
        self.addCleanup(self._remove_root)

        self.sink = SmtpSink(os.path.join(self.root, "sink")).start()
        self.addCleanup(self.sink.stop)
        self.programs = milter_process.AutoresponderPrograms(
            os.path.join(self.root, "programs"), transport="smtp",
            extra_options=dict(PROGRAM_OPTIONS, **self._sequence_options()))
        self.postfix = PostfixWithReplyListener(
            os.path.join(self.root, "postfix"), relay_port=self.sink.port,
            smtpd_milters=self.programs.postfix_milter, non_smtpd_milters="",
            extra_main_cf={"milter_default_action": "tempfail"})
        self.programs.smtp_port = self.postfix.reply_port
        self.programs.write_config()
        for address in AWAY:
            self.programs.set_out_of_office(address, "%s is away" % address)

        logs = self.programs.log_dir
        self.milter = RestartableProgram(
            "milter", [self.programs.milter, "--config", self.programs.config_path],
            os.path.join(logs, "milter.stderr"),
            ready=lambda: net.port_accepts(self.programs.milter_port))
        self.dispatcher = RestartableProgram(
            "dispatcher", [self.programs.dispatcher, "--config", self.programs.config_path],
            os.path.join(logs, "dispatcher.stderr"))
        self.addCleanup(self.milter.stop)  # cleanups run last first
        self.addCleanup(self.postfix.stop)
        self.addCleanup(self.dispatcher.stop)
        self.milter.start()
        self.postfix.start()
        self.dispatcher.start()

    def _sequence_options(self):
        directory = os.path.join(self.root, "sequences")
        os.makedirs(directory)
        with open(os.path.join(directory, "welcome.sequence"), "w") as f:
            f.write(SEQUENCE)
        with open(os.path.join(directory, "hello.txt"), "w") as f:
            f.write("Subject: %s\n\nHello {{first_name}}, welcome.\n" % STEP_SUBJECT)
        key_file = os.path.join(self.root, "secret.key")
        with open(key_file, "wb") as f:
            f.write(b"crash-test-key-not-secret-0123456789")
        os.chmod(key_file, 0o600)
        return {"sequence_dir": directory, "secret_key_file": key_file}

    def _remove_root(self):
        failed = self._failed()
        if failed:
            for title, name in (("postfix maillog", "postfix"), ("milter", "milter"),
                                ("dispatcher", "dispatcher")):
                if hasattr(self, name):
                    self.say("--- %s (tail) ---\n%s" % (title, getattr(self, name).log_tail(40)))
        if os.environ.get("AR_KEEP_TMP") == "1" or (failed and os.environ.get("CI") != "true"):
            print("kept %s" % self.root, file=sys.stderr)
            return
        shutil.rmtree(self.root, ignore_errors=True)

    def _failed(self):
        result = getattr(getattr(self, "_outcome", None), "result", None)
        if result is None:
            return False
        return any(test is self for test, _ in result.errors + result.failures)

    def say(self, text):
        print(text, flush=True)

    # --- the test ---

    def test_kills_lose_no_acknowledged_reply_and_duplicate_only_within_the_window(self):
        rng = random.Random(self.seed)
        triggers = self._triggers()
        schedule = self._kill_schedule(rng)
        self.say("\n== crash test: seed %d (AR_CRASH_SEED), %d messages, %d threads, "
                 "work dir %s" % (self.seed, len(triggers), LOAD_THREADS, self.root))
        self.say("   schedule: %s" % ", ".join(
            "%.2fs %s" % (at, what) for at, what, _ in schedule))

        started = time.monotonic()
        load = TriggerLoad(self.postfix.smtp_port, triggers, LOAD_THREADS,
                           pause=LOAD_PAUSE).start()
        for at, _, action in schedule:
            time.sleep(max(0.0, started + at - time.monotonic()))
            action()
        kills_done = time.monotonic() - started
        load.join()
        load_seconds = time.monotonic() - started

        acknowledged = [t for t in triggers if t.acknowledged]
        retried = [t for t in triggers if t.attempts > 1]
        self.say("   load: %.1fs (kills done at %.1fs), %d SMTP sessions; acknowledged %d of %d, "
                 "%d sent more than once by the client, %d refused" % (
                     load_seconds, kills_done, load.sessions, len(acknowledged),
                     len(triggers), len(retried), sum(t.refused is not None for t in triggers)))

        drained = self._drain(triggers, acknowledged)
        drain_seconds = time.monotonic() - started - load_seconds
        verdict = self._verdict(triggers, acknowledged)
        self._transcript(verdict, drained, drain_seconds)

        self.assertEqual([], self.milter.unexpected_exits + self.dispatcher.unexpected_exits,
                         "a program exited without being killed (run, status):\n%s\n%s" % (
                             self.milter.log_tail(), self.dispatcher.log_tail()))
        self.assertEqual([], [t.refused for t in triggers if t.refused is not None])
        # Not a vacuous pass: the kills happened under real load.
        self.assertEqual(self.milter.kills, MILTER_KILLS)
        self.assertEqual(self.dispatcher.kills, DISPATCHER_KILLS)
        self.assertGreaterEqual(len(acknowledged), len(triggers) * 9 // 10)
        self.assertEqual([], verdict["lost"], "acknowledged triggers without a follow-up")
        self.assertEqual([], verdict["originals_lost"], "acknowledged messages not delivered")
        self.assertEqual([], verdict["strangers"], "follow-ups to addresses that sent nothing")
        self.assertEqual([], verdict["second_replies"],
                         "senders who got two different follow-ups (two triggers recorded)")
        self.assertEqual([], verdict["too_many_copies"],
                         "follow-ups delivered more than 1 + dispatcher kills times")
        self.assertLessEqual(verdict["extra_copies"], verdict["bound"])
        self.assertTrue(drained, "the queue did not drain in %.0fs" % DRAIN_SECONDS)
        self.assertEqual([], self.programs.queued_replies())
        self.assertEqual([], self.programs.failed_replies())
        self.assertEqual(0, self.dispatcher.stop(), "the dispatcher's orderly stop")

    # --- steps ---

    def _kill_schedule(self, rng):
        """[(seconds after the load starts, what, action)], in time order."""
        def kill_and_restart(program):
            def action():
                program.kill()
                program.start()
            return action

        events = [(rng.uniform(*KILL_WINDOW), "kill+start milter", kill_and_restart(self.milter))
                  for _ in range(MILTER_KILLS)]
        span = (KILL_WINDOW[1] - KILL_WINDOW[0]) / DISPATCHER_BURSTS
        for burst in range(DISPATCHER_BURSTS):
            down = KILL_WINDOW[0] + burst * span + rng.uniform(0.0, span / 3)
            up = down + rng.uniform(*BURST_DOWN)
            events += [(down, "kill dispatcher", self.dispatcher.kill),
                       (up, "start dispatcher, kill it again when sending",
                        self._kill_when_sending(rng.uniform(*BURST_SECOND_KILL)))]
        return sorted(events, key=lambda event: event[0])

    def _kill_when_sending(self, delay):
        def action():
            self.dispatcher.start()
            self.dispatcher.wait_for_output("sent item=", timeout=3.0)
            time.sleep(delay)
            self.dispatcher.kill()
            self.dispatcher.start()
        return action

    def _triggers(self):
        triggers = []
        for number in range(MESSAGES):
            sender = "sender%03d@example.net" % number
            if number % SEQUENCE_EVERY == SEQUENCE_EVERY - 1:
                kind, recipient = "sequence", SIGNUP
            else:
                kind, recipient = "out-of-office", AWAY[number % len(AWAY)]
            message_id = "<crash.%d.%03d@example.net>" % (self.seed, number)
            data, _ = build_message(sender, recipient, "Crash test %d" % number,
                                    message_id=message_id)
            triggers.append(Trigger(sender, recipient, message_id, data, kind))
        return triggers

    def _drain(self, triggers, acknowledged):
        """No more kills: waits until every acknowledged trigger has its
        reply, the store's queue is empty and Postfix holds nothing, so no
        further copy can still arrive. True when it got there in time."""
        deadline = time.monotonic() + DRAIN_SECONDS
        while time.monotonic() < deadline:
            if not self._missing_replies(triggers, acknowledged) and \
                    not self.programs.queued_replies() and not self.postfix.pending_files():
                time.sleep(0.5)
                if not self.postfix.pending_files():
                    return True
            time.sleep(0.5)
        return False

    def _follow_ups(self, triggers):
        """(person -> follow-ups delivered to them, originals delivered).
        A follow-up is whatever reached the sink that is not one of the
        load's messages: out-of-office replies and sequence steps."""
        originals = {(t.sender, t.message_id) for t in triggers}
        follow_ups, delivered_originals = {}, set()
        for message in self.sink.messages():
            key = (message.mail_from, message.header("Message-ID"))
            if key in originals:
                delivered_originals.add(key)
                continue
            for rcpt in message.rcpt_tos:
                follow_ups.setdefault(rcpt, []).append(message)
        return follow_ups, delivered_originals

    @staticmethod
    def _answers(trigger, message):
        if trigger.kind == "sequence":
            return message.header("Subject") == STEP_SUBJECT
        return message.is_reply() and message.header("In-Reply-To") == trigger.message_id

    def _missing_replies(self, triggers, acknowledged):
        follow_ups, _ = self._follow_ups(triggers)
        return [t for t in acknowledged
                if not any(self._answers(t, m) for m in follow_ups.get(t.sender, []))]

    def _verdict(self, triggers, acknowledged):
        follow_ups, delivered_originals = self._follow_ups(triggers)
        copies = {}  # follow-up Message-ID -> copies delivered
        for sent in follow_ups.values():
            for message in sent:
                message_id = message.header("Message-ID")
                copies[message_id] = copies.get(message_id, 0) + 1
        bound_per_reply = 1 + self.dispatcher.kills
        by_sender = {t.sender: t for t in triggers}
        return {
            "lost": [t.sender for t in self._missing_replies(triggers, acknowledged)],
            "originals_lost": [t.sender for t in acknowledged
                               if (t.sender, t.message_id) not in delivered_originals],
            "second_replies": sorted(
                person for person, sent in follow_ups.items()
                if len({message.header("Message-ID") for message in sent}) > 1),
            "strangers": sorted(person for person in follow_ups if person not in by_sender),
            "for_unacknowledged": sorted(person for person in follow_ups
                                         if person in by_sender
                                         and not by_sender[person].acknowledged),
            "steps": sum(1 for t in triggers if t.kind == "sequence"
                         and any(self._answers(t, m) for m in follow_ups.get(t.sender, []))),
            "replies": len(copies),
            "delivered": sum(copies.values()),
            "extra_copies": sum(n - 1 for n in copies.values()),
            "max_copies": max(copies.values(), default=0),
            "too_many_copies": sorted(m for m, n in copies.items() if n > bound_per_reply),
            "bound": self.dispatcher.kills * CONCURRENCY,
            "bound_per_reply": bound_per_reply,
        }

    def _transcript(self, verdict, drained, drain_seconds):
        self.say("   kills: milter %d, dispatcher %d (dispatch_concurrency %d)" % (
            self.milter.kills, self.dispatcher.kills, CONCURRENCY))
        self.say("   drain: %s after %.1fs" % ("done" if drained else "NOT done", drain_seconds))
        self.say("   follow-ups: %d distinct (%d of them sequence steps) delivered as %d "
                 "messages; lost %d; %d for triggers the client never saw acknowledged" % (
                     verdict["replies"], verdict["steps"], verdict["delivered"],
                     len(verdict["lost"]), len(verdict["for_unacknowledged"])))
        self.say("   duplicates: %d extra copies (bound %d = %d kills x %d), at most %d copies "
                 "of one reply (bound %d); senders with two different replies: %d" % (
                     verdict["extra_copies"], verdict["bound"], self.dispatcher.kills,
                     CONCURRENCY, verdict["max_copies"], verdict["bound_per_reply"],
                     len(verdict["second_replies"])))
        stages = collections.Counter(re.findall(r"milter-reject: ([A-Z-]+) ",
                                                self.postfix.log_text()))
        self.say("   Postfix answered 4xx for the milter: %s" % (
            ", ".join("%s %d" % item for item in sorted(stages.items())) or "never"))
        runs = self._log_text(self.dispatcher.log_path).split("=== run ")[1:]
        self.say("   follow-ups sent per dispatcher run: %s; claims of the run before "
                 "released at its start: %s" % (
                     " ".join(str(len(re.findall(r"\bsent (?:step )?item=", run)))
                              for run in runs),
                     " ".join(",".join(re.findall(r"released (\d+) items? claimed", run)) or "-"
                              for run in runs)))
        for key in ("lost", "originals_lost", "second_replies", "strangers", "too_many_copies"):
            if verdict[key]:
                self.say("   %s: %s" % (key, ", ".join(verdict[key][:20])))

    @staticmethod
    def _log_text(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()


if __name__ == "__main__":
    unittest.main()
