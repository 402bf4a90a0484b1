"""Make sure the configured database exists before ``lawtrail setup`` migrates it.

SQLite: the file is created on first connection (its directory exists). PostgreSQL: connect
to the server's maintenance database and ``CREATE DATABASE`` when ours is missing and the
role may create databases; otherwise raise ``DatabaseUnavailable`` with one line that says
what to run — never a traceback.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import errors, sql


class DatabaseUnavailable(Exception):
    """One line for the operator: what is wrong and what to run."""


def _pg_params(db: dict[str, Any], dbname: str) -> dict[str, Any]:
    params = {
        "dbname": dbname,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "connect_timeout": 5,
    }
    options = db.get("OPTIONS") or {}
    params.update({k: v for k, v in options.items() if k in {"sslmode", "sslrootcert", "sslcert", "sslkey"}})
    return {k: v for k, v in params.items() if v is not None}


def _where(db: dict[str, Any]) -> str:
    return f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"


def _createdb_hint(db: dict[str, Any]) -> str:
    parts = ["createdb"]
    if db.get("HOST"):
        parts += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        parts += ["-p", str(db["PORT"])]
    if db.get("USER"):
        parts += ["-U", str(db["USER"])]
    return " ".join([*parts, db["NAME"]])


def ensure_database(db: dict[str, Any]) -> str:
    """Create the PostgreSQL database of ``db`` (a ``DATABASES`` entry) if it is missing.

    Returns what happened ("exists", "created", "sqlite"); raises ``DatabaseUnavailable``.
    """
    if db["ENGINE"] != "django.db.backends.postgresql":
        return "sqlite" if "sqlite" in db["ENGINE"] else "other"
    name = db["NAME"]
    try:
        with psycopg.connect(**_pg_params(db, name)):
            return "exists"
    except psycopg.OperationalError as exc:
        missing = f'database "{name}" does not exist' in str(exc)
        if not missing:
            first = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise DatabaseUnavailable(
                f"无法连接 PostgreSQL {_where(db)}（{first}）：请确认服务已启动、DATABASE_URL 的地址、用户与密码正确。"
            ) from None
    for maintenance in ("postgres", "template1"):
        try:
            with psycopg.connect(**_pg_params(db, maintenance), autocommit=True) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8'").format(sql.Identifier(name)))
                return "created"
        except errors.DuplicateDatabase:
            return "exists"  # created by someone else meanwhile
        except errors.InsufficientPrivilege:
            break
        except psycopg.OperationalError:
            continue  # this maintenance database is not reachable for us: try the next
    raise DatabaseUnavailable(
        f'数据库 {name} 不存在，且当前用户无权创建。请由数据库管理员执行：{_createdb_hint(db)}（或 CREATE DATABASE "{name}";），再运行 lawtrail setup。'
    )
