"""open_quarter --quarter 2026Q4 [--region CODE]: create the quarter's records (idempotent)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from assessment.models import Region
from assessment.periods import parse_quarter_code
from reviews.opening import quarter_open


class Command(BaseCommand):
    help = "Open a quarter: one quarterly record per active person (running it twice adds none)."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="e.g. 2026Q4")
        parser.add_argument("--region", help="region code (default: every region)")

    def handle(self, *args, **options):
        try:
            year, number = parse_quarter_code(options["quarter"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        regions = Region.objects.order_by("code")
        if options["region"]:
            regions = regions.filter(code=options["region"])
            if not regions.exists():
                raise CommandError(f"no region with code {options['region']!r}")
        for region in regions:
            started = time.perf_counter()
            result = quarter_open(region=region, year=year, number=number)
            self.stdout.write(
                f"{region.code} {result.quarter.code}: created {result.created}, "
                f"transferred {result.transferred}, left {result.left} "
                f"({time.perf_counter() - started:.2f}s)"
            )
