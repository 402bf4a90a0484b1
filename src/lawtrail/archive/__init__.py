"""一案一卷 — the case file and its archive package (issue 10).

When a case is archived, an outbox consumer builds the case's archive package: every issued
document and evidence file of the case (gathered through ``cases.extensions.case_file_for``), a
manifest with each file's SHA-256 and SM3, the case's journal entries with their inclusion proofs
and the signed checkpoint that covers them, and a 卷内目录. ``lawtrail verify-archive PACKAGE``
(``verify.py``, no database) checks a package offline. See docs/recording.md.

This app sits in a layer above the capabilities (beside ``lawtrail.live``): it reads what
documents and recording hold for a case.
"""
