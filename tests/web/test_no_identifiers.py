"""Chinese everywhere (issue 9): every page of the demo, for each role, through the links the pages
offer, shows no enum value, profile key, Python value or rule ID in its visible text. The code and
rule ID of a refusal live in a closed detail for support staff (``details.lt-tech``), not counted.

One test, because loading the demo is the expensive part."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command

from lawtrail.core.permissions import Role
from lawtrail.demo.cases import CaseDemo
from lawtrail.demo.loader import DemoLoader
from tests.web.crawl import KEY, PY, RULE_ID, crawl

# once: CI runs this on SQLite only — the page and API tests run these pages' queries on PostgreSQL; what a page says does not depend on the database
pytestmark = pytest.mark.once

TODAY = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
ROLES = ("officer", "approver1", "approver2", "reviewer", "supervisor", "unitadmin", "admin")
#: ASCII a page may show: units, standards, formats (never an identifier of ours)
ALLOWED = {"pdf", "zip", "csv", "xlsx", "json", "api", "https", "http", "www", "gb", "totp", "id", "ok"}


def enum_values() -> set[str]:
    """Every stored choice value of our models (``penalty``, ``stated``, ``seize`` …) and of the roles."""
    out = {r.value for r in Role}
    for model in apps.get_models():
        if not model.__module__.startswith("lawtrail."):
            continue
        for f in model._meta.get_fields():
            for value, _label in getattr(f, "flatchoices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_]+", value):
                    out.add(value)
    return out - ALLOWED


def offences(text: str, enums: set[str]) -> list[str]:
    found = RULE_ID.findall(text) + KEY.findall(text) + PY.findall(text)
    found += [w for w in re.findall(r"(?<![\w.@/-])[a-z][a-z0-9_]{2,}(?![\w@/-])", text) if w in enums]
    # a file name a page offers for download (verify_checkpoint.py, proof.json) is not an identifier
    return sorted({f for f in found if not re.search(r"\.(py|json|pdf|zip|csv|txt|xlsx|sig|pem)$", f)})


@pytest.mark.django_db
def test_no_identifier_reaches_a_user_on_any_page_for_any_role(client):
    with time_machine.travel(NOW, tick=False):
        call_command("calendar_seed", verbosity=0)
        call_command("profiles_seed", verbosity=0)
        accounts = DemoLoader(today=TODAY).load()
        CaseDemo(n=40, today=TODAY).load()
        enums = enum_values()
        from lawtrail.cases.models import Case
        from lawtrail.core.models import User
        from lawtrail.review.models import Review

        # a case page of every state and every review page, whoever may open them
        by_state = {}
        for pk, state in Case.objects.order_by("id").values_list("pk", "state"):
            by_state.setdefault(state, pk)
        always = tuple(f"/backoffice/cases/{pk}/" for pk in by_state.values())
        always += tuple(
            f"/backoffice/review/{pk}/" for pk in Review.objects.values_list("pk", flat=True)[:10]
        )

        problems: dict[str, dict[str, list[str]]] = {}
        pages = 0
        for username in ("anonymous", *ROLES):
            client.logout()
            if username != "anonymous":
                client.force_login(User.objects.get(username=username))
            start = ["/"] if username == "anonymous" else ["/backoffice/", "/"]
            for url, text in crawl(client, start, always=() if username == "anonymous" else always).items():
                pages += 1
                bad = offences(text, enums)
                if bad:
                    problems.setdefault(username, {})[url] = bad
        assert pages > 50 and accounts
        assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
