"""Item 5: a bounded store. retention_bench simulates days of traffic --
out-of-office replies to N distinct senders and M enrolments (one step
sent, then completed) -- with a manual clock, twice in the same run: with
the dispatcher's retention sweep (product defaults, swept once a simulated
day) and without it (the baseline). Figures: the store's live bytes (pages
the databases hold) and the data file's size at a few days, and the ratio
of the last day to the middle one (a plateau stays near 1.0).

No Postfix is needed; the stores live in /dev/shm when there is one (the
figures are sizes, not speeds, and fsync there costs nothing).
"""

import os
import shutil
import tempfile

from . import programs

REPORT_DAYS = (15, 30, 45, 60, 75, 90)


def _one(binaries, parent, senders, enrolments, days, sweep, log):
    store = tempfile.mkdtemp(prefix="ar-retention-%s-" % ("sweep" if sweep else "none"),
                             dir=parent)
    try:
        log("item 5: %d senders, %d enrolments over %d days, %s" % (
            senders, enrolments, days, "swept daily" if sweep else "never swept"))
        out, seconds = programs.run([binaries.retention_bench, "--store", store,
                                     "--senders", str(senders), "--enrolments", str(enrolments),
                                     "--days", str(days), "--sweep", "1" if sweep else "0",
                                     "--map-size", str(16 << 30)], timeout=7200)
    finally:
        shutil.rmtree(store, ignore_errors=True)
    lines = out.strip().splitlines()
    per_day = {}
    for line in lines[:-1]:
        values = programs.key_values(line)
        per_day[int(values["day"])] = values
    summary = programs.key_values(lines[-1])
    summary["wall_seconds"] = seconds
    return {"days": per_day, "summary": summary}


def run(binaries, work, senders, enrolments, days, log):
    parent = "/dev/shm" if os.path.isdir("/dev/shm") else work
    swept = _one(binaries, parent, senders, enrolments, days, True, log)
    unswept = _one(binaries, parent, senders, enrolments, days, False, log)
    return {"senders": senders, "enrolments": enrolments, "days": days,
            "report_days": [d for d in REPORT_DAYS if d <= days] or [days],
            "sweep": swept, "none": unswept}
