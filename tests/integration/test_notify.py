"""Webhook, pings and the on_failure command against a real HTTP server
(fixtures_http.py), through tests/tools/alertprobe (see test_alert.py)."""
import json
import socket
import time

from fixtures_smtp import alertprobe

HOST = socket.gethostname()


def configure(project, job_extra, global_extra=""):
    project.write_global(global_extra)
    project.write_job("nightly-export",
                      'command = [ "/bin/false" ];\n' + job_extra)


def probe(project, status, *args):
    p = alertprobe(project, *args, "nightly-export", status)
    assert p.returncode in (0, 1), p.stderr
    return p


def test_webhook_posts_the_facts_as_json(project, http, tmp_path):
    configure(project, 'notify = { webhook = "%s"; };\n'
          % http.ok.url("/hook"))
    tail = tmp_path / "tail"
    tail.write_bytes(b"first\n\x1b[31mred\x1b[0m \xff\xfe bytes\n")
    p = probe(project, "failed", "-e", "2", "-d", "5", "-t", tail)
    assert "alert: ok" in p.stdout, p.stdout
    [req] = http.ok.wait(1)
    assert req["method"] == "POST" and req["path"] == "/hook"
    assert req["headers"]["Content-Type"] == "application/json"
    doc = json.loads(req["body"])
    assert doc["event"] == "failure"
    assert doc["text"] == ("[cronwrap] FAILED nightly-export on %s: "
                           "exit 2 after 5s" % HOST)
    assert doc["job"] == "nightly-export" and doc["host"] == HOST
    assert doc["status"] == "failed"
    assert doc["exit_code"] == 2 and doc["signal"] is None
    assert doc["attempts"] == 1 and doc["max_attempts"] == 1
    assert doc["command"] == "/bin/false"
    assert doc["consecutive_failures"] == 1
    assert doc["duration_s"] == 5.0
    assert doc["start"].endswith("Z") and doc["end"].endswith("Z")
    assert len(doc["run_id"]) == 26
    assert doc["window_start"] is None and doc["reason"] is None
    # Valid UTF-8, terminal colours gone.
    assert doc["tail"] == "first\nred \ufffd\ufffd bytes\n"


def test_webhook_follows_the_no_storm_policy(project, http):
    configure(project, 'notify = { webhook = "%s"; };\n' % http.ok.url("/h"))
    for _ in range(3):
        probe(project, "failed", "-e", "1")
    probe(project, "succeeded")
    reqs = http.ok.wait(2)
    time.sleep(0.5)
    events = [json.loads(r["body"])["event"] for r in http.ok.requests()]
    assert events == ["failure", "recovery"]
    assert json.loads(reqs[1]["body"])["consecutive_failures"] == 3


def test_webhook_retries_then_reports(project, http):
    configure(project, 'notify = { webhook = "%s"; timeout = "20s"; };\n'
          % http.fail.url("/hook"))
    p = probe(project, "failed", "-e", "1")
    assert p.returncode == 1
    assert "alert: ERROR webhook: %s: HTTP status 500" \
        % http.fail.url("/hook") in p.stdout
    assert len(http.fail.requests()) == 3


def test_pings_start_success_failure(project, http):
    configure(project, 'ping = { start = "%s"; success = "%s"; failure = "%s"; };\n'
          % (http.ok.url("/uuid/start"), http.ok.url("/uuid"),
             http.ok.url("/uuid/fail")))
    p = alertprobe(project, "-S", "nightly-export")
    assert p.stdout == "notify: ok\n", p.stdout + p.stderr
    probe(project, "succeeded")
    probe(project, "failed", "-e", "4")
    probe(project, "skipped")
    reqs = http.ok.wait(3)
    time.sleep(0.5)
    assert [(r["method"], r["path"]) for r in http.ok.requests()] == \
        [("GET", "/uuid/start"), ("POST", "/uuid"), ("POST", "/uuid/fail")]
    assert reqs[2]["body"] == (
        "[cronwrap] FAILED nightly-export on %s: exit 4 after 1s\n\n"
        "some output\nthe last line\n" % HOST)
    assert reqs[2]["headers"]["Content-Type"].startswith("text/plain")


def test_ping_failure_is_reported(project, http):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    dead = s.getsockname()[1]
    s.close()
    configure(project, 'ping = { success = "http://127.0.0.1:%d/x"; };\n'
          'notify = { timeout = "3s"; };\n' % dead)
    p = probe(project, "succeeded")
    assert "notify: ERROR ping success: http://127.0.0.1:%d/x: " % dead \
        in p.stdout
    assert "Couldn't connect to server" in p.stdout


def test_on_failure_gets_the_facts_in_its_environment(project, tmp_path):
    out = tmp_path / "env"
    configure(project, 'on_failure = [ "/bin/sh", "-c", "env > %s" ];\n' % out)
    p = probe(project, "failed", "-e", "3", "-r", "step 2 (upload) failed")
    assert "notify: ok" in p.stdout, p.stdout
    env = dict(line.split("=", 1) for line in out.read_text().splitlines()
               if "=" in line)
    assert env["CRONWRAP_EVENT"] == "failure"
    assert env["CRONWRAP_JOB"] == "nightly-export"
    assert env["CRONWRAP_STATUS"] == "failed"
    assert env["CRONWRAP_EXIT_CODE"] == "3"
    assert env["CRONWRAP_HOST"] == HOST
    assert env["CRONWRAP_REASON"] == "step 2 (upload) failed"
    assert env["CRONWRAP_CONSECUTIVE_FAILURES"] == "1"
    assert len(env["CRONWRAP_RUN_ID"]) == 26
    assert env["CRONWRAP_SUBJECT"].startswith("[cronwrap] FAILED ")
    assert env["PATH"] == "/usr/local/bin:/usr/bin:/bin"
    assert "CRONWRAP_SIGNAL" not in env
    probe(project, "killed", "-k", "9")
    env = dict(line.split("=", 1) for line in out.read_text().splitlines()
               if "=" in line)
    assert env["CRONWRAP_CONSECUTIVE_FAILURES"] == "2"
    assert env["CRONWRAP_SIGNAL"] == "9"
    assert "CRONWRAP_EXIT_CODE" not in env


def test_on_failure_is_not_run_on_success(project, tmp_path):
    out = tmp_path / "ran"
    configure(project, 'on_failure = [ "/bin/sh", "-c", "touch %s" ];\n' % out)
    probe(project, "succeeded")
    assert not out.exists()
    probe(project, "timeout", "-k", "15")
    assert out.exists()


def test_on_failure_failure_is_reported(project):
    configure(project, 'on_failure = [ "/bin/sh", "-c", '
          '"echo cannot page >&2; exit 3" ];\n')
    p = probe(project, "failed", "-e", "1")
    assert p.returncode == 1
    assert "notify: ERROR on_failure /bin/sh exited 3: cannot page" \
        in p.stdout


def test_on_failure_is_killed_at_the_timeout(project):
    configure(project, 'on_failure = [ "/bin/sleep", "60" ];\n'
          'notify = { timeout = "1s"; };\n')
    p = probe(project, "failed", "-e", "1")
    assert p.returncode == 1
    assert "notify: ERROR on_failure /bin/sleep killed after 1s" in p.stdout
