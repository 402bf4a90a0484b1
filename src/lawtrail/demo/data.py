"""The demo city: 石家庄市 and its districts. Plain data, no database.

Agency names follow the real naming pattern of Hebei's bodies; people are invented.
The catalogue comes from ``data/catalog-sample.csv`` (66 checked penalty items, see its
``.md``); nothing legal is typed here from memory.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

CITY_CODE = "130100"
PROVINCE_CODE = "130000"
CATALOG_CSV = Path(__file__).parent / "data" / "catalog-sample.csv"

# (code, name, sort) — the domains of the sample catalogue.
DOMAINS = [
    ("market", "市场监管", 1),
    ("ecology", "生态环境", 2),
    ("transport", "交通运输", 3),
    ("urban", "城市管理", 4),
    ("emergency", "应急管理", 5),
    ("fire", "消防", 6),
    ("resources", "自然资源", 7),
    ("agriculture", "农业农村", 8),
    ("culture", "文化旅游", 9),
    ("health", "卫生健康", 10),
]


@dataclass
class AgencySpec:
    name: str
    short_name: str
    division: str
    level: str
    domains: list[str]
    legal_status: str = "statutory"
    kind: str = "enforcement"
    parent: str | None = None
    officers: int = 0
    address: str = ""
    extra: dict = field(default_factory=dict)


CITY_AGENCIES = [
    AgencySpec(
        "石家庄市市场监督管理局",
        "石市监",
        CITY_CODE,
        "city",
        ["market"],
        officers=16,
        address="石家庄市长安区中山东路",
    ),
    AgencySpec(
        "石家庄市生态环境局",
        "石环",
        CITY_CODE,
        "city",
        ["ecology"],
        officers=14,
        address="石家庄市桥西区维明南大街",
    ),
    AgencySpec(
        "石家庄市交通运输局",
        "石交",
        CITY_CODE,
        "city",
        ["transport"],
        officers=12,
        address="石家庄市裕华区槐安东路",
    ),
    AgencySpec(
        "石家庄市城市管理综合行政执法局",
        "石城管",
        CITY_CODE,
        "city",
        ["urban"],
        officers=12,
        address="石家庄市新华区中华北大街",
    ),
    AgencySpec(
        "石家庄市应急管理局",
        "石应急",
        CITY_CODE,
        "city",
        ["emergency"],
        officers=10,
        address="石家庄市长安区建设北大街",
    ),
    AgencySpec(
        "石家庄市消防救援支队",
        "石消",
        CITY_CODE,
        "city",
        ["fire"],
        legal_status="authorised",
        officers=10,
        address="石家庄市桥西区新石中路",
    ),
    AgencySpec(
        "石家庄市自然资源和规划局",
        "石自然资源",
        CITY_CODE,
        "city",
        ["resources"],
        officers=10,
        address="石家庄市裕华区槐中路",
    ),
    AgencySpec(
        "石家庄市农业农村局",
        "石农",
        CITY_CODE,
        "city",
        ["agriculture"],
        officers=10,
        address="石家庄市长安区青园街",
    ),
    AgencySpec(
        "石家庄市文化广电和旅游局",
        "石文旅",
        CITY_CODE,
        "city",
        ["culture"],
        officers=8,
        address="石家庄市桥西区自强路",
    ),
    AgencySpec(
        "石家庄市卫生健康委员会",
        "石卫健",
        CITY_CODE,
        "city",
        ["health"],
        officers=8,
        address="石家庄市长安区长安西路",
    ),
    AgencySpec(
        "石家庄市司法局", "石司", CITY_CODE, "city", [], kind="justice", address="石家庄市桥西区维明南大街"
    ),
]

# District/county bodies: (division code, name, short prefix)
COUNTIES = [
    ("130102", "长安区", "长"),
    ("130104", "桥西区", "桥西"),
    ("130105", "新华区", "新"),
    ("130108", "裕华区", "裕"),
    ("130109", "藁城区", "藁"),
    ("130110", "鹿泉区", "鹿"),
    ("130123", "正定县", "正"),
]


def county_agencies() -> list[AgencySpec]:
    specs: list[AgencySpec] = []
    for code, name, prefix in COUNTIES:
        # districts (区) carry the city's name, counties (县) stand on their own
        full = f"石家庄市{name}" if name.endswith("区") else name
        specs += [
            AgencySpec(f"{full}市场监督管理局", f"{prefix}市监", code, "county", ["market"], officers=12),
            AgencySpec(
                f"{full}综合行政执法局",
                f"{prefix}综执",
                code,
                "county",
                ["urban", "resources", "agriculture"],
                officers=10,
            ),
            AgencySpec(f"{full}应急管理局", f"{prefix}应急", code, "county", ["emergency"], officers=6),
        ]
    specs += [
        AgencySpec("石家庄市长安区司法局", "长司", "130102", "county", [], kind="justice"),
        AgencySpec("正定县司法局", "正司", "130123", "county", [], kind="justice"),
        AgencySpec(
            "正定县正定镇综合行政执法队",
            "正定镇执法",
            "130123",
            "township",
            ["urban"],
            legal_status="entrusted",
            parent="正定县综合行政执法局",
            officers=4,
        ),
    ]
    return specs


def agency_specs() -> list[AgencySpec]:
    return CITY_AGENCIES + county_agencies()


SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 建华 文 华 红 玉兰 建国 志强 海燕 "
    "建军 秀英 国强 俊 晓东 雪梅 立新 卫东 春燕 志刚 海涛 红梅 永刚 丽娟 振华 建平 晓燕 欣怡 子轩 宇航 浩然 思远 "
    "嘉怡 佳琪 梓涵 一鸣 雨桐 可馨 晨曦 子豪 博文 天佑 若曦 婉清 书瑶 明轩 昊天 梦琪 诗涵 晓峰 文博 亚楠 鹏飞"
).split()

POSTS_OFFICER = ["执法队员", "执法大队队员", "稽查科科员", "执法支队队员", "监督检查科科员"]
# The approval chain of every enforcement body (GLOSSARY: approver levels 1/2/3).
APPROVER_POSTS = [("approver_1", "执法科科长"), ("approver_2", "分管副局长"), ("approver_3", "局长")]
#: A second 分管领导 per body, so that three agency leaders can hold a 集体讨论 (APL-57).
SECOND_LEADER_POST = ("approver_2", "副局长")


def catalog_rows() -> list[dict[str, str]]:
    with CATALOG_CSV.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


DOMAIN_BY_NAME = {name: code for code, name, _ in DOMAINS}
