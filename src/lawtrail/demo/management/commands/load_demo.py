from django.core.management.base import BaseCommand
from django.utils import timezone

from lawtrail.core.models import User
from lawtrail.demo.cases import load_demo_cases
from lawtrail.demo.loader import DEMO_PASSWORD, DemoLoader
from lawtrail.demo.reviews import load_demo_reviews
from lawtrail.registry.models import Agency


class Command(BaseCommand):
    help = "加载演示数据（石家庄市：执法主体、执法人员、权力事项与裁量基准）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="数据库已有执法主体时不再加载，只打印演示账号"
        )
        parser.add_argument(
            "--cases",
            type=int,
            default=1000,
            help="演示案件数量（经办案服务逐步办理，默认 1000；0 为不加载）",
        )

    def handle(self, *args, once: bool = False, cases: int = 1000, **options):
        if Agency.objects.exists():
            if once:
                self.stdout.write("演示数据已存在，跳过加载。")
                self._print_accounts()
                return
            self.stderr.write("数据库中已有执法主体，不能重复加载演示数据。")
            raise SystemExit(1)
        accounts = DemoLoader(stdout=self.stdout).load()
        if cases:
            load_demo_cases(n=cases, today=timezone.localdate(), stdout=self.stdout)

            load_demo_reviews(today=timezone.localdate(), stdout=self.stdout)
        self._print_accounts(accounts)

    def _print_accounts(self, accounts=None):
        names = [
            "admin",
            "officer",
            "officer2",
            "approver1",
            "approver2",
            "approver3",
            "reviewer",
            "unitadmin",
            "supervisor",
            "supervisor_changan",
        ]
        self.stdout.write(self.style.SUCCESS(f"\n演示账号（密码均为 {DEMO_PASSWORD}）："))
        for user in User.objects.filter(username__in=names).select_related("staff__agency"):
            roles = "、".join(sorted({g.get_role_display() for g in user.role_grants.all()}))
            agency = user.staff.agency.name if getattr(user, "staff", None) else ""
            self.stdout.write(f"  {user.username:<20} {roles:<24} {agency}")
