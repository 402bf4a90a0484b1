"""The journal action tags of the working-day calendar: one enum, no f-strings."""

from enum import StrEnum


class CalendarJournal(StrEnum):
    YEAR_SEED = "calendar:year:seed"
    YEAR_DEFINE = "calendar:year:define"
    YEAR_REDEFINE = "calendar:year:redefine"
    DAY_SEED = "calendar:day:seed"
    DAY_DEFINE = "calendar:day:define"
    DAY_REMOVE = "calendar:day:remove"
    DAY_SET = "calendar:day:set"
