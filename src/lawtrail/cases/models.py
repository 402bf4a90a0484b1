"""网上办案: the case, its parties, violations, evidence, events, deadlines and approvals.

Tables and invariants only. A case's ``state`` is changed only by
``services.case_transition`` following the table in ``workflow.py``.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.db import models
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from lawtrail.core.fieldcrypt import EncryptedCharField, LookupHashField
from lawtrail.core.precompiled import Precompiled
from lawtrail.registry.models import Agency, Division, Domain, Violation
from lawtrail.registry.rules import age_on, id_number_mask


class State(models.TextChoices):
    LEAD = "lead", _("线索登记")
    FILING = "filing", _("立案审批中")
    DECLINED = "declined", _("不予立案")
    INVESTIGATING = "investigating", _("调查取证")
    INVESTIGATED = "investigated", _("调查终结")
    PROPOSING = "proposing", _("处理意见审批中")
    PROPOSED = "proposed", _("待事先告知")
    NOTIFIED = "notified", _("已告知（陈述申辩期）")
    HEARING = "hearing", _("听证程序")
    REVIEWING = "reviewing", _("法制审核中")
    READY = "ready", _("待作出决定")
    DECIDING = "deciding", _("决定审批中")
    DECIDED = "decided", _("已决定（待送达）")
    SERVED = "served", _("已送达（执行中）")
    EXECUTED = "executed", _("执行完毕")
    CLOSED = "closed", _("已结案")
    ARCHIVED = "archived", _("已归档")
    SUSPENDED = "suspended", _("已中止")
    TERMINATED = "terminated", _("已终止")
    TRANSFERRED = "transferred", _("已移送")


@functools.lru_cache(maxsize=16)
def _state_labels(language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in State.choices}


def state_label(value: str) -> str:
    """The Chinese label of a state, without rebuilding the choices dict per row (lists of 200 rows)."""
    return _state_labels(translation.get_language()).get(value, value)


#: States in which a case is no longer worked on.
FINAL_STATES = frozenset({State.DECLINED, State.ARCHIVED, State.TERMINATED, State.TRANSFERRED})


class Outcome(models.TextChoices):
    """APL-57: the four outcomes of an ordinary-procedure case."""

    PENALTY = "penalty", _("给予行政处罚")
    NO_PENALTY = "no_penalty", _("不予行政处罚")
    DISMISSED = "dismissed", _("违法事实不能成立，不予行政处罚")
    TRANSFERRED = "transferred", _("移送司法机关")


class Procedure(models.TextChoices):
    ORDINARY = "ordinary", _("普通程序")
    ON_THE_SPOT = "on_the_spot", _("简易程序（当场处罚）")


class CaseNumberCounter(models.Model):
    """The last number handed out per agency, year and kind; locked to hand out the next."""

    #: not a journal subject (every other row is one: tests/demo checks it), with the reason
    JOURNAL_EXEMPT = "a lock row holding the last number handed out; every number is journaled on its case"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=32, default="case")
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("案号计数器")
        verbose_name_plural = _("案号计数器")
        constraints = [models.UniqueConstraint(fields=["agency", "year", "kind"], name="casenumber_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}/{self.kind}: {self.last}"


class Case(models.Model):
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="cases", verbose_name=_("办案机关")
    )
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+", verbose_name=_("执法领域"))
    region = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name=_("违法行为发生地")
    )
    procedure = models.CharField(
        _("程序"), max_length=16, choices=Procedure.choices, default=Procedure.ORDINARY
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.LEAD, db_index=True
    )
    # the state to return to when a suspended case resumes
    resume_state = models.CharField(max_length=16, choices=State.choices, blank=True)
    number = models.CharField(_("案号"), max_length=64, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    seq = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(_("案由"), max_length=300)
    source = models.CharField(_("案件来源"), max_length=32, blank=True)
    facts = models.TextField(_("违法事实"), blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="handled_cases",
        verbose_name=_("主办人"),
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="cases", blank=True, verbose_name=_("承办人员")
    )
    act_date = models.DateField(_("违法行为发生日"), null=True, blank=True)
    act_end_date = models.DateField(
        _("违法行为终了日"), null=True, blank=True, help_text=_("连续或继续状态的违法行为")
    )
    discovered_on = models.DateField(_("发现日期"), null=True, blank=True)
    life_or_finance = models.BooleanField(_("涉及公民生命健康安全、金融安全且有危害后果"), default=False)
    complex_case = models.BooleanField(_("情节复杂或重大违法（须集体讨论）"), default=False)
    lead_on = models.DateField(_("线索登记日"))
    filed_on = models.DateField(_("立案日"), null=True, blank=True)
    notice_served_on = models.DateField(_("告知书送达日"), null=True, blank=True)
    hearing_offered = models.BooleanField(_("告知听证权利"), default=False)
    statement_status = models.CharField(
        _("陈述申辩"), max_length=16, blank=True, help_text=_("stated / waived / none")
    )
    notified_amount = models.DecimalField(
        _("告知罚款金额"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    proposed_amount = models.DecimalField(
        _("拟罚款金额"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    proposed_kinds = models.JSONField(_("拟处罚种类"), default=list, blank=True)
    proposed_outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    benchmark_tier = models.CharField(_("适用裁量阶次"), max_length=16, blank=True)
    tier_deviation_reason = models.TextField(_("偏离裁量基准理由"), blank=True)
    deliberated = models.BooleanField(default=False)
    outcome = models.CharField(_("处理结果"), max_length=16, choices=Outcome.choices, blank=True)
    fine_amount = models.DecimalField(_("罚款金额"), max_digits=14, decimal_places=2, null=True, blank=True)
    penalty_kinds = models.JSONField(_("处罚种类"), default=list, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decision_number = models.CharField(
        _("决定书文号"), max_length=64, blank=True, help_text=_("如“石市监处罚〔2026〕12号”")
    )
    served_on = models.DateField(_("决定送达日"), null=True, blank=True)
    service_method = models.CharField(_("送达方式"), max_length=16, blank=True)
    e_service_consent = models.BooleanField(_("当事人同意电子送达（确认书）"), default=False)
    paid_amount = models.DecimalField(_("已缴金额"), max_digits=14, decimal_places=2, default=0)
    demand_served_on = models.DateField(_("催告书送达日"), null=True, blank=True)
    closed_on = models.DateField(_("结案日"), null=True, blank=True)
    archived_on = models.DateField(_("归档日"), null=True, blank=True)
    archive_number = models.CharField(_("档号"), max_length=64, blank=True)
    # --- on-the-spot procedure (APL-51/52/68/71) ---
    form_serial = models.CharField(_("当场处罚决定书编号"), max_length=64, blank=True)
    receipt_number = models.CharField(_("罚款收据编号"), max_length=64, blank=True)
    collected_on_spot = models.BooleanField(_("当场收缴罚款"), default=False)
    filed_copy_on = models.DateField(_("当场处罚备案日"), null=True, blank=True)
    # --- decision limit (APL-60): an extension asked and not yet decided ---
    extension_requested_days = models.PositiveIntegerField(_("申请延长天数"), null=True, blank=True)
    # --- payment (APL-66/72) and enforcement (ACL-35..46) ---
    payment_deferred_to = models.DateField(_("延期（分期）缴纳截止日"), null=True, blank=True)
    instalments = models.JSONField(_("分期缴纳计划"), default=list, blank=True)
    demand_perform_by = models.DateField(_("催告履行期限"), null=True, blank=True)
    enforcement_decided_on = models.DateField(_("强制执行决定日"), null=True, blank=True)
    court_applied_on = models.DateField(_("申请法院强制执行日"), null=True, blank=True)
    # --- people of a step (recusal, APL-43) ---
    hearing_host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("听证主持人"),
    )
    # set when an officer is recused: APL-42 is checked again on the next handling step
    officers_recheck = models.BooleanField(default=False)
    # the soonest running deadline's date: a copy kept by ``deadlines.refresh_next_due`` wherever a
    # deadline is set, stopped or recomputed, so 待办 and the list sort and filter on a column (one
    # index read) instead of a subquery per case. Derived from the journaled deadlines, so it is left
    # out of the case's snapshots (``CasesConfig.ready``) and never written by ``save()`` (below).
    next_due = models.DateField(_("最近期限"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "seq"], condition=Q(seq__isnull=False), name="case_number_unique"
            ),
            models.UniqueConstraint(
                fields=["agency", "decision_number"],
                condition=~Q(decision_number=""),
                name="case_decision_number_unique",
            ),
            models.UniqueConstraint(
                fields=["agency", "archive_number"],
                condition=~Q(archive_number=""),
                name="case_archive_number_unique",
            ),
            # APL-52: the pre-numbered on-the-spot decision form is used once per agency
            models.UniqueConstraint(
                fields=["agency", "form_serial"], condition=~Q(form_serial=""), name="case_form_serial_unique"
            ),
        ]
        indexes = [
            # the list by state, newest first; its included columns let 待办 pick a person's open
            # cases and a filtered list be counted from the index alone (PostgreSQL index-only scans)
            models.Index(
                fields=["agency", "state", "-id"],
                include=["handler", "next_due", "domain"],
                name="case_agency_state_cover",
            ),
            models.Index(fields=["handler", "state"]),
            # the overdue list's count (next_due < today) from the index alone; partial, so that it
            # never offers 待办 a walk in next_due order through every case of the agency
            models.Index(
                fields=["agency", "next_due"],
                condition=Q(next_due__isnull=False),
                name="case_agency_next_due",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"线索#{self.pk}"

    #: written only by ``deadlines.refresh_next_due``
    DERIVED_FIELDS = frozenset({"next_due"})

    def save(self, *args, **kwargs):
        # a full save of a case loaded before its deadlines moved must not write back the old copy
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self.DERIVED_FIELDS
            ]
        super().save(*args, **kwargs)

    def party_list(self) -> list[Party]:
        """The parties in their order, read once per case instance: a step's guards, hooks and
        papers ask for them several times (a notice's step read them three times, decrypting each
        party's protected fields each time), and nothing in a step changes them (parties are
        added and edited by their own services, each on a freshly locked case). A page that
        prefetched them reads none."""
        cache = self.__dict__.setdefault("_prefetched_objects_cache", {})
        if "parties" not in cache:
            if self.pk is None:  # as the ORM refuses it
                prefetch_related_objects([self], "parties")
            else:
                # what ``prefetch_related_objects`` leaves, without building its query on each step:
                # the rows (compiled once per thread) in the related manager's cache, each row's
                # case this one
                rows = _PARTIES.all(self.pk)
                for row in rows:
                    Party.case.field.set_cached_value(row, self)
                qs = self.parties.all()
                qs._result_cache, qs._prefetch_done = rows, True
                cache["parties"] = qs
        return list(self.parties.all())


class Party(models.Model):
    """当事人: a natural person or an organisation."""

    class Kind(models.TextChoices):
        PERSON = "person", _("自然人")
        ORGANISATION = "organisation", _("法人或其他组织")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("姓名/名称"), max_length=200)
    # personal data encrypted at rest (core/fieldcrypt.py); the ID number's keyed hash for lookups
    id_number = EncryptedCharField(_("公民身份号码"), max_length=18, blank=True)
    id_number_hash = LookupHashField(source="id_number", db_index=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=64, blank=True)
    phone = EncryptedCharField(_("联系电话"), max_length=32, blank=True)
    address = EncryptedCharField(_("住所/地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        """Pages and the API show a party's ID number masked (110101********123X)."""

        return id_number_mask(self.id_number)

    @property
    def age(self) -> int | None:
        """Full years on the violation date (today without one) — what a reader of the masked ID
        number sees instead of the birth date, which the mask hides (issue 13)."""
        return age_on(self.birth_date, self.case.act_date or timezone.localdate())


#: a case's parties in their order (``Party.Meta.ordering``), as ``case.parties.all()`` gives them:
#: ``Case.party_list`` on a step's case — compiled once per thread
_PARTIES = Precompiled(lambda case_id: Party.objects.filter(case_id=case_id))


class CaseViolation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="violations")
    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("案件违法行为")
        verbose_name_plural = _("案件违法行为")
        constraints = [models.UniqueConstraint(fields=["case", "violation"], name="caseviolation_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.violation_id}"


class Evidence(models.Model):
    """证据: the eight kinds of evidence (行政诉讼法第三十三条)."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("书证")
        PHYSICAL = "physical", _("物证")
        AUDIOVISUAL = "audiovisual", _("视听资料")
        ELECTRONIC = "electronic", _("电子数据")
        WITNESS = "witness", _("证人证言")
        STATEMENT = "statement", _("当事人的陈述")
        EXPERT = "expert", _("鉴定意见")
        RECORD = "record", _("勘验笔录、现场笔录")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("证据种类"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=200)
    collected_on = models.DateField(_("收集日期"))
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cross_examined = models.BooleanField(_("已质证"), default=False)

    class Meta:
        verbose_name = _("证据")
        verbose_name_plural = _("证据")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return self.title


class CaseEvent(models.Model):
    """One step of a case (大事记): every transition and every recorded act."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=48)
    # typed tag (tags.EventTag, or a capability's note) the outbox dispatches on
    tag = models.CharField(_("标签"), max_length=64, blank=True, db_index=True)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"))
    on = models.DateField(_("办理日期"))
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("案件事件")
        verbose_name_plural = _("案件事件")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class Deadline(models.Model):
    """A running deadline of a case, stored as a computed date so sweeps scan only what is due."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("期限"), max_length=32)
    label = models.CharField(_("名称"), max_length=100)
    rule = models.CharField(_("依据"), max_length=32)
    started_on = models.DateField(_("起算日"))
    due_on = models.DateField(_("届满日"), null=True, blank=True)
    # why the date is not final: paused (an excluded period runs), or provisional (below)
    pending_reason = models.CharField(max_length=200, blank=True)
    # counted with weekends only: a year it reaches has no holiday schedule yet (WD-1: shown as
    # provisional, never as final; recomputed when the year is defined — deadlines.follow_calendar)
    provisional = models.BooleanField(_("暂定"), default=False)
    # how it is computed: {"name": recipe, "args": {...}} (deadlines.RECIPES), to recompute it
    recipe = models.JSONField(default=dict, blank=True)
    met_on = models.DateField(_("完成日"), null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("办案期限")
        verbose_name_plural = _("办案期限")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(active=True), name="deadline_active_due"),
            # a case's next running deadline (待办, the list's next_due and overdue filter)
            models.Index(
                fields=["case", "due_on"], condition=Q(active=True), name="deadline_active_case_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.due_on}"


class ApprovalChain(models.Model):
    """Per agency and action: the roles that approve, level by level (e.g. approver_1 → approver_3)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="approval_chains")
    action = models.CharField(_("审批事项"), max_length=32)
    levels = models.JSONField(_("审批层级"), default=list)

    class Meta:
        verbose_name = _("审批流程")
        verbose_name_plural = _("审批流程")
        constraints = [models.UniqueConstraint(fields=["agency", "action"], name="approvalchain_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.action}"


class Approval(models.Model):
    """One submission for approval and its progress through the chain."""

    class Status(models.TextChoices):
        PENDING = "pending", _("审批中")
        APPROVED = "approved", _("已批准")
        SENT_BACK = "sent_back", _("已退回")
        WITHDRAWN = "withdrawn", _("已取回")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    action = models.CharField(_("审批事项"), max_length=32)
    levels = models.JSONField(default=list)
    level = models.PositiveSmallIntegerField(_("当前层级"), default=0)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    payload = models.JSONField(default=dict, blank=True)
    # the compulsory measure a "measure" approval is about (ACL-17/18 prior, ACL-19 post-approval)
    measure = models.ForeignKey(
        "Measure", null=True, blank=True, on_delete=models.CASCADE, related_name="approvals"
    )
    # derived: the role that must act now ("" once the approval has ended), so 待办 finds the
    # approvals waiting at a level a person holds with one indexed query
    current_role = models.CharField(max_length=16, blank=True, editable=False)

    class Meta:
        verbose_name = _("审批")
        verbose_name_plural = _("审批")
        ordering = ["case_id", "id"]
        constraints = [
            # one approval running per measure: two heads approving at once cannot open or pass two
            models.UniqueConstraint(
                fields=["measure"],
                condition=Q(status="pending", measure__isnull=False),
                name="approval_pending_measure_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["case"], condition=Q(status="pending"), name="approval_pending"),
            models.Index(
                fields=["current_role"], condition=Q(status="pending"), name="approval_pending_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.status}"

    def save(self, *args, **kwargs):
        self.derive()
        super().save(*args, **kwargs)

    def derive(self) -> None:
        """Derived data, like Division.path: kept consistent with level and status (by ``save``,
        and by the code that writes an approval without it, ``approvals.decide``)."""
        pending = self.status == self.Status.PENDING and self.level < len(self.levels or [])
        self.current_role = self.levels[self.level] if pending else ""


class ApprovalStep(models.Model):
    """History of an approval: each approve / send back / withdraw / reassign, by a real account."""

    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="steps")
    level = models.PositiveSmallIntegerField()
    decision = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reasons = models.TextField(blank=True)

    class Meta:
        verbose_name = _("审批记录")
        verbose_name_plural = _("审批记录")
        ordering = ["approval_id", "id"]

    def __str__(self) -> str:
        return f"{self.approval_id} {self.decision}"


class Measure(models.Model):
    """A compulsory measure (ACL-17..28) or 先行登记保存 of evidence (APL-56) in a case.

    Life: requested → approved → taken → released / disposed; an emergency measure is taken
    first and approved within 24 hours (ACL-19), or released at once when refused.
    """

    class Kind(models.TextChoices):
        SEAL = "seal", _("查封")
        SEIZE = "seize", _("扣押")
        FREEZE = "freeze", _("冻结")
        PRESERVATION = "preservation", _("先行登记保存")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待批准")
        APPROVED = "approved", _("已批准待实施")
        TAKEN = "taken", _("已实施")
        REJECTED = "rejected", _("未批准")
        RELEASED = "released", _("已解除")
        DISPOSED = "disposed", _("已处理")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("种类"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    items = models.TextField(_("财物清单"), blank=True)
    reason = models.TextField(_("理由和依据"), blank=True)
    emergency = models.BooleanField(_("情况紧急当场实施"), default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approval_due_at = models.DateTimeField(_("补办批准期限"), null=True, blank=True)
    started_at = models.DateTimeField(_("实施时间"), null=True, blank=True)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    officer_count = models.PositiveSmallIntegerField(_("实施人数"), default=0)
    onsite_record = models.TextField(_("现场笔录"), blank=True)
    party_present = models.BooleanField(_("当事人到场"), default=False)
    party_signed = models.BooleanField(_("当事人签名"), default=False)
    refusal_noted = models.BooleanField(_("当事人拒绝签名已注明"), default=False)
    witness_name = models.CharField(_("见证人"), max_length=64, blank=True)
    period_end = models.DateField(_("期限届满日"), null=True, blank=True)
    extended_days = models.PositiveSmallIntegerField(_("延长天数"), default=0)
    extension_reasons = models.TextField(_("延长理由"), blank=True)
    extension_notified = models.BooleanField(_("已书面告知延长理由"), default=False)
    testing_periods = models.JSONField(_("检测、检验、检疫、鉴定期间"), default=list, blank=True)
    released_on = models.DateField(_("解除日期"), null=True, blank=True)
    release_reason = models.TextField(_("解除理由"), blank=True)
    disposed_on = models.DateField(_("处理决定日期"), null=True, blank=True)
    disposal = models.TextField(_("处理决定"), blank=True)

    class Meta:
        verbose_name = _("行政强制措施")
        verbose_name_plural = _("行政强制措施")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class CasePeriod(models.Model):
    """A run of days that does not count: toward the decision limit (APL-60: 鉴定、检测、检验、
    听证、公告, 中止 …) or toward the late-payment surcharge (APL-73: 复议、诉讼)."""

    class Purpose(models.TextChoices):
        DECISION = "decision", _("不计入办案期限")
        SURCHARGE = "surcharge", _("不计加处罚款")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="periods")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    kind = models.CharField(_("事由"), max_length=32)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    reason = models.TextField(_("说明"), blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("期间")
        verbose_name_plural = _("期间")
        ordering = ["case_id", "start", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.start}–{self.end or ''}"


class Recusal(models.Model):
    """回避 (APL-43): a request that an account withdraw from a case, and its decision."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("执法人员")
        HOST = "host", _("听证主持人")
        REVIEWER = "reviewer", _("法制审核人员")

    class Status(models.TextChoices):
        PENDING = "pending", _("待决定")
        GRANTED = "granted", _("决定回避")
        REFUSED = "refused", _("驳回申请")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recusals")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("身份"), max_length=16, choices=Role.choices)
    by_party = models.BooleanField(_("当事人申请"), default=True)
    reason = models.TextField(_("理由"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    replacement = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("回避")
        verbose_name_plural = _("回避")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.account_id} {self.status}"


class Transfer(models.Model):
    """移送: a lead or case sent to another agency, or to a judicial organ (with its receipt)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    to_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="transfers_received"
    )
    to_organ = models.CharField(_("接收机关"), max_length=200, blank=True)
    judicial = models.BooleanField(_("移送司法机关"), default=False)
    reason = models.TextField(_("移送理由"))
    sent_on = models.DateField(_("移送日期"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    receipt_on = models.DateField(_("回执日期"), null=True, blank=True)
    receipt_number = models.CharField(_("回执编号"), max_length=64, blank=True)
    # the lead the receiving agency registered from it (移送受理)
    accepted_case = models.OneToOneField(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="received_from"
    )
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("移送")
        verbose_name_plural = _("移送")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_agency_id or self.to_organ}"


class Assistance(models.Model):
    """协查: a request for assistance sent to another agency, and that agency's reply."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assistance_requests")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="assistance_received")
    request = models.TextField(_("协查事项"))
    requested_on = models.DateField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reply = models.TextField(_("协查结果"), blank=True)
    replied_on = models.DateField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("协查")
        verbose_name_plural = _("协查")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_agency_id}"


class Delivery(models.Model):
    """The outbox (``outbox.py``): one row per (event, consumer), written with the event in the
    step's transaction; ``done_at`` is set in the consumer's own transaction. The unique pair is
    the consumer's receipt — whatever delivers it twice, it is consumed once."""

    #: not a journal subject (every other row is one: tests/demo checks it), with the reason
    JOURNAL_EXEMPT = "outbox bookkeeping; what a consumer writes is journaled"

    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="deliveries")
    consumer = models.CharField(max_length=96)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField()  # not before (retries back off)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("事件投递")
        verbose_name_plural = _("事件投递")
        constraints = [
            models.UniqueConstraint(fields=["event", "consumer"], name="delivery_event_consumer_unique")
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(done_at__isnull=True), name="delivery_pending")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.consumer}"


class TodoCase(models.Model):
    """待办's own cases: one row per (person, open case they handle — as handler or co-officer —
    whose next step is theirs: ``selectors._WORKING``), with the case's agency and
    ``next_due``. A derived index, not data: written only by the database's triggers on the cases
    and their officers (migration 0017), in the writing statement's own transaction, so it never
    lags a write — whichever path made it (a step, intake, an ``update()``, a bulk load). 待办
    reads a busy officer's page and count from it alone (their rows in deadline order), instead
    of their agency's open cases filtered by handler and by the officers table (issue 14)."""

    JOURNAL_EXEMPT = "derived: who handles which open case, kept by triggers from the journaled cases"

    user_id = models.BigIntegerField()
    case_id = models.BigIntegerField()
    agency_id = models.BigIntegerField()
    next_due = models.DateField(null=True)

    class Meta:
        verbose_name = _("待办案件")
        verbose_name_plural = _("待办案件")
        constraints = [models.UniqueConstraint(fields=["case_id", "user_id"], name="todo_case_unique")]
        indexes = [
            # a person's rows in 待办's order (next_due ascending, nulls last; newest first)
            models.Index(
                fields=["user_id", "next_due", "-case_id"], include=["agency_id"], name="todo_case_soonest"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.case_id}"


class CaseText(models.Model):
    """The case list's searched texts of each case — number, title, facts, decision number — with
    its agency: a copy kept by the database's triggers on the cases (migration 0019), in the
    writing statement's transaction. PostgreSQL's trigram and gram GIN indexes of the keyword
    search are on this table, not on the cases: a step's UPDATE of a case that leaves its texts as
    they were (nearly every step changes its state, an indexed column, so the row moves) then adds
    no entry to any GIN index and never computes the texts' grams again — with the facts of a real
    case, hundreds of entries on every step (issue 14)."""

    JOURNAL_EXEMPT = "derived: the searched texts of the journaled cases, kept by triggers"

    case_id = models.BigIntegerField(primary_key=True)
    agency_id = models.BigIntegerField()  # the search filters it on the rows its GIN indexes found
    number = models.TextField()
    title = models.TextField()
    facts = models.TextField()
    decision_number = models.TextField()

    class Meta:
        verbose_name = _("案件检索文本")
        verbose_name_plural = _("案件检索文本")

    def __str__(self) -> str:
        return f"{self.case_id}"
