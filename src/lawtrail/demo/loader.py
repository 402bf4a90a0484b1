"""Load the demo city through the registry's services, so every row is validated and journaled.

Deterministic (seeded random), so two fresh machines get the same demo. Only the named
demo accounts get a password; the other officers' accounts exist (they hold roles) but
cannot log in until an admin sets a password.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from lawtrail.core.fieldcrypt import lookup_hashes
from lawtrail.core.journal.services import journal_append, journal_snapshot
from lawtrail.core.models import User
from lawtrail.core.permissions import Role
from lawtrail.profiles.selectors import profile_value
from lawtrail.registry import rules as registry_rules
from lawtrail.registry import services as reg
from lawtrail.registry.journal_actions import RegistryJournal
from lawtrail.registry.models import Agency, Credential, Division, Domain, Staff
from lawtrail.registry.reference import divisions_seed

from . import data

DEMO_PASSWORD = "Demo@2026lt"  # meets the password rules: ≥ 10 characters, 3 of 4 classes
SEED = 20260101


@dataclass
class DemoAccount:
    username: str
    role_label: str
    agency: str


def _credit_code(rng: random.Random, division_code: str, n: int) -> str:
    # 1 = 机关 (registering authority category), 1 = 机关 (type); 9-char organisation code
    body = f"11{division_code}{rng.randrange(10**7):07d}{n % 100:02d}"
    return body + registry_rules.credit_code_check_char(body)


def _id_number(rng: random.Random, area: str, born: dt.date, gender: str) -> str:
    seq = rng.randrange(0, 50) * 2 + (1 if gender == "M" else 0) + 100
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return first17 + registry_rules.id_number_check_char(first17)


class DemoLoader:
    def __init__(self, *, today: dt.date | None = None, stdout=None):
        self.rng = random.Random(SEED)
        self.today = today or timezone.localdate()
        self.stdout = stdout
        self.accounts: list[DemoAccount] = []
        self.used_names: set[str] = set()
        self.cred_seq = 0

    def say(self, msg: str) -> None:
        if self.stdout is not None:
            self.stdout.write(msg)

    # ------------------------------------------------------------------ people
    def _person_name(self) -> str:
        for _ in range(1000):
            name = self.rng.choice(data.SURNAMES) + self.rng.choice(data.GIVEN)
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("demo name pool exhausted")

    def _staff(self, agency: Agency, posts: str, *, qualified: bool = False) -> Staff:
        gender = self.rng.choice("MF")
        born = dt.date(self.rng.randint(1968, 1998), self.rng.randint(1, 12), self.rng.randint(1, 28))
        while True:
            number = _id_number(self.rng, agency.division.code, born, gender)
            if not Staff.objects.filter(id_number_hash__in=lookup_hashes(number)).exists():
                break
        return reg.staff_create(
            actor=None,
            agency=agency,
            name=self._person_name(),
            id_number=number,
            phone=f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}",
            posts=posts,
            legal_qualification=qualified,
            legal_qualification_number=f"A{self.rng.randint(2008, 2024)}{self.rng.randrange(10**9):09d}"
            if qualified
            else "",
        )

    def _credential(self, staff: Staff, domain: Domain, *, state: str = "valid") -> Credential:
        self.cred_seq += 1
        if state == "expired":
            issued = dt.date(self.today.year - 6, 3, 1)
            expires = self.today - dt.timedelta(days=self.rng.randint(10, 300))
        else:
            issued = self.today - dt.timedelta(days=self.rng.randint(60, 1500))
            expires = dt.date(issued.year + 5, issued.month, 1)
            if expires <= self.today:
                expires = self.today + dt.timedelta(days=self.rng.randint(30, 700))
        cred = reg.credential_issue(
            actor=None,
            staff=staff,
            number=f"13{staff.agency.division.code[2:6]}{issued.year}{self.cred_seq:05d}",
            domain=domain,
            region=staff.agency.division,
            issued_on=issued,
            expires_on=expires,
            issuer="河北省人民政府" if staff.agency.level == Agency.Level.CITY else "石家庄市人民政府",
        )
        if state == "suspended":
            cred = reg.credential_suspend(
                actor=None, credential=cred, reason="涉嫌违反执法纪律，暂扣执法证件，待调查处理。"
            )
        elif state == "revoked":
            cred = reg.credential_revoke(
                actor=None, credential=cred, reason="调离行政执法岗位，注销执法证件。"
            )
        return cred

    def _login(self, staff: Staff, username: str | None = None, *, demo_label: str = "") -> User:
        username = username or f"u{staff.pk:05d}"
        user = reg.staff_user_link(
            actor=None, staff=staff, username=username, password=DEMO_PASSWORD if demo_label else None
        )
        if demo_label:
            self.accounts.append(DemoAccount(username, demo_label, staff.agency.name))
        return user

    # ------------------------------------------------------------------ registry
    def load_registry(self) -> None:
        divisions_seed(provinces=[data.PROVINCE_CODE])
        domains = {}
        for code, name, sort in data.DOMAINS:
            domains[code] = Domain.objects.filter(code=code).first() or reg.domain_create(
                actor=None, code=code, name=name, sort=sort
            )
        agencies: dict[str, Agency] = {}
        for n, spec in enumerate(data.agency_specs(), start=1):
            division = Division.objects.get(code=spec.division)
            agencies[spec.name] = reg.agency_create(
                actor=None,
                name=spec.name,
                short_name=spec.short_name,
                credit_code=_credit_code(self.rng, division.code, n),
                division=division,
                level=spec.level,
                kind=spec.kind,
                legal_status=spec.legal_status,
                domains=[domains[d] for d in spec.domains],
                parent=agencies.get(spec.parent) if spec.parent else None,
                address=spec.address or f"{division.name}人民政府办公区",
                phone=f"0311-{self.rng.randint(80000000, 89999999)}",
            )
        self.say(f"执法主体 {len(agencies)} 个")

        officers = 0
        for spec in data.agency_specs():
            agency = agencies[spec.name]
            if spec.kind == "justice":
                self._justice_staff(agency)
                continue
            domain = domains[spec.domains[0]]
            # the approval chain and one legal reviewer per body, then the officers
            for role, post in data.APPROVER_POSTS:
                staff = self._staff(agency, post)
                self._credential(staff, domain)
                user = self._login(staff)
                reg.role_grant(actor=None, user=user, role=role, agency=agency)
                reg.role_grant(actor=None, user=user, role=Role.OFFICER, agency=agency)
            reviewer = self._staff(agency, "法制审核员", qualified=True)
            reg.role_grant(actor=None, user=self._login(reviewer), role=Role.REVIEWER, agency=agency)
            for i in range(spec.officers):
                roll = self.rng.random()
                state = (
                    "expired"
                    if roll < 0.06
                    else "suspended"
                    if roll < 0.09
                    else "revoked"
                    if roll < 0.10
                    else "valid"
                )
                staff = self._staff(agency, self.rng.choice(data.POSTS_OFFICER))
                self._credential(staff, domains[spec.domains[i % len(spec.domains)]], state=state)
                reg.role_grant(actor=None, user=self._login(staff), role=Role.OFFICER, agency=agency)
                officers += 1
            # its own random stream, so the officers above stay the ones the demo cases were planned with
            main_rng, self.rng = self.rng, random.Random(f"leader2-{agency.pk}")
            role, post = data.SECOND_LEADER_POST
            staff = self._staff(agency, post)
            self._credential(staff, domain)
            user = self._login(staff)
            reg.role_grant(actor=None, user=user, role=role, agency=agency)
            reg.role_grant(actor=None, user=user, role=Role.OFFICER, agency=agency)
            self.rng = main_rng
        self.say(f"执法人员 {officers} 名（另有审批人员与法制审核人员）")
        self._named_accounts(agencies)

    def _justice_staff(self, agency: Agency) -> None:
        for post in ("执法监督科科长", "执法监督科科员"):
            staff = self._staff(agency, post)
            reg.role_grant(
                actor=None, user=self._login(staff), role=Role.SUPERVISOR, division=agency.division
            )

    def _named_accounts(self, agencies: dict[str, Agency]) -> None:
        """The accounts printed by `make run`, each a real person of the demo city."""
        home = agencies["石家庄市长安区市场监督管理局"]
        market = Domain.objects.get(code="market")
        named = [
            ("officer", "执法人员", home, Role.OFFICER),
            ("officer2", "执法人员", home, Role.OFFICER),
            ("approver1", "承办机构负责人", home, Role.APPROVER_1),
            ("approver2", "分管领导", home, Role.APPROVER_2),
            ("approver3", "主要负责人", home, Role.APPROVER_3),
            ("reviewer", "法制审核人员", home, Role.REVIEWER),
            ("unitadmin", "单位管理员", home, Role.AGENCY_ADMIN),
        ]
        for username, label, agency, role in named:
            staff = self._staff(agency, label, qualified=role == Role.REVIEWER)
            if role in (Role.OFFICER, Role.APPROVER_1, Role.APPROVER_2, Role.APPROVER_3):
                self._credential(staff, market)
            user = self._login(staff, username, demo_label=label)
            reg.role_grant(actor=None, user=user, role=role, agency=agency)
            if role != Role.OFFICER and role != Role.REVIEWER and role != Role.AGENCY_ADMIN:
                reg.role_grant(actor=None, user=user, role=Role.OFFICER, agency=agency)
        for username, agency_name in (
            ("supervisor", "石家庄市司法局"),
            ("supervisor_changan", "石家庄市长安区司法局"),
        ):
            agency = agencies[agency_name]
            staff = self._staff(agency, "执法监督科科员")
            user = self._login(staff, username, demo_label=f"执法监督人员（{agency.division.name}）")
            reg.role_grant(actor=None, user=user, role=Role.SUPERVISOR, division=agency.division)
        admin_staff = self._staff(agencies["石家庄市司法局"], "系统管理员")
        admin = self._login(admin_staff, "admin", demo_label="系统管理员")
        reg.role_grant(actor=None, user=admin, role=Role.ADMIN)
        before = journal_snapshot(admin)
        admin.is_staff = admin.is_superuser = True  # the Django admin pages
        admin.save(update_fields=["is_staff", "is_superuser"])
        journal_append(actor=None, action=RegistryJournal.USER_MAKE_ADMIN, subject=admin, before=before)

    # ------------------------------------------------------------------ catalogue
    def load_catalog(self) -> None:
        domains = {d.name: d for d in Domain.objects.all()}
        province = Division.objects.get(code=data.PROVINCE_CODE)
        city = Division.objects.get(code=data.CITY_CODE)
        # the bands in force for the city's bodies (national default unless a profile overrides)
        bands = profile_value(Agency.objects.filter(division=city).first(), "discretion.bands")
        powers = 0
        for n, row in enumerate(data.catalog_rows(), start=1):
            domain = domains[row["domain"]]
            code = data.DOMAIN_BY_NAME[row["domain"]]
            power = reg.power_create(
                actor=None,
                code=f"130100-CF-{n:04d}",
                name=f"对{row['violation']}的行政处罚",
                kind="penalty",
                domain=domain,
                levels="市级,县级",
                procedure="立案→调查取证→事先告知→（听证）→（法制审核）→决定→送达→执行→结案",
            )
            reg.legal_basis_add(
                actor=None,
                power=power,
                role="grant",
                law=row["law"],
                article=row["penalty_article"],
                text=row["penalty_text"],
            )
            violation = reg.violation_create(
                actor=None,
                power=power,
                code=f"WF-{code}-{n:04d}",
                name=row["violation"],
                penalty_types=row["penalty_types"].replace(";", "；"),
                fine_min=row["fine_min_yuan"] or None,
                fine_max=row["fine_max_yuan"] or None,
                multiple_min=row["fine_multiple_min"] or None,
                multiple_max=row["fine_multiple_max"] or None,
                multiple_base=row["multiple_base"],
            )
            reg.legal_basis_add(
                actor=None,
                violation=violation,
                role="violation",
                law=row["law"],
                article=row["violation_article"],
            )
            reg.legal_basis_add(
                actor=None,
                violation=violation,
                role="penalty",
                law=row["law"],
                article=row["penalty_article"],
                text=row["penalty_text"],
            )
            tiers = benchmark_tiers(violation, bands)
            if tiers:
                reg.benchmark_create(
                    actor=None,
                    violation=violation,
                    division=province if n % 3 else city,
                    issuer="河北省市场监督管理局"
                    if row["domain"] == "市场监管"
                    else "石家庄市司法局（汇编）",
                    effective_from=dt.date(2025, 1, 1),
                    tiers=tiers,
                )
            powers += 1
        # one inspection (行政检查) item per duty provision: checking compliance with the duty
        # article that the violation breaks (the same law and article as the violation basis)
        for n, row in enumerate(data.catalog_rows(), start=1):
            power = reg.power_create(
                actor=None,
                code=f"130100-JC-{n:04d}",
                name=f"对{row['violation']}情况的监督检查",
                kind="inspection",
                domain=domains[row["domain"]],
                levels="市级,县级",
                procedure="制定检查计划→双随机抽取→出示执法证件→现场检查→制作现场检查笔录→检查结果公示",
            )
            reg.legal_basis_add(
                actor=None, power=power, role="grant", law=row["law"], article=row["violation_article"]
            )
            powers += 1
        self.say(f"权力事项 {powers} 项")

    def load(self) -> list[DemoAccount]:
        with transaction.atomic():
            self.load_registry()
            self.load_catalog()
        return self.accounts


def _q(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


TIER_CONDITIONS = {
    "reduced": "已满十四周岁不满十八周岁的未成年人有违法行为的；主动消除或者减轻违法行为危害后果的（《中华人民共和国行政处罚法》第三十条、第三十二条）。",
    "lenient": "主动供述行政机关尚未掌握的违法行为的；配合行政机关查处违法行为有立功表现的。",
    "normal": "不具有从轻、减轻、从重情节的。",
    "severe": "危害后果严重、造成恶劣社会影响，或者一年内再次实施同一违法行为的。",
}
EXEMPT = {
    "tier": "exempt",
    "conditions": "初次违法且危害后果轻微并及时改正的，可以不予行政处罚（《中华人民共和国行政处罚法》第三十三条第一款）。",
}


def benchmark_tiers(violation, bands: dict) -> list[dict]:
    """Tiers inside the statutory range, by the profile's discretion bands (G27-6, DISC-EX).

    ``bands`` is the ``discretion.bands`` profile value: percentages of the statutory range
    per tier, ``range`` when a minimum and maximum are set, ``max_only`` when only a maximum is.
    """
    if violation.fine_max is not None:
        low, high, places, lo_key, hi_key = (
            violation.fine_min,
            violation.fine_max,
            "1",
            "fine_min",
            "fine_max",
        )
    elif violation.multiple_max is not None:
        low, high, places, lo_key, hi_key = (
            violation.multiple_min,
            violation.multiple_max,
            "0.01",
            "multiple_min",
            "multiple_max",
        )
    else:
        return []
    table = bands["range"] if low is not None else (bands.get("max_only") or bands["range"])
    low = low or Decimal(0)
    tiers = [EXEMPT]
    for tier, (lo_pct, hi_pct) in table.items():
        if tier == "reduced" and low > 0:
            continue  # 减轻 goes below the statutory minimum: decided case by case (G27-6)
        tiers.append(
            {
                "tier": tier,
                "conditions": TIER_CONDITIONS[tier],
                lo_key: _q(low + (high - low) * Decimal(lo_pct) / 100, places),
                hi_key: _q(low + (high - low) * Decimal(hi_pct) / 100, places),
            }
        )
    return tiers
