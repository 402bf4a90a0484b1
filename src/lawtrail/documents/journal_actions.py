"""The journal action tags of legal documents (``documents:<subject>:<verb>``)."""

from __future__ import annotations

from enum import StrEnum


class DocumentsJournal(StrEnum):
    DOCUMENT_ISSUE = "documents:document:issue"
    DOCUMENT_CORRECT = "documents:document:correct"
    DRAFT_SAVE = "documents:draft:save"
    SIGNATURE_ADD = "documents:signature:add"
    SERVICE_RECORD = "documents:service:record"
    SERVICE_RECEIPT = "documents:service:receipt"
