#!/usr/bin/python3
"""Measure a page as headless Chromium lays it out, without running a script in it.

usage: page-metrics.py CHROMIUM PROFILE-DIR URL WIDTH [SCREENSHOT.png]

Chromium is driven over its DevTools pipe (--remote-debugging-pipe: commands
on fd 3, answers on fd 4, each a JSON text ended by a NUL byte). The page is
loaded in a WIDTH px wide window and Page.getLayoutMetrics gives the height
of its content; no JavaScript is evaluated in the page, so its Content
Security Policy applies unchanged. Prints one JSON object: width, height,
and the console messages Chromium logged (CSP violations among them).
With SCREENSHOT, the whole page is also saved as a PNG.
"""
import base64
import fcntl
import json
import os
import select
import subprocess
import sys
import time

chromium, profile, url, width = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
shot = sys.argv[5] if len(sys.argv) > 5 else None
LOG = open(os.environ.get("PAGE_METRICS_LOG", os.devnull), "w")
DEADLINE = time.monotonic() + 120

cmd_r, cmd_w = os.pipe()      # we write commands, Chromium reads fd 3
ans_r, ans_w = os.pipe()      # Chromium writes answers on fd 4
def child_fds():
    # Copies above 9 first: either end may already be fd 3 or 4.
    a, b = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 10), fcntl.fcntl(ans_w, fcntl.F_DUPFD, 10)
    os.dup2(a, 3)
    os.dup2(b, 4)
proc = subprocess.Popen(
    [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
     "--no-first-run", "--disable-background-networking", "--disable-component-update",
     "--disable-sync", "--disable-default-apps", "--disable-extensions",
     "--hide-scrollbars", "--user-data-dir=" + profile, "--remote-debugging-pipe",
     "--window-size=%d,800" % width, "about:blank"],
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=LOG,
    pass_fds=(3, 4), preexec_fn=child_fds)
os.close(cmd_r)
os.close(ans_w)

pending = b""
events = []
next_id = 0


def read_message():
    global pending
    while b"\0" not in pending:
        left = DEADLINE - time.monotonic()
        if left <= 0:
            raise SystemExit("page-metrics: timed out")
        ready, _, _ = select.select([ans_r], [], [], left)
        if not ready:
            continue
        chunk = os.read(ans_r, 1 << 20)
        if not chunk:
            raise SystemExit("page-metrics: chromium closed the pipe")
        pending += chunk
    msg, pending = pending.split(b"\0", 1)
    return json.loads(msg)


def send(method, params=None, session=None):
    global next_id
    next_id += 1
    msg = {"id": next_id, "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    os.write(cmd_w, json.dumps(msg).encode() + b"\0")
    while True:
        m = read_message()
        if m.get("id") == next_id:
            if "error" in m:
                raise SystemExit("page-metrics: %s: %s" % (method, m["error"]))
            return m.get("result", {})
        events.append(m)


def wait_event(name):
    for i, m in enumerate(events):
        if m.get("method") == name:
            return events.pop(i)
    while True:
        m = read_message()
        if m.get("method") == name:
            return m
        events.append(m)


try:
    target = send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    send("Page.enable", session=session)
    send("Log.enable", session=session)
    send("Emulation.setDeviceMetricsOverride",
         {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": False},
         session=session)
    send("Page.navigate", {"url": url}, session=session)
    wait_event("Page.loadEventFired")
    metrics = send("Page.getLayoutMetrics", session=session)
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    if shot:
        top, tall = 0, min(size["height"], 16000)
        if os.environ.get("PAGE_METRICS_CLIP"):     # "TOP,HEIGHT": a part only
            top, tall = (int(v) for v in os.environ["PAGE_METRICS_CLIP"].split(","))
        data = send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": top, "width": size["width"],
                             "height": tall, "scale": 1}},
                    session=session)["data"]
        with open(shot, "wb") as f:
            f.write(base64.b64decode(data))
    logs = [m["params"]["entry"].get("text", "") for m in events
            if m.get("method") == "Log.entryAdded"]
    print(json.dumps({"width": size["width"], "height": size["height"], "log": logs}))
finally:
    try:
        send("Browser.close")
    except (SystemExit, OSError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
