"""Demo cases: penalty cases of the demo city, each step taken THROUGH the case services.

Every case is planned first — a list of dated steps (register the lead, submit for filing,
approve level by level, collect evidence, propose, notify, hear, review, decide, serve,
collect, close, archive), with gaps in working days and the dates the law allows computed by
the rules themselves — and then all the steps of all the cases are replayed in date order
through ``case_create`` / ``party_add`` / ``case_transition(..., on=)`` /
``approval_act(..., on=)``. So case numbers are handed out in filing order, every row is
validated by the guards and journaled, and a plan that the rules refuse shows up as a
refusal (printed, and asserted empty by the tests), never as a row written around them.

A random case stops where "today" cuts its plan, so recent leads are still being
investigated while older ones are archived. The first cases are pinned: each ends in a
chosen state at the demo agency (石家庄市长安区市场监督管理局) with the demo accounts as
handlers and approvers, so every state and outcome appears in their 待办 and lists even in
a small demo. Some cases are left to run past their deadlines (overdue).

Deterministic: the same ``seed`` and ``today`` give the same cases.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import random
import time
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

try:
    import time_machine
except ImportError:  # pragma: no cover - production installs without the dev extra
    time_machine = None

from lawtrail.cases import guards
from lawtrail.cases import rules as case_rules
from lawtrail.cases import services as svc
from lawtrail.cases.models import Case, Outcome, State
from lawtrail.core.calendar import rules as cal_rules
from lawtrail.core.calendar import selectors as calendar
from lawtrail.core.errors import ApplicationError
from lawtrail.core.models import User
from lawtrail.core.permissions import Role
from lawtrail.profiles.selectors import profile_value
from lawtrail.recording import services as recording
from lawtrail.recording import transcript_services as transcripts
from lawtrail.registry import rules as registry_rules
from lawtrail.registry.models import Agency, BenchmarkTier, Credential, Division, RoleGrant, Staff, Violation

from . import data

SEED = 20260301
HOME_AGENCY = "石家庄市长安区市场监督管理局"
HOME_SHARE = 0.3  # of the cases, at the demo agency
FIRST_LEAD = dt.date(2026, 1, 5)

ALL_EVIDENCE = "__all__"  # evidence_examine: every piece of evidence of the case
OWED = "__owed__"  # payment_record: what is owed on the day (fine left + surcharge)
MEASURE = "__measure__"  # the case's latest compulsory measure
#: the body-camera clip uploaded for each 查封、扣押 before the step is recorded (G118-8)
BODYCAM_CLIP = Path(__file__).parent / "data" / "bodycam-sample.mp4"
#: of the reviewed cases, sent back by the reviewer once (存在问题) before passing
REVIEW_SEND_BACK_SHARE = 0.2
REVIEW_FINDINGS = (
    ("facts_evidence", "违法所得数额的计算缺少进货凭证佐证，事实不清、证据不足，请补充调查。"),
    ("discretion", "当事人系初次违法且积极整改，拟适用的裁量阶次偏重，请重新考量。"),
    ("documents", "现场检查笔录未载明检查起止时间，当事人签名页缺失，文书不规范。"),
    ("law", "处罚依据引用的条款项有误，应适用第一百二十四条第一款第三项。"),
    ("procedure", "调查询问仅有一名执法人员签名，程序存在瑕疵，请补正。"),
)
SPOT_SHARE = 0.08  # of the random cases, decided on the spot (简易程序)
MEASURE_SHARE = 0.1  # of the ordinary cases, with a compulsory measure
MEASURE_ITEMS = {
    "seize": "涉案商品一批（详见扣押物品清单）",
    "seal": "涉案生产经营场所及设备（详见查封清单）",
    "preservation": "涉案物品及账册（详见先行登记保存清单）",
}
MEASURE_NAMES = {"seize": "扣押", "seal": "查封", "preservation": "先行登记保存"}

# ----------------------------------------------------------------------------- text pools

ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
BRANDS = (
    "宏达 鑫源 华盛 金桥 众诚 恒信 博远 瑞丰 天成 聚福 德顺 安泰 永兴 嘉禾 祥瑞 润丰 兴隆 福缘 盛世 广源 "
    "同心 万通 康泰 凯旋 明辉 华泰 东方 锦程 冀中 燕赵 太行 滹沱 正和 信达 长丰 九州 佳美 乐家 百合 翔宇"
).split()
TRADES = {
    "market": ["餐饮店", "食品商行", "超市有限公司", "大药房", "商贸有限公司", "副食店", "烘焙坊"],
    "ecology": ["化工有限公司", "汽车维修有限公司", "建材有限公司", "印染有限公司", "金属制品有限公司"],
    "transport": ["物流有限公司", "运输有限公司", "汽车客运有限公司", "货运有限公司"],
    "urban": ["建筑工程有限公司", "房地产开发有限公司", "广告有限公司", "物业服务有限公司", "餐饮店"],
    "emergency": ["化工有限公司", "机械制造有限公司", "危险化学品经营有限公司", "铸造有限公司"],
    "fire": ["宾馆", "娱乐有限公司", "商场有限公司", "仓储有限公司"],
    "resources": ["农业开发有限公司", "建材有限公司", "砂石料厂", "养殖专业合作社"],
    "agriculture": ["农资经营部", "种业有限公司", "农药经营部", "农机专业合作社"],
    "culture": ["网吧", "旅行社有限公司", "文化传媒有限公司", "娱乐有限公司"],
    "health": ["诊所", "口腔诊所", "美容有限公司", "宾馆"],
}
STREETS = (
    "中山东路 建设北大街 和平东路 裕华东路 槐安东路 体育大街 胜利北街 友谊大街 谈固东街 育才街 "
    "平安大街 石获北路 翟营大街 北二环东路 南二环西路 燕赵大街 塔元庄路 新华路"
).split()
SOURCES = [
    ("监督检查", 40, "在日常监督检查中"),
    ("投诉举报", 25, "根据群众投诉举报"),
    ("双随机抽查", 12, "在“双随机、一公开”抽查中"),
    ("上级交办", 8, "根据上级机关交办线索"),
    ("其他机关移送", 7, "根据其他机关移送的线索"),
    ("数据监测", 8, "通过监测数据分析"),
]
EVIDENCE = [
    ("record", "现场检查笔录"),
    ("statement", "当事人询问笔录"),
    ("document", "营业执照及身份证明复印件"),
    ("audiovisual", "现场照片及执法记录仪视频"),
    ("electronic", "电子交易记录截图"),
    ("document", "购销凭证及台账"),
    ("expert", "检验检测报告"),
    ("witness", "证人证言"),
    ("physical", "涉案物品"),
]
SUSPEND_REASONS = [
    "当事人下落不明，案件调查无法继续进行。",
    "涉案物品需送专业机构检验检测，等待检验结果。",
    "案件须以相关案件的裁判结果为依据，而相关案件尚未审结。",
]
TERMINATE_REASONS = [
    "当事人营业执照已被吊销并注销，无法继续调查处理。",
    "经调查，违法行为已超过追责时效，终止调查。",
    "作为当事人的自然人死亡，终止调查。",
]
TRANSFER_TO = [
    ("石家庄市公安局", "经初步调查，当事人涉嫌犯罪，依法移送公安机关。"),
    ("石家庄市市场监督管理局", "案件属于上级机关管辖，依法移送。"),
    ("石家庄市生态环境局", "违法行为属于生态环境部门职责，依法移送有管辖权的机关。"),
]
DECLINE_REASONS = [
    "经核查，举报反映的问题不属实，不予立案。",
    "违法行为轻微并及时改正，没有造成危害后果，依法不予立案。",
    "该线索不属于本机关管辖，已告知举报人向有权机关反映。",
]


# ----------------------------------------------------------------------------- the world


@dataclass
class ViolationPick:
    violation: Violation
    tiers: dict[str, BenchmarkTier]  # lenient / normal / severe / exempt

    @property
    def by_multiple(self) -> bool:
        return any(t.multiple_max is not None for t in self.tiers.values())


@dataclass
class AgencyWorld:
    agency: Agency
    regions: list[Division]
    officers: dict[str, list[User]]  # domain code → officers with a credential usable all year
    approvers: dict[str, list[User]]  # role → holders
    reviewers: list[User]
    staff_users: list[User]  # everyone active with an account (hearing hosts)
    named: dict[str, User] = field(default_factory=dict)  # the demo accounts (home agency)


@dataclass
class Step:
    on: dt.date
    kind: str  # create / t (transition) / ap (approval)
    action: str
    actor: User
    data: dict[str, Any]
    tag: str  # the case's state after the step ("filing:1" = waiting at approval level 1)


@dataclass
class CaseSpec:
    idx: int
    seed: int
    world: AgencyWorld
    domain: str
    pick: ViolationPick
    handler: User
    co_officers: list[User]
    region: Division
    fate: str  # normal / decline / transfer_lead / transfer_inv / terminate / suspend / suspend_resume /
    #            stall_investigation / stall_notice / stall_service
    outcome: str
    payment: str  # ontime / late / nonpay / court
    hearing: bool | None  # request a hearing when the right exists (None: by chance)
    target: str | None  # pin: end in this tag
    kinds: list[str] = field(default_factory=list)
    tier: str = ""
    amount: Decimal | None = None
    base_note: str = ""
    complex_case: bool = False
    review: bool = False
    statement: str = "none"  # none / waived / stated
    sendback: str = ""  # "" / filing / decision
    parties: list[dict] = field(default_factory=list)
    title: str = ""
    facts: str = ""
    source: str = ""
    measure: str = ""  # a compulsory measure during the investigation: seize / seal / preservation
    spot: dict | None = None  # 简易程序: {violation, kinds, amount, collected}


# pinned cases: (tag to end in, overrides). Together they put every state and outcome at the
# demo agency, handled by the demo accounts, with tasks waiting at each approval level.
PINNED: list[tuple[str, dict]] = [
    ("lead", {}),
    ("filing:0", {}),
    ("filing:1", {}),
    ("declined", {"fate": "decline"}),
    ("investigating", {}),
    ("investigated", {}),
    ("proposing:0", {}),
    ("proposed", {}),
    ("notified", {}),
    ("hearing", {"hearing": True, "big": True}),
    ("reviewing", {"review": True}),
    ("ready", {"complex_case": True}),
    ("deciding:0", {}),
    ("deciding:1", {}),
    ("deciding:2", {}),
    ("decided", {}),
    ("served", {"payment": "nonpay"}),
    ("served", {"payment": "court"}),
    ("executed", {}),
    ("closed", {}),
    ("archived", {"outcome": Outcome.PENALTY, "hearing": True, "big": True}),
    ("archived", {"outcome": Outcome.NO_PENALTY}),
    ("archived", {"outcome": Outcome.DISMISSED}),
    ("archived", {"outcome": Outcome.TRANSFERRED}),
    ("suspended", {"fate": "suspend"}),
    ("terminated", {"fate": "terminate"}),
    ("transferred", {"fate": "transfer_inv"}),
    ("investigating", {"fate": "stall_investigation", "overdue": True}),
    ("investigating:measure", {"measure": "seize"}),
    ("served:spot", {"spot": True}),
    ("archived", {"spot": True}),
    ("notified", {"fate": "stall_notice", "overdue": True}),
]
FINAL_TAGS = {"archived", "closed", "declined", "terminated", "transferred", "executed", "served"}


def _is_working(day: dt.date) -> bool:
    """The working-day calendar for planning. Years not entered (2027) are planned with plain
    weekdays: those steps lie after today and are never taken."""
    try:
        return calendar.is_working_day(day)
    except ApplicationError:
        return day.weekday() < 5


def wd(day: dt.date, n: int) -> dt.date:
    """The n-th working day after ``day`` (n = 0: the day itself if working, else the next)."""
    if n == 0:
        while not _is_working(day):
            day += dt.timedelta(days=1)
        return day
    return cal_rules.add_working_days(day, n, _is_working)[0]


def _big(picks: list[ViolationPick]) -> list[ViolationPick]:
    """Violations whose severe tier reaches the hearing threshold of an organisation (APL-63)."""
    big = [p for p in picks if not p.by_multiple and (p.tiers["severe"].fine_min or 0) >= 100000]
    return big or picks


SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _clock(at: dt.datetime):
    """The wall clock of a step: its own day, so what the services stamp with "now" (event
    times, approval times, measure times checked against each other, journal times) reads as
    when the step was taken. time-machine is the project's clock tool (a dev dependency, which
    `make run` installs); without it the steps are stamped with the real time and the
    compulsory measures, whose checks compare those times, are left out."""
    if time_machine is None:
        return contextlib.nullcontext()
    return time_machine.travel(at, tick=False)


def _weighted(rng: random.Random, options: list[tuple[Any, float]]) -> Any:
    return rng.choices([o for o, _w in options], weights=[w for _o, w in options])[0]


# ----------------------------------------------------------------------------- loader


class CaseDemo:
    """Plan and replay ``n`` demo cases. ``load()`` returns the cases' count by state."""

    def __init__(self, *, n: int = 1000, today: dt.date, seed: int = SEED, stdout=None):
        self.n = n
        self.today = today
        self.rng = random.Random(seed)
        self.seed = seed
        self.stdout = stdout
        self.refusals: list[tuple[int, str, str, str]] = []
        self.seconds = 0.0
        self.form_serials: dict[int, int] = {}
        self.spot_picks: dict[str, list] = {}
        self.transcripts = 0  # 笔录 made with the evidence they record (a few per demo)

    def say(self, msg: str) -> None:
        if self.stdout is not None:
            self.stdout.write(msg)

    # ------------------------------------------------------------------ the world
    def _worlds(self) -> tuple[AgencyWorld, list[tuple[AgencyWorld, str]], dict[str, list[ViolationPick]]]:
        picks: dict[str, list[ViolationPick]] = {}
        tiers_of: dict[int, dict[str, BenchmarkTier]] = {}
        for t in BenchmarkTier.objects.select_related("benchmark").order_by(
            "benchmark__effective_from", "id"
        ):
            tiers_of.setdefault(t.benchmark.violation_id, {})[t.tier] = t
        for v in Violation.objects.select_related("power__domain").order_by("id"):
            tiers = tiers_of.get(v.pk, {})
            if {"lenient", "normal", "severe"} <= set(tiers):
                picks.setdefault(v.power.domain.code, []).append(ViolationPick(v, tiers))
        approver_roles = (Role.APPROVER_1, Role.APPROVER_2, Role.APPROVER_3)
        grants: dict[int, dict[str, list[User]]] = {}
        for g in RoleGrant.objects.filter(agency__isnull=False).select_related("user").order_by("id"):
            grants.setdefault(g.agency_id, {}).setdefault(g.role, []).append(g.user)
        leaders = {
            u.pk
            for roles in grants.values()
            for role, us in roles.items()
            if role in approver_roles
            for u in us
        }
        usable: dict[int, dict[str, list[User]]] = {}
        creds = Credential.objects.filter(
            status=Credential.Status.VALID, issued_on__lte=FIRST_LEAD, expires_on__gt=self.today
        ).select_related("staff__user", "domain")
        for c in creds.order_by("id"):
            user = c.staff.user
            if user is None or user.pk in leaders:
                continue
            usable.setdefault(c.staff.agency_id, {}).setdefault(c.domain.code, []).append(user)
        staff_users: dict[int, list[User]] = {}
        for s in (
            Staff.objects.filter(is_active=True, user__isnull=False).select_related("user").order_by("id")
        ):
            staff_users.setdefault(s.agency_id, []).append(s.user)
        districts = list(Division.objects.filter(parent__code=data.CITY_CODE).order_by("code"))
        worlds: list[tuple[AgencyWorld, str]] = []
        home = None
        for agency in (
            Agency.objects.filter(kind=Agency.Kind.ENFORCEMENT).select_related("division").order_by("id")
        ):
            roles = grants.get(agency.pk, {})
            if not all(roles.get(r) for r in approver_roles) or not roles.get(Role.REVIEWER):
                continue
            world = AgencyWorld(
                agency=agency,
                regions=districts if agency.division.code == data.CITY_CODE else [agency.division],
                officers={
                    d: us for d, us in usable.get(agency.pk, {}).items() if len(us) >= 2 and picks.get(d)
                },
                approvers={r: roles[r] for r in approver_roles},
                reviewers=roles[Role.REVIEWER],
                staff_users=staff_users.get(agency.pk, []),
            )
            if agency.name == HOME_AGENCY:
                home = world
                world.named = {u.username: u for u in User.objects.filter(staff__agency=agency)}
                continue
            worlds += [(world, d) for d in world.officers]
        if home is None:
            raise RuntimeError(f"demo agency {HOME_AGENCY} not loaded")
        self.spot_picks = self._spot_picks()
        return home, worlds, picks

    def _spot_picks(self) -> dict[str, list[tuple[Violation, dict[str, tuple[int, int]], bool]]]:
        """Violations a simple procedure can decide (APL-51): fines of the lenient tier within
        the on-the-spot limits (by party kind), or a warning where the law provides one."""
        limits = {"person": 200, "organisation": 3000}
        out: dict[str, list] = {}
        for v in Violation.objects.select_related("power__domain").order_by("id"):
            t = (
                BenchmarkTier.objects.filter(benchmark__violation=v, tier="lenient", fine_max__isnull=False)
                .order_by("-benchmark__effective_from")
                .first()
            )
            ranges = {}
            if t is not None:
                for kind, limit in limits.items():
                    lo, hi = max(int(t.fine_min or 0), 1), min(int(t.fine_max), limit)
                    if lo <= hi:
                        ranges[kind] = (lo, hi)
            warning = "警告" in v.penalty_types
            if ranges or warning:
                out.setdefault(v.power.domain.code, []).append((v, ranges, warning))
        return out

    # ------------------------------------------------------------------ specs
    def _spec(self, idx: int, world: AgencyWorld, domain: str, picks, target=None, over=None) -> CaseSpec:
        over = over or {}
        rng = random.Random(self.seed * 7919 + idx)
        named = world.named
        pool = world.officers[domain]
        if named:
            demo = [named["officer"], named["officer2"]]
            handler = demo[0] if target or rng.random() < 0.55 else demo[1] if rng.random() < 0.6 else None
            if handler is None:
                handler = rng.choice([u for u in pool if u not in demo])
        else:
            handler = rng.choice(pool)
        others = [u for u in pool if u != handler]
        co = rng.sample(others, 2 if rng.random() < 0.15 and len(others) >= 2 else 1)
        fate = (
            over.get("fate")
            or ("normal" if target else None)
            or _weighted(
                rng,
                [
                    ("normal", 75),
                    ("decline", 5),
                    ("transfer_lead", 1.5),
                    ("transfer_inv", 1.5),
                    ("terminate", 2.5),
                    ("suspend", 1.5),
                    ("suspend_resume", 2.5),
                    ("stall_investigation", 4.5),
                    ("stall_notice", 2),
                    ("stall_service", 1),
                ],
            )
        )
        outcome = over.get("outcome") or _weighted(
            rng,
            [
                (Outcome.PENALTY, 82),
                (Outcome.NO_PENALTY, 8),
                (Outcome.DISMISSED, 6),
                (Outcome.TRANSFERRED, 4),
            ],
        )
        if fate in ("stall_notice",) or target in ("proposed", "notified", "hearing", "served", "executed"):
            outcome = Outcome.PENALTY
        spec = CaseSpec(
            idx=idx,
            seed=rng.randrange(2**31),
            world=world,
            domain=domain,
            pick=rng.choice(_big(picks[domain]) if over.get("big") else picks[domain]),
            handler=handler,
            co_officers=co,
            region=rng.choice(world.regions),
            fate=fate,
            outcome=outcome,
            payment=over.get("payment")
            or _weighted(rng, [("ontime", 80), ("late", 10), ("nonpay", 6), ("court", 4)]),
            hearing=over.get("hearing"),
            target=target,
            complex_case=over.get("complex_case", rng.random() < 0.1),
            review=over.get("review", False),
            statement=_weighted(rng, [("none", 35), ("waived", 30), ("stated", 35)]),
            sendback=_weighted(rng, [("", 92), ("filing", 4), ("decision", 4)]),
        )
        spots = self.spot_picks.get(domain)
        if spots and (over.get("spot") or (target is None and rng.random() < SPOT_SHARE)):
            return self._spot_spec(spec, rng, spots)
        if (
            time_machine is not None
            and spec.fate in ("normal", "stall_investigation")
            and (over.get("measure") or rng.random() < MEASURE_SHARE)
        ):
            spec.measure = over.get("measure") or _weighted(
                rng, [("seize", 45), ("seal", 20), ("preservation", 35)]
            )
        self._penalty(spec, rng, big=bool(over.get("big")))
        self._parties(spec, rng, big=bool(over.get("big")))
        self._texts(spec, rng)
        if spec.amount and spec.amount >= 200000:
            spec.complex_case = True  # 情节复杂或重大违法: 集体讨论 (APL-57)
        if spec.hearing and target == "hearing":
            spec.statement = _weighted(rng, [("none", 1), ("stated", 1)])
        return spec

    def _spot_spec(self, spec: CaseSpec, rng: random.Random, spots: list) -> CaseSpec:
        violation, ranges, warning = rng.choice(spots)
        kind = rng.choice(sorted(ranges)) if ranges else rng.choice(["person", "organisation"])
        self._parties(spec, rng, big=False, kind=kind)
        party = spec.parties[0]
        if kind in ranges and (not warning or rng.random() < 0.75):
            lo, hi = ranges[kind]
            unit = 50 if hi - lo >= 100 else 10 if hi - lo >= 10 else 1
            amount, kinds = lo + unit * rng.randint(0, (hi - lo) // unit), ["fine"]
        else:
            amount, kinds = None, ["warning"]
        spec.pick = ViolationPick(violation, {})
        spec.outcome = Outcome.PENALTY
        spec.spot = {
            "violation": violation,
            "kinds": kinds,
            "amount": amount,
            "collected": bool(amount and kind == "person" and amount <= 100 and rng.random() < 0.7),
        }
        spec.title = f"{party['name']}{violation.name}（当场处罚）"[:300]
        spec.facts = (
            f"执法人员在{party['address']}检查时发现，当事人{party['name']}{violation.name}，"
            "违法事实确凿，当事人对违法事实无异议，依法适用简易程序当场作出行政处罚决定。"
        )
        return spec

    def _penalty(self, spec: CaseSpec, rng: random.Random, *, big: bool) -> None:
        v = spec.pick.violation
        types = v.penalty_types
        if spec.outcome == Outcome.NO_PENALTY:
            spec.tier = "exempt"
            return
        if spec.outcome != Outcome.PENALTY:
            return
        if "警告" in types and not big and rng.random() < 0.08:
            spec.kinds = ["warning"]
            return
        spec.tier = "severe" if big else _weighted(rng, [("lenient", 35), ("normal", 50), ("severe", 15)])
        t = spec.pick.tiers[spec.tier]
        if spec.pick.by_multiple:
            base_label = v.multiple_base or "违法所得"
            m_lo, m_hi = Decimal(t.multiple_min or 0), Decimal(t.multiple_max)
            multiple = m_lo + (m_hi - m_lo) * Decimal(rng.randint(0, 100)) / 100
            if "平方米" in base_label:
                area = rng.randint(60, 1500)
                amount = Decimal(area) * multiple
                spec.base_note = (
                    f"非法占用土地{area}平方米，按每平方米{multiple.quantize(Decimal('0.01'))}元计"
                )
            else:
                scale = 2_000_000 if "造价" in base_label else 200_000
                base = Decimal(rng.randint(10, 100)) * scale / 100
                if "一万元" in base_label:
                    base = max(base, Decimal(10000))
                amount = base * multiple
                spec.base_note = f"{base_label}{base:,.0f}元，按{multiple.quantize(Decimal('0.01'))}倍计"
            spec.amount = amount.quantize(Decimal("1"))
        else:
            lo, hi = int(t.fine_min or 0), int(t.fine_max)
            span = hi - lo
            unit = 1000 if span >= 20000 else 100 if span >= 2000 else 10 if span >= 200 else 1
            spec.amount = Decimal(lo + unit * rng.randint(0 if lo else 1, span // unit))
        spec.kinds = ["fine"]
        if "没收违法所得" in types and rng.random() < 0.35:
            spec.kinds.append("confiscate_gains")
        if spec.amount <= 0:
            spec.amount = Decimal(1)

    def _person(self, rng: random.Random, area: str) -> dict:
        born = dt.date(rng.randint(1958, 2000), rng.randint(1, 12), rng.randint(1, 28))
        gender = rng.choice("MF")
        first17 = f"{area}{born:%Y%m%d}{rng.randrange(50) * 2 + (1 if gender == 'M' else 0) + 100:03d}"
        name = rng.choice(data.SURNAMES) + rng.choice(data.GIVEN)
        return {
            "kind": "person",
            "name": name,
            "id_number": first17 + registry_rules.id_number_check_char(first17),
            "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
        }

    def _parties(self, spec: CaseSpec, rng: random.Random, *, big: bool, kind: str | None = None) -> None:
        region = spec.region
        address = f"石家庄市{region.name}{rng.choice(STREETS)}{rng.randint(1, 399)}号"
        n = 2 if kind is None and rng.random() < 0.05 else 1
        for _i in range(n):
            person = kind == "person" if kind else not big and rng.random() < 0.25
            if person:
                p = self._person(rng, region.code)
                p["address"] = address
            else:
                org = "".join(rng.choice(ORG_CHARS) for _c in range(7))
                body = f"91{region.code}MA{org}"  # 9 = 市场监管 registered, 1 = 企业
                rep = self._person(rng, region.code)
                trade = rng.choice(TRADES.get(spec.domain, ["有限公司"]))
                p = {
                    "kind": "organisation",
                    "name": f"石家庄市{region.name}{rng.choice(BRANDS)}{trade}",
                    "credit_code": body + registry_rules.credit_code_check_char(body),
                    "legal_representative": rep["name"],
                    "phone": f"0311-{rng.randint(80000000, 89999999)}",
                    "address": address,
                }
            spec.parties.append(p)

    def _texts(self, spec: CaseSpec, rng: random.Random) -> None:
        v = spec.pick.violation.name
        party = spec.parties[0]["name"]
        source, phrase = _weighted(rng, [((s, p), w) for s, w, p in SOURCES])
        spec.source = source
        spec.title = f"{party}涉嫌{v}案"[:300]
        facts = f"本机关执法人员{phrase}，在{spec.parties[0]['address']}检查时发现，当事人{party}涉嫌{v}。"
        if spec.base_note:
            facts += f"经初步核查，{spec.base_note}。"
        spec.facts = facts

    # ------------------------------------------------------------------ plans
    def _plan_spot(self, spec: CaseSpec, on: dt.date, rng: random.Random) -> list[Step]:
        """简易程序: decided and handed over on the spot, then collected, filed (备案), closed."""
        w = spec.world
        steps = [Step(on, "spot", "on_the_spot", spec.handler, {}, "served:spot")]

        def t(day, action, actor, tag, /, **data) -> dt.date:
            steps.append(Step(day, "t", action, actor, data, tag))
            return day

        d = on
        amount = spec.spot["amount"]
        if spec.spot["collected"]:
            d = wd(d, rng.randint(0, 2))
            t(d, "cash_handover", spec.handler, "served", to="agency", handed_on=d)
            d = wd(d, rng.randint(0, 2))
            t(d, "cash_handover", spec.handler, "served", to="bank", handed_on=d)
        elif amount:
            paid = min(wd(d, rng.randint(1, 9)), case_rules.payment_due(served_on=on, is_working=_is_working))
            d = t(paid, "payment_record", spec.handler, "served", amount=OWED, paid_on=paid)
        d = t(wd(d, rng.randint(0, 2)), "execution_complete", spec.handler, "executed")
        d = t(
            wd(d, rng.randint(1, 4)),
            "on_the_spot_file",
            spec.handler,
            "executed:filed",
            note="当场处罚决定书已报所属行政机关备案。",
        )
        leader = w.named.get("approver1") or rng.choice(w.approvers["approver_1"])
        d = t(wd(d, rng.randint(1, 5)), "close", leader, "closed")
        t(wd(d, rng.randint(1, 10)), "archive", spec.handler, "archived")
        return steps

    def _plan(self, spec: CaseSpec, lead_on: dt.date) -> list[Step]:
        rng = random.Random(spec.seed)
        if spec.spot is not None:
            return self._plan_spot(spec, lead_on, rng)
        w = spec.world
        steps: list[Step] = []
        agency_approvers = w.approvers

        def approver(role: str) -> User:
            holders = agency_approvers[role]
            named = w.named.get(
                {"approver_1": "approver1", "approver_2": "approver2", "approver_3": "approver3"}[role]
            )
            if named is not None and rng.random() < 0.75:
                return named
            return rng.choice(holders)

        def add(on, step_kind, action, actor, tag, /, **data) -> dt.date:
            steps.append(Step(on, step_kind, action, actor, data, tag))
            return on

        def t(on, action, actor, tag, /, **data) -> dt.date:
            return add(on, "t", action, actor, tag, **data)

        def approvals(d: dt.date, chain: str, via: str, final: str, action: str, data: dict) -> dt.date:
            levels = svc.approval_chain_for(w.agency, chain)
            sent_back = spec.sendback != chain
            level = 0
            while level < len(levels):
                d = wd(d, rng.randint(0, 2))
                who = approver(levels[level])
                if not sent_back and level == len(levels) - 1:
                    sent_back = True
                    d = add(
                        d,
                        "ap",
                        "send_back",
                        who,
                        action_source[action],
                        reasons="事实表述不够清楚，请补充完善后重新提交。",
                    )
                    d = wd(d, rng.randint(1, 3))
                    d = t(d, action, spec.handler, f"{via}:0", **data)
                    level = 0
                    continue
                level += 1
                d = add(
                    d,
                    "ap",
                    "approve",
                    who,
                    final if level == len(levels) else f"{via}:{level}",
                    reasons="同意。",
                )
            return d

        action_source = {
            "filing_submit": "lead",
            "decision_submit": "ready",
            "proposal_submit": "investigated",
        }
        person_party = spec.parties[0]["kind"] == "person"
        act_date = lead_on - dt.timedelta(days=rng.randint(1, 30))
        d = add(
            lead_on,
            "create",
            "register",
            spec.handler,
            "lead",
            act_date=act_date,
            discovered_on=lead_on - dt.timedelta(days=rng.randint(0, min(3, (lead_on - act_date).days))),
        )
        if spec.fate == "decline":
            d = wd(d, rng.randint(2, 8))
            t(d, "decline", approver("approver_1"), "declined", reason=rng.choice(DECLINE_REASONS))
            return steps
        if spec.fate == "transfer_lead":
            to, reason = rng.choice(TRANSFER_TO)
            t(
                wd(d, rng.randint(2, 8)),
                "transfer",
                approver("approver_1"),
                "transferred",
                reason=reason,
                to=to,
            )
            return steps
        d = t(wd(d, rng.randint(0, 4)), "filing_submit", spec.handler, "filing:0")
        d = approvals(d, "filing", "filing", "investigating", "filing_submit", {})
        # investigation: evidence, perhaps a suspension
        kinds = rng.sample(EVIDENCE, rng.randint(2, 4))
        kinds.sort(key=lambda e: e[0] != "record")  # the on-site record first
        for n, (kind, title) in enumerate(kinds):
            d = wd(d, rng.randint(0, 2) if n == 0 else rng.randint(1, 6))
            t(d, "evidence_add", spec.handler, "investigating", kind=kind, title=title, collected_on=d)
            if n == 0 and spec.measure:
                measure_end = self._measure_steps(spec, rng, t, approver, d)
                d = steps[-1].on
            if n == 0 and spec.fate == "stall_investigation":
                return steps
            if n == 0 and spec.fate in ("suspend", "suspend_resume"):
                d = t(
                    wd(d, rng.randint(1, 5)),
                    "suspend",
                    approver("approver_2"),  # a 负责人 approves a suspension (APL-60)
                    "suspended",
                    reason=rng.choice(SUSPEND_REASONS),
                )
                if spec.fate == "suspend":
                    return steps
                d = t(
                    wd(d, rng.randint(10, 30)),
                    "resume",
                    approver("approver_2"),
                    "investigating",
                    reason="中止调查的原因已经消除，恢复调查。",
                )
            if n == 0 and spec.fate == "terminate":
                t(
                    wd(d, rng.randint(2, 10)),
                    "terminate",
                    approver("approver_2"),
                    "terminated",
                    reason=rng.choice(TERMINATE_REASONS),
                )
                return steps
            if n == 0 and spec.fate == "transfer_inv":
                to, reason = TRANSFER_TO[0]
                t(
                    wd(d, rng.randint(2, 10)),
                    "transfer",
                    approver("approver_1"),
                    "transferred",
                    reason=reason,
                    to=to,
                )
                return steps
        if spec.measure and measure_end is not None:
            action, end, payload = measure_end
            day = max(d, wd(end, 0))  # released or disposed of the day it is recorded (APL-47)
            payload = {k: (day if v == end else v) for k, v in payload.items()}
            d = t(day, action, spec.handler, "investigating", measure_id=MEASURE, **payload)
        d = t(
            wd(d, rng.randint(1, 3)),
            "evidence_examine",
            spec.handler,
            "investigating",
            evidence_ids=ALL_EVIDENCE,
            record="当事人对上述证据的真实性、合法性、关联性无异议。",
        )
        violation = spec.pick.violation.name
        d = t(
            wd(d, rng.randint(1, 6)),
            "investigation_end",
            spec.handler,
            "investigated",
            report=f"经调查，{spec.parties[0]['name']}{violation}的事实清楚，证据确凿。"
            if spec.outcome != Outcome.DISMISSED
            else "经调查，现有证据不能证明当事人实施了该违法行为。",
        )
        # proposal
        penalty = spec.outcome == Outcome.PENALTY
        right = False
        if penalty and spec.amount:
            threshold = profile_value(
                w.agency, f"hearing.fine_threshold.{'person' if person_party else 'organisation'}", on=d
            )
            right = spec.amount >= threshold
        hearing = right and (spec.hearing if spec.hearing is not None else rng.random() < 0.4)
        review = spec.review or right or spec.complex_case or rng.random() < 0.12
        proposal = {"outcome": spec.outcome, "kinds": spec.kinds, "review_required": review}
        if spec.amount is not None:
            proposal["amount"] = str(spec.amount)
        if spec.tier:
            proposal["tier"] = spec.tier
        d = t(wd(d, rng.randint(1, 5)), "proposal_submit", spec.handler, "proposing:0", **proposal)
        d = approvals(
            d, "proposal", "proposing", "proposed" if penalty else "ready", "proposal_submit", proposal
        )
        if penalty:
            d = wd(d, rng.randint(1, 3))
            t(d, "notice_serve", spec.handler, "notified", served_on=d)
            notice = d
            if spec.fate == "stall_notice":
                return steps
            end = case_rules.statement_period_end(
                notice_served_on=notice,
                period_wd=profile_value(w.agency, "statement.period", on=notice),
                is_working=_is_working,
            )
            stated = spec.statement == "stated"
            if spec.statement == "waived" and not hearing:
                d = t(
                    wd(d, rng.randint(0, 2)),
                    "statement_record",
                    spec.handler,
                    "notified",
                    waived=True,
                    text="当事人书面表示放弃陈述、申辩的权利。",
                )
            elif stated:
                d = t(
                    wd(d, rng.randint(1, 3)),
                    "statement_record",
                    spec.handler,
                    "notified",
                    text="当事人提出：系初次违法，已积极整改，请求从轻处罚。",
                )
            if hearing:
                due = case_rules.hearing_request_due(notice_served_on=notice, is_working=_is_working)
                d = min(wd(d, rng.randint(1, 3)), due)
                d = t(d, "hearing_request", spec.handler, "hearing", requested_on=d)
                notified = wd(d, rng.randint(1, 3))
                hearing_on = wd(
                    case_rules.hearing_earliest_date(notified_on=notified, is_working=_is_working),
                    rng.randint(0, 3),
                )
                involved = {spec.handler, *spec.co_officers}
                leaders = {u for us in w.approvers.values() for u in us}
                hosts = [u for u in w.staff_users if u not in involved | leaders and u not in w.reviewers]
                host = rng.choice(hosts or [u for u in leaders if u not in involved])
                t(
                    notified,
                    "hearing_schedule",
                    spec.handler,
                    "hearing",
                    notified_on=notified,
                    hearing_on=hearing_on,
                    host_id=host.pk,
                )
                d = t(
                    hearing_on,
                    "hearing_hold",
                    spec.handler,
                    "hearing",
                    record="听证会依法举行，调查人员提出违法事实、证据和处罚建议，当事人进行了申辩和质证。",
                )
                if stated:
                    d = t(
                        wd(d, 1),
                        "reconsider",
                        spec.handler,
                        "hearing",
                        result="经复核，当事人的陈述申辩理由不成立，不予采纳。",
                    )
            elif stated:
                d = t(
                    wd(d, rng.randint(1, 3)),
                    "reconsider",
                    spec.handler,
                    "notified",
                    result="经复核，当事人的陈述申辩理由不成立，不予采纳。",
                )
            elif spec.statement == "none":
                d = max(d, end)
            d = t(
                wd(max(d, end) if spec.statement == "none" else d, rng.randint(1, 3)),
                "statement_close",
                spec.handler,
                "ready",
            )
        if review:
            reviewer = w.named.get("reviewer") if w.named and rng.random() < 0.8 else rng.choice(w.reviewers)
            if rng.random() < REVIEW_SEND_BACK_SHARE:
                # 存在问题: the reviewer sends the case back; the handler supplements the file, the
                # proposal is approved again (and, for a penalty, notified again at the same amount)
                d = t(wd(d, rng.randint(0, 2)), "review_submit", spec.handler, "reviewing")
                category, reason = rng.choice(REVIEW_FINDINGS)
                d = t(wd(d, rng.randint(1, 4)), "review_send_back", reviewer, "investigated",
                      reason=reason, categories=[category])  # fmt: skip
                d = wd(d, rng.randint(1, 3))
                t(d, "evidence_add", spec.handler, "investigated", kind="document", title="补充调查取得的书证",
                  collected_on=d)  # fmt: skip
                d = t(wd(d, 1), "evidence_examine", spec.handler, "investigated", evidence_ids=ALL_EVIDENCE,
                      record="当事人对补充的证据无异议。")  # fmt: skip
                d = t(wd(d, 1), "proposal_submit", spec.handler, "proposing:0", **proposal)
                d = approvals(
                    d,
                    "proposal",
                    "proposing",
                    "proposed" if penalty else "ready",
                    "proposal_submit",
                    proposal,
                )
                if penalty:
                    d = wd(d, rng.randint(1, 2))
                    t(d, "notice_serve", spec.handler, "notified", served_on=d)
                    d = t(wd(d, 1), "statement_record", spec.handler, "notified", waived=True,
                          text="当事人书面表示放弃陈述、申辩的权利。")  # fmt: skip
                    d = t(wd(d, 1), "statement_close", spec.handler, "ready")
            d = t(wd(d, rng.randint(0, 2)), "review_submit", spec.handler, "reviewing")
            d = t(
                wd(d, rng.randint(1, 5)),
                "review_pass",
                reviewer,
                "ready",
                opinion="事实清楚，证据确凿，程序合法，适用依据正确，同意。",
            )
        if spec.complex_case:
            chair = approver("approver_3")  # with the agency's leaders only (APL-57)
            leaders = [
                u for u in agency_approvers["approver_2"] + agency_approvers["approver_3"] if u != chair
            ]
            attendees = [u.pk for u in leaders]
            d = t(
                wd(d, rng.randint(1, 5)),
                "deliberate",
                chair,
                "ready",
                attendee_ids=attendees,
                conclusion="经集体讨论，同意承办机构的处理意见。",
            )
        d = t(wd(d, rng.randint(0, 3)), "decision_submit", spec.handler, "deciding:0")
        d = approvals(d, "decision", "deciding", "decided", "decision_submit", {})
        if spec.fate == "stall_service":
            return steps
        method = _weighted(rng, [("direct", 60), ("mail", 25), ("electronic", 10), ("retained", 5)])
        served = wd(d, rng.randint(0, 5))
        d = t(
            served,
            "decision_serve",
            spec.handler,
            "served",
            served_on=served,
            method=method,
            consent=method == "electronic",
        )
        if penalty and spec.amount:
            due = case_rules.payment_due(served_on=served, is_working=_is_working)
            if spec.payment == "ontime":
                paid = min(wd(d, rng.randint(1, 9)), due)
                d = t(paid, "payment_record", spec.handler, "served", amount=OWED, paid_on=paid)
            elif spec.payment == "late":
                paid = wd(due, rng.randint(3, 20))
                d = t(paid, "payment_record", spec.handler, "served", amount=OWED, paid_on=paid)
            else:
                demand_day = wd(due, rng.randint(3, 15))  # recorded the day it is served (APL-47)
                d = t(demand_day, "demand_serve", spec.handler, "served", served_on=demand_day)
                demand = steps[-1].data["served_on"]
                if spec.payment == "court":
                    expired = case_rules.add_months(served, 6)
                    window = case_rules.court_application_window(
                        demand_served_on=demand, period_expired_on=expired, is_working=_is_working
                    )
                    applied = wd(window.earliest, rng.randint(1, 15))
                    t(
                        applied,
                        "court_apply",
                        spec.handler,
                        "served",
                        applied_on=applied,
                        period_expired_on=expired,
                    )
                return steps
        if penalty:
            d = t(wd(d, rng.randint(0, 3)), "execution_complete", spec.handler, "executed")
        d = t(wd(d, rng.randint(1, 5)), "close", approver("approver_1"), "closed")
        t(wd(d, rng.randint(1, 10)), "archive", spec.handler, "archived")
        return steps

    def _measure_steps(self, spec: CaseSpec, rng: random.Random, t, approver, d: dt.date):
        """ACL-17/18/24, APL-56: request, the head's approval, taking it with the on-site record;
        returns the step that ends it (release within the 30 days, or the 7-WD disposal)."""
        name = MEASURE_NAMES[spec.measure]
        d = t(
            wd(d, rng.randint(0, 1)),
            "measure_request",
            spec.handler,
            "investigating",
            kind=spec.measure,
            items=MEASURE_ITEMS[spec.measure],
            reason=f"当事人涉嫌{spec.pick.violation.name}，为防止证据损毁、危害扩大，依法采取{name}措施。",
        )
        d = t(
            wd(d, rng.randint(0, 1)),
            "measure_approve",
            approver("approver_3"),
            "investigating",
            measure_id=MEASURE,
        )
        d = wd(d, 1)  # the day after the approval (the clock of a step is its day, 08:30 onwards)
        present = rng.random() < 0.85
        t(
            d,
            "measure_take",
            spec.handler,
            "investigating:measure",
            measure_id=MEASURE,
            started_at=f"{d.isoformat()}T{rng.randint(9, 16):02d}:{rng.choice(['00', '15', '30', '45'])}",
            officer_ids=[u.pk for u in spec.co_officers],
            onsite_record="执法人员出示执法证件，告知当事人采取行政强制措施的理由、依据以及依法享有的权利、"
            "救济途径，听取了当事人的陈述和申辩，制作了现场笔录。",
            party_present=present,
            party_signed=present,
            witness_name="" if present else f"社区工作人员{rng.choice(data.SURNAMES)}某",
        )
        if spec.measure == "preservation":  # disposed of within 7 WD (APL-56), recorded that day (APL-47)
            end = wd(d, rng.randint(2, 6))
            t(
                end,
                "preservation_dispose",
                spec.handler,
                "investigating",
                measure_id=MEASURE,
                disposed_on=end,
                disposal="经检验，登记保存的物品未发现问题，依法解除先行登记保存。",
            )
            return None
        end = d + dt.timedelta(days=rng.randint(10, 26))
        return "measure_release", end, {"released_on": end, "reason": "案件事实已经查清，依法解除。"}

    def _fit(self, spec: CaseSpec, rng: random.Random) -> list[Step]:
        """The plan of a case, cut where today falls, or pinned to end in ``spec.target``."""
        if spec.target is None:
            lead = wd(FIRST_LEAD + dt.timedelta(days=rng.randint(0, (self.today - FIRST_LEAD).days - 3)), 0)
            return [s for s in self._plan(spec, min(lead, self.today)) if s.on <= self.today]
        if spec.fate == "stall_investigation":  # filed long enough ago for the 90 days (APL-60) to pass
            want = self.today - dt.timedelta(days=rng.randint(100, 130))
        elif spec.fate == "stall_notice":  # the statement period ran out without a step
            want = self.today - dt.timedelta(days=rng.randint(15, 40))
        elif spec.target in FINAL_TAGS:
            want = self.today - dt.timedelta(days=rng.randint(3, 120))
        else:  # waiting for someone now
            want = self.today - dt.timedelta(days=rng.randint(0, 6))
        lead = want - dt.timedelta(days=30)
        for _try in range(20):
            lead = max(FIRST_LEAD, lead)
            while not _is_working(lead):  # back to a working day (forward could undo the shift)
                lead -= dt.timedelta(days=1)
            steps = self._plan(spec, lead)
            idx = max((i for i, s in enumerate(steps) if s.tag == spec.target), default=None)
            if idx is None:
                raise RuntimeError(f"pinned case {spec.idx}: no step ends in {spec.target}")
            steps = steps[: idx + 1]
            shift = (want - steps[-1].on).days
            if abs(shift) <= 7 and steps[-1].on <= self.today:
                break
            if lead == FIRST_LEAD and shift < 0:
                break
            lead += dt.timedelta(days=shift)
        if steps[-1].on > self.today:
            raise RuntimeError(f"pinned case {spec.idx} cannot end in {spec.target} by {self.today}")
        return steps

    # ------------------------------------------------------------------ replay
    def load(self) -> Counter:
        started = time.monotonic()
        home, worlds, picks = self._worlds()
        unitadmin = home.named.get("unitadmin")
        if unitadmin is not None:  # the demo agency configured its chains (the defaults, made explicit)
            for action, levels in (
                ("filing", ["approver_1", "approver_2"]),
                ("proposal", ["approver_1"]),
                ("decision", ["approver_1", "approver_2", "approver_3"]),
            ):
                svc.approval_chain_set(actor=unitadmin, agency=home.agency, action=action, levels=levels)
        plans: list[tuple[CaseSpec, list[Step]]] = []
        pinned = PINNED[: self.n]
        for idx in range(self.n):
            if idx < len(pinned):
                target, over = pinned[idx]
                spec = self._spec(idx, home, "market", picks, target=target, over=over)
            elif self.rng.random() < HOME_SHARE:
                spec = self._spec(idx, home, "market", picks)
            else:
                world, domain = self.rng.choice(worlds)
                spec = self._spec(idx, world, domain, picks)
            plans.append((spec, self._fit(spec, random.Random(spec.seed + 1))))
        queue = sorted(
            ((s.on, spec.idx, n, spec, s) for spec, steps in plans for n, s in enumerate(steps)),
            key=lambda x: x[:3],
        )
        cases: dict[int, Case] = {}
        dead: set[int] = set()
        batch = 400
        day, minutes = None, 0
        for start in range(0, len(queue), batch):
            with transaction.atomic():
                for on, idx, _n, spec, step in queue[start : start + batch]:
                    if idx in dead:
                        continue
                    day, minutes = on, (minutes + 4 if on == day else 0)
                    at = dt.datetime.combine(on, dt.time(8, 30), tzinfo=SHANGHAI) + dt.timedelta(
                        minutes=min(minutes, 540)
                    )
                    try:
                        with _clock(at):
                            self._run(spec, step, cases)
                    except ApplicationError as exc:
                        dead.add(idx)
                        self.refusals.append((idx, step.action, exc.code, str(exc.message)))
        self.seconds = time.monotonic() - started
        counts = Counter(
            Case.objects.filter(pk__in=[c.pk for c in cases.values()]).values_list("state", flat=True)
        )
        self.say(f"演示案件 {len(cases)} 件，办理步骤 {len(queue)} 步，用时 {self.seconds:.0f} 秒：")
        for state in State:
            if counts.get(state.value):
                self.say(f"  {state.label:<16} {counts[state.value]:>5}")
        for idx, action, code, message in self.refusals[:20]:
            self.say(f"  ！案件#{idx} {action} 被拒绝：{code} {message}")
        return counts

    def _run(self, spec: CaseSpec, step: Step, cases: dict[int, Case]) -> None:
        if step.kind == "spot":
            world, party, spot = spec.world, spec.parties[0], spec.spot
            self.form_serials[world.agency.pk] = self.form_serials.get(world.agency.pk, 0) + 1
            serial = f"{world.agency.division.code}{step.on.year}{self.form_serials[world.agency.pk]:05d}"
            cases[spec.idx] = svc.case_on_the_spot(
                actor=step.actor,
                agency=world.agency,
                domain=spot["violation"].power.domain,
                region=spec.region,
                party_kind=party["kind"],
                party_name=party["name"],
                party_id_number=party.get("id_number", ""),
                party_credit_code=party.get("credit_code", ""),
                party_legal_representative=party.get("legal_representative", ""),
                party_phone=party.get("phone", ""),
                party_address=party.get("address", ""),
                officer_ids=[u.pk for u in spec.co_officers],
                kinds=spot["kinds"],
                amount=spot["amount"],
                act_date=step.on,
                facts=spec.facts,
                violation_ids=[spot["violation"].pk],
                form_serial=serial,
                collected=spot["collected"],
                receipt_number=f"冀财罚{step.on.year}{spec.idx:07d}" if spot["collected"] else "",
                title=spec.title,
                on=step.on,
            )
            return
        if step.kind == "create":
            case = svc.case_create(
                actor=step.actor,
                agency=spec.world.agency,
                domain=spec.pick.violation.power.domain,
                region=spec.region,
                title=spec.title,
                lead_on=step.on,
                source=spec.source,
                facts=spec.facts,
                officer_ids=[u.pk for u in spec.co_officers],
                act_date=step.data["act_date"],
                discovered_on=step.data["discovered_on"],
                complex_case=spec.complex_case,
                violation_ids=[spec.pick.violation.pk],
            )
            for party in spec.parties:
                svc.party_add(actor=step.actor, case=case, **party)
            cases[spec.idx] = case
            return
        case = cases[spec.idx]
        if step.kind == "ap":
            cases[spec.idx] = svc.approval_act(
                actor=step.actor,
                case_id=case.pk,
                decision=step.action,
                reasons=step.data.get("reasons", ""),
                on=step.on,
            )
            return
        data = dict(step.data)
        if data.get("measure_id") == MEASURE:
            data["measure_id"] = case.measures.order_by("-id").values_list("pk", flat=True).first()
        if data.get("evidence_ids") == ALL_EVIDENCE:
            data["evidence_ids"] = list(case.evidence.values_list("pk", flat=True))
        if data.get("amount") == OWED:
            fresh = Case.objects.get(pk=case.pk)
            left, extra = guards.owed(fresh, step.on)
            data["amount"] = str(left + extra)
        if step.action == "measure_take" and spec.measure in ("seal", "seize"):
            # G118-8: 查封扣押财产 is recorded on audio-video for the whole process; the officer
            # uploads the body-camera recording for the step, which links it
            recording.evidence_file_add(
                actor=step.actor,
                case=case,
                path=BODYCAM_CLIP,
                name=f"{MEASURE_NAMES[spec.measure]}现场执法记录仪录像.mp4",
                step="measure_take",
                captured_at=timezone.now() - dt.timedelta(minutes=20),
                place=spec.parties[0].get("address", "") if spec.parties else "",
                note="执法记录仪全程录像",
            )
        cases[spec.idx] = svc.case_transition(
            actor=step.actor, case_id=case.pk, action=step.action, data=data, on=step.on
        )
        if (
            step.action == "evidence_add"
            and data.get("kind") in TRANSCRIPT_OF_EVIDENCE
            and self.transcripts < max(4, self.n // 40)
        ):
            self._transcript(spec, step, cases[spec.idx], TRANSCRIPT_OF_EVIDENCE[data["kind"]])

    def _transcript(self, spec: CaseSpec, step: Step, case: Case, kind: str) -> None:
        """The 笔录 behind a 现场检查笔录 / 当事人询问笔录 evidence item, made and signed on the tablet
        through recording's services: two officers and the party — or, every third one, the
        party's refusal noted and a witness (ACL-18)."""
        others = [u for u in spec.co_officers if u.pk != spec.handler.pk]
        if not others:
            return
        self.transcripts += 1
        party = spec.parties[0] if spec.parties else {}
        start = timezone.make_aware(dt.datetime.combine(step.on, dt.time(9, 30)), SHANGHAI)
        t = transcripts.transcript_create(
            actor=spec.handler,
            case=case,
            kind=kind,
            started_at=start,
            ended_at=start + dt.timedelta(minutes=40),
            place=party.get("address") or "执法现场",
            officer_ids=[spec.handler.pk, others[0].pk],
            subject_name=party.get("name") or "当事人",
            present="" if kind == "inquiry" else "当事人现场负责人",
            credentials_shown=True,
            content=TRANSCRIPT_TEXT[kind],
        )
        for n, officer in enumerate((spec.handler, others[0])):
            transcripts.transcript_sign(
                actor=spec.handler,
                transcript=t,
                role="officer",
                user_id=officer.pk,
                png=_signature(n + spec.idx),
            )
        if self.transcripts % 3 == 0:
            t = transcripts.transcript_refusal(
                actor=spec.handler,
                transcript=t,
                note="当事人对检查情况无异议，但拒绝在笔录上签名",
                witness_name="社区网格员刘敏",
            )
            transcripts.transcript_sign(
                actor=spec.handler, transcript=t, role="witness", png=_signature(7 + spec.idx)
            )
        else:
            transcripts.transcript_sign(
                actor=spec.handler, transcript=t, role="party", png=_signature(3 + spec.idx)
            )


#: which evidence items of the plan are 笔录 (recording's Transcript kinds)
TRANSCRIPT_OF_EVIDENCE = {"record": "onsite", "statement": "inquiry"}
TRANSCRIPT_TEXT = {
    "onsite": "执法人员出示执法证件，告知当事人有申请回避、陈述和申辩的权利。现场检查情况：经营场所货架上"
    "摆放的涉案商品与举报情况一致，当事人未能提供进货票据；现场拍照并由执法记录仪全程录像。",
    "inquiry": "问：我们是市场监督管理局的执法人员，这是我们的执法证件，你是否看清楚了？\n答：看清楚了。\n"
    "问：你是否申请执法人员回避？\n答：不申请。\n问：涉案商品是从哪里进的货？\n"
    "答：从批发市场进的货，没有索取票据。\n问：以上所记录的内容是否属实？\n答：属实。",
}


def _signature(seed: int) -> bytes:
    """A handwritten-looking signature, as the tablet's pad sends it (PNG, a few strokes)."""
    rng = random.Random(seed)
    im = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(im)
    x, y = 40, rng.randint(80, 140)
    for _stroke in range(rng.randint(4, 7)):
        nx, ny = x + rng.randint(40, 90), rng.randint(40, 170)
        draw.line([(x, y), (nx, ny)], fill=(20, 20, 20, 255), width=5)
        x, y = nx, ny
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def load_demo_cases(*, n: int = 1000, today: dt.date, stdout=None, seed: int = SEED) -> CaseDemo:
    demo = CaseDemo(n=n, today=today, seed=seed, stdout=stdout)
    demo.load()
    return demo
