"""The journal action tags the kernel writes itself: one enum, no f-strings."""

from enum import StrEnum


class KernelJournal(StrEnum):
    SCHEMA_MIGRATE = "journal:schema:migrate"  # a migration re-journals the rows it changed
    FIELD_KEYS_REKEY = "core:field_keys:rekey"  # rotate_field_keys re-encrypted a row
