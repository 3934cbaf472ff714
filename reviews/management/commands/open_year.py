"""open_year --year 2026 [--region CODE]: create the year-end appraisal's records (idempotent)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from assessment.models import Region
from reviews.annual.opening import year_open


class Command(BaseCommand):
    help = "Open the year-end appraisal: one annual record per active person (twice adds none)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="e.g. 2026")
        parser.add_argument("--region", help="region code (default: every region)")

    def handle(self, *args, **options):
        year = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError(f"not a year: {year}")
        regions = Region.objects.order_by("code")
        if options["region"]:
            regions = regions.filter(code=options["region"])
            if not regions.exists():
                raise CommandError(f"no region with code {options['region']!r}")
        for region in regions:
            started = time.perf_counter()
            result = year_open(region=region, year=year)
            self.stdout.write(
                f"{region.code} {year}: created {result.created} (coded {result.coded}), "
                f"transferred {result.transferred}, left {result.left} "
                f"({time.perf_counter() - started:.2f}s)"
            )
