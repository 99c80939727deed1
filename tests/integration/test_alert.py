"""The alert policy end to end, without the runner: tests/tools/alertprobe
records a finished run of a configured job in the real state database and
hands it to alert_after_run() and notify_finish(), as the runner does; the
mail goes to a real SMTP server (fixtures_smtp.py)."""
import socket
import time

from fixtures_smtp import alertprobe, mail_settings

HOST = socket.gethostname()
JOB = """\
command = [ "/usr/local/bin/export.sh", "--full" ];
description = "Daily sales CSV";
"""


def configure(project, server, job=JOB, **mail):
    project.write_global(mail_settings(server, **mail))
    project.write_job("nightly-export", job)


def probe(project, status, *args):
    p = alertprobe(project, *args, "nightly-export", status)
    assert p.returncode in (0, 1), p.stderr
    return p


def ok(p):
    assert "alert: ok" in p.stdout, p.stdout + p.stderr
    return p


def test_failure_mail_has_the_facts_and_the_tail(project, smtp, tmp_path):
    configure(project, smtp.plain)
    tail = tmp_path / "tail"
    tail.write_text("".join("line %d\n" % i for i in range(1, 151)))
    ok(probe(project, "failed", "-e", "2", "-d", "733", "-t", tail))
    [m] = smtp.plain.wait(1)
    assert m.subject == ("[cronwrap] FAILED nightly-export on %s: "
                         "exit 2 after 12m" % HOST)
    assert m.msg["X-Cronwrap-Event"] == "failure"
    assert m.msg["X-Cronwrap-Job"] == "nightly-export"
    assert m.envelope["to"] == ["ops@example.com"]
    body = m.body
    assert body.startswith("FAILED nightly-export on %s: exit 2 after 12m\n"
                           % HOST)
    for line in ("Job:          nightly-export",
                 "Description:  Daily sales CSV",
                 "Host:         " + HOST,
                 "Command:      /usr/local/bin/export.sh --full",
                 "Status:       failed, exit status 2",
                 "Duration:     12m13s",
                 "Attempt:      1 of 1"):
        assert "\n" + line + "\n" in body, line
    assert "Started:" in body and "Ended:" in body and "Log:" in body
    assert "Failures:" not in body, "one failure is no streak"
    assert body.endswith("\nThe whole output: cronwrap log nightly-export "
                         "%s\n" % m.msg["X-Cronwrap-Run-Id"])
    # tail_lines = 100 (the default): lines 51..150.
    assert "Last 100 lines of output:\n\nline 51\n" in body
    assert "line 50\n" not in body
    assert "line 150\n" in body


def test_three_failures_one_mail_then_one_recovery(project, smtp):
    configure(project, smtp.plain, repeat_every="1h")
    for _ in range(3):
        ok(probe(project, "failed", "-e", "1"))
    time.sleep(0.5)
    assert len(smtp.plain.messages()) == 1
    ok(probe(project, "succeeded"))
    ok(probe(project, "succeeded"))
    first, recovery = smtp.plain.wait(2)
    assert "FAILED" in first.subject
    assert recovery.subject == ("[cronwrap] RECOVERED nightly-export on %s: "
                                "succeeded after 3 failures" % HOST)
    assert recovery.msg["X-Cronwrap-Event"] == "recovery"
    assert "Failures:     3 before this success, since " in recovery.body
    time.sleep(0.5)
    assert len(smtp.plain.messages()) == 2


def test_after_failures_two_stays_quiet_after_one(project, smtp):
    configure(project, smtp.plain, after_failures=2)
    ok(probe(project, "failed", "-e", "1"))
    time.sleep(0.5)
    assert smtp.plain.messages() == []
    ok(probe(project, "succeeded"))
    ok(probe(project, "failed", "-e", "1"))
    time.sleep(0.5)
    assert smtp.plain.messages() == [], "a success ends the count"
    ok(probe(project, "failed", "-e", "1"))
    [m] = smtp.plain.wait(1)
    assert m.subject.endswith("exit 1 after 1s (2 in a row)")


def test_repeat_every_lets_a_reminder_through(project, smtp):
    configure(project, smtp.plain, repeat_every="1s")
    ok(probe(project, "failed", "-e", "1"))
    smtp.plain.wait(1)
    time.sleep(1.2)
    ok(probe(project, "failed", "-e", "1"))
    second = smtp.plain.wait(2)[1]
    assert second.subject.endswith("(2 in a row)")
    assert "\nFailures:     2 in a row, since " in second.body


def test_repeat_every_zero_tells_once_per_streak(project, smtp):
    configure(project, smtp.plain, repeat_every="0")
    for _ in range(3):
        ok(probe(project, "failed", "-e", "1"))
    ok(probe(project, "succeeded"))
    ok(probe(project, "failed", "-e", "1"))
    subjects = [m.subject for m in smtp.plain.wait(3)]
    assert ["FAILED" in s for s in subjects] == [True, False, True]


def test_on_selects_the_events(project, smtp):
    configure(project, smtp.plain, on='[ "timeout" ]')
    ok(probe(project, "failed", "-e", "1"))
    ok(probe(project, "succeeded"))
    time.sleep(0.5)
    assert smtp.plain.messages() == []
    ok(probe(project, "timeout", "-k", "15", "-d", "1800"))
    ok(probe(project, "succeeded"))
    [m] = smtp.plain.wait(1)
    assert m.subject == ("[cronwrap] TIMED OUT nightly-export on %s: "
                         "timed out after 30m" % HOST)
    time.sleep(0.5)
    assert len(smtp.plain.messages()) == 1, "recovery is not in on"


def test_without_recovery_a_new_streak_is_told_again(project, smtp):
    configure(project, smtp.plain, on='[ "failure" ]')
    ok(probe(project, "failed", "-e", "1"))
    ok(probe(project, "succeeded"))
    ok(probe(project, "failed", "-e", "1"))
    assert len(smtp.plain.wait(2)) == 2


def test_precondition_killed_and_crash_subjects(project, smtp):
    configure(project, smtp.plain, repeat_every="0")
    ok(probe(project, "precondition", "-r",
             "requirement unmet: file /data/ready/2026-11-23.flag"))
    ok(probe(project, "succeeded"))
    ok(probe(project, "killed", "-k", "9", "-d", "5"))
    ok(probe(project, "succeeded"))
    ok(probe(project, "crashed", "-n", "-r", "runner (pid 4242) vanished"))
    subjects = [m.subject for m in smtp.plain.wait(5)
                if "RECOVERED" not in m.subject]
    assert subjects == [
        "[cronwrap] NOT RUN nightly-export on %s: requirement unmet: "
        "file /data/ready/2026-11-23.flag" % HOST,
        "[cronwrap] FAILED nightly-export on %s: killed by SIGKILL after 5s"
        % HOST,
        "[cronwrap] CRASHED nightly-export on %s: runner (pid 4242) vanished"
        % HOST]


def test_failed_step_is_in_subject_and_body(project, smtp):
    configure(project, smtp.plain)
    ok(probe(project, "failed", "-e", "3", "-s", "2 (upload)"))
    [m] = smtp.plain.wait(1)
    assert m.subject.endswith("exit 3 in step 2 (upload) after 1s")
    assert "\nFailed step:  2 (upload)\n" in m.body


def test_skipped_runs_are_not_told(project, smtp):
    configure(project, smtp.plain)
    ok(probe(project, "skipped"))
    time.sleep(0.5)
    assert smtp.plain.messages() == []


def test_undelivered_mail_is_logged_and_tried_again(project, smtp):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    dead = s.getsockname()[1]
    s.close()
    project.write_global(mail_settings(smtp.plain).replace(
        str(smtp.plain.port), str(dead)))
    project.write_job("nightly-export", JOB)
    p = probe(project, "failed", "-e", "1")
    assert p.returncode == 1
    assert "alert: ERROR mail not sent: SMTP localhost:%d: " \
           "Connection refused" % dead in p.stdout
    # Nobody was told: the next failure tries again, to a live server.
    configure(project, smtp.plain)
    ok(probe(project, "failed", "-e", "1"))
    [m] = smtp.plain.wait(1)
    assert m.subject.endswith("(2 in a row)")


def test_mail_through_starttls_and_auth(project, smtp):
    project.write_global(mail_settings(
        smtp.tls, starttls="require", ca_file='"%s"' % smtp.cert,
        smtp_user=smtp.user,
        smtp_password_file='"%s"' % smtp.password_file))
    project.write_job("nightly-export", JOB)
    ok(probe(project, "failed", "-e", "1"))
    [m] = smtp.tls.wait(1)
    assert m.envelope["tls"] is True
    assert m.envelope["auth"] == smtp.user


def test_job_mail_group_overrides_the_recipients(project, smtp):
    configure(project, smtp.plain, job=JOB + 'mail = { to = [ "team@example.com" ]; };\n')
    ok(probe(project, "failed", "-e", "1"))
    [m] = smtp.plain.wait(1)
    assert m.envelope["to"] == ["team@example.com"]
