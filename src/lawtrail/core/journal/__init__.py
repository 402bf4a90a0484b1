"""执法日志 — the append-only, verifiable Merkle log (RFC 6962/9162 style).

Other apps call only ``journal_append`` and ``journal_snapshot`` from ``services``.
"""
