"""TriggerLoad: the crash test's load. Many messages, each from its own
sender, sent over SMTP to Postfix by several threads at once, each thread
keeping one SMTP session open between messages.

A message counts as acknowledged when Postfix answered the end of its DATA
with 250. A 4xx answer, a closed connection or any other error ends the
session; the thread opens a new one and sends the same message again (same
bytes, same Message-ID), as a real client would, until it is acknowledged or
the load's deadline passes. A 5xx answer is final: the message is recorded
as refused and not sent again (nothing in this setup should refuse mail).

Thread-safe in the way the test uses it: start() once, join() from the main
thread; a Trigger is written only by its own thread until join() returns.
"""

import smtplib
import threading
import time


class Trigger:
    """One message of the load and what happened to it."""

    def __init__(self, sender, recipient, message_id, data, kind):
        self.kind = kind  # what follow-up it should cause (the test's word)
        self.sender = sender
        self.recipient = recipient
        self.message_id = message_id
        self.data = data
        self.acknowledged = False
        self.attempts = 0
        self.refused = None  # the final 5xx answer, if any
        self.temporary = []  # each non-final failure: code or exception name


class TriggerLoad:
    def __init__(self, port, triggers, threads, pause=0.0, deadline_seconds=90.0):
        """pause: seconds a thread waits after each acknowledged message, to
        spread the load over time (so that kills land in the middle of it)."""
        self.port = port
        self.triggers = list(triggers)
        self.threads = threads
        self.pause = pause
        self.deadline_seconds = deadline_seconds
        self.sessions = 0  # SMTP sessions opened, all threads together
        self._sessions_lock = threading.Lock()
        self._workers = []
        self._deadline = None

    def start(self):
        self._deadline = time.monotonic() + self.deadline_seconds
        for index in range(self.threads):
            share = self.triggers[index::self.threads]
            worker = threading.Thread(target=self._send_all, args=(share,),
                                      name="load-%d" % index, daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def done(self):
        return all(not worker.is_alive() for worker in self._workers)

    def join(self):
        for worker in self._workers:
            worker.join(max(0.0, self._deadline - time.monotonic()) + 40.0)
        if not self.done():
            raise RuntimeError("load threads still running after the deadline")

    # --- one thread ---

    def _send_all(self, share):
        client = None
        for trigger in share:
            while not trigger.acknowledged and trigger.refused is None:
                if time.monotonic() >= self._deadline:
                    break
                try:
                    if client is None:
                        client = self._connect()
                    self._send_one(client, trigger)
                except _Refused:
                    client = _close(client)
                except _Temporary as failure:
                    trigger.temporary.append(failure.what)
                    client = _close(client)
                    time.sleep(0.05)
                except (smtplib.SMTPException, OSError) as error:
                    trigger.temporary.append(type(error).__name__)
                    client = _close(client)
                    time.sleep(0.05)
            if trigger.acknowledged and self.pause:
                time.sleep(self.pause)
        _close(client, polite=True)

    def _connect(self):
        client = smtplib.SMTP("127.0.0.1", self.port, local_hostname="load.test", timeout=30)
        with self._sessions_lock:
            self.sessions += 1
        code, reply = client.ehlo()
        if code != 250:
            _close(client)
            raise _Temporary("EHLO %d" % code)
        return client

    def _send_one(self, client, trigger):
        trigger.attempts += 1
        code, reply = client.mail(trigger.sender)
        self._check("MAIL", code, reply, trigger)
        code, reply = client.rcpt(trigger.recipient)
        self._check("RCPT", code, reply, trigger)
        code, reply = client.data(trigger.data)
        self._check("DATA", code, reply, trigger)
        trigger.acknowledged = True

    @staticmethod
    def _check(stage, code, reply, trigger):
        if 200 <= code < 300:
            return
        if 500 <= code < 600:
            trigger.refused = "%s %d %s" % (stage, code, reply.decode("utf-8", "replace"))
            raise _Refused()
        raise _Temporary("%s %d" % (stage, code))


class _Temporary(Exception):
    def __init__(self, what):
        super().__init__(what)
        self.what = what


class _Refused(Exception):
    """A final refusal; the trigger is already marked, the session ends."""


def _close(client, polite=False):
    """Closes a session (QUIT only when it is healthy); returns None."""
    if client is not None:
        try:
            if polite:
                client.quit()
            else:
                client.close()
        except (smtplib.SMTPException, OSError):
            pass
    return None
