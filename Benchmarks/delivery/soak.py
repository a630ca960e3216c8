#!/usr/bin/env python3
"""Load and check for soak.sh (delivery.md §9 row 50). Standard library only."""
import argparse
import datetime
import http.client
import json
import re
import sqlite3
import sys
import time
import urllib.parse


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def post_events(url, rate, duration, pid):
    """Posts `rate` events per second for `duration` s on one keep-alive connection."""
    parsed = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    start = time.monotonic()
    sent = failed = 0
    samples = [(0.0, rss_kib(pid))]
    next_sample = 10.0
    while True:
        elapsed = time.monotonic() - start
        if elapsed >= duration:
            break
        due = int(elapsed * rate) + 1
        while sent + failed < due and sent + failed < rate * duration:
            n = sent + failed
            body = json.dumps({"email": f"u{n}@soak.example", "eventName": "signup",
                               "dataFields": {"n": n, "source": "soak"}})
            try:
                conn.request("POST", "/api/events/track", body, {"Content-Type": "application/json"})
                answer = conn.getresponse()
                answer.read()
                if answer.status == 200:
                    sent += 1
                else:
                    failed += 1
            except OSError:
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
        if elapsed >= next_sample:
            samples.append((elapsed, rss_kib(pid)))
            print(f"   {elapsed:6.0f} s  {sent} events  rss {samples[-1][1] / 1024:.1f} MiB", file=sys.stderr)
            next_sample += 10.0
        time.sleep(0.002)
    samples.append((time.monotonic() - start, rss_kib(pid)))
    return sent, failed, samples


def grdb_date(text):
    # GRDB stores dates as "yyyy-MM-dd HH:mm:ss.SSS" in UTC.
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc).timestamp()


def wait_until_settled(store, expected, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(store, timeout=10) as db:
            total, open_ = db.execute(
                "SELECT COUNT(*), SUM(status IN ('pending','sending','retrying')) FROM delivery").fetchone()
        if total >= expected and not open_:
            return True
        time.sleep(1)
    return False


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--rate", type=int, required=True)
    parser.add_argument("--duration", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--receiver-log", required=True)
    args = parser.parse_args()

    sent, failed, samples = post_events(args.url, args.rate, args.duration, args.pid)
    settled = wait_until_settled(args.store, sent)

    with sqlite3.connect(args.store, timeout=10) as db:
        statuses = dict(db.execute("SELECT status, COUNT(*) FROM delivery GROUP BY status").fetchall())
        ids = {row[0] for row in db.execute("SELECT id FROM delivery")}
        events = {email: grdb_date(at) for email, at in db.execute("SELECT email, createdAt FROM event")}
        firsts = db.execute("SELECT userEmail, startedAt FROM attempt WHERE attempt = 1").fetchall()
    with open(args.receiver_log, errors="replace") as f:
        received = re.findall(r"^\s*webhook-id: (\S+)", f.read(), re.MULTILINE)
    lost = ids - set(received)
    waits = [grdb_date(at) - events[email] for email, at in firsts if email in events]
    p50, p99 = percentile(waits, 0.50), percentile(waits, 0.99)
    warm = [kib for t, kib in samples if 60 <= t <= 120] or [samples[0][1]]
    late = [kib for t, kib in samples if t >= samples[-1][0] - 60] or [samples[-1][1]]
    growth = max(late) / max(warm) - 1

    checks = {
        "every event accepted": failed == 0,
        "all deliveries settled": settled,
        "one delivery per event": len(ids) == sent,
        "all succeeded": statuses.get("succeeded", 0) == sent,
        "0 lost ids": not lost and len(ids) > 0,
        "p99 event -> first attempt < 1 s": p99 < 1.0,
        "flat memory (< 25 % growth after warm-up)": growth < 0.25,
    }
    print(f"\nsoak: {sent} events at {args.rate}/s for {args.duration} s ({failed} refused)")
    print(f"deliveries: {len(ids)} {json.dumps(statuses)}; receiver saw {len(set(received))} distinct ids "
          f"({len(received)} requests); lost {len(lost)}")
    print(f"event -> first attempt: p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {max(waits, default=0) * 1000:.1f} ms")
    print(f"serve RSS: start {samples[0][1] / 1024:.1f} MiB, minute 2 max {max(warm) / 1024:.1f} MiB, "
          f"last minute max {max(late) / 1024:.1f} MiB ({growth * 100:+.1f} %)")
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
