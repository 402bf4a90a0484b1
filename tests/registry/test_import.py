"""Excel import: a good workbook; each kind of bad row listed by (sheet, row, column, reason)
with NOTHING written; export → re-import round trip; the CLI commands."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from lawtrail.core.errors import PermissionDenied, ValidationFailed
from lawtrail.core.journal.models import Entry
from lawtrail.registry import excel, services
from lawtrail.registry.models import (
    Benchmark,
    BenchmarkTier,
    Credential,
    CredentialChange,
    LegalBasis,
    PowerItem,
    Staff,
    Violation,
)
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db

CATALOG_MODELS = (PowerItem, Violation, LegalBasis, Benchmark, BenchmarkTier, Entry)
STAFF_MODELS = (Staff, Credential, CredentialChange, Entry)


def workbook(sheets, data: dict[str, list[dict]]) -> io.BytesIO:
    """A workbook with the template's headers and rows given as {header: value}."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        headers = [c.header for c in sheet.cols]
        ws.append([h + ("*" if c.required else "") for h, c in zip(headers, sheet.cols, strict=True)])
        for row in data.get(sheet.title, []):
            ws.append([row.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def good_catalog() -> dict[str, list[dict]]:
    return {
        "权力事项": [
            {
                "事项编码": "SCJG-CF-0001",
                "事项名称": "对销售不合格产品的行政处罚",
                "类型": "行政处罚",
                "执法领域": "市场监管",
                "实施层级": "市级,县级",
            },
            {
                "事项编码": "SCJG-JC-0001",
                "事项名称": "对食品经营者的监督检查",
                "类型": "行政检查",
                "执法领域": "market",
            },
        ],
        "违法行为": [
            {
                "违法行为编码": "SCJG-CF-0001-01",
                "权力事项编码": "SCJG-CF-0001",
                "违法行为名称": "销售不合格产品",
                "处罚种类": "罚款、没收违法所得",
                "倍数下限": 0.5,
                "倍数上限": 3,
                "倍数基数": "货值金额",
            },
            {
                "违法行为编码": "SCJG-CF-0001-02",
                "权力事项编码": "SCJG-CF-0001",
                "违法行为名称": "伪造产品产地",
                "罚款下限（元）": 5000,
                "罚款上限（元）": 50000,
            },
        ],
        "法律依据": [
            {
                "权力事项编码": "SCJG-CF-0001",
                "依据类别": "设定依据",
                "法律法规名称": "《中华人民共和国产品质量法》",
                "条": "第四十九条",
            },
            {
                "违法行为编码": "SCJG-CF-0001-01",
                "依据类别": "处罚依据",
                "法律法规名称": "《中华人民共和国产品质量法》",
                "条": "第四十九条",
                "条文内容": "……处违法生产、销售产品货值金额等值以上三倍以下的罚款……",
            },
        ],
        "裁量基准": [
            {
                "违法行为编码": "SCJG-CF-0001-02",
                "适用区划代码": "130100",
                "制定机关": "石家庄市市场监督管理局",
                "施行日期": dt.date(2025, 1, 1),
                "裁量阶次": "从轻处罚",
                "罚款下限（元）": 5000,
                "罚款上限（元）": 15000,
            },
            {
                "违法行为编码": "SCJG-CF-0001-02",
                "适用区划代码": "130100",
                "制定机关": "石家庄市市场监督管理局",
                "施行日期": "2025-01-01",
                "裁量阶次": "一般",
                "罚款下限（元）": 15000,
                "罚款上限（元）": 35000,
            },
            {
                "违法行为编码": "SCJG-CF-0001-02",
                "适用区划代码": "130100",
                "制定机关": "石家庄市市场监督管理局",
                "施行日期": dt.date(2025, 1, 1),
                "裁量阶次": "从重处罚",
                "罚款下限（元）": 35000,
                "罚款上限（元）": 50000,
            },
            {
                "违法行为编码": "SCJG-CF-0001-02",
                "适用区划代码": "130100",
                "制定机关": "石家庄市市场监督管理局",
                "施行日期": dt.date(2025, 1, 1),
                "裁量阶次": "不予处罚",
                "适用条件": "初次违法且危害后果轻微并及时改正",
            },
        ],
    }


def counts(models) -> tuple[int, ...]:
    return tuple(m.objects.count() for m in models)


def test_good_catalog_imports_everything_journaled(cast):
    result = services.catalog_import(actor=cast.admin, fileobj=workbook(excel.CATALOG_SHEETS, good_catalog()))
    assert result == {"powers": 2, "violations": 2, "bases": 2, "benchmarks": 1, "tiers": 4}
    assert Benchmark.objects.get().division == cast.city
    assert Entry.objects.filter(action="registry:power:create").count() == 2
    assert Entry.objects.filter(action="registry:benchmark:create").count() == 1


def _mutate(data, sheet, index, **changes):
    data[sheet][index].update(changes)
    return data


BAD_CATALOG = [
    # (description, mutate(data), expected (sheet, row, column, words in reason))
    (
        "missing required",
        lambda d: _mutate(d, "权力事项", 0, 事项名称=None),
        ("权力事项", 2, "事项名称", "必填"),
    ),
    (
        "unknown enum",
        lambda d: _mutate(d, "权力事项", 1, 类型="行政罚没"),
        ("权力事项", 3, "类型", "未知的取值"),
    ),
    (
        "unknown domain",
        lambda d: _mutate(d, "权力事项", 1, 执法领域="航天"),
        ("权力事项", 3, "执法领域", "未知的执法领域"),
    ),
    (
        "duplicate code in sheet",
        lambda d: _mutate(d, "权力事项", 1, 事项编码="SCJG-CF-0001"),
        ("权力事项", 3, "事项编码", "重复"),
    ),
    ("duplicate code in db", lambda d: d, ("权力事项", 2, "事项编码", "已存在")),
    (
        "unknown power code",
        lambda d: _mutate(d, "违法行为", 0, 权力事项编码="NOPE"),
        ("违法行为", 2, "权力事项编码", "未知的权力事项编码"),
    ),
    (
        "violation under a non-penalty power",
        lambda d: _mutate(d, "违法行为", 0, 权力事项编码="SCJG-JC-0001"),
        ("违法行为", 2, "权力事项编码", "行政处罚"),
    ),
    (
        "bad number",
        lambda d: _mutate(d, "违法行为", 1, **{"罚款下限（元）": "五千"}),
        ("违法行为", 3, "罚款下限（元）", "数字"),
    ),
    (
        "min > max",
        lambda d: _mutate(d, "违法行为", 1, **{"罚款下限（元）": 60000}),
        ("违法行为", 3, "罚款上限（元）", "下限"),
    ),
    (
        "basis with both owners",
        lambda d: _mutate(d, "法律依据", 0, 违法行为编码="SCJG-CF-0001-01"),
        ("法律依据", 2, "权力事项编码", "只填写一项"),
    ),
    (
        "bad date",
        lambda d: _mutate(d, "裁量基准", 1, 施行日期="2025-02-30"),
        ("裁量基准", 3, "施行日期", "日期"),
    ),
    (
        "unknown tier name",
        lambda d: _mutate(d, "裁量基准", 1, 裁量阶次="特别重"),
        ("裁量基准", 3, "裁量阶次", "未知的取值"),
    ),
    (
        "unknown division",
        lambda d: _mutate(d, "裁量基准", 0, 适用区划代码="999999"),
        ("裁量基准", 2, "适用区划代码", "未知的行政区划代码"),
    ),
    (
        "tier outside statutory range (G27-6)",
        lambda d: _mutate(d, "裁量基准", 2, **{"罚款上限（元）": 80000}),
        ("裁量基准", 4, "罚款上限（元）", "法定幅度"),
    ),
    (
        "reduced not below min (G27-6)",
        lambda d: (d["裁量基准"].append(dict(d["裁量基准"][0], 裁量阶次="减轻处罚")), d)[1],
        ("裁量基准", 6, "罚款上限（元）", "减轻"),
    ),
]


@pytest.mark.parametrize("why,mutate,expected", BAD_CATALOG, ids=[b[0] for b in BAD_CATALOG])
def test_bad_catalog_row_refused_whole(cast, why, mutate, expected):
    if why == "duplicate code in db":
        services.power_create(
            actor=cast.admin, code="SCJG-CF-0001", name="已有", kind="penalty", domain=cast.market
        )
    before = counts(CATALOG_MODELS)
    data = mutate(good_catalog())
    with pytest.raises(ValidationFailed) as exc:
        services.catalog_import(actor=cast.admin, fileobj=workbook(excel.CATALOG_SHEETS, data))
    assert exc.value.code == "IMPORT_INVALID"
    sheet, row, column, words = expected
    matching = [e for e in exc.value.details if (e["sheet"], e["row"], e["column"]) == (sheet, row, column)]
    assert matching, exc.value.details
    assert words in matching[0]["reason"]
    assert counts(CATALOG_MODELS) == before  # nothing half-imported


def test_every_error_is_listed(cast):
    data = good_catalog()
    data["权力事项"][0]["事项名称"] = None
    data["违法行为"][1]["罚款下限（元）"] = "x"
    data["裁量基准"][0]["施行日期"] = "昨天"
    with pytest.raises(ValidationFailed) as exc:
        services.catalog_import(actor=cast.admin, fileobj=workbook(excel.CATALOG_SHEETS, data))
    cells = {(e["sheet"], e["row"], e["column"]) for e in exc.value.details}
    assert {
        ("权力事项", 2, "事项名称"),
        ("违法行为", 3, "罚款下限（元）"),
        ("裁量基准", 2, "施行日期"),
    } <= cells


def test_missing_sheet_and_not_a_workbook(cast):
    data = workbook(excel.CATALOG_SHEETS[:2], good_catalog())
    with pytest.raises(ValidationFailed) as exc:
        services.catalog_import(actor=cast.admin, fileobj=data)
    assert {"法律依据", "裁量基准"} <= {e["sheet"] for e in exc.value.details}
    with pytest.raises(ValidationFailed) as exc:
        services.catalog_import(actor=cast.admin, fileobj=io.BytesIO(b"not a workbook"))
    assert exc.value.code == "IMPORT_FILE_INVALID"


def test_catalog_import_needs_permission(cast):
    with pytest.raises(PermissionDenied):
        services.catalog_import(actor=cast.grace, fileobj=workbook(excel.CATALOG_SHEETS, good_catalog()))


# ---------------------------------------------------------------- staff


def good_staff(cast) -> dict[str, list[dict]]:
    id1 = make_id_number(501, "130102", dt.date(1990, 3, 4), male=True)
    id2 = make_id_number(502, "130104", dt.date(1985, 12, 1), male=False)
    return {
        "人员": [
            {
                "姓名": "孙七",
                "公民身份号码": id1,
                "所在单位": cast.agency_a.name,
                "岗位/职务": "科员",
                "联系电话": "13803110001",
                "在岗": "是",
                "登录账号": "sunqi",
            },
            {
                "姓名": "周八",
                "公民身份号码": id2,
                "所在单位": cast.agency_a.credit_code,
                "具有法律职业资格": "是",
                "法律职业资格证书编号": "A2019130100123",
            },
        ],
        "执法证": [
            {
                "公民身份号码": id1,
                "执法证号": "13010220250001",
                "执法领域": "市场监管",
                "执法区域代码": "130102",
                "发证日期": dt.date(2025, 1, 1),
                "有效期至": dt.date(2030, 1, 1),
            },
            {
                "公民身份号码": id2,
                "执法证号": "13010220250002",
                "执法领域": "market",
                "执法区域代码": "130102",
                "发证日期": "2025-01-01",
                "有效期至": "2030-01-01",
                "状态": "暂扣",
            },
            {
                "公民身份号码": cast.staff["carol"].id_number,
                "执法证号": "13010220250003",
                "执法领域": "市场监管",
                "执法区域代码": "130102",
                "发证日期": "2025/1/1",
                "有效期至": "2030年1月1日",
            },
        ],
    }


def test_good_staff_import(cast):
    result = services.staff_import(actor=cast.grace, fileobj=workbook(excel.STAFF_SHEETS, good_staff(cast)))
    assert result == {"staff": 2, "credentials": 3, "accounts": 1}
    sun = Staff.objects.get(name="孙七")
    assert (sun.gender, sun.birth_date, sun.user.username) == ("M", dt.date(1990, 3, 4), "sunqi")
    assert Credential.objects.get(number="13010220250002").status == "suspended"
    assert Entry.objects.filter(action="registry:credential:issue").count() == 3


BAD_STAFF = [
    (
        "bad check digit",
        lambda d, c: _mutate(d, "人员", 0, 公民身份号码=d["人员"][0]["公民身份号码"][:17] + "Y"),
        ("人员", 2, "公民身份号码", "校验位"),
    ),
    (
        "unknown agency",
        lambda d, c: _mutate(d, "人员", 1, 所在单位="不存在局"),
        ("人员", 3, "所在单位", "未知的单位"),
    ),
    (
        "agency outside actor's scope",
        lambda d, c: _mutate(d, "人员", 1, 所在单位=c.agency_b.name),
        ("人员", 3, "所在单位", "无权"),
    ),
    (
        "duplicate id in sheet",
        lambda d, c: _mutate(d, "人员", 1, 公民身份号码=d["人员"][0]["公民身份号码"]),
        ("人员", 3, "公民身份号码", "重复"),
    ),
    (
        "duplicate id in db",
        lambda d, c: _mutate(d, "人员", 1, 公民身份号码=c.staff["alice"].id_number),
        ("人员", 3, "公民身份号码", "已存在"),
    ),
    (
        "qualification without number",
        lambda d, c: _mutate(d, "人员", 1, 法律职业资格证书编号=None),
        ("人员", 3, "法律职业资格证书编号", "证书编号"),
    ),
    ("bad yes/no", lambda d, c: _mutate(d, "人员", 0, 在岗="也许"), ("人员", 2, "在岗", "是")),
    (
        "username taken",
        lambda d, c: _mutate(d, "人员", 0, 登录账号="alice"),
        ("人员", 2, "登录账号", "已关联"),
    ),
    (
        "unknown person",
        lambda d, c: _mutate(d, "执法证", 0, 公民身份号码=make_id_number(999)),
        ("执法证", 2, "公民身份号码", "未在"),
    ),
    (
        "duplicate number in db",
        lambda d, c: _mutate(d, "执法证", 0, 执法证号=c.credentials["alice"].number),
        ("执法证", 2, "执法证号", "已存在"),
    ),
    (
        "duplicate number in sheet",
        lambda d, c: _mutate(d, "执法证", 1, 执法证号="13010220250001"),
        ("执法证", 3, "执法证号", "重复"),
    ),
    (
        "unknown division",
        lambda d, c: _mutate(d, "执法证", 0, 执法区域代码="139999"),
        ("执法证", 2, "执法区域代码", "未知的行政区划"),
    ),
    (
        "unknown domain",
        lambda d, c: _mutate(d, "执法证", 0, 执法领域="海关"),
        ("执法证", 2, "执法领域", "未知的执法领域"),
    ),
    (
        "bad date",
        lambda d, c: _mutate(d, "执法证", 0, 发证日期="2025-13-01"),
        ("执法证", 2, "发证日期", "日期"),
    ),
    (
        "expiry before issue",
        lambda d, c: _mutate(d, "执法证", 0, 有效期至=dt.date(2024, 1, 1)),
        ("执法证", 2, "有效期至", "晚于"),
    ),
    (
        "unknown status",
        lambda d, c: _mutate(d, "执法证", 0, 状态="作废"),
        ("执法证", 2, "状态", "未知的取值"),
    ),
    (
        "missing required",
        lambda d, c: _mutate(d, "执法证", 2, 执法证号=None),
        ("执法证", 4, "执法证号", "必填"),
    ),
]


@pytest.mark.parametrize("why,mutate,expected", BAD_STAFF, ids=[b[0] for b in BAD_STAFF])
def test_bad_staff_row_refused_whole(cast, why, mutate, expected):
    before = counts(STAFF_MODELS)
    data = mutate(good_staff(cast), cast)
    with pytest.raises(ValidationFailed) as exc:
        services.staff_import(actor=cast.grace, fileobj=workbook(excel.STAFF_SHEETS, data))
    assert exc.value.code == "IMPORT_INVALID"
    sheet, row, column, words = expected
    matching = [e for e in exc.value.details if (e["sheet"], e["row"], e["column"]) == (sheet, row, column)]
    assert matching, exc.value.details
    assert words in matching[0]["reason"]
    assert counts(STAFF_MODELS) == before


def test_error_found_while_writing_rolls_everything_back(cast, monkeypatch):
    """A refusal only the service sees (here: simulated) still leaves nothing behind."""
    real = services.credential_issue

    def failing(**kwargs):
        if kwargs["number"] == "13010220250003":
            raise ValidationFailed("模拟的写入错误。", code="SIMULATED")
        return real(**kwargs)

    monkeypatch.setattr(services, "credential_issue", failing)
    before = counts(STAFF_MODELS)
    with pytest.raises(ValidationFailed) as exc:
        services.staff_import(actor=cast.grace, fileobj=workbook(excel.STAFF_SHEETS, good_staff(cast)))
    assert exc.value.details == [{"sheet": "执法证", "row": 4, "column": "", "reason": "模拟的写入错误。"}]
    assert counts(STAFF_MODELS) == before


# ---------------------------------------------------------------- round trips


def _sheet_values(data: bytes) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {name: [tuple(r) for r in wb[name].iter_rows(values_only=True)] for name in wb.sheetnames[1:]}


def test_catalog_export_reimport_round_trip(cast):
    services.catalog_import(actor=cast.admin, fileobj=workbook(excel.CATALOG_SHEETS, good_catalog()))
    first = excel.export_catalog(actor=cast.admin)
    PowerItem.objects.all().delete()  # cascades to violations, bases, benchmarks, tiers
    assert counts(CATALOG_MODELS[:-1]) == (0, 0, 0, 0, 0)
    services.catalog_import(actor=cast.admin, fileobj=io.BytesIO(first))
    assert _sheet_values(excel.export_catalog(actor=cast.admin)) == _sheet_values(first)


def test_staff_export_reimport_round_trip(cast):
    services.staff_import(actor=cast.grace, fileobj=workbook(excel.STAFF_SHEETS, good_staff(cast)))
    first = excel.export_staff(actor=cast.grace)
    values = _sheet_values(first)
    assert len(values["人员"]) == 1 + 6  # header + alice, carol, dave, grace, 孙七, 周八 (agency A only)
    CredentialChange.objects.all().delete()
    Credential.objects.filter(staff__agency=cast.agency_a).delete()
    Staff.objects.filter(agency=cast.agency_a).delete()
    services.staff_import(actor=cast.grace, fileobj=io.BytesIO(first))
    assert _sheet_values(excel.export_staff(actor=cast.grace)) == values


def test_templates_have_instructions_and_headers():
    for data, sheets in (
        (excel.catalog_template(), excel.CATALOG_SHEETS),
        (excel.staff_template(), excel.STAFF_SHEETS),
    ):
        wb = openpyxl.load_workbook(io.BytesIO(data))
        assert wb.sheetnames == ["填写说明", *[s.title for s in sheets]]
        assert wb[sheets[0].title]["A1"].value.rstrip("*") == sheets[0].cols[0].header


# ---------------------------------------------------------------- commands


def test_cli_import_and_export(cast, tmp_path, capsys):
    path = tmp_path / "catalog.xlsx"
    path.write_bytes(workbook(excel.CATALOG_SHEETS, good_catalog()).getvalue())
    call_command("lawtrail_import", "catalog", str(path))
    assert PowerItem.objects.count() == 2
    out = tmp_path / "out.xlsx"
    call_command("lawtrail_export", "catalog", str(out))
    assert _sheet_values(out.read_bytes())["权力事项"][1][0] == "SCJG-CF-0001"
    call_command("lawtrail_export", "template", "staff", str(tmp_path / "t.xlsx"))
    assert (tmp_path / "t.xlsx").stat().st_size > 0
    call_command("lawtrail_export", "staff", str(tmp_path / "s.xlsx"), "--as", "grace")


def test_cli_import_prints_every_error_and_fails(cast, tmp_path, capsys):
    data = good_catalog()
    data["权力事项"][0]["事项名称"] = None
    data["违法行为"][1]["罚款下限（元）"] = "x"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook(excel.CATALOG_SHEETS, data).getvalue())
    with pytest.raises(CommandError):
        call_command("lawtrail_import", "catalog", str(path), "--as", "admin")
    err = capsys.readouterr().err
    assert "权力事项 第2行 【事项名称】" in err and "违法行为 第3行 【罚款下限（元）】" in err
    assert PowerItem.objects.count() == 0
    with pytest.raises(CommandError):
        call_command("lawtrail_import", "catalog", str(path), "--as", "nobody")
