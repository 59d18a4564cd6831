#!/usr/bin/python3
"""Mails are rendered from the theme's mail templates: a theme directory
([server] theme_dir) with mail/digest.txt changes the plain-text part of
the digest (not HTML-escaped) and leaves the default HTML part; a broken
mail template stops `digest` and `serve` at start-up with file:line."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mailtest  # noqa: E402

NOW = 1800000000

OVERRIDE = """Theme override for {{recipient_name}}
{{#stories}}
# {{title}} -> {{source_url}}
{{/stories}}
Unsubscribe: {{unsubscribe_url}}
"""


def main():
    mailtest.check_aiosmtpd()
    tmp = mailtest.tmpdir()
    try:
        run(tmp)
    finally:
        mailtest.cleanup(tmp)
    print("test_mail_theme: ok")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def run(tmp):
    theme = os.path.join(tmp, "theme")
    write(os.path.join(theme, "mail", "digest.txt"), OVERRIDE)
    # port 9: nothing is sent here, only previewed
    s = mailtest.Syndic(tmp, 9, "[server]\ntheme_dir = %s\n" % theme)
    s.run("init")
    with open(os.path.join(tmp, "subs.csv"), "w") as f:
        f.write("email,name,organization,topics,frequency\n"
                "ann@example.org,Ann <A&B>,,,daily\n")
    s.run("subscribers", "import", os.path.join(tmp, "subs.csv"),
          "--confirmed")
    s.seed_stories(NOW, [("Floods & <rivers>", ["water"], 60)])

    p = s.run("digest", "preview", "--email", "ann@example.org", now=NOW)
    m = mailtest.email.message_from_bytes(
        p.stdout, policy=mailtest.email.policy.default)
    text = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith("Theme override for Ann <A&B>\n"), text
    assert "# Floods & <rivers> -> https://src.example.net/s/0\n" in text, text
    assert "Unsubscribe: https://news.example.org/unsubscribe?t=" in text
    html = m.get_body(("html",)).get_content()
    assert "Floods &amp; &lt;rivers&gt;" in html, html
    assert "Continue reading on the source site" in html
    assert "Hello Ann &lt;A&amp;B&gt;," in html

    # A broken template: refused before anything is composed or sent.
    broken = os.path.join(theme, "mail", "digest.html")
    write(broken, "<p>\n{{#stories}}\n{{title}}\n")
    p = s.run("digest", "send", now=NOW, check=False)
    err = p.stderr.decode()
    assert p.returncode != 0, p.stdout
    assert "%s:2: unclosed section 'stories'" % broken in err, err
    assert s.sql("SELECT count(*) FROM outbox")[0][0] == 0
    try:
        p = s.run("serve", "--listen", "127.0.0.1:0", "--no-fetch",
                  check=False)
    except subprocess.TimeoutExpired:
        raise AssertionError("serve started with a broken mail template")
    err = p.stderr.decode()
    assert p.returncode != 0, err
    assert "%s:2: unclosed section 'stories'" % broken in err, err


if __name__ == "__main__":
    main()
