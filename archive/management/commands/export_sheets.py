"""export_sheets: registration sheets of a unit or region, without the web (cron, manual runs).

manage.py export_sheets --kind quarterly --period 2026Q3 --unit CODE --format pdf --output x.zip
manage.py export_sheets --kind list --period 2026Q3 --region CODE --format xlsx --output x.xlsx
"""

from __future__ import annotations

import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from archive.models import ExportJob
from archive.services import export_build
from assessment.models import Region, Unit


class Command(BaseCommand):
    help = "Export quarterly/annual registration sheets or the list workbook of a unit or region."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=["quarterly", "annual", "list"])
        parser.add_argument("--period", required=True, help="2026Q3 (quarter) or 2026 (year)")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--unit", help="unit code")
        where.add_argument("--region", help="region code")
        parser.add_argument("--in-region", help="region code of --unit (when codes repeat)")
        parser.add_argument("--format", default="xlsx", choices=["xlsx", "pdf"])
        parser.add_argument("--output", required=True)

    def handle(self, *args, **opts):
        period = opts["period"].strip().upper()
        quarterly = bool(re.fullmatch(r"\d{4}Q[1-4]", period))
        if opts["kind"] == "list":
            if opts["format"] != "xlsx":
                raise CommandError("the list form is an xlsx workbook: use --format xlsx")
            sheet = ExportJob.Sheet.QUARTERLY if quarterly else ExportJob.Sheet.ANNUAL
            output = ExportJob.Output.LIST
        else:
            sheet = opts["kind"]
            if (sheet == "quarterly") != quarterly:
                raise CommandError("--kind quarterly needs --period like 2026Q3, annual like 2026")
            output = ExportJob.Output.PDF if opts["format"] == "pdf" else ExportJob.Output.XLSX
        unit = None
        if opts["unit"]:
            units = Unit.objects.select_related("region").filter(code=opts["unit"])
            if opts["in_region"]:
                units = units.filter(region__code=opts["in_region"])
            if units.count() != 1:
                raise CommandError(f"unit {opts['unit']!r}: {units.count()} matches")
            unit = units.get()
            region = unit.region
        else:
            region = Region.objects.filter(code=opts["region"]).first()
            if region is None:
                raise CommandError(f"no region {opts['region']!r}")

        def progress(done, total):
            self.stderr.write(f"\r{done}/{total}", ending="")

        try:
            data, name, incomplete = export_build(
                region=region,
                unit=unit,
                sheet=sheet,
                period=period,
                output=output,
                progress=progress,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        Path(opts["output"]).write_bytes(data)
        self.stderr.write("")
        self.stdout.write(
            f"{opts['output']}: {len(data)} bytes ({name}); {incomplete} sheets with missing fields"
        )
