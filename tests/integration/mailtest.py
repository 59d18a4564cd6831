"""Helpers for the mail integration tests: a syndic instance in a temporary
folder, the smtpsink server, seeded stories, and token checks that
re-implement util/token.h's format independently."""
import base64
import email
import email.policy
import hashlib
import hmac
import json
import os
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


def check_aiosmtpd():
    if subprocess.call([PY, "-c", "import aiosmtpd"],
                       stderr=subprocess.DEVNULL) != 0:
        skip("python3-aiosmtpd is not installed")


class Sink:
    def __init__(self, folder, *args):
        self.dir = folder
        self.proc = subprocess.Popen(
            [PY, os.path.join(HERE, "smtpsink.py"), "--dir", folder,
             "--max-seconds", "300"] + list(args),
            stdout=subprocess.PIPE)
        self.port = int(self.proc.stdout.readline())

    def files(self):
        return sorted(f for f in os.listdir(self.dir) if f.endswith(".eml"))

    def index(self):
        path = os.path.join(self.dir, "index.jsonl")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def messages(self):
        out = []
        for name in self.files():
            with open(os.path.join(self.dir, name), "rb") as f:
                raw = f.read()
            out.append((raw, email.message_from_bytes(
                raw, policy=email.policy.default)))
        return out

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class Syndic:
    def __init__(self, tmp, smtp_port, extra_mail="", scheme="smtp"):
        self.bin = sys.argv[1] if len(sys.argv) > 1 else os.environ["SYNDIC_BIN"]
        self.tmp = tmp
        self.db = os.path.join(tmp, "syndic.db")
        self.conf = os.path.join(tmp, "syndic.ini")
        with open(self.conf, "w") as f:
            f.write("[site]\ntitle = Network News\n"
                    "base_url = https://news.example.org\n"
                    "[mail]\nsmtp_url = %s://127.0.0.1:%d\n"
                    "from = Network News <news@example.org>\n"
                    "reply_to = team@example.org\n%s" % (
                        scheme, smtp_port, extra_mail))
        self.env = dict(os.environ, SYNDIC_DB=self.db, SYNDIC_CONFIG=self.conf)
        self.env.pop("SYNDIC_NOW", None)

    def run(self, *args, now=None, check=True, stdin=None):
        env = dict(self.env)
        if now is not None:
            env["SYNDIC_NOW"] = str(now)
        p = subprocess.run([self.bin] + list(args), env=env, input=stdin,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if check and p.returncode != 0:
            raise AssertionError("syndic %s failed (%d): %s %s" % (
                " ".join(args), p.returncode, p.stdout.decode(),
                p.stderr.decode()))
        return p

    def popen(self, *args, now=None):
        env = dict(self.env)
        if now is not None:
            env["SYNDIC_NOW"] = str(now)
        return subprocess.Popen([self.bin] + list(args), env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def sql(self, query, params=()):
        db = sqlite3.connect(self.db)
        try:
            rows = db.execute(query, params).fetchall()
            db.commit()
            return rows
        finally:
            db.close()

    def key(self):
        return bytes.fromhex(self.sql(
            "SELECT value FROM settings WHERE key = 'hmac_key'")[0][0])

    def seed_stories(self, now, stories):
        """stories: list of (title, topics list, age_s). Stored the way the
        ingest pipeline would (until `syndic fetch` exists on this branch)."""
        db = sqlite3.connect(self.db)
        db.execute("INSERT OR IGNORE INTO sources(url, title, created) "
                   "VALUES ('https://src.example.net/feed', 'Source Net', ?)",
                   (now,))
        sid = db.execute("SELECT id FROM sources WHERE url = "
                         "'https://src.example.net/feed'").fetchone()[0]
        ids = []
        for i, (title, topics, age) in enumerate(stories):
            cur = db.execute(
                "INSERT INTO items(source_id, guid, url, title, published, "
                "ingested, sort_time, excerpt_html, excerpt_text, "
                "content_hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (sid, "g%d-%d" % (now, i), "https://src.example.net/s/%d" % i,
                 title, now - age, now - age, now - age,
                 "<p>Excerpt of <b>%s</b></p>" % title.replace("&", "&amp;"),
                 "Excerpt of %s" % title, "h%d" % i))
            iid = cur.lastrowid
            ids.append(iid)
            for t in topics:
                db.execute("INSERT OR IGNORE INTO topics(slug, name) "
                           "VALUES (?, ?)", (t, t))
                tid = db.execute("SELECT id FROM topics WHERE slug = ?",
                                 (t,)).fetchone()[0]
                db.execute("INSERT INTO item_topics VALUES (?, ?)", (iid, tid))
        db.commit()
        db.close()
        return ids


PURPOSES = {"confirm": 1, "preferences": 2, "unsubscribe": 3}


def verify_token(key, token, purpose, now):
    """Check a token as util/token.c does; return its subject or raise."""
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert raw[0] == 1, "version"
    assert raw[1] == PURPOSES[purpose], "purpose"
    expires = struct.unpack(">Q", raw[2:10])[0]
    subject, mac = raw[10:-32], raw[-32:]
    want = hmac.new(key, b"syndic-token-v1\0" + raw[:10] + subject,
                    hashlib.sha256).digest()
    assert hmac.compare_digest(mac, want), "signature"
    assert expires > now, "expired"
    return subject.decode()


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on just now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def tmpdir():
    return tempfile.mkdtemp(prefix="syndic-mail-")


def cleanup(path):
    shutil.rmtree(path, ignore_errors=True)
