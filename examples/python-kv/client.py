#!/usr/bin/env python3
"""Faultline's JSON-lines client protocol, in Python: one request per line on stdin, one
answer per line on stdout. Only an answer that proves the op did not happen is "fail";
a timeout or a broken connection is "info" (it may have happened).
"""
import json
import socket
import sys
import urllib.error
import urllib.request

for line in sys.stdin:
    req = json.loads(line)
    f, value = req["f"], req["value"]
    key, arg = value
    body = {"f": f, "key": key}
    if f == "write":
        body["value"] = arg
    elif f == "cas":
        body["expect"], body["value"] = arg
    answer = {"id": req["id"]}
    try:
        http_req = urllib.request.Request(
            f"http://{req['host']}:{req['port']}/op",
            data=json.dumps(body).encode(),
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(http_req, timeout=2) as res:
            data = json.loads(res.read() or b"{}")
        answer["type"] = "ok"
        answer["value"] = [key, data.get("value")] if f == "read" else value
    except urllib.error.HTTPError as e:
        answer["type"] = "fail"  # the service answered: it refused
        answer["error"] = f"http {e.code}"
    except (ConnectionRefusedError, urllib.error.URLError) as e:
        refused = isinstance(getattr(e, "reason", e), ConnectionRefusedError)
        # Never connected: definitely not done. Otherwise unknown, except for reads.
        answer["type"] = "fail" if refused or f == "read" else "info"
        answer["error"] = str(e)
    except (socket.timeout, TimeoutError, ConnectionError) as e:
        answer["type"] = "fail" if f == "read" else "info"
        answer["error"] = str(e)
    print(json.dumps(answer), flush=True)
