"""The state diagram in docs/ is generated from the table; every row is complete (APL-47: every
act is a row, so every act writes a CaseEvent through case_transition)."""

import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from lawtrail.cases import services, workflow
from lawtrail.core.permissions import Perm

RULE_ID = re.compile(r"^(APL|ACL|G118|G27|WD|DISC)-[0-9]+([/–-][0-9]+)*$")


def test_committed_state_diagram_is_generated_from_the_table():
    committed = (Path(settings.BASE_DIR) / "docs" / "case-states.md").read_text(encoding="utf-8")
    assert committed == workflow.states_markdown(), "run: python manage.py case_diagram"


def test_case_diagram_command_writes_the_file(tmp_path):
    out = tmp_path / "states.md"
    call_command("case_diagram", output=str(out))
    assert out.read_text(encoding="utf-8") == workflow.states_markdown()
    assert "stateDiagram-v2" in out.read_text(encoding="utf-8")
    call_command("case_diagram", output=str(out), check=True)


def test_every_row_is_complete_and_cites_its_rule():
    actions = [t.action for t in workflow.TABLE]
    assert len(actions) == len(set(actions))
    for t in workflow.TABLE:
        assert t.label and t.sources and isinstance(t.perm, Perm), t.action
        assert all(isinstance(f, str) for f in t.fields), t.action
        assert t.scope in ("case", "assistance"), t.action
        for rule in filter(None, (r.strip() for r in t.rule.split(","))):
            assert RULE_ID.match(rule), (t.action, rule)
        assert t.action in workflow.BY_ACTION
    # every row added for the procedure cites a rule
    assert all(t.rule for t in workflow.PROCEDURE_TABLE)


def test_every_effect_belongs_to_a_row():
    """The effects of effects/*.py are each the effect of a row (or called by one): no string
    dispatch, no orphan — following a row to what it changes is one click."""
    import inspect

    from lawtrail.cases import effects
    from lawtrail.cases.effects import (
        decision,
        execution,
        investigation,
        limits,
        measures,
        notice,
        people,
        transfer,
    )

    used = {t.effect for t in workflow.TABLE if t.effect is not None}
    helpers = {
        decision.extension_close,
        decision.release_all,
        decision.decision_number,
        measures.release_measure,
        limits.period_open,
        limits.period_close,
    }
    for module in (decision, execution, investigation, limits, measures, notice, people, transfer):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                assert fn in used or fn in helpers, f"{module.__name__}.{name} is no row's effect"
    assert effects.__doc__ and services.__doc__
