"""Benchmark: a tus upload + hash (SHA-256 and SM3) + store of a 1 GB file through the production
server, against a bare receiver and against ``openssl dgst -sha256`` — and the server's memory
during a 4 GB upload.

    .venv/bin/python bench/tus_upload.py [--size-mb 1024] [--rounds 5] [--big-mb 4096]

What it does (everything on 127.0.0.1, ports of recording's range 8300–8339):

- a fresh var/ in a temporary directory (SQLite migrated, local vault, the test cast, one case and
  an officer's API token — ``tests/recording/served.py``), then ``lawtrail serve`` (gunicorn, the
  production server, its default workers × threads);
- a bare receiver (started here, ``BARE`` below): a threaded ``http.server`` that reads a PATCH's
  body in 1 MiB pieces and writes it to a file — what any upload endpoint must at least do;
- a 1 GB file (an MP4 ``ftyp`` box, then pseudo-random blocks), its first bytes changed every
  round so that the vault stores new content each time (identical content is stored once);
- interleaved rounds (``sync`` before each measured step, so none pays for another's dirty
  pages) of: the same client (``http.client``, one PATCH streaming the file in 1 MiB
  blocks) to the bare receiver; the same client through tus (creation + one PATCH; the answer
  comes after the last byte is hashed, adopted by the vault and recorded as an evidence file);
  ``openssl dgst -sha256`` of the file; and, for the record, the vault's own SHA-256 + SM3
  (``Digests``) and SHA-256 alone (``Digests(sm3=False)``, what the upload computes before it
  answers) over the file in a fresh process. MB/s of each, the ratios tus / bare and tus /
  openssl per round, then their median and spread (min–max);
- the SM3 of an upload is computed by the vault after the answer (``vault_sm3_fill``): after
  each tus round the benchmark waits until the blob's SM3 is in the database (polling the
  SQLite file) and reports that too — "tus until SM3" is first byte → both digests journaled —
  so the work moved after the answer is measured, not hidden, and the next step does not
  share the cores with it;
- then one 4 GB upload through tus while the RSS of every server process is sampled every
  0.1 s: peak minus idle (before the upload) per process and in total.

Big files are deleted at the end (the upload file, the staged and stored copies).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.ports import free_port, wait_for_port  # noqa: E402
from tests.recording.served import Served  # noqa: E402

MB = 1 << 20
BLOCK = MB  # the client's send size and the bare receiver's read size

BARE = r"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OUT = sys.argv[2]

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_PATCH(self):
        left = int(self.headers["Content-Length"])
        with open(OUT, "wb") as f:
            while left:
                buf = self.rfile.read(min(1 << 20, left))
                if not buf:
                    break
                f.write(buf)
                left -= len(buf)
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


def make_file(path: Path, size: int) -> None:
    block = os.urandom(4 * MB)
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, len(block))
            f.write(block[:n])
            left -= n
    with open(path, "r+b") as f:
        f.write(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")


def vary(path: Path, n: int) -> None:
    """New content for the vault: 16 bytes after the ftyp box."""
    with open(path, "r+b") as f:
        f.seek(24)
        f.write(f"{n:016d}".encode())


def patch(
    port: int, target: str, path: Path, headers: dict[str, str], offset: int = 0
) -> http.client.HTTPResponse:
    size = path.stat().st_size
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3600, blocksize=BLOCK)
    with open(path, "rb") as f:
        conn.request(
            "PATCH",
            target,
            body=f,
            headers={
                **headers,
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": str(offset),
                "Content-Length": str(size - offset),
            },
        )
        r = conn.getresponse()
        r.read()
    conn.close()
    return r


def tus_upload(s: Served, world: dict, path: Path, name: str) -> tuple[float, dict]:
    """Creation + one PATCH; seconds from the first byte to the answer after the last byte
    (``sm3_after``: then until the vault has journaled the file's SM3)."""
    import base64

    auth = {"Authorization": f"Token {world['token']}", "Tus-Resumable": "1.0.0"}
    meta = {"case": str(world["case"]), "filename": name, "filetype": "video/mp4"}
    md = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items())
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
    conn.request(
        "POST",
        "/api/v1/recording/uploads",
        headers={**auth, "Upload-Length": str(path.stat().st_size), "Upload-Metadata": md},
    )
    r = conn.getresponse()
    r.read()
    assert r.status == 201, (r.status, r.headers)
    target = r.getheader("Location").split(s.base, 1)[1]
    conn.close()
    settle()
    t0 = time.perf_counter()
    r = patch(s.port, target, path, auth)
    dt = time.perf_counter() - t0
    assert r.status == 204 and r.getheader("X-Evidence-File"), (r.status, r.headers)
    file_id = int(r.getheader("X-Evidence-File"))
    sm3_after = wait_sm3(s.var, file_id) - t0
    return dt, {"file": file_id, "sm3_after": sm3_after}


def wait_sm3(var: Path, file_id: int, timeout: float = 600) -> float:
    """Poll the server's SQLite file until the evidence file's blob has its SM3; the clock then."""
    db = sqlite3.connect(f"file:{var / 'lawtrail.sqlite3'}?mode=ro", uri=True, timeout=30)
    end = time.monotonic() + timeout
    try:
        while time.monotonic() < end:
            row = db.execute(
                "SELECT b.sm3 FROM vault_blob b JOIN recording_evidencefile f ON f.blob_id = b.id"
                " WHERE f.id = ?",
                (file_id,),
            ).fetchone()
            if row and row[0]:
                return time.perf_counter()
            time.sleep(0.02)
    finally:
        db.close()
    raise AssertionError(f"the SM3 of evidence file {file_id} was not filled in {timeout} s")


def settle() -> None:
    """Write back what earlier steps left dirty in the page cache, so that no measured step pays
    for another's disk writes (both receivers write the whole file)."""
    os.sync()


def bare_upload(port: int, path: Path) -> float:
    settle()
    t0 = time.perf_counter()
    r = patch(port, "/upload", path, {})
    dt = time.perf_counter() - t0
    assert r.status == 204
    return dt


def openssl(path: Path) -> float:
    settle()
    t0 = time.perf_counter()
    subprocess.run(["openssl", "dgst", "-sha256", str(path)], check=True, capture_output=True)
    return time.perf_counter() - t0


DIGESTS = r"""
import sys, time
from lawtrail.core.vault.hashing import Digests
d = Digests(sm3=sys.argv[2] == "sm3")
t = time.perf_counter()
with open(sys.argv[1], "rb", buffering=0) as f:
    while buf := f.read(1 << 20):
        d.update(buf)
d.result()
print(time.perf_counter() - t)
"""


def digests(path: Path, *, sm3: bool = True) -> float:
    """The vault's own SHA-256 + SM3 (core.vault.hashing.Digests) over the file, in a fresh
    process — or SHA-256 alone (``sm3=False``), what the upload hashes before it answers."""
    settle()
    out = subprocess.run(
        [sys.executable, "-c", DIGESTS, str(path), "sm3" if sm3 else "sha256"],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    return float(out.stdout.strip().splitlines()[-1])


def drop_stored(var: Path) -> None:
    """The stored copies of the round (read-only files in the vault) go: disk, not the bench."""
    for p in (var / "vault").rglob("*"):
        if p.is_file() and p.stat().st_size > 64 * MB:
            p.unlink()


def group_pids(leader: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (d / "stat").read_text()
                pgid = int(stat.rsplit(")", 1)[1].split()[2])
                if pgid == leader:
                    out.append(int(d.name))
    return out


def rss_kb(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def med(xs):
    return statistics.median(xs), min(xs), max(xs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument(
        "--big-mb", type=int, default=4096, help="the upload during which RSS is sampled (0: skip)"
    )
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lawtrail-bench-tus-"))
    (work / "var").mkdir()
    s = Served(work / "var")
    bare_proc = None
    try:
        print(f"准备：{work}", flush=True)
        world = s.prepare()
        s.start()
        bare_port = free_port(8300, 8339)
        bare_proc = subprocess.Popen([sys.executable, "-c", BARE, str(bare_port), str(work / "bare.out")])
        wait_for_port(bare_port)
        data = work / "upload.bin"
        size = args.size_mb * MB
        make_file(data, size)
        mb = size / 1e6
        rows = {
            "bare": [],
            "tus": [],
            "tus_sm3": [],
            "openssl": [],
            "digests": [],
            "sha256": [],
            "r_bare": [],
            "r_bare_sm3": [],
            "r_openssl": [],
            "r_digests": [],
        }
        # a warm-up of each (page cache, the server's first request)
        vary(data, 0)
        bare_upload(bare_port, data)
        tus_upload(s, world, data, "warm.mp4")
        openssl(data)
        drop_stored(s.var)
        for n in range(1, args.rounds + 1):
            vary(data, n)
            b = bare_upload(bare_port, data)
            t, got = tus_upload(s, world, data, f"round-{n}.mp4")
            t3 = got["sm3_after"]
            o = openssl(data)
            h = digests(data)
            h1 = digests(data, sm3=False)
            drop_stored(s.var)
            rows["bare"].append(mb / b)
            rows["tus"].append(mb / t)
            rows["tus_sm3"].append(mb / t3)
            rows["openssl"].append(mb / o)
            rows["r_bare"].append(b / t)
            rows["r_bare_sm3"].append(b / t3)
            rows["r_openssl"].append(o / t)
            rows["digests"].append(mb / h)
            rows["sha256"].append(mb / h1)
            rows["r_digests"].append(h / t)
            print(
                f"第{n}轮：bare {mb / b:7.1f} MB/s  tus {mb / t:7.1f} MB/s  (until SM3 {mb / t3:7.1f})"
                f"  openssl {mb / o:7.1f} MB/s  SHA-256+SM3 {mb / h:7.1f}  SHA-256 {mb / h1:7.1f} MB/s"
                f"  tus/bare {b / t:.2f}  tus/openssl {o / t:.2f}",
                flush=True,
            )
        summary = {k: med(v) for k, v in rows.items()}
        print(f"\n{args.size_mb} MiB × {args.rounds} rounds (median, min–max):")
        for k, label in (("bare", "bare receiver MB/s"), ("tus", "tus upload+hash+store MB/s"),
                         ("tus_sm3", "tus until SM3 journaled MB/s"),
                         ("openssl", "openssl dgst -sha256 MB/s"),
                         ("digests", "SHA-256+SM3 in-process MB/s"), ("sha256", "SHA-256 in-process MB/s"),
                         ("r_bare", "tus / bare"), ("r_bare_sm3", "tus until SM3 / bare"),
                         ("r_openssl", "tus / openssl"), ("r_digests", "tus / SHA-256+SM3")):  # fmt: skip
            m, lo, hi = summary[k]
            print(f"  {label:<28} {m:8.2f}  ({lo:.2f}–{hi:.2f})")
        print(f"  target tus / bare ≥ 0.6: {'met' if summary['r_bare'][0] >= 0.6 else 'NOT met'}")
        data.unlink()
        (work / "bare.out").unlink(missing_ok=True)
        if args.big_mb:
            big = work / "big.bin"
            make_file(big, args.big_mb * MB)
            vary(big, 99)
            pids = group_pids(s.proc.pid)
            time.sleep(1.0)
            idle = {p: rss_kb(p) for p in pids}
            peak = dict(idle)
            done = threading.Event()

            def sample():
                while not done.is_set():
                    for p in group_pids(s.proc.pid):
                        peak[p] = max(peak.get(p, 0), rss_kb(p))
                    time.sleep(0.1)

            th = threading.Thread(target=sample, daemon=True)
            th.start()
            t, _ = tus_upload(s, world, big, "big.mp4")  # sampled until the SM3 is filled too
            done.set()
            th.join()
            print(f"\n{args.big_mb} MiB upload: {args.big_mb * MB / 1e6 / t:.1f} MB/s; server RSS (KiB):")
            grow = 0
            for p in sorted(peak):
                i = idle.get(p, 0)
                print(f"  pid {p}: idle {i}  peak {peak[p]}  +{peak[p] - i}")
                grow = max(grow, peak[p] - i)
            total = sum(peak.values()) - sum(idle.values())
            print(
                f"  largest growth of one process: {grow / 1024:.1f} MiB; all processes: {total / 1024:.1f} MiB"
            )
            print(f"  target ≤ 150 MB above idle: {'met' if grow * 1024 <= 150e6 else 'NOT met'}")
            big.unlink()
            drop_stored(s.var)
        print(json.dumps({k: v for k, v in summary.items()}, ensure_ascii=False))
    finally:
        if bare_proc is not None:
            bare_proc.kill()
            bare_proc.wait()
        s.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
