"""`profiles_seed`: national defaults from the key registry, plus the 内蒙古 and 重庆
examples (idempotent: a value already present for its date is left alone)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from lawtrail.core.journal.services import journal_append
from lawtrail.profiles import seed
from lawtrail.profiles.keys import KEYS, NATIONAL_EFFECTIVE_FROM
from lawtrail.profiles.models import Profile, ProfileValue
from lawtrail.profiles.services import profile_ensure, profile_value_set
from lawtrail.registry.journal_actions import RegistryJournal
from lawtrail.registry.models import Division


class Command(BaseCommand):
    help = "导入规则配置：国家默认值与内蒙古、重庆示例（可重复执行）"

    def handle(self, *args, **options):
        created = 0
        national = profile_ensure(
            actor=None, level=Profile.Level.NATIONAL, note="国家默认值（来自配置项登记表）"
        )
        for name, key in sorted(KEYS.items()):
            created += self._set(
                national, name, key.default, f"国家默认值（{key.source}）", NATIONAL_EFFECTIVE_FROM
            )
        for prov in seed.PROVINCES:
            division = self._province(prov["code"], prov["name"])
            profile = profile_ensure(actor=None, level=Profile.Level.DIVISION, division=division)
            for name, value, note in prov["values"]:
                created += self._set(profile, name, value, note, seed.EFFECTIVE_FROM)
        self.stdout.write(f"规则配置：新增 {created} 个配置值。")

    def _set(self, profile, key, value, note, effective_from) -> int:
        if ProfileValue.objects.filter(profile=profile, key=key, effective_from=effective_from).exists():
            return 0
        profile_value_set(
            actor=None, profile=profile, key=key, value=value, effective_from=effective_from, note=note
        )
        return 1

    @transaction.atomic
    def _province(self, code: str, name: str) -> Division:
        division = Division.objects.filter(code=code).first()
        if division is None:
            division = Division.objects.create(code=code, name=name, level=Division.Level.PROVINCE)
            journal_append(
                actor=None, action=RegistryJournal.DIVISION_CREATE, subject=division, note="profiles_seed"
            )
        return division
