"""Item 4: the dispatcher with a large store. queue_filler writes N
follow-ups: all but K are due 30 days and more ahead; the last K are due
spread over a window starting a few seconds after they are written. The
dispatcher then runs as a daemon (product defaults, transport smtp) into a
TimestampSink that notes when each message arrives; the message carries its
due time. Figures: store bytes per entry (pages in use / N), the data file's
size, the dispatcher's peak resident memory (VmHWM) once the K items went
out, and how late they went out (p50, p99, max).
"""

import os
import time

from . import programs
from .processes import BenchError
from .timestamp_sink import TimestampSink


def percentile(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * (len(ordered) - 1) + 0.5))]


def run(processes, binaries, work, count, near, near_start, near_window, log):
    sink = TimestampSink(os.path.join(work, "scale-sink")).start()
    store = os.path.join(work, "scale-store")
    try:
        log("item 4: filling %d follow-ups (%d due in %d..%d s)" % (
            count, near, near_start, near_start + near_window))
        filled = programs.fill_queue(binaries, store, count, near=near, near_start=near_start,
                                     near_window=near_window, batch=10000)
        if filled.get("items") != count:
            raise BenchError("item 4: queue_filler queued %s of %d" % (filled.get("items"),
                                                                        count))
        config = programs.write_config(os.path.join(work, "scale.conf"), store,
                                       smtp_port=sink.port)
        dispatcher = programs.start_dispatcher(processes, binaries, config, "scale-dispatcher")
        deadline = time.monotonic() + near_start + near_window + 120
        while sink.count() < near and time.monotonic() < deadline:
            if dispatcher.poll() is not None:
                raise BenchError("item 4: the dispatcher exited (%s), see %s" % (
                    dispatcher.returncode, processes.log_path("scale-dispatcher")))
            time.sleep(0.2)
        time.sleep(1.0)  # nothing more may come: the rest is a month ahead
        memory = programs.memory_of(dispatcher.pid)
        processes.stop(dispatcher)
        arrived = sink.count()
        if arrived != near:
            raise BenchError("item 4: %d of %d due follow-ups arrived (see %s)" % (
                arrived, near, processes.log_path("scale-dispatcher")))
        late = sink.lateness()
    finally:
        sink.stop()
    results = {
        "items": count,
        "fill_seconds": filled["seconds"],
        "bytes_per_item": filled["bytes_per_item"],
        "data_file_bytes": os.path.getsize(os.path.join(store, "data.mdb")),
        "vm_hwm_kib": memory.get("VmHWM", 0),
        "rss_anon_kib": memory.get("RssAnon", 0),
        "rss_file_kib": memory.get("RssFile", 0),
        "late_p50": percentile(late, 0.50),
        "late_p99": percentile(late, 0.99),
        "late_max": max(late) if late else 0.0,
        "due_sent": len(late),
    }
    log("item 4: %.0f bytes/entry, dispatcher VmHWM %d KiB, late p99 %.3f s" % (
        results["bytes_per_item"], results["vm_hwm_kib"], results["late_p99"]))
    return results
