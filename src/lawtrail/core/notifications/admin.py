from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "kind", "created_at", "read_at", "sent_at")
    list_filter = ("kind",)
    search_fields = ("title", "user__username")
    readonly_fields = [f.name for f in Notification._meta.fields]
