import json

from django.core.management.base import BaseCommand, CommandError

from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.api import ConsistencyOutput, InclusionOutput
from lawtrail.core.journal.selectors import consistency_proof, inclusion_proof


class Command(BaseCommand):
    help = "输出包含证明或一致性证明（JSON，与 API 相同）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        inc = sub.add_parser("inclusion", help="条目的包含证明")
        inc.add_argument("--entry", type=int, required=True, help="条目序号")
        inc.add_argument("--size", type=int, help="树大小（默认：覆盖该条目的最新检查点）")
        con = sub.add_parser("consistency", help="两个树大小之间的一致性证明")
        con.add_argument("--from", dest="first", type=int, required=True)
        con.add_argument("--to", dest="second", type=int, help="默认：最新检查点")

    def handle(self, *args, **options):
        try:
            if options["kind"] == "inclusion":
                data = InclusionOutput(inclusion_proof(seq=options["entry"], size=options.get("size"))).data
            else:
                data = ConsistencyOutput(
                    consistency_proof(first=options["first"], second=options.get("second"))
                ).data
        except ApplicationError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
