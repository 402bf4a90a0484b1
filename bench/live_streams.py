"""Benchmark: live video from simulated drones — glass-to-glass delay in the page, and how many
simultaneous streams this machine sustains.

    .venv/bin/python bench/live_streams.py [--rounds 3] [--seconds 5] [--max-streams 128] [--step-seconds 8]

Everything real and local: nginx with the RTMP module on LawTrail's own configuration
(deploy/nginx/lawtrail-rtmp.conf through ``lawtrail.live.nginx.NginxRtmp``: HLS with 1 s
fragments, ``record all``), ffmpeg publishers (``lawtrail.live.sim``), Debian's Chromium with
hls.js configured as the live page configures it. nginx's ``on_publish`` callbacks go to a stub
that authorises every publish (LawTrail's callback runs once per publish, not per frame; it is
tested in tests/live). Ports: HTTP 8360–8399, RTMP 19350–19399.

**Glass-to-glass delay.** The simulator burns the wall-clock time into every frame as it makes it
(``--clock``: 24 black/white 16×16 blocks = milliseconds mod 2^24). In Chromium, each frame the
<video> presents (``requestVideoFrameCallback``) is drawn to a canvas, the blocks are read back
and compared with ``Date.now()``: the delay from the frame's creation to its display — encoding,
RTMP, nginx's HLS segmenter, the playlist, hls.js's buffer, decoding. Baseline in the same run:
the same stream read over RTMP from nginx by ffmpeg (low-delay flags) and decoded, the clock
read from the raw frame — the floor of the ingest without HLS. Rounds interleave the two (the
order alternates); figures are the median over rounds of each round's median, with the spread
(min–max of the round medians), and the ratio page / RTMP per round, then its median.

**Simultaneous streams.** Publishers copy a prepared 640×360 25 fps H.264/AAC clip (800 kbit/s)
in real time (``-re``, no encoder: the cost measured is nginx's — ingest, HLS segmenting,
recording — not the simulator's). The count is ramped (1, 2, 4, 6, 8, 12, 16, 24, 32 …); at each
step, after a warm-up, every stream's HLS output is watched for ``--step-seconds``: a stream keeps
up when the media seconds it produced (the #EXTINF of new fragments) are ≥ 90 % of the wall
time and its playlist (rewritten as each fragment completes) is never older than 3 s. The figure is the largest step where all
streams kept up; the run stops at the first step where one fell behind (or at --max-streams).
"""

from __future__ import annotations

import argparse
import http.server
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawtrail.settings")

MOD = 1 << 24
CLOCK_JS = """
() => new Promise((resolve) => {
  const v = document.getElementById('v');
  const c = document.createElement('canvas'); c.width = 384; c.height = 16;
  const g = c.getContext('2d', { willReadFrequently: true });
  const out = [];
  const until = performance.now() + %d;
  function frame() {
    const now = Date.now();
    g.drawImage(v, 0, 0, 384, 16, 0, 0, 384, 16);
    const d = g.getImageData(0, 0, 384, 16).data;
    let ms = 0;
    for (let b = 0; b < 24; b++) { if (d[(8 * 384 + b * 16 + 8) * 4] > 128) ms += 2 ** b; }
    out.push(((now %% %d) - ms + %d) %% %d);
    if (performance.now() < until) v.requestVideoFrameCallback(frame); else resolve(out);
  }
  v.requestVideoFrameCallback(frame);
})
"""

PAGE = """<!doctype html><meta charset="utf-8"><title>live bench</title>
<video id="v" muted autoplay playsinline width="640" height="360"></video>
<script src="/hls.min.js"></script>
<script>
const v = document.getElementById('v');
// as lawtrail/live/static/live/live.js configures it
const hls = new Hls({ lowLatencyMode: true, liveSyncDurationCount: 2, enableWorker: false });
hls.loadSource('/hls/%s/index.m3u8'); hls.attachMedia(v); v.play().catch(() => {});
</script>"""


def setup_django():
    import django

    django.setup()


def free_port(lo, hi):
    from tests.ports import free_port as fp

    return fp(lo, hi)


class Stub(http.server.BaseHTTPRequestHandler):
    """nginx's callbacks (authorise every publish) and the bench page with its HLS files."""

    hls_dir: Path = Path()
    serial = ""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.end_headers()

    def do_GET(self):
        path = urllib.parse.urlparse(self.path).path
        if path == "/":
            body, ctype = (PAGE % self.serial).encode(), "text/html"
        elif path == "/hls.min.js":
            body, ctype = (ROOT / "node_modules/hls.js/dist/hls.min.js").read_bytes(), "text/javascript"
        elif path.startswith("/hls/") and ".." not in path:
            try:
                body = (self.hls_dir / path[5:]).read_bytes()
            except OSError:
                self.send_error(404)
                return
            ctype = "application/vnd.apple.mpegurl" if path.endswith(".m3u8") else "video/mp2t"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def rtmp_delays(url: str, seconds: float) -> list[float]:
    """The reference player: ffmpeg reads the stream over RTMP, decodes it, we read the clock."""
    proc = subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-fflags", "nobuffer", "-flags", "low_delay",
         "-probesize", "32768", "-analyzeduration", "0", "-i", url,
         "-map", "0:v", "-vf", "crop=384:16:0:0", "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    out: list[float] = []
    size = 384 * 16
    started = time.monotonic()
    try:
        while time.monotonic() - started < seconds + 1:
            buf = proc.stdout.read(size)
            if len(buf) < size:
                break
            now = int(time.time() * 1000) % MOD
            if time.monotonic() - started < 1:  # the first second: connection and probing
                continue
            ms = sum(1 << b for b in range(24) if buf[8 * 384 + b * 16 + 8] > 128)
            out.append((now - ms) % MOD)
    finally:
        proc.kill()
        proc.wait()
    return out


def page_delays(page, seconds: float) -> list[float]:
    return page.evaluate(CLOCK_JS % (int(seconds * 1000), MOD, MOD, MOD))


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ms (spread {min(values):.0f}–{max(values):.0f})"


def measure_delay(ngx, work: Path, args) -> dict:
    from playwright.sync_api import sync_playwright
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    from lawtrail.live.sim import Simulation

    serial = "BENCH-CLOCK"
    sim = Simulation(serial=serial, agency="X", key="k", rtmp=ngx.rtmp_url, clock=True)
    sim.seconds = 60 + args.rounds * 2 * (args.seconds + 4)
    publisher = sim.start_video()
    Stub.hls_dir, Stub.serial = ngx.hls_dir, serial
    page_round, rtmp_round, ratios = [], [], []
    try:
        deadline = time.monotonic() + 30
        while not (ngx.hls_dir / serial / "index.m3u8").exists():
            if time.monotonic() > deadline or publisher.poll() is not None:
                raise RuntimeError("the clock stream did not start")
            time.sleep(0.2)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 800, "height": 500})
            page.goto(f"http://127.0.0.1:{args.http_port}/")
            page.wait_for_function("() => document.getElementById('v').currentTime > 2", timeout=60_000)
            for r in range(args.rounds):
                order = ("page", "rtmp") if r % 2 == 0 else ("rtmp", "page")
                got = {}
                for which in order:
                    if which == "page":
                        got["page"] = page_delays(page, args.seconds)
                    else:
                        got["rtmp"] = rtmp_delays(f"{ngx.rtmp_url}/{serial}", args.seconds)
                p, q = statistics.median(got["page"]), statistics.median(got["rtmp"])
                page_round.append(p)
                rtmp_round.append(q)
                ratios.append(p / q)
                print(f"  round {r + 1}: page {p:.0f} ms ({len(got['page'])} frames), "
                      f"RTMP {q:.0f} ms ({len(got['rtmp'])} frames)", flush=True)  # fmt: skip
            page.screenshot(path=str(work / "bench-page.png"))
            browser.close()
    finally:
        publisher.terminate()
        publisher.wait(10)
    return {"page": page_round, "rtmp": rtmp_round, "ratio": ratios}


EXTINF = re.compile(r"#EXTINF:([0-9.]+),\s*\n([^\n#]+)")


def segments(playlist: Path) -> dict[str, float]:
    try:
        text = playlist.read_text()
    except OSError:
        return {}
    return {name.strip(): float(d) for d, name in EXTINF.findall(text)}


def proc_cpu(pid: int) -> float:
    """CPU seconds used by a process and its children that were waited for (nginx's worker)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for p in [pid, *children(pid)]:
        try:
            f = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(f[11]) + int(f[12])) / tick
        except (OSError, IndexError):
            pass
    return total


def children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def ramp(ngx, work: Path, args) -> list[dict]:
    from lawtrail.live.sim import Simulation, prepare_clip

    clip = prepare_clip(str(work / "clip.flv"), seconds=10)
    steps = [n for n in (1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128) if n <= args.max_streams]
    publishers: list[subprocess.Popen] = []
    results = []
    try:
        for n in steps:
            while len(publishers) < n:
                sim = Simulation(serial=f"BENCH-{len(publishers) + 1:03d}", agency="X", key="k",
                                 rtmp=ngx.rtmp_url, source=clip, seconds=3600)  # fmt: skip
                publishers.append(sim.start_video())
            time.sleep(4)  # warm-up: connect, first fragments
            names = [f"BENCH-{i + 1:03d}" for i in range(n)]
            seen = {s: set(segments(ngx.hls_dir / s / "index.m3u8")) for s in names}
            media = dict.fromkeys(names, 0.0)
            worst_age = 0.0
            cpu0, t0 = proc_cpu(ngx.process.pid), time.monotonic()
            pub0 = sum(proc_cpu(p.pid) for p in publishers)
            while time.monotonic() - t0 < args.step_seconds:
                time.sleep(0.5)
                for s in names:
                    pl = ngx.hls_dir / s / "index.m3u8"
                    for name, dur in segments(pl).items():
                        if name not in seen[s]:
                            seen[s].add(name)
                            media[s] += dur
                    try:  # the playlist is rewritten when a fragment is complete
                        worst_age = max(worst_age, time.time() - pl.stat().st_mtime)
                    except OSError:
                        worst_age = max(worst_age, args.step_seconds)
            wall = time.monotonic() - t0
            cpu = proc_cpu(ngx.process.pid) - cpu0
            pub = sum(proc_cpu(p.pid) for p in publishers) - pub0
            alive = sum(p.poll() is None for p in publishers)
            lowest = min(media.values()) / wall
            ok = lowest >= 0.9 and worst_age <= 3.0 and alive == n
            results.append({"streams": n, "lowest": lowest, "age": worst_age, "nginx_cpu": cpu / wall, "pub_cpu": pub / wall,
                            "load": os.getloadavg()[0], "ok": ok})  # fmt: skip
            print(f"  {n:3d} streams: slowest stream {lowest:.2f} s of media per s, playlist "
                  f"≤ {worst_age:.1f} s old, nginx {cpu / wall * 100:.0f} % CPU, publishers {pub / wall * 100:.0f} %, load {os.getloadavg()[0]:.1f}"
                  f"{'' if ok else '  ← fell behind'}", flush=True)  # fmt: skip
            if not ok:
                break
    finally:
        for p in publishers:
            p.terminate()
        for p in publishers:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5, help="seconds of frames per measurement")
    parser.add_argument("--max-streams", type=int, default=128)
    parser.add_argument("--step-seconds", type=float, default=8)
    parser.add_argument("--skip-delay", action="store_true")
    parser.add_argument("--skip-ramp", action="store_true")
    args = parser.parse_args()
    setup_django()
    from lawtrail.live.nginx import NginxRtmp

    args.http_port = free_port(8360, 8399)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.http_port), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    work = Path(tempfile.mkdtemp(prefix="lawtrail-bench-live-"))
    print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} at start", flush=True)
    try:
        with NginxRtmp(
            work / "nginx",
            app_url=f"http://127.0.0.1:{args.http_port}",
            rtmp_port=free_port(19350, 19399),
            http_port=free_port(8360, 8399),
        ) as ngx:
            if not args.skip_delay:
                print("glass-to-glass delay (frame made → frame shown):", flush=True)
                d = measure_delay(ngx, work, args)
                print(f"  in the page (hls.js, 1 s fragments): {spread(d['page'])}")
                print(f"  baseline, RTMP read back by ffmpeg:  {spread(d['rtmp'])}")
                print(f"  ratio page / RTMP: {statistics.median(d['ratio']):.1f} "
                      f"(spread {min(d['ratio']):.1f}–{max(d['ratio']):.1f})", flush=True)  # fmt: skip
            if not args.skip_ramp:
                print("simultaneous streams (copying publishers, HLS + recording):", flush=True)
                steps = ramp(ngx, work, args)
                kept = [s["streams"] for s in steps if s["ok"]]
                tail = (
                    ""
                    if steps and not steps[-1]["ok"]
                    else f" (the ramp stopped at --max-streams {args.max_streams})"
                )
                print(f"  sustained: {max(kept) if kept else 0} simultaneous streams{tail}")
    finally:
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
