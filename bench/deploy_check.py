"""The multi-process deployment, started and checked on this machine (``make deploy-test``).

    .venv/bin/python bench/deploy_check.py [--load-seconds 60] [--clients 50] [--keep]

Starts, all on 127.0.0.1 (ports 8111–8180):
- moto_server (PyPI ``moto[server]``) as the S3-compatible store, a fresh bucket;
- a fresh PostgreSQL database ``lawtrail_prod_deploy``, created by ``lawtrail setup`` itself
  (the README's path), with the demo registry and a few demo cases;
- Redis db 10 (cache) and 11 (Celery broker), emptied first;
- two app servers (``lawtrail serve``, gunicorn 2 workers × 4 threads each) on 8111 and 8112,
  **each with its own empty var/ directory** — anything an instance kept on its own disk or
  in its memory would show as a difference between them;
- a Celery worker and Celery beat (django-celery-beat's database scheduler);
- Debian's nginx with ``deploy/nginx/lawtrail.conf`` itself (TLS with a self-signed
  certificate on 8143, HTTP→HTTPS on 8180; ports and paths substituted), round-robin over the
  two instances; the check adds one response header naming the instance that answered.

Then, through nginx (requests alternate between the instances; every request is attributed):
1. readiness of both instances (database, cache, storage on S3, broker, journal signer);
2. sessions: log in on the form, use the back office and log out (CSRF) on both instances;
3. a penalty case from lead to archive through the API as the demo's officer, approvers
   and reviewer (tokens from ``/api/v1/auth/token``): filing with its approval chain,
   evidence, investigation, proposal, notice, waived statement, legal review when the
   case needs it, decision chain, service, payment, execution, close, archive;
4. locks: the same transition sent at the same moment to both instances — exactly one wins;
5. periodic jobs: beat has run ``journal.integrate`` through the worker; a checkpoint signed
   by the worker; ``lawtrail verify`` over the whole journal: clean;
6. no local state: neither instance's var/ holds a file of its own (media, keys, sessions);
7. a load run: ``--clients`` concurrent clients (default 50) for ``--load-seconds`` (default
   60) through nginx over HTTPS keep-alive, a mix of pages and API reads; errors must be 0;
   p50/p95/p99 and req/s printed (docs/PERFORMANCE.md records them).

Exit status 0 only when every step passed. Everything it started is stopped at the end;
the database is dropped unless ``--keep``.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import multiprocessing as mp
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
APP_PORTS = (8111, 8112)
HTTPS_PORT, HTTP_PORT, S3_PORT = 8143, 8180, 8150
DB_NAME = "lawtrail_prod_deploy"
PG = f"postgres://postgres@{HOST}:5432"
DEMO_PASSWORD = "Demo@2026lt"  # lawtrail.demo.loader.DEMO_PASSWORD
BASE = f"https://{HOST}:{HTTPS_PORT}"
C = "/api/v1/cases/"


class CheckFailed(Exception):
    pass


def say(msg: str) -> None:
    print(msg, flush=True)


def expect(cond: bool, what: str) -> None:
    if not cond:
        raise CheckFailed(what)


# ---------------------------------------------------------------------------- processes


class Stack:
    """Everything the check starts; ``stop()`` ends each by its own process group."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], env: dict[str, str], cwd: Path = ROOT) -> subprocess.Popen:
        log = open(self.work / f"{name}.log", "w")
        proc = subprocess.Popen(
            argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs[name] = proc
        return proc

    def alive(self) -> None:
        for name, proc in self.procs.items():
            expect(proc.poll() is None, f"{name} exited early (log: {self.work / (name + '.log')})")

    def stop(self) -> None:
        for proc in reversed(list(self.procs.values())):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        deadline = time.monotonic() + 30
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def wait_http(url: str, timeout: float = 90, verify: str | bool = False) -> None:
    import requests

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if requests.get(url, timeout=5, verify=verify).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise CheckFailed(f"{url} did not answer 200 within {timeout:.0f} s")


def run(argv: list[str], env: dict[str, str], what: str, timeout: float = 900) -> str:
    r = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise CheckFailed(f"{what} failed ({r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}")
    return r.stdout


# ---------------------------------------------------------------------------- services


def ensure_nginx() -> str:
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if path:
        return path
    say("installing Debian's nginx …")
    subprocess.run(["make", "-s", "nginx"], cwd=ROOT, check=True)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def self_signed(work: Path) -> tuple[Path, Path]:
    cert, key = work / "tls.crt", work / "tls.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={HOST}",
         "-addext", f"subjectAltName=IP:{HOST}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def nginx_conf(work: Path, cert: Path, key: Path) -> Path:
    """deploy/nginx/lawtrail.conf itself, with this machine's ports and paths substituted."""
    site = (ROOT / "deploy" / "nginx" / "lawtrail.conf").read_text()
    proxy = (ROOT / "deploy" / "nginx" / "lawtrail_proxy.conf").read_text()
    subs = [
        ("least_conn;", "# round robin, so that consecutive requests alternate between the instances"),
        ("server 127.0.0.1:8001", f"server {HOST}:{APP_PORTS[0]}"),
        ("server 127.0.0.1:8002", f"server {HOST}:{APP_PORTS[1]}"),
        ("listen 80;", f"listen {HOST}:{HTTP_PORT};"),
        ("listen 443 ssl http2;", f"listen {HOST}:{HTTPS_PORT} ssl http2;"),
        ("server_name zhifa.example.gov.cn;", f"server_name {HOST};"),
        ("return 301 https://$host$request_uri;", f"return 301 https://$host:{HTTPS_PORT}$request_uri;"),
        ("/etc/ssl/lawtrail/fullchain.pem", str(cert)),
        ("/etc/ssl/lawtrail/privkey.pem", str(key)),
        ("/var/www/letsencrypt", str(work)),
        ("/etc/nginx/lawtrail_proxy.conf", str(work / "lawtrail_proxy.conf")),
    ]
    for old, new in subs:
        expect(
            old in site,
            f"deploy/nginx/lawtrail.conf no longer contains {old!r}: update bench/deploy_check.py",
        )
        site = site.replace(old, new)
    # the check's one addition: which instance answered (to prove alternation)
    proxy += "add_header X-Upstream $upstream_addr always;\n"
    (work / "lawtrail.conf").write_text(site)
    (work / "lawtrail_proxy.conf").write_text(proxy)
    temp = work / "nginx-tmp"
    temp.mkdir(exist_ok=True)
    main = work / "nginx.conf"
    main.write_text(
        f"""worker_processes 2;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 2048; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {work}/nginx-access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {work}/lawtrail.conf;
}}
"""
    )
    return main


KEYS = Path(tempfile.gettempdir()) / "lawtrail-prod-deploy-keys.json"


def keys(reuse: bool) -> dict[str, str]:
    """The deployment's secret key, journal key and personal-data keys (the same on every
    instance, as in /etc/lawtrail/lawtrail.env): new for a fresh database, kept for --reuse."""
    if reuse and KEYS.exists():
        kept = json.loads(KEYS.read_text())
        if "LAWTRAIL_FIELD_KEYS" in kept:
            return kept
    made = {
        "LAWTRAIL_SECRET_KEY": secrets.token_urlsafe(50),
        "LAWTRAIL_JOURNAL_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "LAWTRAIL_FIELD_KEYS": "k1:sm4:" + base64.b64encode(secrets.token_bytes(16)).decode(),
        "LAWTRAIL_FIELD_LOOKUP_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    KEYS.write_text(json.dumps(made))
    KEYS.chmod(0o600)
    return made


def reset_redis(env: dict[str, str]) -> None:
    import redis

    for url in (env["REDIS_URL"], env["CELERY_BROKER_URL"]):
        redis.Redis.from_url(url).flushdb()


def drop_database() -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB_NAME)))


# ---------------------------------------------------------------------------- HTTP through nginx


class Client:
    """requests through nginx; remembers which instance answered each request."""

    def __init__(self, cert: Path) -> None:
        import requests

        self.session = requests.Session()
        self.session.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment overrides verify
        self.session.verify = str(cert)
        self.upstreams: list[str] = []
        self.tokens: dict[str, str] = {}
        self.calls = 0

    def request(self, method: str, path: str, *, user: str | None = None, expect_status=(200, 201), **kw):
        headers = kw.pop("headers", {})
        if user:
            headers["Authorization"] = f"Token {self.tokens[user]}"
            headers.setdefault("Accept", "application/json")
        r = self.session.request(
            method, BASE + path, headers=headers, timeout=60, allow_redirects=False, **kw
        )
        self.calls += 1
        self.upstreams.append(r.headers.get("X-Upstream", "?"))
        if expect_status is not None and r.status_code not in (
            expect_status if isinstance(expect_status, tuple) else (expect_status,)
        ):
            raise CheckFailed(f"{method} {path} as {user}: HTTP {r.status_code} {r.text[:800]}")
        return r

    def token(self, username: str) -> None:
        r = self.request("post", "/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
        self.tokens[username] = r.json()["token"]

    def act(self, user: str, case_id: int, action: str, state: str | None = None, **body) -> dict:
        data = self.request("post", f"{C}{case_id}/actions/{action}", user=user, json=body).json()
        if state is not None:
            expect(data["state"] == state, f"{action}: state {data['state']} != {state}")
        return data

    def approve_all(self, case_id: int, waiting_state: str) -> dict:
        """Approve level by level as the demo's 承办机构负责人 / 分管领导 / 主要负责人."""
        by_role = {"approver_1": "approver1", "approver_2": "approver2", "approver_3": "approver3"}
        case = self.request("get", f"{C}{case_id}", user="officer").json()
        for _ in range(6):
            if case["state"] != waiting_state:
                return case
            pending = [a for a in case["approvals"] if a["status"] == "pending"]
            expect(len(pending) == 1, f"case {case_id}: {len(pending)} pending approvals")
            role = pending[0]["current_role"]
            case = self.request(
                "post", f"{C}{case_id}/approval/approve", user=by_role[role], json={"reasons": "同意。"}
            ).json()
        raise CheckFailed(f"case {case_id} still {case['state']} after six approvals")


def sessions_across_instances(client: Client) -> None:
    import re

    import requests

    s = requests.Session()
    s.trust_env = False
    s.verify = client.session.verify
    seen = set()
    page = s.get(BASE + "/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    seen.add(page.headers.get("X-Upstream"))
    r = s.post(
        BASE + "/login/",
        data={"username": "approver1", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": BASE + "/login/"},
        allow_redirects=False,
        timeout=30,
    )
    expect(r.status_code == 302, f"login: HTTP {r.status_code}")
    seen.add(r.headers.get("X-Upstream"))
    for _ in range(6):
        r = s.get(BASE + "/backoffice/", allow_redirects=False, timeout=30)
        expect(r.status_code == 200, f"back office after login: HTTP {r.status_code} (session not shared?)")
        seen.add(r.headers.get("X-Upstream"))
    expect(len(seen) == 2, f"the session requests did not reach both instances: {seen}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text).group(1)
    r = s.post(
        BASE + "/logout/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": BASE + "/backoffice/"},
        allow_redirects=False,
        timeout=30,
    )
    expect(r.status_code == 302, f"logout with the CSRF token of the other instance: HTTP {r.status_code}")
    r = s.get(BASE + "/backoffice/", allow_redirects=False, timeout=30)
    expect(r.status_code == 302, "still logged in after logout")
    say(f"  sessions: login, 6 back-office pages and logout (CSRF) across {sorted(seen)}: ok")


def case_flow(client: Client, facts: dict) -> int:
    # the platform's date (Asia/Shanghai), not this process's: between 16:00 and 24:00 UTC they differ
    today = facts["today"]
    lead = client.request(
        "post", C, user="officer",
        json={
            "domain": "market", "region": facts["region"], "title": "【部署检查】某商贸有限公司涉嫌违法经营案",
            "officer_ids": [facts["officer2"]], "act_date": facts["act_date"], "discovered_on": today,
            "violation_ids": [facts["violation"]],
        },
    ).json()  # fmt: skip
    cid = lead["id"]
    client.request("post", f"{C}{cid}/parties", user="officer", json=facts["party"])
    client.act("officer", cid, "filing_submit", state="filing")
    case = client.approve_all(cid, "filing")
    expect(case["state"] == "investigating" and case["number"], f"filing: {case['state']} {case['number']!r}")
    client.act("officer", cid, "evidence_add", kind="record", title="现场检查笔录", collected_on=today)
    case = client.act("officer2", cid, "evidence_add", kind="document", title="营业执照复印件")
    client.act(
        "officer",
        cid,
        "evidence_examine",
        evidence_ids=[e["id"] for e in case["evidence"]],
        record="当事人对证据无异议。",
    )
    client.act(
        "officer",
        cid,
        "investigation_end",
        state="investigated",
        report="经调查，当事人违法事实清楚，证据确凿。",
    )
    client.act(
        "officer", cid, "proposal_submit", state="proposing",
        outcome="penalty", kinds=["fine"], amount=facts["amount"], tier=facts["tier"],
    )  # fmt: skip
    client.approve_all(cid, "proposing")
    client.act("officer", cid, "notice_serve", state="notified", served_on=today)
    client.act("officer", cid, "statement_record", waived=True, text="当事人明确放弃陈述申辩和听证。")
    case = client.act("officer", cid, "statement_close", state="ready")
    if case["review_required"]:
        client.act("officer", cid, "review_submit", state="reviewing")
        case = client.act(
            "reviewer", cid, "review_pass", state="ready", opinion="事实清楚，证据确凿，适用依据正确。"
        )
    client.act("officer", cid, "decision_submit", state="deciding")
    case = client.approve_all(cid, "deciding")
    expect(case["state"] == "decided", f"decision: {case['state']}")
    client.act("officer", cid, "decision_serve", state="served", served_on=today, method="direct")
    client.act("officer", cid, "payment_record", state="served", amount=facts["amount"], paid_on=today)
    return cid


def concurrent_transition(cert: Path, token: str, cid: int) -> None:
    """The same step sent at once to both instances directly: one wins, one is refused."""
    import requests

    barrier = threading.Barrier(2)

    def send(port: int):
        barrier.wait()
        return requests.post(
            f"http://{HOST}:{port}{C}{cid}/actions/execution_complete",
            headers={"Authorization": f"Token {token}", "Accept": "application/json"}, json={}, timeout=60,
        )  # fmt: skip

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(send, APP_PORTS))
    codes = sorted(r.status_code for r in results)
    expect(
        codes == [200, 409],
        f"concurrent execution_complete on both instances: {codes} {[r.text[:200] for r in results]}",
    )
    loser = next(r for r in results if r.status_code == 409).json()
    say(f"  locks: the same transition on both instances at once → 200 and 409 {loser['code']}: ok")


# ---------------------------------------------------------------------------- load


def _load_worker(args) -> dict:
    """One client process: ``threads`` keep-alive HTTPS clients until ``until`` (wall clock)."""
    import http.client
    import ssl

    threads, until, token, ids, cert, seed = args
    ctx = ssl.create_default_context(cafile=cert)
    paths = (
        [("/api/v1/calendar/years", True)] * 5
        + [
            ("/api/v1/cases/?state=investigating", True),
            ("/api/v1/cases/", True),
            ("/api/v1/cases/?overdue=true", True),
        ]
        * 2
        + [("/api/v1/cases/todo", True)] * 3
        + [("/", False), ("/healthz", False)]
    )
    lat: list[float] = []
    errors: list[str] = []
    upstreams: dict[str, int] = {}
    lock = threading.Lock()

    def client(k: int) -> None:
        rng = random.Random(seed * 100 + k)
        conn = http.client.HTTPSConnection(HOST, HTTPS_PORT, context=ctx, timeout=60)
        while time.time() < until:
            if rng.random() < 0.3:
                path, api = f"/api/v1/cases/{rng.choice(ids)}", True
            else:
                path, api = rng.choice(paths)
            headers = {"Authorization": f"Token {token}", "Accept": "application/json"} if api else {}
            t = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                r = conn.getresponse()
                r.read()
                took = time.perf_counter() - t
                with lock:
                    lat.append(took)
                    up = r.getheader("X-Upstream", "?")
                    upstreams[up] = upstreams.get(up, 0) + 1
                    if r.status != 200:
                        errors.append(f"{r.status} {path}")
                if r.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPSConnection(HOST, HTTPS_PORT, context=ctx, timeout=60)
            except Exception as exc:  # a dropped connection is an error of the run
                with lock:
                    errors.append(f"{type(exc).__name__} {path}")
                conn.close()
                conn = http.client.HTTPSConnection(HOST, HTTPS_PORT, context=ctx, timeout=60)
        conn.close()

    pool = [threading.Thread(target=client, args=(k,)) for k in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    return {"lat": lat, "errors": errors, "upstreams": upstreams}


def load_run(cert: Path, token: str, ids: list[int], clients: int, seconds: float) -> dict:
    procs = 5 if clients >= 10 else 1
    per = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    start = time.time() + 1.0
    until = start + seconds
    with mp.get_context("spawn").Pool(procs) as pool:
        parts = pool.map(_load_worker, [(n, until, token, ids, str(cert), i) for i, n in enumerate(per)])
    lat = sorted(x for p in parts for x in p["lat"])
    errors = [e for p in parts for e in p["errors"]]
    upstreams: dict[str, int] = {}
    retried = 0  # nginx's "a, b": the first instance failed to answer and the other one did
    for p in parts:
        for k, v in p["upstreams"].items():
            if "," in k:
                retried += v
                continue
            upstreams[k] = upstreams.get(k, 0) + v

    def q(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")

    return {
        "clients": clients, "seconds": seconds, "requests": len(lat), "errors": len(errors),
        "error_samples": errors[:10], "req_per_s": len(lat) / seconds,
        "p50_ms": q(0.50), "p95_ms": q(0.95), "p99_ms": q(0.99), "max_ms": lat[-1] * 1000 if lat else None,
        "mean_ms": statistics.fmean(lat) * 1000 if lat else None, "upstreams": upstreams, "retried": retried,
    }  # fmt: skip


# ---------------------------------------------------------------------------- main


FACTS = r"""
import json, datetime as dt
from lawtrail.core.models import User
from lawtrail.registry.models import Staff, BenchmarkTier
from lawtrail.registry import rules
from lawtrail.cases.models import Case
from django.utils import timezone
today = timezone.localdate()  # the platform's date (TIME_ZONE), which the server stamps on filing
officer = User.objects.get(username="officer")
staff = Staff.objects.select_related("agency__division").get(user=officer)
agency = staff.agency
# a violation the demo itself decided with a fine in the normal tier at this agency, and its range
tier = None
for case in Case.objects.filter(agency=agency, benchmark_tier="normal", proposed_amount__isnull=False).order_by("id"):
    v = case.violations.first()
    if v is None:
        continue
    t = BenchmarkTier.objects.filter(benchmark__violation_id=v.violation_id, tier="normal", fine_max__isnull=False, multiple_max__isnull=True).first()
    if t is not None:
        tier = t
        violation = v.violation_id
        break
if tier is None:  # a short demo: a violation of the agency's domains with a fine range in the normal tier
    tier = BenchmarkTier.objects.filter(tier="normal", fine_max__isnull=False, multiple_max__isnull=True,
        benchmark__violation__power__domain__in=agency.domains.all()).select_related("benchmark").order_by("id").first()
    violation = tier.benchmark.violation_id if tier is not None else None
assert tier is not None, "no violation with a fine in the normal tier"
amount = int(tier.fine_min or 0) + 1
body = ("91" + agency.division.code + "MA1234567")[:17]
print(json.dumps({
    "region": agency.division.code,
    "officer2": User.objects.get(username="officer2").pk,
    "violation": violation, "tier": "normal", "amount": str(amount),
    "today": today.isoformat(),
    "act_date": (today - dt.timedelta(days=20)).isoformat(),
    "party": {"kind": "organisation", "name": "石家庄某商贸有限公司", "credit_code": body + rules.credit_code_check_char(body),
              "legal_representative": "张三", "address": "石家庄市长安区中山东路1号"},
}))
"""


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from lawtrail.core.management.commands.lawtrail_setup import STATIC_IGNORE

    parser = argparse.ArgumentParser()
    parser.add_argument("--load-seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--cases", type=int, default=40, help="demo cases to load (the load run reads them)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the work directory")
    parser.add_argument("--reuse", action="store_true", help="(debugging) use the kept database as it is")
    args = parser.parse_args()
    nginx = ensure_nginx()
    work = Path(tempfile.mkdtemp(prefix="lawtrail-deploy-"))
    stack = Stack(work)
    results: dict = {"when": dt.datetime.now().isoformat(timespec="seconds")}
    status = 1
    try:
        if not args.reuse:
            drop_database()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_URL", "LAWTRAIL_", "CELERY_", "REDIS_URL", "PROMETHEUS"))
        }
        env.update(
            DATABASE_URL=f"{PG}/{DB_NAME}",
            REDIS_URL=f"redis://{HOST}:6379/10",
            CELERY_BROKER_URL=f"redis://{HOST}:6379/11",
            **keys(args.reuse),
            LAWTRAIL_S3_BUCKET="lawtrail-deploy",
            LAWTRAIL_S3_ENDPOINT_URL=f"http://{HOST}:{S3_PORT}",
            LAWTRAIL_S3_ACCESS_KEY="deploycheck",
            LAWTRAIL_S3_SECRET_KEY="deploycheck-secret",
            LAWTRAIL_S3_REGION="us-east-1",
            LAWTRAIL_ALLOWED_HOSTS=f"{HOST},localhost",
            LAWTRAIL_CSRF_TRUSTED_ORIGINS=BASE,
            LAWTRAIL_DB_CONN_MAX_AGE="60",
            LAWTRAIL_WEB_WORKERS="2",
            LAWTRAIL_WEB_THREADS="4",
            LAWTRAIL_ACCESS_LOG_LEVEL="WARNING",
            LAWTRAIL_VAR_DIR=str(work / "var-setup"),
            # one witness file for every process (production: outside var/, chattr +a): a checkpoint
            # the worker signs must be in the file `lawtrail verify` reads (docs/operations.md)
            LAWTRAIL_JOURNAL_WITNESS_FILE=str(work / "journal-witness.jsonl"),
            # the agencies' signing keys and seals, one directory for every process (production:
            # provisioned, read-only, LAWTRAIL_SIGNING_TEST_CA=0; docs/documents.md)
            LAWTRAIL_SIGNING_DIR=str(work / "signing"),
            # static files are a build artefact (collectstatic at deploy), shared read-only
            LAWTRAIL_STATIC_ROOT=str(work / "static"),
        )
        reset_redis(env)
        say(f"work directory {work}")
        # ---------------------------------------------------------------- S3
        stack.start("moto", [str(BIN / "moto_server"), "-H", HOST, "-p", str(S3_PORT)], env)
        wait_http(f"http://{HOST}:{S3_PORT}/moto-api/")
        import boto3

        boto3.client(
            "s3", endpoint_url=env["LAWTRAIL_S3_ENDPOINT_URL"], aws_access_key_id="deploycheck",
            aws_secret_access_key="deploycheck-secret", region_name="us-east-1",
        ).create_bucket(Bucket="lawtrail-deploy")  # fmt: skip
        # ---------------------------------------------------------------- database: setup creates it
        t = time.perf_counter()
        if args.reuse:
            args.keep = True
            ignore = [f"--ignore={p}" for p in STATIC_IGNORE]
            run([str(BIN / "lawtrail"), "collectstatic", "--no-input", "-v0", *ignore], env, "collectstatic")
        else:
            out = run([str(BIN / "lawtrail"), "setup", "--no-demo"], env, "lawtrail setup")
            expect(f"已创建数据库 {DB_NAME}" in out, "lawtrail setup did not create the database")
            run([str(BIN / "lawtrail"), "demo", "--cases", str(args.cases)], env, "lawtrail demo")
            say(
                f"database {DB_NAME} created by `lawtrail setup`, demo with {args.cases} cases loaded in {time.perf_counter() - t:.0f} s"
            )
        facts = json.loads(
            run([str(BIN / "lawtrail"), "shell", "-c", FACTS], env, "reading the demo")
            .strip()
            .splitlines()[-1]
        )
        # ---------------------------------------------------------------- app servers, worker, beat
        for port in APP_PORTS:
            own = {**env, "LAWTRAIL_VAR_DIR": str(work / f"var-{port}")}
            stack.start(f"app-{port}", [str(BIN / "lawtrail"), "serve", f"{HOST}:{port}", "--no-jobs"], own)
        worker_env = {**env, "LAWTRAIL_VAR_DIR": str(work / "var-worker")}
        stack.start(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "lawtrail",
                "worker",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "-n",
                "deploycheck@%h",
            ],
            worker_env,
        )
        stack.start(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "lawtrail",
                "beat",
                "--loglevel",
                "INFO",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "--pidfile=",
            ],
            worker_env,
        )
        for port in APP_PORTS:
            wait_http(f"http://{HOST}:{port}/healthz")
        # ---------------------------------------------------------------- nginx (deploy/nginx/lawtrail.conf)
        cert, key = self_signed(work)
        conf = nginx_conf(work, cert, key)
        run([nginx, "-t", "-c", str(conf)], env, "nginx -t")
        stack.start("nginx", [nginx, "-c", str(conf), "-g", "daemon off;"], env)
        wait_http(BASE + "/healthz", verify=str(cert))
        stack.alive()
        import requests

        r = requests.get(f"http://{HOST}:{HTTP_PORT}/backoffice/", allow_redirects=False, timeout=10)
        expect(
            r.status_code == 301 and r.headers["Location"].startswith(BASE), f"HTTP→HTTPS: {r.status_code}"
        )
        say("nginx: TLS on 8143, HTTP→HTTPS on 8180, two instances behind it")
        client = Client(cert)
        # 1. readiness of both instances
        for port in APP_PORTS:
            r = requests.get(f"http://{HOST}:{port}/readyz?format=json", timeout=30)
            expect(r.status_code == 200, f"readyz on {port}: {r.status_code} {r.text}")
            expect(all(v == "OK" for v in r.json().values()), f"readyz on {port}: {r.json()}")
        say(f"  ready: both instances — {', '.join(k.split('(')[0] for k in r.json())}")
        # 2. sessions
        sessions_across_instances(client)
        # 3. the case flow
        for user in ("officer", "officer2", "approver1", "approver2", "approver3", "reviewer"):
            client.token(user)
        t = time.perf_counter()
        cid = case_flow(client, facts)
        # 4. locks, then the rest of the flow
        concurrent_transition(cert, client.tokens["officer"], cid)
        client.act("approver1", cid, "close", state="closed")
        case = client.act("officer", cid, "archive", state="archived")
        ups = {u: client.upstreams.count(u) for u in set(client.upstreams)}
        expect(
            len(ups) == 2 and min(ups.values()) >= 0.4 * client.calls, f"requests did not alternate: {ups}"
        )
        say(
            f"  case flow: case {cid} ({case['number']}) lead → archived in {client.calls} requests, {time.perf_counter() - t:.1f} s; instances {ups}"
        )
        results["flow"] = {
            "case": cid,
            "requests": client.calls,
            "upstreams": ups,
            "timeline": len(case["timeline"]),
        }
        # 5. periodic jobs by beat + worker, then verify
        run(
            [str(BIN / "lawtrail"), "shell", "-c",
             "from lawtrail.core.journal.tasks import journal_checkpoint_task as t; t.delay()"],
            env, "sending journal.checkpoint to the worker",
        )  # fmt: skip

        def job_rows() -> dict:
            out = run(
                [str(BIN / "lawtrail"), "shell", "-c",
                 "from django_celery_results.models import TaskResult as T; import json; "
                 "print(json.dumps({'checkpoint': T.objects.filter(task_name='journal.checkpoint', status='SUCCESS').count(), "
                 "'beat_integrate': T.objects.filter(periodic_task_name='journal-integrate', status='SUCCESS').count()}))"],
                env, "reading job results",
            )  # fmt: skip
            return json.loads(out.strip().splitlines()[-1])

        end = time.monotonic() + 90
        rows = job_rows()
        while (not rows["checkpoint"] or not rows["beat_integrate"]) and time.monotonic() < end:
            time.sleep(3)
            rows = job_rows()
        expect(rows["checkpoint"] >= 1, "the worker did not run journal.checkpoint")
        expect(rows["beat_integrate"] >= 1, "beat did not run journal-integrate within its interval")
        say(
            f"  jobs: beat ran journal-integrate {rows['beat_integrate']}× through the worker; the worker signed a checkpoint"
        )
        # 7. load (before verify, so verify covers everything the run wrote)
        if args.load_seconds > 0:
            ids = [
                row["id"] for row in client.request("get", f"{C}?limit=200", user="officer").json()["results"]
            ]
            say(
                f"load: {args.clients} clients × {args.load_seconds:.0f} s through nginx (HTTPS keep-alive) …"
            )
            load = load_run(cert, client.tokens["officer"], ids, args.clients, args.load_seconds)
            results["load"] = load
            say(
                f"  {load['requests']:,} requests, {load['req_per_s']:.1f} req/s, errors {load['errors']}; "
                f"p50 {load['p50_ms']:.0f} ms, p95 {load['p95_ms']:.0f} ms, p99 {load['p99_ms']:.0f} ms, max {load['max_ms']:.0f} ms; "
                f"instances {load['upstreams']}, retried on the other instance by nginx {load['retried']}"
            )
            expect(load["errors"] == 0, f"load run errors: {load['error_samples']}")
            stack.alive()
        out = run([str(BIN / "lawtrail"), "checkpoint"], env, "lawtrail checkpoint")
        out = run([str(BIN / "lawtrail"), "verify"], env, "lawtrail verify")
        say("  lawtrail verify: " + out.strip().splitlines()[-1])
        # 6. no local state
        for port in APP_PORTS:
            var = work / f"var-{port}"
            own_files = [
                p.relative_to(var)
                for p in var.rglob("*")
                if p.is_file() and "prometheus" not in p.parts and "static" not in p.parts
            ]
            expect(not own_files, f"instance {port} keeps files of its own: {own_files[:5]}")
        say(
            "  state: neither instance's var/ holds a file of its own (no media, keys or sessions); files went to S3"
        )
        results["ok"] = True
        status = 0
        say("deploy check: passed")
    except Exception as exc:
        if not isinstance(exc, CheckFailed):
            import traceback

            traceback.print_exc()
        say(f"deploy check FAILED: {exc}")
        say(f"logs in {work}")
        args.keep = True
    finally:
        stack.stop()
        (work / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
        if not args.keep:
            drop_database()
            shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
