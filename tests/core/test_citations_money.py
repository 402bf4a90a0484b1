"""Rule IDs cited as readers know them; amounts in Chinese capitals (table-driven)."""

from decimal import Decimal

import pytest

from lawtrail.core.citations import cite
from lawtrail.core.money import rmb_upper


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("APL-42", "《行政处罚法》第四十二条"),
        ("APL-42, APL-43", "《行政处罚法》第四十二条；《行政处罚法》第四十三条"),
        ("APL-44/45/62", "《行政处罚法》第四十四条、第四十五条、第六十二条"),
        ("ACL-35–38", "《行政强制法》第三十五条至第三十八条"),
        ("APL-110", "《行政处罚法》第一百一十条"),
        ("APL-105", "《行政处罚法》第一百零五条"),
        ("WD-1", "《行政处罚法》第八十五条、《行政强制法》第六十九条"),
        ("NOPE-1", ""),
        ("", ""),
    ],
)
def test_cite(rule, text):
    assert cite(rule) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("0", "零元整"),
        ("50", "伍拾元整"),
        ("100", "壹佰元整"),
        ("1005", "壹仟零伍元整"),
        ("1200.50", "壹仟贰佰元伍角"),
        ("20005", "贰万零伍元整"),
        ("100000", "壹拾万元整"),
        ("1000000.07", "壹佰万元零柒分"),
        ("0.5", "伍角"),
        ("123456789.12", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
    ],
)
def test_rmb_upper(amount, text):
    assert rmb_upper(Decimal(amount)) == text
