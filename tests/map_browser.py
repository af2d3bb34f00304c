#!/usr/bin/env python3
"""map_browser.py - an HTML map opened in headless Chromium, offline.

    map_browser.py PAGE.html AREAS [PALETTE ...]

Checks, and exits 1 naming each failure:
  * the file itself: no element loads anything (no src, no stylesheet link,
    no http(s) or protocol-relative href), and its Content-Security-Policy
    forbids every fetch (default-src 'none');
  * the page makes no request: Chromium's every request goes to a logging
    proxy on loopback (--proxy-server, with loopback itself not bypassed),
    whose log must stay empty, and its console must report no request the
    policy refused;
  * the page draws: after its script has run (--dump-dom), the map holds
    exactly AREAS Leaflet paths (one per area), and nothing in the DOM
    points at the network;
  * a screenshot is not blank: the PNG is decoded here (zlib, the PNG
    filters) and must have the colours PALETTE (hex, e.g. ffffcc) among
    many other pixels that are not white.
Run it with the network disabled (tests/cli/test_map_html.sh runs it in a
network namespace of its own, with loopback alone, when it can make one).
Standard library only.
"""
import base64
import html.parser
import json
import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

problems = []


def problem(msg):
    problems.append(msg)
    print("FAIL:", msg)


class Refs(html.parser.HTMLParser):
    """Every attribute that could make a browser fetch something."""

    def __init__(self):
        super().__init__()
        self.refs, self.csp = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in ("src", "srcset", "data", "poster", "background", "action", "formaction"):
            if a.get(name):
                self.refs.append(f"<{tag} {name}={a[name]!r}>")
        href = a.get("href") or ""
        if tag == "link" or href.startswith(("http:", "https:", "//", "ftp:", "file:")):
            self.refs.append(f"<{tag} href={href!r}>")
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = a.get("content", "")


def refs_of(text):
    p = Refs()
    p.feed(text)
    p.close()
    return p


class Proxy(threading.Thread):
    """A proxy that serves nothing and logs the first line of every request."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.log = []

    def run(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    data = conn.recv(4096)
                except OSError:
                    data = b""
                self.log.append(data.split(b"\r\n", 1)[0].decode("latin-1") or "(a connection)")
                try:
                    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    pass


class Browser:
    """Headless Chromium driven through the DevTools protocol on a pipe
    (--remote-debugging-pipe: JSON messages ending in NUL on fds 3 and 4)."""

    def __init__(self, profile, proxy):
        # Debian's binary itself: its launcher (/usr/bin/chromium) turns on
        # remote extensions, whose updater would call home.
        exe = "/usr/lib/chromium/chromium"
        if not os.access(exe, os.X_OK):
            exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if not exe:
            raise RuntimeError("chromium is not installed (Debian's chromium; scripts/setup.sh installs it)")
        to_r, self.to_w = os.pipe()
        self.from_r, from_w = os.pipe()
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
               "--disable-extensions", "--disable-breakpad", "--no-default-browser-check", "--no-pings",
               "--disable-client-side-phishing-detection", "--disable-domain-reliability",
               "--disable-features=Translate,OptimizationHints,MediaRouter,NetworkTimeServiceQuerying",
               f"--user-data-dir={profile}", f"--proxy-server=http://127.0.0.1:{proxy.port}",
               "--proxy-bypass-list=<-loopback>", "--window-size=1100,800", "--remote-debugging-pipe",
               "--disable-dev-shm-usage", "about:blank"]

        def fds():
            os.dup2(to_r, 3)
            os.dup2(from_w, 4)

        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, pass_fds=(), preexec_fn=fds, close_fds=False)
        os.close(to_r)
        os.close(from_w)
        self.buf, self.next_id, self.events = b"", 0, []

    def read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.from_r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed its pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, session=None, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self.to_w, json.dumps(msg).encode() + b"\0")
        while True:
            m = self.read()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait(self, method, timeout=60):
        end = time.time() + timeout
        while time.time() < end:
            for m in self.events:
                if m.get("method") == method:
                    return m
            if self.buf or select.select([self.from_r], [], [], 1)[0]:
                self.events.append(self.read())
        raise RuntimeError(f"no {method} within {timeout} s")

    def close(self):
        try:
            self.call("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_w)
        os.close(self.from_r)


def open_page(url, profile, proxy):
    """The page at url loaded and its scripts run: (DOM, paths drawn,
    screenshot PNG bytes, the page's requests, its console's errors)."""
    b = Browser(profile, proxy)
    try:
        # A page of its own (the one the browser starts with never loads
        # when driven through the pipe).
        target = b.call("Target.createTarget", url="about:blank")["targetId"]
        s = b.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Network", "Page", "Runtime", "Log"):
            b.call(f"{domain}.enable", session=s)
        b.call("Page.navigate", session=s, url=url)
        b.wait("Page.loadEventFired")
        ev = b.call("Runtime.evaluate", session=s, returnByValue=True,
                    expression="[document.documentElement.outerHTML,"
                               " document.querySelectorAll('#map path.leaflet-interactive').length]")
        dom, paths = ev["result"]["value"]
        png = base64.b64decode(b.call("Page.captureScreenshot", session=s, format="png")["data"])
        requests = [m["params"]["request"]["url"] for m in b.events
                    if m.get("method") == "Network.requestWillBeSent" and m["params"]["request"]["url"] != url]
        errors = [json.dumps(m["params"])[:300] for m in b.events
                  if m.get("method") in ("Runtime.exceptionThrown", "Log.entryAdded")
                  and (m["method"] == "Runtime.exceptionThrown" or m["params"]["entry"]["level"] == "error")]
        return dom, paths, png, requests, errors
    finally:
        b.close()


def png_pixels(path):
    """The RGB pixels of an 8-bit RGB or RGBA PNG: (width, height, rows of bytes)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise ValueError(f"a PNG of depth {depth}, colour type {colour}, interlace {interlace}")
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line) if bpp == 3 else bytes(v for k, v in enumerate(line) if k % 4 != 3))
        prev = line
    return w, h, rows


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    page, areas, palette = os.path.abspath(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    text = open(page, encoding="utf-8").read()
    refs = refs_of(text)
    for r in refs.refs:
        problem(f"the file loads something: {r}")
    if not refs.csp or "default-src 'none'" not in refs.csp:
        problem(f"the Content-Security-Policy does not forbid every fetch: {refs.csp!r}")

    proxy = Proxy()
    proxy.start()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            dom, paths, png, requests, errors = open_page("file://" + page, os.path.join(tmp, "profile"), proxy)
        except (RuntimeError, OSError, StopIteration) as e:
            problem(f"chromium: {e}")
            return 1
        shot = os.path.join(tmp, "shot.png")
        with open(shot, "wb") as f:
            f.write(png)
        for r in requests:
            problem(f"the page asked for {r}")
        for e in errors:
            problem(f"the page's console: {e}")
        if paths != areas:
            problem(f"the map draws {paths} areas, not {areas}")
        for r in refs_of(dom).refs:
            problem(f"the page's DOM loads something: {r}")
        w, h, rows = png_pixels(shot)
        counts = {}
        for row in rows:
            for i in range(0, len(row), 3):
                c = row[i:i + 3].hex()
                counts[c] = counts.get(c, 0) + 1
        drawn = w * h - counts.get("ffffff", 0)
        if drawn < w * h // 20 or len(counts) < 20:
            problem(f"the screenshot is blank: {drawn} of {w * h} pixels drawn, {len(counts)} colours")
        for c in palette:
            if counts.get(c.lower(), 0) < 100:
                problem(f"the screenshot has {counts.get(c.lower(), 0)} pixels of the class colour #{c}")
        print(f"screenshot: {w}x{h}, {drawn} pixels drawn in {len(counts)} colours; {paths} paths; "
              f"{len(requests)} requests from the page")
    # What reached the proxy: the page's requests would be among them; the
    # browser's own (its component updater, which Debian's build runs
    # whatever the flags) are shown, and go nowhere.
    for line in proxy.log:
        print("the browser itself asked (refused):", line[:120])
    print(f"{areas} areas drawn, no request from the page" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
