"""Every write of a case, in one place to import from. Keyword-only, actor first, one
transaction, journaled.

The writes live where their concern is:

- ``engine``: ``case_transition`` (the only code that changes ``Case.state``) and
  ``approval_act`` — the two doors a person takes into the case flow;
- ``approvals``: approval chains and decisions (they decide; the engine applies the effect);
- ``effects/``: what each row of ``workflow.TABLE`` changes, grouped by procedure area;
- ``intake``: leads, on-the-spot decisions, transferred matters accepted, parties;
- ``deadlines`` and ``numbers``: running deadlines and case numbers.
"""

from .approvals import APPROVER_ROLES, approval_chain_for, approval_chain_set
from .deadlines import deadline_meet, deadline_set, decision_extensions
from .engine import approval_act, case_note, case_transition
from .intake import (
    PARTY_FIELDS,
    case_create,
    case_on_the_spot,
    lead_update,
    party_add,
    party_remove,
    party_update,
    transfer_accept,
)
from .numbers import case_number_format, case_number_next

__all__ = [
    "APPROVER_ROLES",
    "PARTY_FIELDS",
    "approval_act",
    "approval_chain_for",
    "approval_chain_set",
    "case_create",
    "case_note",
    "case_number_format",
    "case_number_next",
    "case_on_the_spot",
    "case_transition",
    "deadline_meet",
    "deadline_set",
    "lead_update",
    "decision_extensions",
    "party_add",
    "party_remove",
    "party_update",
    "transfer_accept",
]
