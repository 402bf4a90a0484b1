"""``lawtrail archive_build [--case ID …] [--all]``: build and seal the archive package of archived
cases that have none (cases archived before the case file existed, or whose consumer failed for
good), and seal those left building. Idempotent."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lawtrail.cases.models import Case, State

from ...models import ArchivePackage
from ...services import package_seal, package_start


class Command(BaseCommand):
    help = "为已归档但尚无案卷档案包的案件生成并封存档案包（一案一卷）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--case", type=int, action="append", default=[], help="案件编号（可重复）")
        parser.add_argument("--all", action="store_true", help="所有尚无档案包的已归档案件")

    def handle(self, *args, case: list[int], all: bool, **options) -> None:  # noqa: A002 — the option's name
        qs = Case.objects.filter(state=State.ARCHIVED)
        if case:
            qs = qs.filter(pk__in=case)
        elif not all:
            self.stderr.write("请用 --case 指定案件，或用 --all 处理所有尚无档案包的已归档案件。")
            return
        built = sealed = 0
        for c in qs.filter(archive_package__isnull=True).order_by("pk"):
            package_start(actor=None, case=c)
            built += 1
        for p in ArchivePackage.objects.filter(case__in=qs, status=ArchivePackage.Status.BUILDING).order_by(
            "pk"
        ):
            package_seal(package_id=p.pk)
            sealed += 1
        self.stdout.write(f"已生成 {built} 个档案包，封存 {sealed} 个。")
