#!/usr/bin/env python3
"""Replay evaluation of learning from moderators (issue #21), through the real service.

For a labelled corpus (JSON Lines with "text" and "label": ham | abuse | spam) and each
size N: start `raqib` on a fresh SQLite database, score half 2 of the corpus with
`raqib score --database-url` (before), post the first N texts of half 1 (in a fixed
shuffled order) through the API,
decide each by its label through the moderation API (ham → approve, abuse → reject,
spam → spam), retrain through the admin API (a job, polled), promote the candidate, and
score half 2 again (after). Half 1 is lines 1, 3, 5, …, as everywhere in raqib.

    python3 bench/replay.py ../shared/data/mpold_dev.jsonl tests/data/ads_ar_eval.jsonl
    python3 bench/replay.py --within 2 ../shared/data/mpold_dev.jsonl   # as on a new site

Prints one table per corpus: abuse caught, civil held, spam caught and spam precision on
half 2, before and after, per N. Needs a release build (`cargo build --release`).
Everything runs on 127.0.0.1 and stops by itself.
"""

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

PASSWORD = "a long replay password"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as err:
        text = err.read().decode()
        return err.code, (json.loads(text) if text else None)


def read_half(path, half):
    rows = []
    with open(path, encoding="utf-8") as f:
        lines = [l for l in f if l.strip()]
    for i, line in enumerate(lines):
        if i % 2 == half - 1:
            row = json.loads(line)
            if row.get("label") in ("ham", "abuse", "spam"):
                rows.append({"text": row.get("text") or row.get("body"), "label": row["label"]})
    return rows


class Service:
    def __init__(self, raqib, workdir):
        self.raqib = raqib
        self.db = "sqlite://" + os.path.join(workdir, "replay.db")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            RAQIB_DATABASE_URL=self.db,
            RAQIB_LISTEN=f"127.0.0.1:{self.port}",
            RAQIB_CAPTCHA__MODE="off",
            RAQIB_LOG__LEVEL="warn",
            RAQIB_HTTP__METRICS_LISTEN="off",
            RAQIB_MODEL__MIN_DECISIONS="50",
            RAQIB_RATE_LIMITS__FLOOD_PER_MINUTE="100000000",
        )
        for quota in ("submit_ip", "submit_email", "read", "api_token", "login_ip", "login_user"):
            self.env[f"RAQIB_RATE_LIMITS__{quota.upper()}__PER_MINUTE"] = "100000000"
            self.env[f"RAQIB_RATE_LIMITS__{quota.upper()}__BURST"] = "100000000"
        subprocess.run([raqib, "migrate"], env=self.env, check=True, capture_output=True)
        subprocess.run(
            [raqib, "user", "add", "replay", "--role", "admin", "--password-stdin"],
            env=self.env, input=PASSWORD.encode(), check=True, capture_output=True,
        )
        self.process = subprocess.Popen([raqib], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if call(self.base, "GET", "/readyz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        status, login = call(self.base, "POST", "/api/v1/auth/login", {"username": "replay", "password": PASSWORD})
        assert status == 200, (status, login)
        self.token = login["token"]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)

    def score(self, corpus, half):
        half_args = ["--half", str(half)] if half else []
        out = subprocess.run(
            [self.raqib, "score", "--database-url", self.db, "--labels", *half_args, "--no-context", corpus],
            env=self.env, check=True, capture_output=True, text=True,
        ).stdout
        figures = {}
        for key, pattern in [
            ("civil_held", r"ham held \(anything but ok\): ([\d.]+)%"),
            ("abuse_caught", r"abuse caught \(anything but ok\): ([\d.]+)%"),
            ("spam_caught", r"spam recall \(spam or block\): ([\d.]+)%"),
            ("spam_precision", r"spam precision: ([\d.]+)%"),
        ]:
            m = re.search(pattern, out)
            figures[key] = float(m.group(1)) / 100 if m else None
        return figures

    def replay(self, rows):
        ids = {"ham": [], "abuse": [], "spam": []}
        for i, row in enumerate(rows):
            body = {
                "article": f"/replay/{i % 50}",
                "name": "قارئ",
                "email": f"reader{i % 300}@example.com",
                "body": row["text"][:5000],
            }
            status, answer = call(self.base, "POST", "/api/v1/comments", body)
            if status == 202:
                ids[row["label"]].append(answer["id"])
            if len(ids["ham"]) + len(ids["abuse"]) + len(ids["spam"]) >= 50 or i == len(rows) - 1:
                self.decide(ids)
                ids = {"ham": [], "abuse": [], "spam": []}

    def decide(self, ids):
        for label, action, reason in [("ham", "approve", None), ("abuse", "reject", "insult"), ("spam", "spam", None)]:
            if ids[label]:
                status, answer = call(self.base, "POST", "/api/v1/moderation/decisions",
                                      {"ids": ids[label], "action": action, "reason": reason}, self.token)
                assert status == 200, (status, answer)

    def retrain_and_promote(self):
        status, job = call(self.base, "POST", "/api/v1/admin/filter/model/train", {}, self.token)
        assert status == 202, (status, job)
        while job["state"] not in ("done", "failed"):
            time.sleep(0.5)
            status, job = call(self.base, "GET", f"/api/v1/admin/jobs/{job['id']}", None, self.token)
        assert job["state"] == "done", job
        candidate = job["result"]["candidate"]
        status, promoted = call(self.base, "POST", f"/api/v1/admin/filter/candidates/{candidate}/promote", None, self.token)
        assert status == 200, (status, promoted)
        return job["result"]["report"]


def pct(x):
    return "–" if x is None else f"{100 * x:.1f}%"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="+")
    parser.add_argument("--sizes", default="250,1000,all")
    parser.add_argument("--raqib", default="target/release/raqib")
    parser.add_argument("--within", type=int, choices=[1, 2],
                        help="stay inside one half: replay its odd texts, score its even ones (half 2: texts "
                             "the shipped models never saw, as on a new site)")
    args = parser.parse_args()
    for corpus in args.corpora:
        rows = read_half(corpus, args.within or 1)
        # Decisions come mixed on a site; some files are sorted by label. A fixed shuffle.
        random.Random(7).shuffle(rows)
        name = os.path.basename(corpus)
        scored, half = corpus, 2
        if args.within:
            scored_file = tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8")
            for i, row in enumerate(rows[1::2]):
                scored_file.write(json.dumps(dict(row, id=str(i)), ensure_ascii=False) + "\n")
            scored_file.close()
            scored, half, rows = scored_file.name, None, rows[0::2]
            print(f"\n## {name}: half {args.within}'s odd texts replayed ({len(rows)}), its even texts scored\n")
        else:
            print(f"\n## {name}: half 1 replayed as decisions ({len(rows)} texts), half 2 scored\n")
        print("| decisions | abuse caught | civil held | abuse − civil | spam caught | spam precision | held back: gain |")
        print("|---:|---|---|---|---|---|---:|")
        for size in args.sizes.split(","):
            n = len(rows) if size == "all" else min(int(size), len(rows))
            workdir = tempfile.mkdtemp(prefix="raqib-replay-")
            service = Service(args.raqib, workdir)
            try:
                before = service.score(scored, half)
                service.replay(rows[:n])
                report = service.retrain_and_promote()
                after = service.score(scored, half)
            finally:
                service.stop()
                shutil.rmtree(workdir, ignore_errors=True)
            def both(key):
                return f"{pct(before[key])} → {pct(after[key])}"
            merit = lambda f: None if f["abuse_caught"] is None else f["abuse_caught"] - f["civil_held"]
            gain = "–" if merit(before) is None else f"{pct(merit(before))} → {pct(merit(after))}"
            print(f"| {n} | {both('abuse_caught')} | {both('civil_held')} | {gain} | {both('spam_caught')} | "
                  f"{both('spam_precision')} | {report['gain']:+.3f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
