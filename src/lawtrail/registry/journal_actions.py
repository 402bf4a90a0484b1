"""The journal action tags of the registry (``registry:<subject>:<verb>``): one enum, no f-strings."""

from enum import StrEnum


class RegistryJournal(StrEnum):
    DIVISION_CREATE = "registry:division:create"
    DIVISION_SEED = "registry:division:seed"
    DOMAIN_CREATE = "registry:domain:create"
    AGENCY_CREATE = "registry:agency:create"
    AGENCY_UPDATE = "registry:agency:update"
    USER_CREATE = "registry:user:create"
    USER_MAKE_ADMIN = "registry:user:make_admin"
    STAFF_CREATE = "registry:staff:create"
    STAFF_UPDATE = "registry:staff:update"
    STAFF_LINK_USER = "registry:staff:link_user"
    CREDENTIAL_ISSUE = "registry:credential:issue"
    CREDENTIAL_SUSPEND = "registry:credential:suspend"
    CREDENTIAL_REINSTATE = "registry:credential:reinstate"
    CREDENTIAL_RENEW = "registry:credential:renew"
    CREDENTIAL_REVOKE = "registry:credential:revoke"
    CREDENTIAL_CHANGE = "registry:credential_change:record"
    ROLE_GRANT = "registry:role:grant"
    ROLE_REVOKE = "registry:role:revoke"
    POWER_CREATE = "registry:power:create"
    POWER_UPDATE = "registry:power:update"
    VIOLATION_CREATE = "registry:violation:create"
    LEGAL_BASIS_ADD = "registry:legal_basis:add"
    BENCHMARK_CREATE = "registry:benchmark:create"
    BENCHMARK_TIER_CREATE = "registry:benchmark_tier:create"

    @staticmethod
    def credential(action: str) -> "RegistryJournal":
        return RegistryJournal(f"registry:credential:{action}")
