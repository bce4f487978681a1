"""Item 1: Postfix's throughput with our milter, with the accept-all
baseline filter, and with no milter.

smtp-source sends M messages over S parallel sessions (one connection per
message, as most senders do) into a fresh private Postfix that relays to
smtp-sink. The figure is messages accepted per second (smtp-source's wall
time: a message counts once Postfix said 250 after DATA, which is when a
milter's verdict is in); the time until Postfix delivered everything to the
sink is kept as well. With our milter the recipient has an out-of-office
rule, so every message runs the whole decision (rule lookup, RFC 3834
checks, response log); the sender is the same for all, so after the first
reply is recorded the rest are "already answered" (item 2 measures the
durable record itself).

The setups run in rounds, alternately in the order A B C and C B A (the
full run does 4 rounds), and each figure is the mean over its runs, so a
machine that gets busier or quieter during the run favours no setup.
"""

import os
import resource

from . import programs
from .processes import BenchError, smtp_source, wait_queue_empty, net

SENDER = "sender@remote.test"
RECIPIENT = "user@bench.test"
SETUPS = ("none", "accept-all", "autoresponder")


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _count(path, needle):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return sum(1 for line in f if needle in line)
    except OSError:
        return 0


def run(processes, binaries, work, messages, sessions, log, rounds=1):
    sink_port, sink = processes.smtp_sink("throughput-smtp-sink")
    runs = {setup: [] for setup in SETUPS}
    order = [s for r in range(rounds) for s in (SETUPS if r % 2 == 0 else SETUPS[::-1])]
    for n, setup in enumerate(order):
        # CPU of every process this setup starts and reaps: Postfix's master
        # and all its daemons, the milter, smtp-source, autoresponder-ctl.
        before = _children_cpu()
        milter_process, milter = None, ""
        if setup == "accept-all":
            port, milter_process = programs.start_accept_all(processes, binaries,
                                                             "throughput-accept-all")
            milter = "inet:127.0.0.1:%d" % port
        elif setup == "autoresponder":
            port = net.free_port()
            config = programs.write_config(os.path.join(work, "throughput-%d.conf" % n),
                                           os.path.join(work, "throughput-store-%d" % n),
                                           milter_port=port)
            programs.set_out_of_office(binaries, config, [RECIPIENT])
            milter_process = programs.start_milter(processes, binaries, config, port,
                                                   "throughput-milter-%d" % n)
            milter = "inet:127.0.0.1:%d" % port
        postfix = processes.postfix("throughput-postfix-%s-%d" % (setup, n), sink_port,
                                    milter)
        try:
            log("item 1: %s: smtp-source %d messages, %d sessions" % (setup, messages, sessions))
            seconds = smtp_source(postfix.smtp_port, messages, sessions, SENDER, RECIPIENT)
            drain = wait_queue_empty(postfix, timeout=300)
            maillog_warnings = [line for line in postfix.log_text().splitlines()
                                if "warning:" in line and "milter" in line]
            milter_cpu = None
            if milter_process is not None:
                milter_cpu = programs.cpu_seconds(milter_process.pid)
        finally:
            processes.stop_postfix(postfix)
            if milter_process is not None:
                processes.stop(milter_process)
        setup_cpu = _children_cpu() - before
        if maillog_warnings:
            raise BenchError("item 1 (%s): Postfix warned about the milter:\n%s" % (
                setup, "\n".join(maillog_warnings[:5])))
        if setup == "autoresponder":
            milter_log = processes.log_path("throughput-milter-%d" % n)
            decided = _count(milter_log, "reply")
            if decided < messages:
                raise BenchError("item 1: the milter logged %d decisions for %d messages "
                                 "(see %s)" % (decided, messages, milter_log))
        runs[setup].append((seconds, drain, milter_cpu, setup_cpu))
        log("item 1: %s: %.1f msg/s accepted, %.1f msg/s delivered" % (
            setup, messages / seconds, messages / (seconds + drain)))
    processes.stop(sink)
    results = {}
    for setup, figures in runs.items():
        results[setup] = {
            "rate": sum(messages / f[0] for f in figures) / len(figures),
            "end_to_end_rate": sum(messages / (f[0] + f[1]) for f in figures) / len(figures),
            "runs": len(figures),
            # Everything the setup ran, per message: on a 2-core machine
            # this, more than any wait, bounds the rate.
            "total_cpu_us": 1e6 * sum(f[3] for f in figures) / (messages * len(figures)),
        }
        if figures[0][2] is not None:
            # The milter's own CPU per message (all its threads): on a small
            # machine it competes with Postfix for the same cores.
            results[setup]["milter_cpu_us"] = 1e6 * sum(f[2] for f in figures) / (
                messages * len(figures))
    return results
