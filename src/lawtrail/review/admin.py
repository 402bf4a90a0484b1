from django.contrib import admin

from .models import CriterionOptOut, Review, ReviewAssignment, ReviewCriterion, ReviewFlag


@admin.register(ReviewCriterion)
class ReviewCriterionAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "category",
        "agency",
        "division",
        "amount_person",
        "amount_organisation",
        "active",
    )
    list_filter = ("category", "active")
    search_fields = ("title",)


class ReviewAssignmentInline(admin.TabularInline):
    model = ReviewAssignment
    extra = 0
    readonly_fields = ("reviewer", "previous", "how", "by", "at", "reason")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Read-only: reviews are written through the services (journaled)."""

    list_display = ("case", "round", "status", "reviewer", "submitted_on", "due_on", "decided_on")
    list_filter = ("status",)
    inlines = [ReviewAssignmentInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


admin.site.register(CriterionOptOut)
admin.site.register(ReviewFlag)
