#!/usr/bin/python3
"""A SIGHUP to `syndic serve` reloads the mail templates as it does the
page templates: a confirmation sent after the reload uses the theme's new
mail/confirm.txt; a broken template at a reload keeps the running set."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mailtest  # noqa: E402


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


def main():
    mailtest.check_aiosmtpd()
    tmp = mailtest.tmpdir()
    sink = mailtest.Sink(os.path.join(tmp, "sink"))
    try:
        run(tmp, sink)
    finally:
        sink.stop()
        mailtest.cleanup(tmp)
    print("test_mail_reload: ok")


def import_pending(s, tmp, addr):
    path = os.path.join(tmp, addr + ".csv")
    with open(path, "w") as f:
        f.write("email,name,organization,topics,frequency\n"
                "%s,Pat,,,weekly\n" % addr)
    s.run("subscribers", "import", path)


def wait_mails(p, sink, n):
    deadline = time.time() + 30
    while len(sink.files()) < n:
        assert p.poll() is None, p.stderr.read().decode()
        assert time.time() < deadline, "no mail from serve"
        time.sleep(0.05)


def text_of(sink, to):
    for _, m in sink.messages():
        if m["To"].addresses[0].addr_spec == to:
            return m.get_body(("plain",)).get_content()
    raise AssertionError("no mail to " + to)


def run(tmp, sink):
    theme = os.path.join(tmp, "theme")
    confirm = os.path.join(theme, "mail", "confirm.txt")
    write(confirm, "Version one {{confirm_url}}\n")
    s = mailtest.Syndic(tmp, sink.port, "[server]\ntheme_dir = %s\n" % theme)
    s.run("init")
    import_pending(s, tmp, "one@example.org")
    p = subprocess.Popen([s.bin, "serve", "--no-fetch", "--listen",
                          "127.0.0.1:%d" % mailtest.free_port()], env=s.env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_mails(p, sink, 1)
        assert text_of(sink, "one@example.org").startswith("Version one ")
        # Queued while the worker sleeps; the reload wakes it.
        import_pending(s, tmp, "two@example.org")
        write(confirm, "Version two {{confirm_url}}\n")
        p.send_signal(signal.SIGHUP)
        wait_mails(p, sink, 2)
        assert text_of(sink, "two@example.org").startswith("Version two ")
        # A broken template: logged, the running set stays.
        write(confirm, "{{#unclosed}}\n")
        import_pending(s, tmp, "three@example.org")
        p.send_signal(signal.SIGHUP)
        wait_mails(p, sink, 3)
        assert text_of(sink, "three@example.org").startswith("Version two ")
    finally:
        p.send_signal(signal.SIGTERM)
        err = p.communicate(timeout=30)[1].decode()
    assert p.returncode == 0, err
    assert "reloaded mail templates" in err, err
    assert "mail templates not reloaded" in err, err
    assert "confirm.txt:1" in err, err


if __name__ == "__main__":
    main()
