"""The journal action tags of legal documents (``documents:<subject>:<verb>``)."""

from __future__ import annotations

from enum import StrEnum


class DocumentsJournal(StrEnum):
    DOCUMENT_ISSUE = "documents:document:issue"
    DOCUMENT_CORRECT = "documents:document:correct"
    DOCUMENT_FILE = "documents:document:file"  # the PDF of a paper issued at a step, made after commit
    DRAFT_SAVE = "documents:draft:save"
    SIGNATURE_ADD = "documents:signature:add"
    SERVICE_RECORD = "documents:service:record"
    SERVICE_RECEIPT = "documents:service:receipt"
