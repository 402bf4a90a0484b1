"""`lawtrail setup` on PostgreSQL: creates a missing database when the role may, and otherwise
says in one line what to run — never a traceback. Against the real server on 127.0.0.1:5432."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from lawtrail.ops.database import DatabaseUnavailable, ensure_database

ROOT = Path(__file__).resolve().parents[2]
ADMIN = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres", "autocommit": True}


def _db(name: str, user: str = "postgres", port: int = 5432) -> dict:
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": user,
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": port,
        "OPTIONS": {},
    }


@pytest.fixture
def dbname():
    name = f"lawtrail_prod_t{uuid.uuid4().hex[:10]}"
    yield name
    with psycopg.connect(**ADMIN) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def role_without_createdb():
    role = f"lawtrail_prod_r{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**ADMIN) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOCREATEDB").format(sql.Identifier(role)))
    yield role
    with psycopg.connect(**ADMIN) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def _exists(name: str) -> bool:
    with psycopg.connect(**ADMIN) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def test_missing_database_is_created_once(dbname):
    assert not _exists(dbname)
    assert ensure_database(_db(dbname)) == "created"
    assert _exists(dbname)
    assert ensure_database(_db(dbname)) == "exists"


def test_a_role_that_may_not_create_gets_one_line_saying_what_to_run(dbname, role_without_createdb):
    with pytest.raises(DatabaseUnavailable) as err:
        ensure_database(_db(dbname, user=role_without_createdb))
    message = str(err.value)
    assert "\n" not in message
    assert f"createdb -h 127.0.0.1 -p 5432 -U {role_without_createdb} {dbname}" in message
    assert not _exists(dbname)


def test_an_unreachable_server_is_one_line_too():
    with pytest.raises(DatabaseUnavailable) as err:
        ensure_database(_db("lawtrail_prod_x", port=1))
    assert "无法连接 PostgreSQL 127.0.0.1:1" in str(err.value) and "\n" not in str(err.value)


def test_sqlite_needs_nothing():
    assert ensure_database({"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/x.sqlite3"}) == "sqlite"


def test_lawtrail_setup_prints_one_line_and_no_traceback(dbname, role_without_createdb, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "LAWTRAIL_"))}
    env.update(
        DATABASE_URL=f"postgres://{role_without_createdb}@127.0.0.1:5432/{dbname}",
        LAWTRAIL_VAR_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT / "src"),
    )
    r = subprocess.run(
        [sys.executable, "-m", "lawtrail.cli", "setup"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 1
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr and "createdb" in lines[0] and dbname in lines[0]
