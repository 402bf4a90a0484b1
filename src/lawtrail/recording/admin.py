"""Admin views of recording: read-only (every write goes through the journaled services)."""

from django.contrib import admin

from .models import CustodyEvent, Device, EvidenceFile


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Device)
class DeviceAdmin(ReadOnly):
    list_display = ("serial", "kind", "agency", "holder", "review_status", "location", "active")
    list_filter = ("kind", "review_status", "active")
    search_fields = ("serial", "model_name", "location")


class CustodyInline(admin.TabularInline):
    model = CustodyEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "actor", "at", "note", "data")


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnly):
    list_display = ("name", "case", "media", "captured_at", "uploaded_at", "late")
    list_filter = ("media", "late")
    search_fields = ("name", "blob__sha256")
    inlines = [CustodyInline]
