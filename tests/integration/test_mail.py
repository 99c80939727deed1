"""Mail transports against real servers (fixtures_smtp.py), through
tests/tools/mailprobe: one message through mail_send() with the settings
of its command line."""
import email.utils
import os
import re
import shutil
import socket
import stat
import time

import pytest

from fixtures_smtp import mailprobe

HOST = socket.gethostname()
BODY = ("Job:          nightly-export\n"
        "Status:       failed, exit status 2\n"
        "\n"
        "Last 4 lines of output:\n\n"
        "exporting rows: ünïcödé ✓\n"
        ".a line starting with a dot\n"
        + "x" * 1500 + "\n"
        "the last line\n")


def write(tmp_path, name, text, mode=0o600):
    p = tmp_path / name
    p.write_text(text)
    os.chmod(p, mode)
    return str(p)


def probe(server, *args):
    return mailprobe("-s", "localhost", "-p", server.port, *args)


def test_message_headers_body_and_tail(smtp, tmp_path):
    body = write(tmp_path, "body", BODY)
    p = probe(smtp.plain, "-t", "no", "-S",
              "[cronwrap] FAILED nightly-export on db3: exit 2 after 12m",
              "-b", body, "-H", "X-Cronwrap-Job=nightly-export",
              "ops@example.com", "Data Team <data@example.com>")
    assert p.returncode == 0, p.stderr
    [m] = smtp.plain.wait(1)
    assert m.envelope["from"] == "cronwrap@" + HOST
    assert m.envelope["to"] == ["ops@example.com", "data@example.com"]
    assert m.subject == \
        "[cronwrap] FAILED nightly-export on db3: exit 2 after 12m"
    assert m.msg["From"] == "cronwrap@" + HOST
    assert [str(a) for a in m.msg["To"].addresses] == \
        ["ops@example.com", "Data Team <data@example.com>"]
    sent = email.utils.parsedate_to_datetime(m.msg["Date"])
    assert abs(sent.timestamp() - time.time()) < 120
    assert re.fullmatch(r"<[0-9A-Z]{26}\.\d+\.cronwrap@%s>" % re.escape(HOST),
                        m.msg["Message-ID"])
    assert m.msg["Auto-Submitted"] == "auto-generated"
    assert m.msg["MIME-Version"] == "1.0"
    assert m.msg.get_content_type() == "text/plain"
    assert m.msg.get_content_charset() == "utf-8"
    assert m.msg["X-Cronwrap-Job"] == "nightly-export"
    assert m.body == BODY
    # CRLF everywhere, no line over SMTP's 998 limit, headers once.
    assert m.raw.count(b"\n") == m.raw.count(b"\r\n")
    assert max(len(line) for line in m.raw.split(b"\r\n")) <= 998
    for h in ("Date", "Message-ID", "From", "To", "Subject"):
        assert len(m.msg.get_all(h)) == 1, h


def test_utf8_subject_is_encoded_and_ascii_body_stays_7bit(smtp, tmp_path):
    body = write(tmp_path, "body", "plain ascii\n")
    subject = "[cronwrap] FAILED exportação on db3: exit 1 after 3s ✗"
    p = probe(smtp.plain, "-t", "no", "-S", subject, "-b", body,
              "ops@example.com")
    assert p.returncode == 0, p.stderr
    [m] = smtp.plain.wait(1)
    assert m.subject == subject
    assert b"=?UTF-8?B?" in m.raw
    assert max(m.raw) < 0x80
    assert m.msg["Content-Transfer-Encoding"] == "7bit"
    assert m.body == "plain ascii\n"


def test_display_names_that_are_not_ascii_are_encoded(smtp):
    p = probe(smtp.plain, "-t", "no", "-f", "\"Tâches planifiées\" <cw@example.com>",
              "Équipe Données <data@example.com>", "ops@example.com")
    assert p.returncode == 0, p.stderr
    [m] = smtp.plain.wait(1)
    head = m.raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
    assert b"=?UTF-8?B?" in head
    [to_name, to_plain] = m.msg["To"].addresses
    assert (to_name.display_name, to_name.addr_spec) == \
        ("Équipe Données", "data@example.com")
    assert to_plain.addr_spec == "ops@example.com"
    [frm] = m.msg["From"].addresses
    assert (frm.display_name, frm.addr_spec) == \
        ("Tâches planifiées", "cw@example.com")
    assert m.envelope["from"] == "cw@example.com"
    assert m.envelope["to"] == ["data@example.com", "ops@example.com"]


def test_header_injection_from_the_subject_is_neutralised(smtp, tmp_path):
    body = write(tmp_path, "body", "x\n")
    p = probe(smtp.plain, "-t", "no", "-S", "bad\r\nBcc: evil@example.com",
              "-b", body, "ops@example.com")
    assert p.returncode == 0, p.stderr
    [m] = smtp.plain.wait(1)
    assert m.msg["Bcc"] is None
    assert m.envelope["to"] == ["ops@example.com"]


def test_starttls_require_with_self_signed_ca_file(smtp):
    p = probe(smtp.tls, "-t", "require", "-c", smtp.cert, "ops@example.com")
    assert p.returncode == 0, p.stderr
    [m] = smtp.tls.wait(1)
    assert m.envelope["tls"] is True


def test_starttls_require_refuses_an_untrusted_certificate(smtp):
    p = probe(smtp.tls, "-t", "require", "ops@example.com")
    assert p.returncode == 1
    assert "not trusted" in p.stderr and "self-signed" in p.stderr
    time.sleep(0.5)
    assert smtp.tls.messages() == []


def test_starttls_require_refuses_a_server_without_it(smtp):
    p = probe(smtp.plain, "-t", "require", "-c", smtp.cert,
              "ops@example.com")
    assert p.returncode == 1
    assert "does not offer STARTTLS" in p.stderr
    time.sleep(0.5)
    assert smtp.plain.messages() == []


def test_starttls_try_encrypts_without_a_ca(smtp):
    p = probe(smtp.tls, "-t", "try", "ops@example.com")
    assert p.returncode == 0, p.stderr
    assert smtp.tls.wait(1)[0].envelope["tls"] is True


def test_starttls_try_goes_on_without_tls_when_not_offered(smtp):
    p = probe(smtp.plain, "-t", "try", "ops@example.com")
    assert p.returncode == 0, p.stderr
    assert smtp.plain.wait(1)[0].envelope["tls"] is False


def test_starttls_no_stays_in_clear(smtp):
    p = probe(smtp.tls, "-t", "no", "ops@example.com")
    assert p.returncode == 0, p.stderr
    assert smtp.tls.wait(1)[0].envelope["tls"] is False


def test_server_given_by_ip_is_checked_against_the_ip_name(smtp):
    p = mailprobe("-s", "127.0.0.1", "-p", smtp.tls.port, "-t", "require",
                  "-c", smtp.cert, "ops@example.com")
    assert p.returncode == 0, p.stderr
    assert smtp.tls.wait(1)[0].envelope["tls"] is True


def test_repeated_tls_sessions_all_deliver(smtp):
    # libesmtp 1.1.0 and TLS 1.3 ended about half of these sessions early.
    for i in range(6):
        p = probe(smtp.tls, "-t", "require", "-c", smtp.cert,
                  "-u", smtp.user, "-P", smtp.password_file,
                  "n%d@example.com" % i)
        assert p.returncode == 0, p.stderr
    assert len(smtp.tls.wait(6)) == 6


def test_auth_over_starttls(smtp):
    p = probe(smtp.tls, "-t", "require", "-c", smtp.cert, "-u", smtp.user,
              "-P", smtp.password_file, "ops@example.com")
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    [m] = smtp.tls.wait(1)
    assert m.envelope["auth"] == smtp.user
    assert m.envelope["tls"] is True


def test_refused_auth_is_reported(smtp):
    p = probe(smtp.tls, "-t", "require", "-c", smtp.cert, "-u", smtp.user,
              "-P", smtp.wrong_password_file, "ops@example.com")
    # This server takes mail without AUTH: delivered, with a warning.
    assert p.returncode == 0, p.stderr
    assert p.stderr.startswith("warning: ")
    assert "AUTH was refused" in p.stderr
    assert smtp.tls.wait(1)[0].envelope["auth"] is None


def test_password_file_readable_by_others_is_refused(smtp, tmp_path):
    pw = write(tmp_path, "pw", "secret\n", 0o644)
    p = probe(smtp.tls, "-t", "try", "-u", smtp.user, "-P", pw,
              "ops@example.com")
    assert p.returncode == 1
    assert "others may read it" in p.stderr and "0644" in p.stderr
    time.sleep(0.5)
    assert smtp.tls.messages() == []


def test_missing_password_file_is_an_error(smtp, tmp_path):
    p = probe(smtp.tls, "-t", "try", "-u", smtp.user, "-P",
              str(tmp_path / "none"), "ops@example.com")
    assert p.returncode == 1
    assert "No such file" in p.stderr


def test_a_refused_recipient_is_reported_and_the_others_get_the_mail(smtp):
    p = probe(smtp.plain, "-t", "no", "nobody@example.com", "ops@example.com")
    assert p.returncode == 0, p.stderr
    [m] = smtp.plain.wait(1)
    assert m.envelope["to"] == ["ops@example.com"]
    assert "warning:" in p.stderr
    assert "nobody@example.com" in p.stderr
    assert "550" in p.stderr and "User unknown" in p.stderr


def test_every_recipient_refused_is_not_delivered(smtp):
    p = probe(smtp.plain, "-t", "no", "nobody@example.com")
    assert p.returncode == 1
    assert "error:" in p.stderr
    assert "no recipient accepted" in p.stderr
    assert "550" in p.stderr and "nobody@example.com" in p.stderr
    time.sleep(0.5)
    assert smtp.plain.messages() == []


def test_dead_server_says_why(smtp_servers):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    p = mailprobe("-s", "localhost", "-p", port, "ops@example.com")
    assert p.returncode == 1
    assert "Connection refused" in p.stderr
    assert ("localhost:%d" % port) in p.stderr


def test_silent_server_is_given_up_at_the_timeout(smtp_servers):
    # Accepts connections (the kernel's backlog) but never says hello.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(5)
    try:
        p = mailprobe("-s", "localhost", "-p", s.getsockname()[1], "-T", "2",
                      "ops@example.com", timeout=30)
    finally:
        s.close()
    assert p.returncode == 1
    assert "greeting" in p.stderr


def test_unknown_host_says_why(smtp_servers):
    p = mailprobe("-s", "no-such-host.invalid", "-p", "25", "-T", "10",
                  "ops@example.com")
    assert p.returncode == 1
    assert "no-such-host.invalid:25" in p.stderr


def msmtp_wrapper(tmp_path, port):
    msmtp = shutil.which("msmtp", path="/usr/bin:/bin")
    if msmtp is None:
        pytest.skip("msmtp (a sendmail-compatible SMTP client) is missing")
    path = tmp_path / "sendmail"
    path.write_text("#!/bin/sh\nexec %s --host=127.0.0.1 --port=%d \"$@\"\n"
                    % (msmtp, port))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_sendmail_transport_through_a_real_sendmail(smtp, tmp_path):
    sendmail = msmtp_wrapper(tmp_path, smtp.plain.port)
    body = write(tmp_path, "body", BODY)
    p = mailprobe("-x", "sendmail", "-m", sendmail, "-S", "[cronwrap] via",
                  "-b", body, "ops@example.com", "Data <data@example.com>")
    assert p.returncode == 0, p.stderr
    [m] = smtp.plain.wait(1)
    assert m.envelope["from"] == "cronwrap@" + HOST
    assert m.envelope["to"] == ["ops@example.com", "data@example.com"]
    assert m.subject == "[cronwrap] via"
    assert m.body == BODY
    assert len(m.msg.get_all("Message-ID")) == 1


def test_sendmail_failure_says_why(smtp_servers, tmp_path):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    sendmail = msmtp_wrapper(tmp_path, port)
    p = mailprobe("-x", "sendmail", "-m", sendmail, "ops@example.com")
    assert p.returncode == 1
    assert p.stderr.startswith("error: sendmail %s exited " % sendmail)
    assert "msmtp" in p.stderr


def test_sendmail_missing_program(smtp_servers, tmp_path):
    p = mailprobe("-x", "sendmail", "-m", str(tmp_path / "nope"),
                  "ops@example.com")
    assert p.returncode == 1
    assert "exited 127" in p.stderr and "cannot execute" in p.stderr
