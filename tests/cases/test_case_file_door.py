"""The case-file door (``extensions.case_file_items``): every capability's files of a case, in
one list ordered by date, each a vault blob — how 一案一卷 is gathered without imports."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ImproperlyConfigured

from lawtrail.cases import extensions
from lawtrail.cases.extensions import CaseFileItem
from lawtrail.core.vault import vault_put

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sources(settings, tmp_path, alice):
    settings.STORAGES = {
        **settings.STORAGES,
        "vault": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    a = vault_put(io.BytesIO(b"%PDF-1.4 decision"), actor=alice)
    b = vault_put(io.BytesIO(b"%PDF-1.4 photo list"), actor=alice)

    def docs(case):
        return [
            CaseFileItem(
                kind="document", title="行政处罚决定书", blob=a, ref="document:1", on=dt.date(2026, 9, 3)
            )
        ]

    def evidence(case):
        return [
            CaseFileItem(kind="evidence", title="现场照片", blob=b, ref="file:2", on=dt.date(2026, 9, 1)),
            CaseFileItem(kind="evidence", title="未注明日期", blob=b, ref="file:3"),
        ]

    extensions.case_file_items(app="t_docs", items=docs)
    extensions.case_file_items(app="t_records", items=evidence)
    yield docs
    extensions.unregister_case_file_items("t_docs")
    extensions.unregister_case_file_items("t_records")


def test_items_of_every_source_by_date_with_their_app(two_sources):
    items = [i for i in extensions.case_file_for(object()) if i.app.startswith("t_")]
    assert [(i.app, i.ref) for i in items] == [
        ("t_records", "file:2"),
        ("t_docs", "document:1"),
        ("t_records", "file:3"),
    ]


def test_one_source_per_app(two_sources):
    extensions.case_file_items(app="t_docs", items=two_sources)  # the same again: kept once
    with pytest.raises(ImproperlyConfigured):
        extensions.case_file_items(app="t_docs", items=lambda case: [])
