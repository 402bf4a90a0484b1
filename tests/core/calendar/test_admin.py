import datetime as dt

from lawtrail.core.calendar.models import CalendarYear, Day
from lawtrail.core.journal.models import Entry


def test_admin_defines_a_year_through_the_service(client, cal2026, superuser):
    client.force_login(superuser)
    assert client.get("/admin/workcalendar/calendaryear/add/").status_code == 200
    response = client.post(
        "/admin/workcalendar/calendaryear/add/",
        {
            "year": "2027",
            "note": "测试",
            "holidays": "2027-01-01 元旦\n2027-02-06~2027-02-12 春节",
            "makeup_workdays": "2027-02-13 春节",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    year = CalendarYear.objects.get(year=2027)
    assert Day.objects.get(date=dt.date(2027, 2, 9)).holiday_name == "春节"
    assert Day.objects.get(date=dt.date(2027, 2, 13)).kind == "makeup"
    assert Entry.objects.filter(action="calendar:year:define", subject_id=str(year.pk)).exists()
    # the change form starts from the year's current special days
    page = client.get(f"/admin/workcalendar/calendaryear/{year.pk}/change/").content.decode()
    assert "2027-02-13 春节" in page


def test_admin_rejects_a_malformed_line(client, db, superuser):
    client.force_login(superuser)
    response = client.post(
        "/admin/workcalendar/calendaryear/add/",
        {"year": "2027", "holidays": "2027/01/01 元旦", "makeup_workdays": ""},
    )
    assert response.status_code == 200
    assert "格式错误" in response.content.decode()
    assert not CalendarYear.objects.exists()


def test_admin_day_change_goes_through_the_service(client, cal2026, superuser):
    client.force_login(superuser)
    day = Day.objects.get(date=dt.date(2026, 3, 2))
    response = client.post(
        f"/admin/workcalendar/day/{day.pk}/change/", {"kind": "holiday", "holiday_name": "临时"}
    )
    assert response.status_code == 302
    assert Entry.objects.filter(action="calendar:day:set", subject_id=str(day.pk)).exists()
