"""A walker for API-only case tests: each call is one counted step that asserts its status,
its error code, and — for a refusal — that nothing changed (same state, same timeline,
same approval history, parties, evidence and payments)."""

from __future__ import annotations

from typing import Any

from tests.cast import api_client_for

C = "/api/v1/cases/"


class Walk:
    def __init__(self, observer: Any) -> None:
        self.steps = 0
        self.observer = observer  # a user who may read every case (the system admin)
        self.codes: set[str] = set()

    # ------------------------------------------------------------------ raw calls

    def call(self, user: Any, method: str, path: str, body: Any = None):
        client = api_client_for(user)
        if method == "get":
            return client.get(path, body or {})
        return getattr(client, method)(path, body or {}, format="json")

    def snapshot(self, case_id: int) -> tuple:
        d = self.call(self.observer, "get", f"{C}{case_id}").json()
        return (
            d["state"],
            len(d["timeline"]),
            [(a["status"], a["level"], len(a["steps"]), a["assignee"]) for a in d["approvals"]],
            len(d["parties"]),
            [(e["id"], e["cross_examined"]) for e in d["evidence"]],
            d["paid_amount"],
            d["number"],
        )

    # ------------------------------------------------------------------ steps

    def ok(
        self,
        user: Any,
        method: str,
        path: str,
        body: Any = None,
        *,
        status: int = 200,
        state: str | None = None,
    ):
        r = self.call(user, method, path, body)
        self.steps += 1
        assert r.status_code == status, (
            f"step {self.steps} {method} {path}: {r.status_code} {r.content[:600]!r}"
        )
        data = r.json() if r.content else None
        if state is not None:
            assert data["state"] == state, f"step {self.steps}: state {data['state']} != {state}"
        return data

    def refused(
        self,
        user: Any,
        method: str,
        path: str,
        body: Any = None,
        *,
        status: int,
        code: str,
        case_id: int | None = None,
        rule: str | None = None,
    ) -> dict:
        before = self.snapshot(case_id) if case_id else None
        r = self.call(user, method, path, body)
        self.steps += 1
        where = f"step {self.steps} {method} {path} {body!r}"
        assert r.status_code == status, f"{where}: {r.status_code} {r.content[:600]!r}"
        data = r.json()
        assert data["code"] == code, f"{where}: {data}"
        assert data["message"], where
        if rule is not None:
            assert rule in data.get("rule", ""), f"{where}: rule {data.get('rule')} != {rule}"
        if case_id:
            assert self.snapshot(case_id) == before, f"{where}: a refusal changed the case"
        self.codes.add(code)
        return data

    # ------------------------------------------------------------------ case shortcuts

    def act(self, user: Any, case_id: int, action: str, state: str | None = None, **body: Any) -> dict:
        return self.ok(user, "post", f"{C}{case_id}/actions/{action}", body, state=state)

    def act_refused(
        self,
        user: Any,
        case_id: int,
        action: str,
        status: int,
        code: str,
        rule: str | None = None,
        **body: Any,
    ) -> dict:
        return self.refused(
            user,
            "post",
            f"{C}{case_id}/actions/{action}",
            body,
            status=status,
            code=code,
            case_id=case_id,
            rule=rule,
        )

    def decide(self, user: Any, case_id: int, decision: str, state: str | None = None, **body: Any) -> dict:
        return self.ok(user, "post", f"{C}{case_id}/approval/{decision}", body, state=state)

    def decide_refused(
        self, user: Any, case_id: int, decision: str, status: int, code: str, **body: Any
    ) -> dict:
        return self.refused(
            user, "post", f"{C}{case_id}/approval/{decision}", body, status=status, code=code, case_id=case_id
        )
