from django.core.management.base import BaseCommand

from assessment.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Build the demo city: a 1,300-person district of ~40 units plus further regions."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=1300, help="people in the main region")
        parser.add_argument("--regions", type=int, default=2, help="number of regions")
        parser.add_argument(
            "--other-people", type=int, default=60, help="people in each further region"
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty", action="store_true", help="exit quietly (status 0) when data exists"
        )

    def handle(self, *args, people, regions, other_people, seed, if_empty, **options):
        region = seed_demo(
            people=people, regions=max(1, regions), other_people=other_people, seed=seed
        )
        if region is None:
            msg = "数据库中已有数据，未写入演示数据（seed_demo 只在空库上运行）。"
            if if_empty:
                self.stdout.write(msg)
                return
            self.stderr.write(msg)
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成：{region.name}"))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<18} {login.role:<12} {login.description}")
