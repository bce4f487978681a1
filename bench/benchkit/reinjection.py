"""Item 3: the dispatcher reinjecting N due follow-ups into a private
Postfix (no milter, relaying to smtp-sink), against Postfix's smtp-source
sending the same number into the same instance.

Both use C parallel SMTP sessions that keep their connection open between
messages (smtp-source -d; the dispatcher with dispatch_concurrency = C), and
messages of about the same size. The dispatcher's time is that of
`autoresponder-dispatcher --once` over a store holding N items due now
(filled beforehand by queue_filler): claiming, handing over, marking each
sent. The ratio is the dispatcher's rate over smtp-source's.
"""

import os

from . import programs
from .processes import BenchError, smtp_source, wait_queue_empty


def run(processes, binaries, work, messages, concurrency, log):
    sink_port, sink = processes.smtp_sink("reinject-smtp-sink")
    postfix = processes.postfix("reinject-postfix", sink_port)
    results = {}
    try:
        log("item 3: smtp-source %d messages, %d sessions (-d)" % (messages, concurrency))
        seconds = smtp_source(postfix.smtp_port, messages, concurrency, "",
                              "someone@remote.test", reuse=True, size=700)
        wait_queue_empty(postfix, timeout=300)
        results["smtp-source"] = {"seconds": seconds, "rate": messages / seconds}

        store = os.path.join(work, "reinject-store")
        filled = programs.fill_queue(binaries, store, messages, due_now=messages)
        if filled.get("items") != messages:
            raise BenchError("item 3: queue_filler queued %s of %d" % (filled.get("items"),
                                                                        messages))
        config = programs.write_config(
            os.path.join(work, "reinject.conf"), store, smtp_port=postfix.smtp_port,
            extra={"dispatch_concurrency": concurrency})
        log("item 3: dispatcher --once, %d due, dispatch_concurrency %d" % (messages,
                                                                            concurrency))
        seconds = programs.dispatch_once(binaries, config)
        left, _ = programs.run([binaries.ctl, "--config", config, "queue", "list",
                                "--limit", "5"])
        failed, _ = programs.run([binaries.ctl, "--config", config, "queue", "failed",
                                  "--limit", "5"])
        if left.strip() or failed.strip():
            raise BenchError("item 3: the dispatcher left items behind:\n%s\n%s" % (left,
                                                                                 failed))
        wait_queue_empty(postfix, timeout=300)
        results["dispatcher"] = {"seconds": seconds, "rate": messages / seconds}
    finally:
        processes.stop_postfix(postfix)
        processes.stop(sink)
    for name in ("smtp-source", "dispatcher"):
        log("item 3: %s: %.1f msg/s" % (name, results[name]["rate"]))
    return results
