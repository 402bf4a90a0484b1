"""Issue 13: a step's date outside the plausible window (a typing error) is refused when the
input is parsed, with DATE_IMPLAUSIBLE, and nothing is written."""

import pytest

from lawtrail.core.errors import ApplicationError
from tests.cases.procedure_kit import filed_case, step


@pytest.mark.parametrize("bad", ["0001-01-01", "9999-12-31"])
def test_a_step_date_must_be_plausible(world, bad):
    case = filed_case(world)
    with pytest.raises(ApplicationError) as exc:
        step(world.cast.alice, case, "evidence_add", kind="record", title="笔录", collected_on=bad)
    assert exc.value.code == "DATE_IMPLAUSIBLE" and "收集日期" in exc.value.message
    assert not case.evidence.exists()
