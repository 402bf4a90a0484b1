"""The journal action tags of legal review (``review:<subject>:<verb>``): one enum, no f-strings."""

from __future__ import annotations

from enum import StrEnum


class ReviewJournal(StrEnum):
    CRITERION_CREATE = "review:criterion:create"
    CRITERION_UPDATE = "review:criterion:update"
    CRITERION_OPT_OUT = "review:criterion:opt_out"
    CRITERION_OPT_IN = "review:criterion:opt_in"
    FLAG_CREATE = "review:flag:create"
    REQUIREMENT_ROUTE = "review:requirement:route"
    REQUIREMENT_OPINION = "review:requirement:opinion"
    REVIEW_SUBMIT = "review:review:submit"
    REVIEW_AGREE = "review:review:agree"
    REVIEW_FINDINGS = "review:review:findings"
    REVIEW_ASSIGN = "review:review:assign"
    REVIEW_DUE_RECOMPUTE = "review:review:due_recompute"
    ASSIGNMENT_CREATE = "review:assignment:create"
    EXTENSION_REQUEST = "review:extension:request"
    EXTENSION_APPROVE = "review:extension:approve"
    EXTENSION_REJECT = "review:extension:reject"
