"""A fixed decision (no database, no QR code, no seal): the same bytes every run, for the layout
and page-image tests."""

from __future__ import annotations

from decimal import Decimal

from lawtrail.documents import render, rules
from lawtrail.documents.catalogue import KINDS
from lawtrail.documents.profile_keys import DEFAULT_FONTS

NUMBER = "长市监处罚〔2026〕1号"
RARE = "石家庄市长安区䶮记餐饮有限公司"


def fields() -> dict:
    amount = Decimal("70000")
    return {
        "kind": "penalty_decision",
        "title": "行政处罚决定书",
        "agency": {"name": "石家庄市长安区市场监督管理局", "short": "长市监"},
        "case": {
            "number": "长市监立〔2026〕1号",
            "title": "某餐饮公司未取得食品经营许可从事食品经营案",
            "filed_on": "2026年9月1日",
            "act_date": "2026年8月20日",
            "region": "长安区",
            "handler": "艾丽丝",
            "officers": ["安迪"],
        },
        "parties": [
            {
                "kind": "organisation",
                "name": RARE,
                "code_label": "统一社会信用代码",
                "code": "91130102MA0000001X",
                "legal_representative": "张三",
                "address": "石家庄市长安区中山东路一〇八号",
                "phone": "0311-12345678",
            }
        ],
        "facts": "当事人自2026年8月20日起，在未取得食品经营许可证的情况下，于其经营场所从事餐饮服务经营活动，"
        "至2026年8月28日被查获时，违法经营额共计人民币三万二千元。",
        "evidence": [
            {"kind": "勘验笔录、现场笔录", "title": "现场检查笔录", "on": "2026年9月1日"},
            {"kind": "书证", "title": "营业执照复印件", "on": "2026年9月1日"},
        ],
        "violations": [
            {
                "name": "未取得食品生产经营许可从事食品生产经营活动",
                "violated": ["《中华人民共和国食品安全法》第三十五条第一款"],
                "penalty": ["《中华人民共和国食品安全法》第一百二十二条第一款"],
            }
        ],
        "tier": "一般处罚",
        "tier_reason": "",
        "date": "2026年9月1日",
        "on": "2026-09-01",
        "outcome": "penalty",
        "kinds": ["警告", "罚款"],
        "fine": True,
        "amount": str(amount),
        "amount_figures": rules.amount_in_figures(amount),
        "amount_caps": rules.amount_in_capitals(amount),
        "payment_channel": "到指定的银行或者通过电子支付系统缴纳罚款",
        "surcharge_clause": rules.SURCHARGE_CLAUSE,
        "reconsideration_body": "长安区人民政府",
        "court": "长安区人民法院",
        "statement": "waived",
        "hearing_offered": False,
        "reasoning": "",
    }


def sample_pdf() -> bytes:
    html = render.html_of(KINDS["penalty_decision"], fields(), number=NUMBER)
    return render.pdf_of(html, DEFAULT_FONTS, title="行政处罚决定书", author="石家庄市长安区市场监督管理局")
