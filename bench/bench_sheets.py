"""Registration-sheet benchmark (issue 6), run by hand.

    .venv/bin/python bench/bench_sheets.py [--people 1300] [--skip-seed] [--workers 2]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pingshi_bench .venv/bin/python bench/bench_sheets.py

Without DATABASE_URL it uses a fresh SQLite file under bench/out/. Seeds one district with
seed_demo (1,300 people), then times for the region's quarter 2026Q3:

1. the list workbook (清单, one row per person, plus the grade summary) — target < 10 s;
2. the zip of per-person PDFs exactly as the export job builds it (one process) — target
   < 120 s on 2 cores; with --workers N it also times the same zip built by N processes, each
   rendering a share of the people (how an export would use both cores);
3. WeasyPrint's bare HTML(...).write_pdf() for the same HTML strings (built beforehand), with
   the same font configuration and fetcher, so the cost of WeasyPrint itself shows beside ours.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(parents=True, exist_ok=True)
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{OUT / 'bench_sheets.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("PRIVATE_MEDIA_ROOT", str(OUT / "private"))

PERIOD = "2026Q3"


def setup() -> None:
    import django

    django.setup()


def seed(people: int) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from assessment.models import Person

    if Person.objects.exists():
        print("database not empty: reusing it (drop it or use --skip-seed)")
        return
    started = time.perf_counter()
    call_command("seed_demo", people=people, regions=1, other_people=0, verbosity=0)
    print(f"seed_demo --people {people}: {time.perf_counter() - started:.1f} s")


def region_and_sheets():
    from archive.services import build_sheets
    from assessment.models import Person, Region

    region = Region.objects.order_by("pk").first()
    sheets = build_sheets(region=region, unit=None, sheet="quarterly", period=PERIOD)
    assert len(sheets) == Person.objects.filter(region=region, is_active=True).count()
    return region, sheets


def _render_share(person_ids: list[int]) -> list[tuple[str, bytes]]:
    """Worker: build and render one share of the people (own DB connection, own renderer)."""
    setup()
    from archive import sheets as builder
    from archive.render_pdf import PdfRenderer
    from assessment.models import Person, Quarter

    people = Person.objects.filter(pk__in=person_ids).select_related("unit", "section")
    people = people.order_by("unit__code", "staff_no")
    quarter = Quarter.objects.select_related("year").get(
        region_id=people[0].region_id, year__year=2026, number=3
    )
    renderer = PdfRenderer()
    return [
        (f"{s.staff_no}.pdf", renderer.render([s]))
        for s in builder.build_quarterly(quarter, people)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1300)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-bare", action="store_true")
    parser.add_argument("--seed-only", action="store_true")
    args = parser.parse_args()
    setup()
    if not args.skip_seed:
        seed(args.people)
    if args.seed_only:
        return
    from django.conf import settings

    from archive.models import ExportJob
    from archive.render_pdf import PdfRenderer, sheet_html
    from archive.services import export_build

    region, sheets = region_and_sheets()
    n = len(sheets)
    print(f"database: {settings.DATABASES['default']['ENGINE']}; region {region.name}: {n} people")
    results = {}

    started = time.perf_counter()
    data, name, incomplete = export_build(
        region=region, unit=None, sheet="quarterly", period=PERIOD, output=ExportJob.Output.LIST
    )
    results["list workbook"] = time.perf_counter() - started
    (OUT / "list.xlsx").write_bytes(data)
    print(f"list workbook: {results['list workbook']:.2f} s, {len(data) / 1e6:.1f} MB")

    started = time.perf_counter()
    data, name, incomplete = export_build(
        region=region, unit=None, sheet="quarterly", period=PERIOD, output=ExportJob.Output.PDF
    )
    results["PDF zip (1 process)"] = time.perf_counter() - started
    (OUT / "sheets.zip").write_bytes(data)
    print(
        f"PDF zip, 1 process: {results['PDF zip (1 process)']:.1f} s "
        f"({results['PDF zip (1 process)'] / n * 1000:.0f} ms/sheet), {len(data) / 1e6:.0f} MB"
    )

    if args.workers > 1:
        from django.db import connections

        connections.close_all()
        ids = [s.person_id for s in sheets]
        shares = [ids[i :: args.workers] for i in range(args.workers)]
        started = time.perf_counter()
        buffer = BytesIO()
        with (
            ProcessPoolExecutor(args.workers) as pool,
            zipfile.ZipFile(buffer, "w") as archive,
        ):
            for share in pool.map(_render_share, shares):
                for fname, pdf in share:
                    archive.writestr(fname, pdf)
        key = f"PDF zip ({args.workers} processes)"
        results[key] = time.perf_counter() - started
        print(f"PDF zip, {args.workers} processes: {results[key]:.1f} s")

    if not args.skip_bare:
        from weasyprint import HTML

        htmls = [sheet_html([s]) for s in sheets]
        renderer = PdfRenderer()
        started = time.perf_counter()
        for html in htmls:
            HTML(string=html, url_fetcher=renderer.fetcher, base_url="sheet:").write_pdf(
                font_config=renderer.font_config
            )
        results["WeasyPrint bare write_pdf"] = time.perf_counter() - started
        print(
            f"WeasyPrint bare write_pdf of the same {n} HTML strings: "
            f"{results['WeasyPrint bare write_pdf']:.1f} s"
        )
    print("\n| step | seconds |\n|---|---|")
    for key, value in results.items():
        print(f"| {key} | {value:.1f} |")


if __name__ == "__main__":
    main()
