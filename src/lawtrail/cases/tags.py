"""Typed tags of case events (``source:subject:action``, in the manner of Warehouse's event tags).

Every ``CaseEvent`` carries one. Capabilities subscribe to tags through the outbox
(``cases.outbox``), never to the free-text ``action`` of an event, so renaming a step's label
or its action cannot silently cut a consumer off: a tag that a consumer names exists here or
the import fails.

A row of the transition table has one tag for the step taken; a row that opens an approval
(立案、处理意见、处罚决定) also has the tag of the moment its last level approves — that is
when the case reaches the row's target (``APPROVED_TAGS``).
"""

from __future__ import annotations

from enum import StrEnum


class EventTag(StrEnum):
    # intake
    LEAD_REGISTERED = "cases:lead:registered"
    ON_THE_SPOT_DECIDED = "cases:on_the_spot:decided"
    TRANSFER_ACCEPTED = "cases:transfer:accepted"
    # filing (APL-54)
    FILING_SUBMITTED = "cases:filing:submitted"
    CASE_FILED = "cases:case:filed"
    LEAD_DECLINED = "cases:lead:declined"
    FILING_EXTENDED = "cases:filing:extended"
    # investigation
    EVIDENCE_ADDED = "cases:evidence:added"
    EVIDENCE_EXAMINED = "cases:evidence:examined"
    INVESTIGATION_ENDED = "cases:investigation:ended"
    INVESTIGATION_REOPENED = "cases:investigation:reopened"
    # proposal and notice (APL-44/45/63/64)
    PROPOSAL_SUBMITTED = "cases:proposal:submitted"
    PROPOSAL_APPROVED = "cases:proposal:approved"
    NOTICE_SERVED = "cases:notice:served"
    STATEMENT_RECORDED = "cases:statement:recorded"
    STATEMENT_RECONSIDERED = "cases:statement:reconsidered"
    HEARING_REQUESTED = "cases:hearing:requested"
    HEARING_SCHEDULED = "cases:hearing:scheduled"
    HEARING_HELD = "cases:hearing:held"
    NOTICE_CLOSED = "cases:notice:closed"
    # legal review and deliberation (APL-57/58)
    REVIEW_SUBMITTED = "cases:review:submitted"
    REVIEW_PASSED = "cases:review:passed"
    REVIEW_SENT_BACK = "cases:review:sent_back"
    DELIBERATED = "cases:deliberation:recorded"
    # decision and service (APL-57/59/61)
    DECISION_SUBMITTED = "cases:decision:submitted"
    DECISION_MADE = "cases:decision:made"
    DECISION_SERVED = "cases:decision:served"
    # execution (APL-66..73, ACL-35..54)
    PAYMENT_RECORDED = "cases:payment:recorded"
    PAYMENT_DEFERRED = "cases:payment:deferred"
    CASH_HANDED_OVER = "cases:cash:handed_over"
    ON_THE_SPOT_FILED = "cases:on_the_spot:filed"
    DEMAND_SERVED = "cases:demand:served"
    COURT_APPLIED = "cases:court:applied"
    ENFORCEMENT_DECIDED = "cases:enforcement:decided"
    REMEDY_STARTED = "cases:remedy:started"
    REMEDY_ENDED = "cases:remedy:ended"
    EXECUTION_COMPLETED = "cases:execution:completed"
    # closing (APL-47, G118-9)
    CASE_CLOSED = "cases:case:closed"
    CASE_ARCHIVED = "cases:case:archived"
    # suspension, termination, transfer (APL-57, APL-60)
    CASE_SUSPENDED = "cases:case:suspended"
    CASE_RESUMED = "cases:case:resumed"
    CASE_TERMINATED = "cases:case:terminated"
    CASE_TRANSFERRED = "cases:case:transferred"
    TRANSFER_RECEIPT = "cases:transfer:receipt"
    ASSISTANCE_REQUESTED = "cases:assistance:requested"
    ASSISTANCE_REPLIED = "cases:assistance:replied"
    # compulsory measures (ACL-17..32, APL-56)
    MEASURE_REQUESTED = "cases:measure:requested"
    MEASURE_APPROVED = "cases:measure:approved"
    MEASURE_REJECTED = "cases:measure:rejected"
    MEASURE_TAKEN = "cases:measure:taken"
    MEASURE_EXTENDED = "cases:measure:extended"
    MEASURE_TESTING = "cases:measure:testing"
    MEASURE_RELEASED = "cases:measure:released"
    PRESERVATION_DISPOSED = "cases:preservation:disposed"
    # decision limit (APL-60)
    EXTENSION_REQUESTED = "cases:extension:requested"
    EXTENSION_APPROVED = "cases:extension:approved"
    EXTENSION_REJECTED = "cases:extension:rejected"
    EXCLUSION_STARTED = "cases:exclusion:started"
    EXCLUSION_ENDED = "cases:exclusion:ended"
    # people (APL-42/43)
    RECUSAL_REQUESTED = "cases:recusal:requested"
    RECUSAL_DECIDED = "cases:recusal:decided"
    OFFICER_ASSIGNED = "cases:officer:assigned"
    # approval levels (a level acted; the chain's end carries the row's approved tag)
    APPROVAL_LEVEL_APPROVED = "cases:approval:approved"
    APPROVAL_SENT_BACK = "cases:approval:sent_back"
    APPROVAL_WITHDRAWN = "cases:approval:withdrawn"
    APPROVAL_REASSIGNED = "cases:approval:reassigned"
    # a capability's note on the case's 大事记 (e.g. legal review routing)
    NOTE_RECORDED = "cases:note:recorded"


T = EventTag
#: The tag of each row of the transition table (``workflow.TABLE``): the step taken.
STEP_TAGS: dict[str, EventTag] = {
    "filing_submit": T.FILING_SUBMITTED,
    "decline": T.LEAD_DECLINED,
    "filing_extend": T.FILING_EXTENDED,
    "evidence_add": T.EVIDENCE_ADDED,
    "evidence_examine": T.EVIDENCE_EXAMINED,
    "investigation_end": T.INVESTIGATION_ENDED,
    "investigation_reopen": T.INVESTIGATION_REOPENED,
    "proposal_submit": T.PROPOSAL_SUBMITTED,
    "notice_serve": T.NOTICE_SERVED,
    "statement_record": T.STATEMENT_RECORDED,
    "reconsider": T.STATEMENT_RECONSIDERED,
    "hearing_request": T.HEARING_REQUESTED,
    "hearing_schedule": T.HEARING_SCHEDULED,
    "hearing_hold": T.HEARING_HELD,
    "statement_close": T.NOTICE_CLOSED,
    "review_submit": T.REVIEW_SUBMITTED,
    "review_pass": T.REVIEW_PASSED,
    "review_send_back": T.REVIEW_SENT_BACK,
    "deliberate": T.DELIBERATED,
    "decision_submit": T.DECISION_SUBMITTED,
    "decision_serve": T.DECISION_SERVED,
    "payment_record": T.PAYMENT_RECORDED,
    "demand_serve": T.DEMAND_SERVED,
    "court_apply": T.COURT_APPLIED,
    "execution_complete": T.EXECUTION_COMPLETED,
    "close": T.CASE_CLOSED,
    "archive": T.CASE_ARCHIVED,
    "suspend": T.CASE_SUSPENDED,
    "resume": T.CASE_RESUMED,
    "terminate": T.CASE_TERMINATED,
    "transfer": T.CASE_TRANSFERRED,
    "cash_handover": T.CASH_HANDED_OVER,
    "on_the_spot_file": T.ON_THE_SPOT_FILED,
    "measure_request": T.MEASURE_REQUESTED,
    "measure_approve": T.MEASURE_APPROVED,
    "measure_reject": T.MEASURE_REJECTED,
    "measure_take": T.MEASURE_TAKEN,
    "measure_extend": T.MEASURE_EXTENDED,
    "measure_testing": T.MEASURE_TESTING,
    "measure_release": T.MEASURE_RELEASED,
    "preservation_dispose": T.PRESERVATION_DISPOSED,
    "extension_request": T.EXTENSION_REQUESTED,
    "extension_approve": T.EXTENSION_APPROVED,
    "extension_reject": T.EXTENSION_REJECTED,
    "exclusion_start": T.EXCLUSION_STARTED,
    "exclusion_end": T.EXCLUSION_ENDED,
    "recusal_request": T.RECUSAL_REQUESTED,
    "recusal_decide": T.RECUSAL_DECIDED,
    "officer_assign": T.OFFICER_ASSIGNED,
    "payment_defer": T.PAYMENT_DEFERRED,
    "remedy_start": T.REMEDY_STARTED,
    "remedy_end": T.REMEDY_ENDED,
    "enforcement_decide": T.ENFORCEMENT_DECIDED,
    "transfer_receipt": T.TRANSFER_RECEIPT,
    "assistance_request": T.ASSISTANCE_REQUESTED,
    "assistance_reply": T.ASSISTANCE_REPLIED,
}
#: The tag of the last level's approval of a blocking approval (the case reaches the row's target).
APPROVED_TAGS: dict[str, EventTag] = {
    "filing": T.CASE_FILED,
    "proposal": T.PROPOSAL_APPROVED,
    "decision": T.DECISION_MADE,
}
#: The tag of one level's act in any approval chain.
APPROVAL_STEP_TAGS: dict[str, EventTag] = {
    "approve": T.APPROVAL_LEVEL_APPROVED,
    "send_back": T.APPROVAL_SENT_BACK,
    "withdraw": T.APPROVAL_WITHDRAWN,
    "reassign": T.APPROVAL_REASSIGNED,
}
