#!/usr/bin/python3
"""`syndic inquiries list|show|export|status [--create-partner]` over
inquiries stored as the /partner form stores them."""
import csv
import io
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mailtest  # noqa: E402


def main():
    tmp = mailtest.tmpdir()
    try:
        run(tmp)
    finally:
        mailtest.cleanup(tmp)
    print("test_mail_inquiries: ok")


def run(tmp):
    s = mailtest.Syndic(tmp, 1)
    s.run("init")
    rows = [("Water Org", "Ines", "ines@example.net", "https://water.example",
             "Kenya", "content", "Hello,\nwe publish weekly.", 100),
            ("=cmd|' /C calc'!A0", "Eve", "eve@example.net", None, None,
             "other", 'Quote " and, comma', 200)]
    for r in rows:
        s.sql("INSERT INTO inquiries(organization, name, email, website, "
              "country, kind, message, created) VALUES (?,?,?,?,?,?,?,?)", r)

    out = json.loads(s.run("inquiries", "list", "--json").stdout)
    assert [x["organization"] for x in out] == [rows[1][0], rows[0][0]]
    assert out[1]["status"] == "new" and out[1]["kind"] == "content"
    assert "message" not in out[0]
    text = s.run("inquiries", "list").stdout.decode()
    assert "Water Org <ines@example.net>" in text

    show = s.run("inquiries", "show", "1").stdout.decode()
    assert "we publish weekly." in show and "Kenya" in show

    exp = s.run("inquiries", "export").stdout.decode()
    recs = list(csv.DictReader(io.StringIO(exp)))
    assert recs[1]["message"] == "Hello,\nwe publish weekly."
    assert recs[0]["message"] == 'Quote " and, comma'
    assert recs[0]["organization"].startswith("'="), recs[0]  # no formula
    js = json.loads(s.run("inquiries", "export", "--json").stdout)
    assert js[1]["message"] == "Hello,\nwe publish weekly."

    out = s.run("inquiries", "status", "1", "accepted",
                "--create-partner").stdout.decode()
    assert "partner water-org created" in out, out
    assert s.sql("SELECT slug, name, url FROM partners") == [
        ("water-org", "Water Org", "https://water.example")]
    st = json.loads(s.run("inquiries", "list", "--json", "--status",
                          "accepted").stdout)
    assert [x["id"] for x in st] == [1]
    # a second partner with the same slug is refused, status unchanged
    s.run("inquiries", "status", "1", "contacted")
    p = s.run("inquiries", "status", "1", "accepted", "--create-partner",
              check=False)
    assert p.returncode == 1 and b"already exists" in p.stderr
    assert s.sql("SELECT status FROM inquiries WHERE id = 1") == [
        ("contacted",)]
    assert s.run("inquiries", "status", "9", "new",
                 check=False).returncode == 1
    assert s.run("inquiries", "status", "1", "maybe",
                 check=False).returncode == 2
    assert s.run("inquiries", "show", "x", check=False).returncode == 2
    assert s.run("inquiries", check=False).returncode == 2


if __name__ == "__main__":
    main()
