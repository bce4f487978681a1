"""TimestampSink: the integration harness's SMTP sink, but instead of
keeping each message it records when it arrived (wall time, end of DATA)
and the due time the message carries in X-Bench-Due (written by
queue_filler), so item 4 can tell how late each follow-up went out.
Thread-safe like the harness sink: its server threads append, bench/run
reads."""

import re
import time

from .processes import sys  # noqa: F401  (puts the harness on sys.path)
from harness.smtp_sink import SmtpSink

_DUE = re.compile(rb"^X-Bench-Due:\s*(\d+)\r?$", re.MULTILINE | re.IGNORECASE)


class TimestampSink(SmtpSink):
    def __init__(self, directory):
        super().__init__(directory)
        self.arrivals = []  # (arrival unix time, due unix seconds or None)

    def _record(self, mail_from, rcpt_tos, data):
        arrived = time.time()
        match = _DUE.search(data)
        with self._changed:
            self.arrivals.append((arrived, int(match.group(1)) if match else None))
            self._messages.append(None)  # count() and wait_for() count these
            self._changed.notify_all()

    def lateness(self):
        """Seconds each message arrived after its due time."""
        with self._changed:
            return [arrived - due for arrived, due in self.arrivals if due is not None]
