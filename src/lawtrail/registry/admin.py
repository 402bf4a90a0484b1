"""Admin for the registry: browse and search every table, write nothing.

Every write to these tables must be journaled, and only the services journal. So the
admin is read-only here; adding and changing happen in the back-office pages
(/backoffice/registry/…), the API and the Excel import (/backoffice/registry/io/), all of
which go through ``services``.
"""

from django.contrib import admin

from .models import (
    Agency,
    Benchmark,
    BenchmarkTier,
    Credential,
    CredentialChange,
    Division,
    Domain,
    LegalBasis,
    PowerItem,
    RoleGrant,
    Staff,
    Violation,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse only: writes go through the journaled services (see the module docstring)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Division)
class DivisionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Domain)
class DomainAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "sort"]
    search_fields = ["code", "name"]


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ["name", "credit_code", "division", "level", "legal_status", "kind", "is_active"]
    list_filter = ["level", "legal_status", "kind", "is_active", "domains"]
    search_fields = ["name", "credit_code", "division__name"]
    list_select_related = ["division"]


class CredentialInline(ReadOnlyInline):
    model = Credential
    fields = ["number", "domain", "region", "issued_on", "expires_on", "status"]


@admin.register(Staff)
class StaffAdmin(ReadOnlyAdmin):
    list_display = ["name", "agency", "posts", "masked_id", "legal_qualification", "is_active"]
    list_filter = ["is_active", "legal_qualification", "agency__division"]
    search_fields = ["name", "agency__name"]
    list_select_related = ["agency"]
    exclude = ["id_number"]  # never shown whole
    readonly_fields = ["masked_id"]
    inlines = [CredentialInline]

    @admin.display(description="公民身份号码")
    def masked_id(self, obj):
        return obj.id_number_masked


class CredentialChangeInline(ReadOnlyInline):
    model = CredentialChange
    fields = ["kind", "from_status", "to_status", "expires_on", "reason", "actor", "at"]
    readonly_fields = fields


@admin.register(Credential)
class CredentialAdmin(ReadOnlyAdmin):
    list_display = ["number", "staff", "domain", "region", "issued_on", "expires_on", "status"]
    list_filter = ["status", "domain", "region"]
    search_fields = ["number", "staff__name"]
    list_select_related = ["staff", "domain", "region"]
    inlines = [CredentialChangeInline]


@admin.register(CredentialChange)
class CredentialChangeAdmin(ReadOnlyAdmin):
    list_display = ["credential", "kind", "from_status", "to_status", "actor", "at"]
    list_filter = ["kind"]
    search_fields = ["credential__number"]


@admin.register(RoleGrant)
class RoleGrantAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "agency", "division"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name", "agency__name", "division__name"]


class LegalBasisInline(ReadOnlyInline):
    model = LegalBasis
    fk_name = "power"
    fields = ["role", "law", "article", "clause"]


class ViolationInline(ReadOnlyInline):
    model = Violation
    fields = ["code", "name", "fine_min", "fine_max", "multiple_min", "multiple_max"]


@admin.register(PowerItem)
class PowerItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "domain", "levels", "is_active"]
    list_filter = ["kind", "domain", "is_active"]
    search_fields = ["code", "name"]
    inlines = [LegalBasisInline, ViolationInline]


@admin.register(Violation)
class ViolationAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "power", "fine_min", "fine_max", "multiple_min", "multiple_max"]
    list_filter = ["power__domain"]
    search_fields = ["code", "name", "power__code"]


@admin.register(LegalBasis)
class LegalBasisAdmin(ReadOnlyAdmin):
    list_display = ["law", "article", "clause", "role", "power", "violation"]
    list_filter = ["role"]
    search_fields = ["law", "article", "text"]


class TierInline(ReadOnlyInline):
    model = BenchmarkTier
    fields = ["tier", "conditions", "fine_min", "fine_max", "multiple_min", "multiple_max", "other_measures"]


@admin.register(Benchmark)
class BenchmarkAdmin(ReadOnlyAdmin):
    list_display = ["violation", "division", "issuer", "effective_from"]
    list_filter = ["division"]
    search_fields = ["violation__code", "violation__name", "issuer"]
    inlines = [TierInline]


@admin.register(BenchmarkTier)
class BenchmarkTierAdmin(ReadOnlyAdmin):
    list_display = ["benchmark", "tier", "fine_min", "fine_max", "multiple_min", "multiple_max"]
    list_filter = ["tier"]
