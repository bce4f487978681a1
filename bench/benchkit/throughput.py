"""Item 1: Postfix's throughput with our milter (under each milter_engine
it has), with the accept-all baseline filter, with Debian's OpenDKIM as a
verifier, and with no milter. Every filter listens on a unix socket in the
work directory (Postfix's private instance is not chrooted).

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
from .processes import BenchError, Stalled, smtp_source, stall_snapshot, wait_queue_empty

SENDER = "sender@remote.test"
RECIPIENT = "user@bench.test"


def setups(binaries):
    """(setups to run, {setup: why it is n/a}). Our milter runs once per
    engine when it has milter_engine, else once as "autoresponder"."""
    run, skipped = ["none", "accept-all"], {}
    why = programs.opendkim_missing()
    if why:
        skipped["opendkim"] = why
    else:
        run.append("opendkim")
    engines = programs.engines(binaries)
    if engines:
        run += ["autoresponder-%s" % engine for engine in engines]
    else:
        run.append("autoresponder")
        for engine in ("libmilter", "event"):
            skipped["autoresponder-%s" % engine] = "this milter has no milter_engine option"
    # The cost of reading bodies: a loaded sequence with a body condition
    # (which the bench mail never matches) makes the milter read every body
    # up to trigger_body_limit.
    run.append(BODY_SETUP)
    return run, skipped


BODY_SETUP = "autoresponder-body"


def write_body_sequence(work, tag):
    """A sequence directory whose one sequence has a body condition, and its
    secret key; returns the config options that load them."""
    directory = os.path.join(work, tag + "-sequences")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "coupon.txt"), "w", encoding="utf-8") as f:
        f.write("Subject: Your coupon\n\nHello {{first_name}}\n")
    with open(os.path.join(directory, "px100.sequence"), "w", encoding="utf-8") as f:
        f.write("[sequence]\nfrom = Shop <shop@shop.test>\n"
                "[trigger]\nsender = ^orders@shop\\.test$\nbody = \\bSKU PX-100\\b\n"
                "person = envelope-recipient\n"
                "[step coupon]\nwhen = 5d after enrolment\ntemplate = coupon.txt\n")
    key = os.path.join(work, tag + "-secret.key")
    with open(key, "w", encoding="utf-8") as f:
        f.write("bench-secret-key-0123456789abcdef\n")
    os.chmod(key, 0o600)
    return {"sequence_dir": directory, "secret_key_file": key, "service_user": ""}


def start_setup(processes, binaries, work, setup, tag):
    """Starts the filter of a setup; returns (process or None, Postfix's
    smtpd_milters value)."""
    if setup == "none":
        return None, ""
    path = os.path.join(work, "%s.sock" % tag)
    if setup == "accept-all":
        _, process = programs.start_accept_all(processes, binaries, tag, socket_path=path)
    elif setup == "opendkim":
        process = programs.start_opendkim(processes, work, path, tag)
    else:
        extra = {}
        if setup == BODY_SETUP:
            extra.update(write_body_sequence(work, tag))
        elif setup.startswith("autoresponder-"):
            extra["milter_engine"] = setup[len("autoresponder-"):]
        config = programs.write_config(os.path.join(work, tag + ".conf"),
                                       os.path.join(work, tag + "-store"),
                                       milter_socket="unix:" + path, extra=extra)
        programs.set_out_of_office(binaries, config, [RECIPIENT])
        process = programs.start_milter(processes, binaries, config, path, tag)
    return process, "unix:" + path


def is_ours(setup):
    return setup.startswith("autoresponder")


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def count_lines(path, needle):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return sum(1 for line in f if needle in line)
    except OSError:
        return 0


def check_run(processes, setup, tag, postfix, messages):
    """Raises when Postfix warned about the milter or ours did not decide
    every message: a filter that failed open would look fast."""
    warnings = [line for line in postfix.log_text().splitlines()
                if "warning:" in line and "milter" in line]
    if warnings:
        raise BenchError("item 1 (%s): Postfix warned about the milter:\n%s" % (
            setup, "\n".join(warnings[:5])))
    if is_ours(setup):
        milter_log = processes.log_path(tag)
        decided = count_lines(milter_log, "reply")
        if decided < messages:
            raise BenchError("item 1: the milter logged %d decisions for %d messages "
                             "(see %s)" % (decided, messages, milter_log))


def run(processes, binaries, work, messages, sessions, log, rounds=1):
    sink_port, sink = processes.smtp_sink("throughput-smtp-sink")
    names, skipped = setups(binaries)
    for setup, why in skipped.items():
        log("item 1: %s: n/a (%s)" % (setup, why))
    runs = {setup: [] for setup in names}
    errors = {setup: [] for setup in names}
    order = [s for r in range(rounds) for s in (names if r % 2 == 0 else names[::-1])]
    for n, setup in enumerate(order):
        # CPU of every process this setup starts and reaps: Postfix's master
        # and all its daemons, the milter, smtp-source, autoresponder-ctl.
        before = _children_cpu()
        tag = "throughput-%s-%d" % (setup, n)
        milter_process, milter = start_setup(processes, binaries, work, setup, tag)
        postfix = None
        try:
            postfix = processes.postfix("throughput-postfix-%s-%d" % (setup, n), sink_port,
                                        milter)
            log("item 1: %s: smtp-source %d messages, %d sessions" % (setup, messages, sessions))
            snapshot = os.path.join(work, tag + "-stall.txt")
            seconds = smtp_source(
                postfix.smtp_port, messages, sessions, SENDER, RECIPIENT,
                on_stall=lambda: "snapshot in " + stall_snapshot(
                    postfix, [postfix.smtp_port, sink_port], snapshot))
            drain = wait_queue_empty(postfix, timeout=300)
            check_run(processes, setup, tag, postfix, messages)
            milter_cpu = None
            if milter_process is not None:
                milter_cpu = programs.cpu_seconds(milter_process.pid)
        except (Stalled, TimeoutError) as e:
            # One stalled run is an error row; the other setups still run.
            log("item 1: %s: error: %s" % (setup, e))

            errors[setup].append(str(e).splitlines()[0])
            continue
        finally:
            if postfix is not None:
                processes.stop_postfix(postfix)
            if milter_process is not None:
                processes.stop(milter_process)
        setup_cpu = _children_cpu() - before
        runs[setup].append((seconds, drain, milter_cpu, setup_cpu))
        log("item 1: %s: %.1f msg/s accepted, %.1f msg/s delivered" % (
            setup, messages / seconds, messages / (seconds + drain)))
    processes.stop(sink)
    results = {setup: {"na": why} for setup, why in skipped.items()}
    for setup, figures in runs.items():
        if not figures:
            results[setup] = {"error": errors[setup][0], "errors": len(errors[setup])}
            continue
        results[setup] = {
            "errors": len(errors[setup]),
            "first_error": errors[setup][0] if errors[setup] else None,
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
