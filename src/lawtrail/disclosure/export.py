"""The nightly export for the credit-information platforms (信用中国 style, 双公示 fields):
one JSON file per day under ``LAWTRAIL_DISCLOSURE_EXPORT_DIR``, documented in docs/disclosure.md.

Each file holds the records published, withdrawn or annotated on that day, in the field names of
the 行政处罚 双公示 data standard (``XK``/``CF`` 数据项, as the provincial credit platforms take them).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import Record, Status

FORMAT_VERSION = 1

CHANGE_STATUS = {Status.PUBLISHED: "0", Status.WITHDRAWN: "1", Status.EXPIRED: "2"}


def record_row(r: Record) -> dict[str, Any]:
    """One record in 双公示 field names (行政处罚信息数据项)."""
    c = r.content or {}
    return {
        "id": r.pk,
        "xk_or_cf": "CF" if r.kind == "penalty" else ("XK" if r.kind == "licence" else "QT"),
        "cf_wsh": r.decision_number,  # 行政处罚决定书文号
        "cf_xdr_mc": r.party_name,  # 行政相对人名称
        "cf_xdr_lb": "自然人" if r.party_kind == "person" else "法人及非法人组织",  # 行政相对人类别
        "cf_xdr_shxym": r.credit_code,  # 统一社会信用代码
        "cf_wfxw": c.get("violation", ""),  # 违法行为类型
        "cf_sy": c.get("facts", ""),  # 违法事实
        "cf_yj": c.get("basis", ""),  # 处罚依据
        "cf_nr": c.get("penalty", ""),  # 处罚内容
        "cf_fk": str(r.fine_amount)
        if r.fine_amount is not None
        else "",  # 罚款金额（万元 in some standards; here 元）
        "cf_jdrq": r.decided_on.isoformat(),  # 处罚决定日期
        "cf_gsjzq": r.expires_on.isoformat() if r.expires_on else "",  # 公示截止期
        "cf_cfjg": r.agency.name,  # 处罚机关
        "cf_cfjgdm": r.agency.credit_code,  # 处罚机关统一社会信用代码
        "cf_zt": CHANGE_STATUS.get(r.status, "0"),  # 当前状态：0 正常 1 撤销 2 异议（期满）
        "cf_sm": r.explanation,  # 撤回或更正说明
        "url": f"/disclosure/{r.pk}/",
    }


def export_day(day: dt.date, directory: Path | None = None) -> Path:
    """Write the day's file (``disclosure-YYYY-MM-DD.json``) and return its path."""
    directory = Path(directory or settings.LAWTRAIL_DISCLOSURE_EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    qs = (
        Record.objects.filter(Q(published_on=day) | Q(withdrawn_on=day) | Q(changed_on=day, annotated=True))
        .exclude(status__in=[Status.DRAFT, Status.WITHHELD])
        .select_related("agency")
        .order_by("id")
    )
    body = {
        "format": "lawtrail-disclosure-export",
        "version": FORMAT_VERSION,
        "date": day.isoformat(),
        "generated_at": timezone.now().isoformat(),
        "records": [record_row(r) for r in qs],
    }
    path = directory / f"disclosure-{day.isoformat()}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def export_yesterday() -> str:
    return str(export_day(timezone.localdate() - dt.timedelta(days=1)))
