"""Admin pages of rule profiles. Values are saved through ``profile_value_set`` (journaled)."""

from __future__ import annotations

from django.contrib import admin

from . import services
from .forms import ProfileValueForm
from .models import Profile, ProfileValue


class ProfileValueInline(admin.TabularInline):
    model = ProfileValue
    fields = ["key", "value", "effective_from", "note", "created_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "level", "division", "agency", "note"]
    list_filter = ["level"]
    raw_id_fields = ["division", "agency"]
    inlines = [ProfileValueInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["level", "division", "agency", "note"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return  # a profile itself never changes; its values are added below
        created = services.profile_ensure(
            actor=request.user, level=obj.level, division=obj.division, agency=obj.agency, note=obj.note
        )
        obj.pk = created.pk
        obj.refresh_from_db()


@admin.register(ProfileValue)
class ProfileValueAdmin(admin.ModelAdmin):
    form = ProfileValueForm
    list_display = ["profile", "key", "value", "effective_from", "note", "created_by"]
    list_filter = ["profile__level", "key"]
    search_fields = ["key", "note"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        row = services.profile_value_set(
            actor=request.user,
            profile=form.cleaned_data["profile"],
            key=form.cleaned_data["key"],
            value=form.cleaned_data["value"],
            effective_from=form.cleaned_data["effective_from"],
            note=form.cleaned_data.get("note", ""),
            allow_backdate=form.cleaned_data.get("allow_backdate", False),
        )
        obj.pk = row.pk
        obj.refresh_from_db()
