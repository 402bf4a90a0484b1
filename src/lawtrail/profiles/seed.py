"""What ``profiles_seed`` loads: the national defaults from the key registry and two
provincial examples that differ (numbers from RULES.md only)."""

from __future__ import annotations

from .keys import NATIONAL_EFFECTIVE_FROM

# The local texts' own commencement dates were not read; the seed puts them in force from
# the same date as the national defaults and says so in the note.
_DATE_NOTE = "生效日期待核实"

PROVINCES: list[dict] = [
    {
        "code": "150000",
        "name": "内蒙古自治区",
        "values": [
            (
                "review.time_limit",
                5,
                f"内蒙古自治区政府令第244号第三十一条：法制审核五个工作日（{_DATE_NOTE}）",
            ),
            (
                "review.time_limit_extension",
                5,
                f"内蒙古自治区政府令第244号第三十一条：可延长五个工作日（{_DATE_NOTE}）",
            ),
            (
                "recording.upload_window",
                24,
                f"内蒙古自治区政府令第244号第二十条：24小时内上传（{_DATE_NOTE}）",
            ),
        ],
    },
    {
        "code": "500000",
        "name": "重庆市",
        "values": [
            (
                "discretion.bands",
                {
                    "range": {"lenient": [0, 30], "normal": [30, 70], "severe": [70, 100]},
                    "max_only": {"reduced": [0, 10], "lenient": [10, 30]},
                },
                f"重庆市人民政府令第355号第十六条：从轻≤30%、一般30%–70%、从重≥70%；只规定最高额的，减轻<10%、从轻10%–30%（{_DATE_NOTE}）",
            ),
        ],
    },
]

EFFECTIVE_FROM = NATIONAL_EFFECTIVE_FROM
