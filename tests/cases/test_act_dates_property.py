"""APL-47, property-based: no act date is accepted in the future or before the act it follows, and
a date earlier than the day it is recorded only within the late-entry window (issue 8)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from lawtrail.cases import rules
from lawtrail.core.errors import ApplicationError

DAY = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31))


@settings(max_examples=400, deadline=None)
@given(
    recorded=DAY,
    act=DAY,
    predecessors=st.lists(st.one_of(st.none(), DAY), max_size=3),
    window=st.integers(min_value=0, max_value=10),
)
def test_an_act_date_is_accepted_exactly_when_the_law_allows(recorded, act, predecessors, window):
    allowed = (
        act <= recorded
        and all(p is None or act >= p for p in predecessors)
        and (recorded - act).days <= window
    )
    try:
        late = rules.act_date_check(
            what="送达日期",
            act_on=act,
            recorded_on=recorded,
            not_before=[(p, "前一行为") for p in predecessors],
            late_entry_days=window,
        )
    except ApplicationError as exc:
        assert not allowed
        if act > recorded:
            assert exc.code == "CASE_DATE_IN_FUTURE"
        elif any(p is not None and act < p for p in predecessors):
            assert exc.code == "CASE_DATE_BEFORE_PREDECESSOR"
        else:
            assert exc.code == "CASE_DATE_LATE_ENTRY_EXPIRED"
        assert exc.rule == "APL-47" and exc.message
    else:
        assert allowed and late == (act < recorded)


#: Every typed input field that is the date of an act that happened, and the guard that checks it
#: through ``guards.act_date`` (so none is left unchecked as the table grows).
ACT_DATE_FIELDS = {
    ("notice_serve", "served_on"),
    ("hearing_request", "requested_on"),
    ("hearing_schedule", "notified_on"),
    ("decision_serve", "served_on"),
    ("payment_record", "paid_on"),
    ("demand_serve", "served_on"),
    ("court_apply", "applied_on"),
    ("cash_handover", "handed_on"),
    ("measure_take", "started_at"),
    ("measure_release", "released_on"),
    ("preservation_dispose", "disposed_on"),
    ("payment_defer", "applied_on"),
    ("enforcement_decide", "decided_on"),
    ("transfer_receipt", "receipt_on"),
}


def test_every_act_date_field_is_checked_by_its_guard():
    """Each act-date field of the table is read through ``guards.act_date`` by one of its row's guards."""
    import inspect

    from lawtrail.cases import workflow

    for action, field in sorted(ACT_DATE_FIELDS):
        row = workflow.transition_for(action)
        assert field in row.input_fields(), (action, field)
        sources = "".join("".join(inspect.getsource(g).split()) for g in row.guards)
        assert f'act_date(ctx,"{field}"' in sources, (action, field)
