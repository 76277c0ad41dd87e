#!/usr/bin/env python3
"""A single-node key-value service in Python, to show Faultline testing a service that is
not written in JavaScript. With --durable every change is fsynced to DATA/data.json before
the answer; without it the data lives in memory only, so a kill -9 loses acknowledged writes.

    python3 server.py --port 7100 --data DIR [--durable]

    POST /op {"f": "read"|"write"|"cas", "key": k, "value": v, "expect": e}
      -> 200 {"value": v}      (read; null when absent)
      -> 200 {}                (write, cas)
      -> 409 {"error": "..."}  (cas compare failed)
"""
import argparse
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--data", required=True)
parser.add_argument("--durable", action="store_true")
args = parser.parse_args()

os.makedirs(args.data, exist_ok=True)
path = os.path.join(args.data, "data.json")
lock = threading.Lock()
state = {}
if args.durable and os.path.exists(path):
    with open(path) as f:
        state = json.load(f)


def persist():
    if not args.durable:
        return
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.send(200, {"ok": True})

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        key = req.get("key")
        with lock:
            if req.get("f") == "read":
                return self.send(200, {"value": state.get(key)})
            if req.get("f") == "write":
                state[key] = req.get("value")
                persist()
                return self.send(200, {})
            if req.get("f") == "cas":
                if state.get(key) != req.get("expect"):
                    return self.send(409, {"error": "compare failed"})
                state[key] = req.get("value")
                persist()
                return self.send(200, {})
        self.send(400, {"error": "unknown f"})


print(f"python-kv listening on {args.port} durable={args.durable}", flush=True)
ThreadingHTTPServer(("0.0.0.0", args.port), Handler).serve_forever()
