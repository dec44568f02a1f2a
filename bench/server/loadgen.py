#!/usr/bin/python3
"""Load generator for `sciagents serve` (standard library only; loopback).

  roundtrip URL TOKEN [--n 300] [--clients 4]
      submit -> result round trips of a 10x10 linear solve: POST /v1/jobs, follow
      /v1/jobs/{id}/events until `done`, GET /v1/jobs/{id}/result. Prints p50/p99 and errors.
  status URL TOKEN --path /v1/jobs/ID [--connections 200] [--rate 4000] [--seconds 10]
      open loop: holds N keep-alive connections and sends GET PATH at a fixed total rate spread over
      them (each connection waits for its answer before its next request). Latency is measured from
      the scheduled send time, so a stalled server is not hidden (no coordinated omission).
  sse URL TOKEN [--streams 500] [--hold 10]
      holds N concurrent event streams of one long job, checks that every stream stays open while
      the server keeps answering /livez, then cancels the job and checks that every stream got `done`.
"""
import argparse
import http.client
import json
import random
import select
import socket
import statistics
import sys
import threading
import time
import urllib.parse


def pct(values, q):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q / 100.0 * len(s) + 0.5)) - 1))]


def solve_doc(seed):
    rnd = random.Random(seed)
    n = 10
    A = [[(n + 1.0 if i == j else 0.0) + rnd.random() for j in range(n)] for i in range(n)]
    b = [rnd.random() for _ in range(n)]
    return {"workflow": {"sciagents": 1, "name": "bench solve",
                         "steps": [{"id": "s", "agent": "linear_algebra", "task": "solve", "params": {"A": A, "b": b}}]},
            "no_cache": True}


def wait_done(host, port, token, job_id, timeout=30):
    """Opens the job's event stream and returns the final state (from the `done` event)."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    conn.request("GET", "/v1/jobs/%s/events" % job_id, headers={"Authorization": "Bearer " + token})
    r = conn.getresponse()
    if r.status != 200:
        conn.close()
        raise RuntimeError("events: HTTP %d" % r.status)
    event = None
    while True:
        line = r.fp.readline()
        if not line:
            break
        line = line.decode().rstrip("\r\n")
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:") and event == "done":
            conn.close()
            return json.loads(line[5:])["state"]
    conn.close()
    raise RuntimeError("stream ended without done")


def roundtrip(args):
    u = urllib.parse.urlparse(args.url)
    lat, errors, lock = [], [], threading.Lock()
    per_client = args.n // args.clients

    def client(k):
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        hdr = {"Authorization": "Bearer " + args.token, "Content-Type": "application/json"}
        for i in range(per_client):
            body = json.dumps(solve_doc(k * 100000 + i))
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/v1/jobs", body=body, headers=hdr)
                r = conn.getresponse()
                data = r.read()
                if r.status != 202:
                    raise RuntimeError("submit: HTTP %d %s" % (r.status, data[:100]))
                jid = json.loads(data)["id"]
                state = wait_done(u.hostname, u.port, args.token, jid)
                conn.request("GET", "/v1/jobs/%s/result" % jid, headers=hdr)
                r = conn.getresponse()
                res = json.loads(r.read())
                if r.status != 200 or state != "succeeded" or res["status"] != "succeeded" or len(res["steps"]["s"]["outputs"]["x"]) != 10:
                    raise RuntimeError("result: HTTP %d state %s" % (r.status, state))
                with lock:
                    lat.append((time.perf_counter() - t0) * 1000)
            except Exception as e:  # noqa: BLE001 - counted and printed
                with lock:
                    errors.append(str(e))
                conn.close()
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)

    # warm-up
    for _ in range(5):
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        c.request("POST", "/v1/jobs", body=json.dumps(solve_doc(1)),
                  headers={"Authorization": "Bearer " + args.token, "Content-Type": "application/json"})
        wait_done(u.hostname, u.port, args.token, json.loads(c.getresponse().read())["id"])
        c.close()
    t0 = time.time()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.time() - t0
    print("roundtrip: %d ok, %d errors, %d clients, %.1f jobs/s, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, mean %.2f ms"
          % (len(lat), len(errors), args.clients, len(lat) / wall, pct(lat, 50), pct(lat, 90), pct(lat, 99),
             statistics.mean(lat) if lat else float("nan")))
    for e in errors[:5]:
        print("  error:", e)
    return 1 if errors else 0


def livez_ms(host, port):
    t0 = time.perf_counter()
    c = http.client.HTTPConnection(host, port, timeout=5)
    c.request("GET", "/livez")
    ok = c.getresponse().status == 200
    c.close()
    return (time.perf_counter() - t0) * 1000 if ok else float("inf")


def sse(args):
    u = urllib.parse.urlparse(args.url)
    host, port = u.hostname, u.port
    hdr = {"Authorization": "Bearer " + args.token, "Content-Type": "application/json"}
    c = http.client.HTTPConnection(host, port, timeout=30)
    long_job = {"sciagents": 1, "name": "bench long", "steps": [{"id": "osc", "agent": "ode_pde", "task": "ivp", "params": {
        "rhs": ["y2", "-y1"], "states": ["y1", "y2"], "y0": [1, 0], "t_span": [0, 1e9],
        "t_eval": {"linspace": [0, 1e9, 11]}, "method": "dop853", "rtol": 1e-13, "atol": 1e-13,
        "max_num_steps": 2000000000}}]}
    c.request("POST", "/v1/jobs", body=json.dumps(long_job), headers=hdr)
    jid = json.loads(c.getresponse().read())["id"]
    req = ("GET /v1/jobs/%s/events HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\nAccept: text/event-stream\r\n\r\n"
           % (jid, host, port, args.token)).encode()
    socks, errors = [], []
    t0 = time.time()
    for i in range(args.streams):
        try:
            s = socket.create_connection((host, port), timeout=10)
            s.sendall(req)
            socks.append(s)
        except OSError as e:
            errors.append("connect %d: %s" % (i, e))
    buf = {s: b"" for s in socks}
    # Every stream must answer 200 with its first (state) event.
    deadline = time.time() + 30
    pending = set(socks)
    while pending and time.time() < deadline:
        r, _, _ = select.select(list(pending), [], [], 1.0)
        for s in r:
            d = s.recv(65536)
            if not d:
                errors.append("closed before the first event")
                pending.discard(s)
                continue
            buf[s] += d
            if b"event: state" in buf[s] or b"event:state" in buf[s]:
                if not buf[s].startswith(b"HTTP/1.1 200"):
                    errors.append("status: " + buf[s].split(b"\r\n")[0].decode())
                pending.discard(s)
    errors += ["no first event"] * len(pending)
    opened = time.time() - t0
    # Hold them; the server keeps answering other requests meanwhile.
    lat = []
    hold_end = time.time() + args.hold
    closed_early = 0
    while time.time() < hold_end:
        lat.append(livez_ms(host, port))
        r, _, _ = select.select(socks, [], [], 0.2)
        for s in r:
            d = s.recv(65536)
            if not d:
                closed_early += 1
                socks.remove(s)
    rss = None
    if args.pid:
        with open("/proc/%d/status" % args.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024.0
    # Cancel: every stream must end with `done`.
    c.request("DELETE", "/v1/jobs/%s" % jid, headers=hdr)
    c.getresponse().read()
    got_done = 0
    deadline = time.time() + 30
    pending = set(socks)
    while pending and time.time() < deadline:
        r, _, _ = select.select(list(pending), [], [], 1.0)
        for s in r:
            try:
                d = s.recv(65536)
            except OSError:
                d = b""
            buf[s] += d
            if b"event: done" in buf[s] or b"event:done" in buf[s]:
                got_done += 1
                pending.discard(s)
            elif not d:
                pending.discard(s)
    for s in socks:
        s.close()
    ok = args.streams - len(errors) - closed_early
    print("sse: %d/%d streams open within %.2f s, held %d s (%d closed early), %d got done after cancel; "
          "/livez while held p50 %.2f ms max %.2f ms; server RSS with streams %s MB; errors %d"
          % (ok, args.streams, opened, args.hold, closed_early, got_done, pct(lat, 50), max(lat) if lat else float("nan"),
             "%.1f" % rss if rss else "?", len(errors)))
    for e in errors[:5]:
        print("  error:", e)
    return 0 if ok == args.streams and got_done == ok and not errors else 1


def status_rate(args):
    """Open-loop GETs over persistent connections; prints p50/p99 and errors."""
    import selectors
    u = urllib.parse.urlparse(args.url)
    host, port = u.hostname, u.port
    req = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\n\r\n"
           % (args.path, host, port, args.token)).encode()
    sel = selectors.DefaultSelector()
    n = args.connections
    interval = n / float(args.rate)          # per-connection period
    conns = []
    for k in range(n):
        s = socket.create_connection((host, port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
        c = {"sock": s, "buf": b"", "due": None, "next": k * interval / n, "busy": False}
        conns.append(c)
        sel.register(s, selectors.EVENT_READ, c)
    lat, errors, late = [], 0, 0
    t0 = time.perf_counter()
    end = t0 + args.seconds
    for c in conns:
        c["next"] += t0
    while True:
        now = time.perf_counter()
        if now >= end and not any(c["busy"] for c in conns):
            break
        wake = end + 5
        for c in conns:
            if c["busy"]:
                continue
            if c["next"] < end and c["next"] <= now:
                c["due"] = c["next"]
                c["next"] += interval
                c["busy"] = True
                try:
                    c["sock"].sendall(req)
                except OSError:
                    errors += 1
                    c["busy"] = False
            elif c["next"] < end:
                wake = min(wake, c["next"])
        timeout = max(0.0, min(wake - time.perf_counter(), 0.05))
        for key, _ in sel.select(timeout):
            c = key.data
            try:
                data = c["sock"].recv(65536)
            except OSError:
                data = b""
            if not data:
                errors += 1
                sel.unregister(c["sock"])
                c["busy"] = False
                c["next"] = float("inf")
                continue
            c["buf"] += data
            while True:
                head_end = c["buf"].find(b"\r\n\r\n")
                if head_end < 0:
                    break
                head = c["buf"][:head_end].decode("latin-1")
                length = 0
                for line in head.split("\r\n")[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                total = head_end + 4 + length
                if len(c["buf"]) < total:
                    break
                code = int(head.split(" ", 2)[1])
                c["buf"] = c["buf"][total:]
                done = time.perf_counter()
                lat.append((done - c["due"]) * 1000)
                if code != 200:
                    errors += 1
                c["busy"] = False
                if c["next"] < done:
                    late += 1  # the schedule slipped: this connection's next request is already due
        if time.perf_counter() > end + 30:
            errors += sum(1 for c in conns if c["busy"])
            break
    for c in conns:
        c["sock"].close()
    elapsed = time.perf_counter() - t0
    print("status: %d requests in %.1f s (%.0f req/s offered, %.0f req/s done) over %d connections, "
          "p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d errors"
          % (len(lat), elapsed, args.rate, len(lat) / elapsed, n, pct(lat, 50), pct(lat, 99),
             max(lat) if lat else float("nan"), errors))
    return 0 if errors == 0 and lat else 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["roundtrip", "sse", "status"])
    p.add_argument("url")
    p.add_argument("token")
    p.add_argument("--n", type=int, default=300)
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--streams", type=int, default=500)
    p.add_argument("--hold", type=float, default=10)
    p.add_argument("--pid", type=int, default=0)
    p.add_argument("--path", default="/livez")
    p.add_argument("--connections", type=int, default=200)
    p.add_argument("--rate", type=float, default=4000)
    p.add_argument("--seconds", type=float, default=10)
    args = p.parse_args()
    modes = {"roundtrip": roundtrip, "sse": sse, "status": status_rate}
    sys.exit(modes[args.mode](args))


if __name__ == "__main__":
    main()
