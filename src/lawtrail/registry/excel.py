"""Excel (.xlsx) import and export of staff (with credentials) and of the catalogue.

Import is all or nothing: the whole workbook is read and checked first; any error —
listed as (sheet, row, column, reason in Chinese), every one of them — refuses it whole
with ``IMPORT_INVALID``. Only a clean workbook is written, in one transaction, through the
services (so every row is journaled); an error the services find while writing rolls the
whole import back and is reported the same way. Nothing is ever half-imported.

Sheets are joined by code: 违法行为 → 权力事项编码, 法律依据 → 权力事项编码 or 违法行为编码,
裁量基准 → 违法行为编码 (one row per tier; rows with the same 违法行为编码, 适用区划代码,
制定机关 and 施行日期 form one benchmark); 执法证 → 公民身份号码.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

import openpyxl
from django.contrib.auth import get_user_model
from django.db import transaction
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from lawtrail.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from lawtrail.core.exports import cell_unsafe, workbook_safe
from lawtrail.core.fieldcrypt import lookup_hashes
from lawtrail.core.permissions import Perm

from . import rules, selectors, services
from .models import (
    Agency,
    Benchmark,
    BenchmarkTier,
    Credential,
    Division,
    Domain,
    LegalBasis,
    PowerItem,
    Staff,
    Violation,
)

TRUE_WORDS = {"是", "有", "true", "TRUE", "True", "1", "Y", "y", "yes"}
FALSE_WORDS = {"否", "无", "false", "FALSE", "False", "0", "N", "n", "no"}


@dataclass
class Col:
    header: str
    key: str
    required: bool = False
    kind: str = "str"  # str | date | decimal | bool | choice
    choices: dict[str, str] = field(default_factory=dict)  # label → value
    note: str = ""


@dataclass
class Sheet:
    title: str
    cols: list[Col]
    note: str = ""


#: 适用对象 of a violation as the sheet writes it → the stored kinds (joined by ",").
SUBJECT_CHOICES = {
    "公民、法人或者其他组织": "person,organisation",
    "公民": "person",
    "法人或者其他组织": "organisation",
}
SUBJECT_LABELS = {v: k for k, v in SUBJECT_CHOICES.items()}


def _labels(choices) -> dict[str, str]:
    return {str(label): value for value, label in choices}


CATALOG_SHEETS = [
    Sheet(
        "权力事项",
        [
            Col("事项编码", "code", True),
            Col("事项名称", "name", True),
            Col("类型", "kind", True, "choice", _labels(PowerItem.Kind.choices)),
            Col("执法领域", "domain", True, note="领域名称或代码，如“市场监管”"),
            Col("实施层级", "levels", note="逗号分隔：省级,市级,县级,乡镇（街道）"),
            Col("办理程序", "procedure"),
            Col("有效", "is_active", kind="bool", note="是/否，默认“是”"),
        ],
    ),
    Sheet(
        "违法行为",
        [
            Col("违法行为编码", "code", True),
            Col("权力事项编码", "power", True, note="须为本表或系统中已有的行政处罚事项"),
            Col("违法行为名称", "name", True),
            Col("处罚种类", "penalty_types"),
            Col("罚款下限（元）", "fine_min", kind="decimal"),
            Col("罚款上限（元）", "fine_max", kind="decimal"),
            Col("倍数下限", "multiple_min", kind="decimal"),
            Col("倍数上限", "multiple_max", kind="decimal"),
            Col("倍数基数", "multiple_base", note="如“违法所得”“货值金额”"),
            Col(
                "适用对象",
                "subject_kinds",
                kind="choice",
                choices=SUBJECT_CHOICES,
                note="公民、法人或者其他组织，或“公民、法人或者其他组织”（空白为两者）",
            ),
        ],
    ),
    Sheet(
        "法律依据",
        [
            Col("权力事项编码", "power", note="与“违法行为编码”二选一"),
            Col("违法行为编码", "violation"),
            Col("依据类别", "role", True, "choice", _labels(LegalBasis.Role.choices)),
            Col("法律法规名称", "law", True),
            Col("条", "article", True, note="如“第五十一条”"),
            Col("款/项", "clause"),
            Col("条文内容", "text"),
        ],
    ),
    Sheet(
        "裁量基准",
        [
            Col("违法行为编码", "violation", True),
            Col("适用区划代码", "division", note="空表示全国通用"),
            Col("制定机关", "issuer"),
            Col("施行日期", "effective_from", True, "date", note="YYYY-MM-DD"),
            Col(
                "裁量阶次",
                "tier",
                True,
                "choice",
                {**_labels(BenchmarkTier.Tier.choices), **rules.TIER_NAMES},
            ),
            Col("适用条件", "conditions"),
            Col("罚款下限（元）", "fine_min", kind="decimal"),
            Col("罚款上限（元）", "fine_max", kind="decimal"),
            Col("倍数下限", "multiple_min", kind="decimal"),
            Col("倍数上限", "multiple_max", kind="decimal"),
            Col("其他处罚", "other_measures"),
        ],
        note="每行一个裁量阶次；违法行为编码、适用区划代码、制定机关、施行日期相同的行组成一个裁量基准。",
    ),
]

STAFF_SHEETS = [
    Sheet(
        "人员",
        [
            Col("姓名", "name", True),
            Col("公民身份号码", "id_number", True, note="18位，校验位须正确（GB 11643）"),
            Col("所在单位", "agency", True, note="单位全称或统一社会信用代码"),
            Col("岗位/职务", "posts"),
            Col("联系电话", "phone"),
            Col("具有法律职业资格", "legal_qualification", kind="bool", note="是/否"),
            Col("法律职业资格证书编号", "legal_qualification_number"),
            Col("在岗", "is_active", kind="bool", note="是/否，默认“是”"),
            Col("登录账号", "username", note="可空；填写则创建或关联登录账号"),
        ],
    ),
    Sheet(
        "执法证",
        [
            Col("公民身份号码", "id_number", True, note="须为“人员”表或系统中已有人员"),
            Col("执法证号", "number", True),
            Col("执法领域", "domain", True, note="领域名称或代码"),
            Col("执法区域代码", "region", True, note="行政区划代码，如 130102"),
            Col("发证日期", "issued_on", True, "date"),
            Col("有效期至", "expires_on", True, "date"),
            Col(
                "状态",
                "status",
                kind="choice",
                choices=_labels(Credential.Status.choices),
                note="有效/暂扣/注销",
            ),
            Col("发证机关", "issuer"),
        ],
    ),
]

INSTRUCTIONS = "填写说明"


# --------------------------------------------------------------------------- reading


class Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, sheet: str, row: int, column: str, reason: str) -> None:
        self.items.append({"sheet": sheet, "row": row, "column": column, "reason": reason})

    def __bool__(self) -> bool:
        return bool(self.items)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return cell_unsafe(str(value).strip())


_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def _parse(col: Col, value: Any) -> tuple[Any, str | None]:
    """(parsed value, error reason or None) for one cell."""
    if col.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date(), None
        if isinstance(value, dt.date):
            return value, None
        m = _DATE_RE.match(_text(value))
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3])), None
            except ValueError:
                pass
        return None, f"日期“{_text(value)}”格式错误，应为 YYYY-MM-DD。"
    if col.kind == "decimal":
        if isinstance(value, bool):
            return None, f"“{value}”不是有效的数字。"
        try:
            number = Decimal(_text(value).replace(",", ""))
        except (InvalidOperation, ValueError):
            return None, f"“{_text(value)}”不是有效的数字。"
        if not number.is_finite():
            return None, f"“{_text(value)}”不是有效的数字。"
        if number < 0:
            return None, "数值不得为负数。"
        return number, None
    if col.kind == "bool":
        if isinstance(value, bool):
            return value, None
        text = _text(value)
        if text in TRUE_WORDS:
            return True, None
        if text in FALSE_WORDS:
            return False, None
        return None, f"“{text}”应填写“是”或“否”。"
    if col.kind == "choice":
        text = _text(value)
        if text in col.choices:
            return col.choices[text], None
        if text in col.choices.values():
            return text, None
        allowed = "、".join(dict.fromkeys(k for k in col.choices if not k.isascii()))
        return None, f"未知的取值“{text}”，可选：{allowed}。"
    return _text(value), None


def _read(wb, sheet: Sheet, errors: Errors) -> list[tuple[int, dict[str, Any]]]:
    """Rows of one sheet as (row number, {key: value}); every problem goes to ``errors``."""
    if sheet.title not in wb.sheetnames:
        errors.add(sheet.title, 0, "", f"缺少工作表“{sheet.title}”（请使用下载的模板）。")
        return []
    ws = wb[sheet.title]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    index = {_text(h).rstrip("*＊").strip(): i for i, h in enumerate(header) if _text(h)}
    for col in sheet.cols:
        if col.header not in index and col.required:
            errors.add(sheet.title, 1, col.header, "缺少必填列。")
    out = []
    for rownum, values in enumerate(rows, start=2):
        if values is None or all(v is None or _text(v) == "" for v in values):
            continue
        record: dict[str, Any] = {}
        for col in sheet.cols:
            i = index.get(col.header)
            raw = values[i] if i is not None and i < len(values) else None
            if raw is None or _text(raw) == "":
                if col.required:
                    errors.add(sheet.title, rownum, col.header, "必填项为空。")
                record[col.key] = None if col.kind != "str" else ""
                continue
            value, reason = _parse(col, raw)
            if reason:
                errors.add(sheet.title, rownum, col.header, reason)
            record[col.key] = value
        out.append((rownum, record))
    return out


def _open(fileobj: IO[bytes]):
    try:
        data = fileobj.read()
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationFailed(
            "无法读取文件，请上传 .xlsx 格式的 Excel 工作簿。", code="IMPORT_FILE_INVALID"
        ) from None


def _refuse(errors: Errors) -> None:
    errors.items.sort(key=lambda e: (e["sheet"], e["row"]))
    raise ValidationFailed(
        f"导入文件有 {len(errors.items)} 处错误，未导入任何数据。",
        code="IMPORT_INVALID",
        details=errors.items,
    )


def _domains() -> dict[str, Domain]:
    out: dict[str, Domain] = {}
    for d in Domain.objects.all():
        out[d.code] = d
        out[d.name] = d
    return out


def _check_range(
    errors: Errors, sheet: str, rownum: int, rec: dict, lo: str, hi: str, hi_header: str
) -> None:
    if rec.get(lo) is not None and rec.get(hi) is not None and rec[lo] > rec[hi]:
        errors.add(sheet, rownum, hi_header, "上限不得低于下限。")


def _write(errors: Errors, sheet: str, rownum: int, fn, **kwargs) -> Any:
    """Call a service; an ApplicationError becomes an error of this row."""
    try:
        return fn(**kwargs)
    except ApplicationError as exc:
        details = exc.details if isinstance(exc.details, list) else []
        if details:
            for d in details:
                errors.add(sheet, rownum, str(d.get("field", "")), str(d.get("message", exc.message)))
        else:
            errors.add(sheet, rownum, "", exc.message)
        return None


# --------------------------------------------------------------------------- catalogue


def import_catalog(*, actor: Any, fileobj: IO[bytes]) -> dict[str, int]:
    wb = _open(fileobj)
    errors = Errors()
    data = {s.title: _read(wb, s, errors) for s in CATALOG_SHEETS}
    powers, violations, bases, tiers = (data[s.title] for s in CATALOG_SHEETS)
    domains = _domains()

    # 权力事项
    power_codes: dict[str, dict] = {}
    existing_powers = {
        p.code: p
        for p in PowerItem.objects.filter(
            code__in=[r["code"] for _, r in powers]
            + [r["power"] for _, r in violations]
            + [r["power"] for _, r in bases]
        )
    }
    for rownum, r in powers:
        if r["code"]:
            if r["code"] in power_codes:
                errors.add("权力事项", rownum, "事项编码", f"事项编码“{r['code']}”在本表中重复。")
            elif r["code"] in existing_powers:
                errors.add("权力事项", rownum, "事项编码", f"事项编码“{r['code']}”已存在于系统中。")
            power_codes[r["code"]] = r
        if r["domain"] and r["domain"] not in domains:
            errors.add("权力事项", rownum, "执法领域", f"未知的执法领域“{r['domain']}”。")

    # 违法行为
    existing_violations = {
        v.code: v
        for v in Violation.objects.filter(
            code__in=[r["code"] for _, r in violations] + [r["violation"] for _, r in bases + tiers]
        )
    }
    violation_codes: dict[str, dict] = {}
    for rownum, r in violations:
        if r["code"]:
            if r["code"] in violation_codes:
                errors.add("违法行为", rownum, "违法行为编码", f"违法行为编码“{r['code']}”在本表中重复。")
            elif r["code"] in existing_violations:
                errors.add("违法行为", rownum, "违法行为编码", f"违法行为编码“{r['code']}”已存在于系统中。")
            violation_codes[r["code"]] = r
        if r["power"]:
            kind = (
                power_codes[r["power"]]["kind"]
                if r["power"] in power_codes
                else existing_powers[r["power"]].kind
                if r["power"] in existing_powers
                else None
            )
            if kind is None:
                errors.add("违法行为", rownum, "权力事项编码", f"未知的权力事项编码“{r['power']}”。")
            elif kind and kind != PowerItem.Kind.PENALTY:
                errors.add("违法行为", rownum, "权力事项编码", "违法行为只能归属于行政处罚类权力事项。")
        _check_range(errors, "违法行为", rownum, r, "fine_min", "fine_max", "罚款上限（元）")
        _check_range(errors, "违法行为", rownum, r, "multiple_min", "multiple_max", "倍数上限")

    # 法律依据
    for rownum, r in bases:
        if bool(r["power"]) == bool(r["violation"]):
            errors.add(
                "法律依据", rownum, "权力事项编码", "“权力事项编码”与“违法行为编码”须填写且只填写一项。"
            )
        elif r["power"] and r["power"] not in power_codes and r["power"] not in existing_powers:
            errors.add("法律依据", rownum, "权力事项编码", f"未知的权力事项编码“{r['power']}”。")
        elif (
            r["violation"]
            and r["violation"] not in violation_codes
            and r["violation"] not in existing_violations
        ):
            errors.add("法律依据", rownum, "违法行为编码", f"未知的违法行为编码“{r['violation']}”。")

    # 裁量基准
    divisions = {
        d.code: d
        for d in Division.objects.filter(code__in=[r["division"] for _, r in tiers if r["division"]])
    }
    groups: dict[tuple, list[tuple[int, dict]]] = defaultdict(list)
    for rownum, r in tiers:
        if r["division"] and r["division"] not in divisions:
            errors.add("裁量基准", rownum, "适用区划代码", f"未知的行政区划代码“{r['division']}”。")
        if (
            r["violation"]
            and r["violation"] not in violation_codes
            and r["violation"] not in existing_violations
        ):
            errors.add("裁量基准", rownum, "违法行为编码", f"未知的违法行为编码“{r['violation']}”。")
            continue
        if r["violation"] and r["effective_from"] and r["tier"]:
            groups[(r["violation"], r["division"], r["issuer"], r["effective_from"])].append((rownum, r))
    tier_header = {"tier": "裁量阶次", **{c.key: c.header for c in CATALOG_SHEETS[3].cols}}
    for (vcode, _div, _issuer, _eff), rows in groups.items():
        src = violation_codes.get(vcode) or existing_violations[vcode]
        get = src.get if isinstance(src, dict) else lambda k, s=src: getattr(s, k)
        statutory = {k: get(k) for k in ("fine_min", "fine_max", "multiple_min", "multiple_max")}
        for i, f, _code, message in rules.benchmark_tier_errors(statutory, [r for _, r in rows]):
            errors.add("裁量基准", rows[i][0], tier_header.get(f, f), message)

    if errors:
        _refuse(errors)

    counts = {"powers": 0, "violations": 0, "bases": 0, "benchmarks": 0, "tiers": 0}
    with transaction.atomic():
        power_objs = dict(existing_powers)
        for rownum, r in powers:
            obj = _write(
                errors,
                "权力事项",
                rownum,
                services.power_create,
                actor=actor,
                code=r["code"],
                name=r["name"],
                kind=r["kind"],
                domain=domains[r["domain"]],
                levels=r["levels"],
                procedure=r["procedure"],
                is_active=True if r["is_active"] is None else r["is_active"],
            )
            if obj:
                power_objs[obj.code] = obj
                counts["powers"] += 1
        violation_objs = dict(existing_violations)
        for rownum, r in violations:
            if r["power"] not in power_objs:
                continue
            obj = _write(
                errors,
                "违法行为",
                rownum,
                services.violation_create,
                actor=actor,
                power=power_objs[r["power"]],
                code=r["code"],
                name=r["name"],
                penalty_types=r["penalty_types"],
                fine_min=r["fine_min"],
                fine_max=r["fine_max"],
                subject_kinds=(r.get("subject_kinds") or "person,organisation").split(","),
                multiple_min=r["multiple_min"],
                multiple_max=r["multiple_max"],
                multiple_base=r["multiple_base"],
            )
            if obj:
                violation_objs[obj.code] = obj
                counts["violations"] += 1
        for rownum, r in bases:
            power = power_objs.get(r["power"]) if r["power"] else None
            violation = violation_objs.get(r["violation"]) if r["violation"] else None
            if power is None and violation is None:
                continue
            if _write(
                errors,
                "法律依据",
                rownum,
                services.legal_basis_add,
                actor=actor,
                role=r["role"],
                law=r["law"],
                article=r["article"],
                clause=r["clause"],
                text=r["text"],
                power=power,
                violation=violation,
            ):
                counts["bases"] += 1
        for (vcode, div, issuer, eff), rows in groups.items():
            if vcode not in violation_objs:
                continue
            if _write(
                errors,
                "裁量基准",
                rows[0][0],
                services.benchmark_create,
                actor=actor,
                violation=violation_objs[vcode],
                division=divisions.get(div) if div else None,
                issuer=issuer,
                effective_from=eff,
                tiers=[r for _, r in rows],
            ):
                counts["benchmarks"] += 1
                counts["tiers"] += len(rows)
        if errors:
            _refuse(errors)  # raising inside the atomic block rolls everything back
    return counts


# --------------------------------------------------------------------------- staff


def import_staff(*, actor: Any, fileobj: IO[bytes]) -> dict[str, int]:
    User = get_user_model()
    wb = _open(fileobj)
    errors = Errors()
    data = {s.title: _read(wb, s, errors) for s in STAFF_SHEETS}
    people, creds = data["人员"], data["执法证"]
    domains = _domains()

    agency_keys = {r["agency"] for _, r in people if r["agency"]}
    agencies: dict[str, Agency] = {}
    for a in Agency.objects.filter(name__in=agency_keys) | Agency.objects.filter(credit_code__in=agency_keys):
        agencies[a.name] = a
        agencies[a.credit_code] = a
    manageable = (
        None
        if actor is None
        else set(selectors.agencies_in_scope(actor, Perm.STAFF_MANAGE).values_list("pk", flat=True))
    )

    ids_in_db = {
        s.id_number: s
        for s in Staff.objects.select_related("agency").filter(
            id_number_hash__in=[
                h for _, r in people + creds if r["id_number"] for h in lookup_hashes(r["id_number"])
            ]
        )
    }
    usernames = [r["username"] for _, r in people if r["username"]]
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    linked_users = set(Staff.objects.filter(user__in=users.values()).values_list("user__username", flat=True))

    seen_ids: dict[str, int] = {}
    seen_usernames: set[str] = set()
    for rownum, r in people:
        r["id_number"] = (r["id_number"] or "").upper()
        idn = r["id_number"]
        if idn:
            if not rules.id_number_valid(idn):
                errors.add("人员", rownum, "公民身份号码", "公民身份号码格式或校验位错误（GB 11643）。")
            elif idn in seen_ids:
                errors.add("人员", rownum, "公民身份号码", f"与第 {seen_ids[idn]} 行重复。")
            elif idn in ids_in_db:
                errors.add("人员", rownum, "公民身份号码", "该公民身份号码已存在于系统中。")
            seen_ids.setdefault(idn, rownum)
        if r["agency"]:
            agency = agencies.get(r["agency"])
            if agency is None:
                errors.add("人员", rownum, "所在单位", f"未知的单位“{r['agency']}”。")
            elif manageable is not None and agency.pk not in manageable:
                errors.add("人员", rownum, "所在单位", f"您无权向“{agency.name}”导入人员。")
        if r["legal_qualification"] and not r["legal_qualification_number"]:
            errors.add("人员", rownum, "法律职业资格证书编号", "具有法律职业资格的，须填写证书编号。")
        if r["username"]:
            if r["username"] in seen_usernames:
                errors.add("人员", rownum, "登录账号", f"登录账号“{r['username']}”在本表中重复。")
            elif r["username"] in linked_users:
                errors.add("人员", rownum, "登录账号", f"登录账号“{r['username']}”已关联其他工作人员。")
            seen_usernames.add(r["username"])

    regions = {
        d.code: d for d in Division.objects.filter(code__in=[r["region"] for _, r in creds if r["region"]])
    }
    numbers_in_db = set(
        Credential.objects.filter(number__in=[r["number"] for _, r in creds]).values_list("number", flat=True)
    )
    seen_numbers: dict[str, int] = {}
    for rownum, r in creds:
        r["id_number"] = (r["id_number"] or "").upper()
        if r["id_number"] and r["id_number"] not in seen_ids and r["id_number"] not in ids_in_db:
            errors.add("执法证", rownum, "公民身份号码", "未在“人员”表或系统中找到该人员。")
        elif (
            r["id_number"] in ids_in_db
            and manageable is not None
            and ids_in_db[r["id_number"]].agency_id not in manageable
        ):
            errors.add("执法证", rownum, "公民身份号码", "您无权为该人员所在单位发证。")
        if r["number"]:
            if r["number"] in seen_numbers:
                errors.add("执法证", rownum, "执法证号", f"与第 {seen_numbers[r['number']]} 行重复。")
            elif r["number"] in numbers_in_db:
                errors.add("执法证", rownum, "执法证号", f"执法证号“{r['number']}”已存在于系统中。")
            seen_numbers.setdefault(r["number"], rownum)
        if r["domain"] and r["domain"] not in domains:
            errors.add("执法证", rownum, "执法领域", f"未知的执法领域“{r['domain']}”。")
        if r["region"] and r["region"] not in regions:
            errors.add("执法证", rownum, "执法区域代码", f"未知的行政区划代码“{r['region']}”。")
        if r["issued_on"] and r["expires_on"] and r["expires_on"] <= r["issued_on"]:
            errors.add("执法证", rownum, "有效期至", "有效期至必须晚于发证日期。")

    if errors:
        _refuse(errors)

    counts = {"staff": 0, "credentials": 0, "accounts": 0}
    with transaction.atomic():
        staff_by_id = dict(ids_in_db)
        for rownum, r in people:
            obj = _write(
                errors,
                "人员",
                rownum,
                services.staff_create,
                actor=actor,
                agency=agencies[r["agency"]],
                name=r["name"],
                id_number=r["id_number"],
                phone=r["phone"],
                posts=r["posts"],
                legal_qualification=bool(r["legal_qualification"]),
                legal_qualification_number=r["legal_qualification_number"],
                is_active=True if r["is_active"] is None else r["is_active"],
            )
            if obj is None:
                continue
            staff_by_id[obj.id_number] = obj
            counts["staff"] += 1
            if r["username"]:
                if _write(
                    errors,
                    "人员",
                    rownum,
                    services.staff_user_link,
                    actor=actor,
                    staff=obj,
                    username=r["username"],
                ):
                    counts["accounts"] += 1
        for rownum, r in creds:
            staff = staff_by_id.get(r["id_number"])
            if staff is None:
                continue
            if _write(
                errors,
                "执法证",
                rownum,
                services.credential_issue,
                actor=actor,
                staff=staff,
                number=r["number"],
                domain=domains[r["domain"]],
                region=regions[r["region"]],
                issued_on=r["issued_on"],
                expires_on=r["expires_on"],
                issuer=r["issuer"],
                status=r["status"] or Credential.Status.VALID,
            ):
                counts["credentials"] += 1
        if errors:
            _refuse(errors)
    return counts


# --------------------------------------------------------------------------- writing

_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def _new_workbook(sheets: list[Sheet], title: str, extra_notes: list[str]) -> tuple[Any, dict[str, Any]]:
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = INSTRUCTIONS
    info.append([title])
    info["A1"].font = Font(bold=True, size=14)
    info.append(
        [
            "导入时整个文件作为一个整体处理：任何一行有错误，整个文件都不导入，并列出全部错误（工作表、行号、列名、原因）。"
        ]
    )
    info.append(["带 * 的列为必填项。日期格式 YYYY-MM-DD。请勿修改表头。本“填写说明”工作表在导入时被忽略。"])
    for note in extra_notes:
        info.append([note])
    info.append([])
    info.append(["工作表", "列", "必填", "说明"])
    for s in sheets:
        if s.note:
            info.append([s.title, "", "", s.note])
        for c in s.cols:
            hint = c.note
            if c.kind == "choice" and not hint:
                hint = "可选：" + "、".join(dict.fromkeys(k for k in c.choices if not k.isascii()))
            info.append([s.title, c.header, "是" if c.required else "", hint])
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 24
    info.column_dimensions["D"].width = 60
    out = {}
    for s in sheets:
        ws = wb.create_sheet(s.title)
        ws.append([c.header + ("*" if c.required else "") for c in s.cols])
        for i, c in enumerate(s.cols, start=1):
            cell = ws.cell(row=1, column=i)
            cell.font = _HEAD_FONT
            cell.fill = _HEAD_FILL
            ws.column_dimensions[get_column_letter(i)].width = max(12, len(c.header) * 2 + 4)
        ws.freeze_panes = "A2"
        out[s.title] = ws
    return wb, out


def _save_wb(wb) -> bytes:
    buf = io.BytesIO()
    workbook_safe(wb)  # no cell starts a formula (=, +, -, @): core/exports.py
    wb.save(buf)
    return buf.getvalue()


def _num(v: Decimal | None) -> Any:
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(v)


def _label(choices, value: str) -> str:
    return str(dict(choices).get(value, value))


def catalog_template() -> bytes:
    wb, _ = _new_workbook(CATALOG_SHEETS, "权力事项目录导入模板", [])
    return _save_wb(wb)


def staff_template() -> bytes:
    wb, _ = _new_workbook(STAFF_SHEETS, "工作人员与执法证导入模板", [])
    return _save_wb(wb)


def export_catalog(*, actor: Any) -> bytes:
    if actor is not None and not selectors.is_staff_user(actor):
        raise PermissionDenied("您没有查看权力事项目录的权限。", code="PERMISSION_DENIED")
    wb, ws = _new_workbook(CATALOG_SHEETS, "权力事项目录", [f"导出时间：{dt.datetime.now():%Y-%m-%d %H:%M}"])
    for p in PowerItem.objects.select_related("domain").order_by("code"):
        ws["权力事项"].append(
            [
                p.code,
                p.name,
                _label(PowerItem.Kind.choices, p.kind),
                p.domain.name,
                p.levels,
                p.procedure,
                "是" if p.is_active else "否",
            ]
        )
    for v in Violation.objects.select_related("power").order_by("code"):
        ws["违法行为"].append(
            [
                v.code,
                v.power.code,
                v.name,
                v.penalty_types,
                _num(v.fine_min),
                _num(v.fine_max),
                _num(v.multiple_min),
                _num(v.multiple_max),
                v.multiple_base,
                SUBJECT_LABELS.get(
                    ",".join(v.subject_kinds or ["person", "organisation"]), "公民、法人或者其他组织"
                ),
            ]
        )
    for b in LegalBasis.objects.select_related("power", "violation").order_by("id"):
        ws["法律依据"].append(
            [
                b.power.code if b.power else None,
                b.violation.code if b.violation else None,
                _label(LegalBasis.Role.choices, b.role),
                b.law,
                b.article,
                b.clause,
                b.text,
            ]
        )
    for t in BenchmarkTier.objects.select_related(
        "benchmark", "benchmark__violation", "benchmark__division"
    ).order_by("benchmark__violation__code", "benchmark_id", "id"):
        b: Benchmark = t.benchmark
        ws["裁量基准"].append(
            [
                b.violation.code,
                b.division.code if b.division else None,
                b.issuer,
                b.effective_from,
                _label(BenchmarkTier.Tier.choices, t.tier),
                t.conditions,
                _num(t.fine_min),
                _num(t.fine_max),
                _num(t.multiple_min),
                _num(t.multiple_max),
                t.other_measures,
            ]
        )
    for sheet in ws.values():
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    return _save_wb(wb)


def export_staff(*, actor: Any) -> bytes:
    """Staff of the agencies the actor manages, with whole ID numbers (needed to re-import).

    Only holders of ``registry.staff.manage`` get this file; it is the one place the whole
    number leaves the system, which is why it is limited to those who could enter it.
    """
    if actor is not None and not selectors.user_has_perm(actor, Perm.STAFF_MANAGE):
        raise PermissionDenied("您没有导出工作人员的权限。", code="PERMISSION_DENIED")
    agencies = selectors.agencies_in_scope(actor, Perm.STAFF_MANAGE)
    wb, ws = _new_workbook(STAFF_SHEETS, "工作人员与执法证", ["本文件含完整公民身份号码，请妥善保管。"])
    staff_qs = (
        Staff.objects.filter(agency__in=agencies).select_related("agency", "user").order_by("agency_id", "id")
    )
    for s in staff_qs:
        ws["人员"].append(
            [
                s.name,
                s.id_number,
                s.agency.name,
                s.posts,
                s.phone,
                "是" if s.legal_qualification else "否",
                s.legal_qualification_number,
                "是" if s.is_active else "否",
                s.user.username if s.user else None,
            ]
        )
    creds = Credential.objects.filter(staff__agency__in=agencies).select_related("staff", "domain", "region")
    for c in creds.order_by("staff__agency_id", "staff_id", "number"):
        ws["执法证"].append(
            [
                c.staff.id_number,
                c.number,
                c.domain.name,
                c.region.code,
                c.issued_on,
                c.expires_on,
                _label(Credential.Status.choices, c.status),
                c.issuer,
            ]
        )
    for row in ws["执法证"].iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for row in ws["人员"].iter_rows(min_row=2, max_col=2, min_col=2):
        for cell in row:
            cell.number_format = "@"
    return _save_wb(wb)
