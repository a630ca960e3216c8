#!/usr/bin/env python3
"""Helpers for compare-wrk.sh: build the bench workspace, fill the user table, check attempts.

    bench_workspace.py files  DIR URL TEMPLATE [DELAY]
                                                    hookline.yaml, webhooks/bench-hook.yaml, workflows/bench.yaml
                                                    (with DELAY, e.g. 20s: a delay node before the call)
    bench_workspace.py users  DIR N                 N users into DIR/.hookline/state.sqlite (table must exist)
    bench_workspace.py reset  DIR                   empty the attempt and journey tables between runs
    bench_workspace.py check  DIR N                 one line of JSON: attempts, 2xx, distinct users, window
    bench_workspace.py lua    DIR OUT               wrk script posting the body and headers of a stored attempt,
                                                    and the body alone in OUT.body (for DeliveryTransport)

Only the standard library (sqlite3, json) is used; nothing here needs new Swift code.
"""
import json
import os
import random
import sqlite3
import sys
from datetime import datetime

FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Niklaus"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Wirth"]
CITIES = [("London", "N1 9GU"), ("Paris", "75002"), ("Berlin", "10115"), ("Lisbon", "1100-148"), ("Oslo", "0150")]
PLANS = ["free", "pro", "team"]
SOURCES = ["web", "ios", "android", "import"]


def write_atomic(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def files(root, url, template_path, delay=None):
    with open(template_path, encoding="utf-8") as f:
        template = f.read().rstrip("\n")
    write_atomic(os.path.join(root, "hookline.yaml"), (
        "name: Delivery bench\n"
        "network: {allow: [127.0.0.1/32]}\n"
        "delivery: {maxInFlight: 64, maxInFlightPerHost: 64}\n"))
    body = "\n".join("      " + line for line in template.splitlines())
    write_atomic(os.path.join(root, "webhooks", "bench-hook.yaml"), (
        "id: bench-hook\n"
        "name: Bench hook\n"
        "method: POST\n"
        f'url: "{url}"\n'
        "body:\n"
        "  type: json\n"
        "  template: |\n"
        f"{body}\n"))
    write_atomic(os.path.join(root, "workflows", "bench.yaml"), (
        "id: bench\n"
        "name: Delivery bench\n"
        "enabled: true\n"
        "start: {kind: manual}\n"
        "nodes:\n"
        + (f"  - id: wait\n    type: delay\n    duration: {delay}\n    next: call\n" if delay else "")
        + "  - id: call\n"
        "    type: callWebhook\n"
        "    webhook: bench-hook\n"
        "    onError: exit\n"))


def profile(i, rng):
    first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
    city, zip_code = CITIES[i % len(CITIES)]
    return {
        "email": f"user{i:07d}@example.com",
        "firstName": first,
        "lastName": last,
        "plan": PLANS[i % len(PLANS)],
        "address": {"city": city, "zip": zip_code},
        "age": 18 + rng.randrange(60),
        "vip": i % 7 == 0,
        "campaignName": "Welcome",
        "source": SOURCES[i % len(SOURCES)],
        "items": [{"sku": f"SKU-{k + 1}", "qty": k + 1} for k in range(5)],
    }


def store(root):
    return sqlite3.connect(os.path.join(root, ".hookline", "state.sqlite"), timeout=10)


def users(root, n):
    rng = random.Random(42)
    db = store(root)
    columns = [row[1] for row in db.execute("PRAGMA table_info(user)")]
    if columns != ["email", "profile"]:
        sys.exit(f"unexpected user table columns {columns}; has hookline migrated the store?")
    with db:
        db.execute("DELETE FROM user")
        db.executemany(
            "INSERT INTO user (email, profile) VALUES (?, ?)",
            ((p["email"], json.dumps(p, separators=(",", ":"))) for p in (profile(i, rng) for i in range(n))))
    count = db.execute("SELECT COUNT(*) FROM user").fetchone()[0]
    db.close()
    if count != n:
        sys.exit(f"wrote {count} users, expected {n}")
    print(count)


def reset(root):
    db = store(root)
    with db:
        # Every table a run writes, so that each run starts from the same store.
        for table in ("attempt", "journey", "delivery", "event"):
            db.execute(f"DELETE FROM {table}")
    db.close()


def parse_time(text):
    # GRDB stores dates as "YYYY-MM-DD HH:MM:SS.SSS" (UTC).
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").timestamp()


def check(root, n):
    db = store(root)
    attempts, ok, distinct, first, last, lat = db.execute(
        "SELECT COUNT(*), SUM(status BETWEEN 200 AND 299), COUNT(DISTINCT userEmail), MIN(startedAt), "
        "MAX(startedAt), AVG(latencyMs) FROM attempt").fetchone()
    statuses = dict(db.execute("SELECT COALESCE(status, errorClass), COUNT(*) FROM attempt GROUP BY 1").fetchall())
    db.close()
    window = parse_time(last) - parse_time(first) if attempts else 0.0
    print(json.dumps({
        "attempts": attempts, "ok2xx": ok or 0, "distinctUsers": distinct, "expected": n,
        "pass": attempts == n and (ok or 0) == n and distinct == n,
        "sendWindowS": round(window, 3), "avgLatencyMs": round(lat or 0.0, 3),
        "statuses": {str(k): v for k, v in statuses.items()},
    }))


def lua(root, out):
    db = store(root)
    row = db.execute("SELECT requestBody, requestHeaders FROM attempt ORDER BY id LIMIT 1").fetchone()
    db.close()
    if row is None:
        sys.exit("no stored attempt to copy the request from")
    body, headers = row[0], json.loads(row[1])
    level = "="
    while f"]{level}]" in body:
        level += "="
    lines = ['wrk.method = "POST"', f"wrk.body = [{level}[{body}]{level}]"]
    for name, value in headers:
        lines.append(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    with open(out + ".body", "w", encoding="utf-8") as f:
        f.write(body)
    print(len(body.encode("utf-8")))


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    command, root = argv[1], argv[2]
    if command == "files":
        files(root, argv[3], argv[4], argv[5] if len(argv) > 5 else None)
    elif command == "users":
        users(root, int(argv[3]))
    elif command == "reset":
        reset(root)
    elif command == "check":
        check(root, int(argv[3]))
    elif command == "lua":
        lua(root, argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
