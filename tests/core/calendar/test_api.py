import pytest

URL = "/api/v1/calendar/deadline"


@pytest.mark.parametrize(
    ("query", "due", "kind"),
    [
        ("start=2026-02-12&working_days=5", "2026-02-26", "working_days"),
        ("start=2026-09-30&working_days=1", "2026-10-08", "working_days"),
        ("start=2026-09-26&days=5", "2026-10-08", "calendar_days"),
    ],
)
def test_wd1_wd3_deadline_endpoint_200(client, cal2026, query, due, kind):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["due"] == due and body["kind"] == kind
    assert body["rule"] in ("WD-1", "WD-3")


def test_deadline_endpoint_reports_roll_forward(client, cal2026):
    body = client.get(f"{URL}?start=2026-09-26&days=5").json()
    assert body == {
        "start": "2026-09-26",
        "due": "2026-10-08",
        "kind": "calendar_days",
        "count": 5,
        "rule": "WD-3",
        "rule_text": body["rule_text"],
        "rolled_forward_from": "2026-10-01",
        "skipped_non_working_days": 7,
    }


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("working_days=5", "CALENDAR_PARAM_MISSING"),
        ("start=&working_days=5", "CALENDAR_PARAM_MISSING"),
        ("start=2026-13-01&working_days=5", "CALENDAR_PARAM_INVALID"),
        ("start=20260301&working_days=5", "CALENDAR_PARAM_INVALID"),
        ("start=yesterday&working_days=5", "CALENDAR_PARAM_INVALID"),
        ("start=2026-03-02&working_days=abc", "CALENDAR_PARAM_INVALID"),
        ("start=2026-03-02&working_days=1.5", "CALENDAR_PARAM_INVALID"),
        ("start=2026-03-02&working_days=-1", "CALENDAR_PARAM_INVALID"),
        ("start=2026-03-02&days=3651", "CALENDAR_PARAM_INVALID"),
        ("start=2026-03-02&days=99999999999999999999", "CALENDAR_PARAM_INVALID"),
        ("start=2026-03-02&working_days=1&days=1", "CALENDAR_PARAM_INVALID"),
        ("start=2026-03-02", "CALENDAR_PARAM_INVALID"),
        ("start=2031-01-02&working_days=1", "CALENDAR_YEAR_MISSING"),
        ("start=2026-12-20&days=30", "CALENDAR_YEAR_MISSING"),
    ],
)
def test_deadline_endpoint_400(client, cal2026, query, code):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["message"]


def test_days_endpoint_lists_holidays_and_makeups(client, cal2026):
    response = client.get("/api/v1/calendar/days?year=2026")
    assert response.status_code == 200
    days = {d["date"]: d for d in response.json()["days"]}
    assert days["2026-02-14"]["kind"] == "makeup" and days["2026-02-14"]["working"] is True
    assert days["2026-10-01"]["kind"] == "holiday" and days["2026-10-01"]["holiday_name"] == "国庆节"
    assert "2026-03-07" not in days


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "CALENDAR_PARAM_MISSING"),
        ("year=abc", "CALENDAR_PARAM_INVALID"),
        ("year=2031", "CALENDAR_YEAR_MISSING"),
    ],
)
def test_days_endpoint_400(client, cal2026, query, code):
    response = client.get(f"/api/v1/calendar/days?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_years_endpoint(client, cal2026):
    assert [y["year"] for y in client.get("/api/v1/calendar/years").json()] == [2025, 2026]


def test_calendar_endpoints_are_in_the_openapi_schema(client, db):
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/v1/calendar/deadline" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/calendar/deadline"]["get"]["parameters"]}
    assert params == {"start", "working_days", "days"}
    assert "400" in schema["paths"]["/api/v1/calendar/deadline"]["get"]["responses"]


def test_page_shows_holidays_and_calculator(client, cal2026, plain_user):
    assert client.get("/backoffice/calendar/").status_code == 302
    client.force_login(plain_user)
    page = client.get(
        "/backoffice/calendar/?year=2026&start=2026-02-12&count=5&kind=working_days"
    ).content.decode()
    assert "春节" in page and "调休上班日" in page
    assert "2026-02-26" in page
    page = client.get("/backoffice/calendar/?year=2031&start=2026-12-20&count=30&kind=days").content.decode()
    assert "2031年的工作日历尚无数据" in page
    assert "2027年的工作日历尚无数据" in page
