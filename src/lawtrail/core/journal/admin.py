from django.contrib import admin

from .models import Checkpoint, Entry


class ReadOnlyAdmin(admin.ModelAdmin):
    """The log is append-only: nobody adds, edits or deletes rows through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "actor_label", "action", "subject_type", "subject_id"]
    list_filter = ["subject_type"]
    search_fields = ["action", "subject_id", "actor_label"]
    ordering = ["-id"]
    show_full_result_count = False


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ["id", "size", "root_hash", "created_at", "key_id"]
    ordering = ["-id"]
