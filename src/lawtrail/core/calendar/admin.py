"""Admin pages of the calendar. Every save goes through the services (journaled)."""

from __future__ import annotations

from django.contrib import admin

from . import services
from .forms import CalendarYearDefineForm
from .models import CalendarYear, Day


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    form = CalendarYearDefineForm
    list_display = ["year", "source", "note", "updated_at"]
    readonly_fields = ["source", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "year"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # a covered year is corrected, never removed (deadlines were computed on it)

    def save_model(self, request, obj, form, change):
        created = services.calendar_year_define(
            actor=request.user,
            year=obj.year,
            holidays=form.cleaned_data["holidays"],
            makeup_workdays=form.cleaned_data["makeup_workdays"],
            note=obj.note,
            replace=change,
        )
        obj.pk = created.pk
        obj.refresh_from_db()


@admin.register(Day)
class DayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "holiday_name", "source"]
    list_filter = ["kind", "source"]
    date_hierarchy = "date"
    search_fields = ["holiday_name"]
    fields = ["date", "kind", "holiday_name", "source"]
    readonly_fields = ["date", "source"]

    def has_add_permission(self, request):
        return False  # days come with their year (seed or definition)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.calendar_day_set(
            actor=request.user, day=obj.date, kind=obj.kind, holiday_name=obj.holiday_name
        )
        obj.refresh_from_db()
