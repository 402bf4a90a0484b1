"""The journal action tags of the case app (``cases:<subject>:<verb>``): one enum, no f-strings.

A step's entry on the case row is tagged with the row's action (``cases:case:notice_serve``):
``CaseJournal.case(action)`` looks it up in ``CASE_STEPS``, generated from the transition table's
actions and the approval decisions, so an unknown action fails loudly instead of writing a tag
nobody can search for.
"""

from __future__ import annotations

from enum import StrEnum


class CaseJournal(StrEnum):
    CASE_REGISTER = "cases:case:register"
    CASE_ON_THE_SPOT = "cases:case:on_the_spot"
    PARTY_ADD = "cases:party:add"
    PARTY_UPDATE = "cases:party:update"
    PARTY_REMOVE = "cases:party:remove"
    LEAD_UPDATE = "cases:case:lead_update"
    VIOLATION_REMOVE = "cases:violation:remove"
    EVIDENCE_ADD = "cases:evidence:add"
    EVIDENCE_EXAMINE = "cases:evidence:examine"
    APPROVAL_SUBMIT = "cases:approval:submit"
    APPROVAL_CLOSE = "cases:approval:close"
    APPROVAL_APPROVE = "cases:approval:approve"
    APPROVAL_SEND_BACK = "cases:approval:send_back"
    APPROVAL_WITHDRAW = "cases:approval:withdraw"
    APPROVAL_REASSIGN = "cases:approval:reassign"
    APPROVAL_CHAIN_SET = "cases:approval_chain:set"
    DEADLINE_SET = "cases:deadline:set"
    DEADLINE_MEET = "cases:deadline:meet"
    DEADLINE_STOP = "cases:deadline:stop"
    DEADLINE_RECOMPUTE = "cases:deadline:recompute"
    MEASURE_RECOMPUTE = "cases:measure:recompute"
    VIOLATION_ADD = "cases:violation:add"
    APPROVAL_STEP = "cases:approval_step:record"
    PERIOD_OPEN = "cases:period:open"
    PERIOD_CLOSE = "cases:period:close"
    PERIOD_CANCEL = "cases:period:cancel"
    MEASURE_REQUEST = "cases:measure:request"
    MEASURE_APPROVE = "cases:measure:approve"
    MEASURE_REJECT = "cases:measure:reject"
    MEASURE_TAKE = "cases:measure:take"
    MEASURE_EXTEND = "cases:measure:extend"
    MEASURE_TESTING = "cases:measure:testing"
    MEASURE_RELEASE = "cases:measure:release"
    MEASURE_DISPOSE = "cases:measure:dispose"
    RECUSAL_REQUEST = "cases:recusal:request"
    RECUSAL_DECIDE = "cases:recusal:decide"
    TRANSFER_SEND = "cases:transfer:send"
    TRANSFER_ACCEPT = "cases:transfer:accept"
    TRANSFER_RECEIPT = "cases:transfer:receipt"
    ASSISTANCE_REQUEST = "cases:assistance:request"
    ASSISTANCE_REPLY = "cases:assistance:reply"

    @staticmethod
    def case(action: str) -> str:
        """The tag of a step's entry on the case row (``cases:case:<action>``)."""
        return CASE_STEPS[action]

    @staticmethod
    def event(action: str) -> str:
        """The tag of an event's entry (``cases:event:<action>``)."""
        return EVENT_ACTIONS[action]

    @staticmethod
    def approval(decision: str) -> CaseJournal:
        return CaseJournal(f"cases:approval:{decision}")


#: Events that are not a row of the table: intake, and the notes capabilities record on a case.
EVENT_ONLY_ACTIONS = ("register", "on_the_spot", "transfer_accepted")
#: Notes a capability may record on a case's 大事记 (``engine.case_note``), declared here so that
#: their journal tags are a closed set too.
NOTE_ACTIONS = ("review_route", "review_extension_approve", "review_extension_reject")


def _actions() -> list[str]:
    from .workflow import TABLE  # noqa: PLC0415 — cycle: the table's effects journal with this enum

    return [t.action for t in TABLE] + [
        f"approval_{d}" for d in ("approve", "send_back", "withdraw", "reassign")
    ]


class _Tags(dict):
    """Filled on first use (the table is not importable while this module loads)."""

    def __init__(self, prefix: str, extra: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.prefix, self.extra = prefix, extra

    def __missing__(self, action: str) -> str:
        if not self:
            self.update({a: f"{self.prefix}{a}" for a in [*_actions(), *self.extra]})
            if action in self:
                return self[action]
        raise KeyError(f"no journal tag for case action {action!r}")


CASE_STEPS: dict[str, str] = _Tags("cases:case:")
EVENT_ACTIONS: dict[str, str] = _Tags("cases:event:", EVENT_ONLY_ACTIONS + NOTE_ACTIONS)
