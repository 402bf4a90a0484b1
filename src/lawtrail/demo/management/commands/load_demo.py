from django.core.management.base import BaseCommand
from django.utils import timezone

from lawtrail.core.models import User
from lawtrail.demo.cases import load_demo_cases
from lawtrail.demo.disclosure import load_demo_disclosure
from lawtrail.demo.live import load_demo_live
from lawtrail.demo.loader import DEMO_PASSWORD, DemoLoader
from lawtrail.demo.reviews import load_demo_reviews
from lawtrail.registry.models import Agency

#: Cases the embedded default loads (``make run``): every state and outcome (the pinned cases)
#: and enough of each to try the lists. Each demo case now goes through every capability's hooks —
#: its notice and decision are drafted, issued and sealed as PDFs, its 笔录 signed, its archive
#: packaged — about 2–3 s a case on 2 cores, so 1,000 made the first `make run` take over half an
#: hour (stop 18). ``lawtrail demo --cases N`` / ``load_demo --cases N`` loads more.
DEFAULT_CASES = 60


class Command(BaseCommand):
    help = "加载演示数据（石家庄市：执法主体、执法人员、权力事项与裁量基准）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="数据库已有执法主体时不再加载，只打印演示账号"
        )
        parser.add_argument(
            "--cases",
            type=int,
            default=DEFAULT_CASES,
            help="演示案件数量（经办案服务逐步办理，默认 60；0 为不加载）",
        )

    def handle(self, *args, once: bool = False, cases: int = DEFAULT_CASES, **options):
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
            load_demo_disclosure(today=timezone.localdate(), stdout=self.stdout)
        load_demo_live(stdout=self.stdout)
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
