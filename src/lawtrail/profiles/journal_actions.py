"""The journal action tags of rule profiles: one enum, no f-strings."""

from enum import StrEnum


class ProfileJournal(StrEnum):
    PROFILE_CREATE = "profiles:profile:create"
    VALUE_SET = "profiles:value:set"
