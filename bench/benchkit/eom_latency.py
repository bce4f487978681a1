"""Item 2: the end-of-message latency our milter adds when it records a
durable out-of-office reply, against the accept-all baseline filter.

milter_eom_client speaks the milter protocol straight to each filter (no
Postfix in between, so nothing else queues) over S concurrent connections.
Every message has its own sender and goes to one of S users with an
out-of-office rule, so our milter composes a reply and commits it to the
store (synced) before it answers end of message. The figures are the p50
and p99 of the end-of-message round trip of each filter and their
difference.
"""

import os

from . import programs
from .processes import BenchError, net


def _users(sessions):
    return ["user%d@bench.test" % i for i in range(sessions)]


def _client(binaries, socket, sessions, messages, tag):
    out, _ = programs.run([binaries.eom_client, "--socket", socket, "--sessions", str(sessions),
                           "--messages", str(messages), "--rcpt", ",".join(_users(sessions)),
                           "--tag", tag])
    figures = programs.key_values(out.strip().splitlines()[-1])
    if figures.get("errors", 1) != 0 or figures.get("messages", 0) != messages:
        raise BenchError("milter_eom_client against %s: %s" % (socket, out.strip()))
    return figures


def run(processes, binaries, work, messages, sessions, log):
    results = {}
    log("item 2: accept-all: %d messages over %d connections" % (messages, sessions))
    port, process = programs.start_accept_all(processes, binaries, "eom-accept-all")
    try:
        results["accept-all"] = _client(binaries, "inet:%d@127.0.0.1" % port, sessions,
                                        messages, "a")
    finally:
        processes.stop(process)

    log("item 2: autoresponder: %d messages over %d connections" % (messages, sessions))
    port = net.free_port()
    config = programs.write_config(os.path.join(work, "eom.conf"),
                                   os.path.join(work, "eom-store"), milter_port=port)
    programs.set_out_of_office(binaries, config, _users(sessions))
    process = programs.start_milter(processes, binaries, config, port, "eom-milter")
    try:
        results["autoresponder"] = _client(binaries, "inet:%d@127.0.0.1" % port, sessions,
                                           messages, "r")
    finally:
        processes.stop(process)
    with open(processes.log_path("eom-milter"), encoding="utf-8", errors="replace") as f:
        queued = sum(1 for line in f if "reply queued" in line)
    if queued != messages:
        raise BenchError("item 2: the milter recorded %d replies for %d messages (see %s)" % (
            queued, messages, processes.log_path("eom-milter")))
    results["durable_records"] = queued
    for name in ("accept-all", "autoresponder"):
        log("item 2: %s: EOM p50 %.2f ms, p99 %.2f ms" % (
            name, results[name]["eom_p50_us"] / 1000, results[name]["eom_p99_us"] / 1000))
    return results
