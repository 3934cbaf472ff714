"""Registration-sheet benchmark (issue 6), run by hand.

    .venv/bin/python bench/bench_sheets.py [--people 1300] [--skip-seed] [--workers 2]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pingshi_bench .venv/bin/python bench/bench_sheets.py
    ... --skip-seed --sample 100     # only render the first 100 sheets, 1 and --workers processes

Without DATABASE_URL it uses a fresh SQLite file under bench/out/. Seeds one district with
seed_demo (1,300 people), then times for the region's quarter 2026Q3:

1. the list workbook (清单, one row per person, plus the grade summary) — target < 10 s;
2. the zip of per-person PDFs exactly as the export job builds it (`export_build`), once with
   SHEET_RENDER_PROCESSES=1 and once with --workers processes (default: every core, what the job
   uses) — target < 120 s on 2 cores;
3. WeasyPrint's bare HTML(...).write_pdf() for the same HTML strings (built beforehand), in one
   process with the same font configuration, parsed stylesheet and fetcher, so the cost of WeasyPrint itself shows
   beside ours (compare it with the 1-process zip).

Every line reports the load average: the machine is shared, compare figures of the same run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import zipfile
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


def _zip_stats(data: bytes) -> str:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        sizes = [i.file_size for i in archive.infolist()]
    return (
        f"{len(sizes)} files, {len(data) / 1e6:.0f} MB, {sum(sizes) / len(sizes) / 1e3:.0f} KB/PDF"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1300)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="render processes")
    parser.add_argument("--skip-serial", action="store_true", help="no 1-process zip")
    parser.add_argument("--skip-bare", action="store_true")
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument(
        "--sample", type=int, default=0, help="time rendering of the first N sheets only"
    )
    args = parser.parse_args()
    setup()
    if not args.skip_seed:
        seed(args.people)
    if args.seed_only:
        return
    from django.conf import settings

    from archive import render_pdf
    from archive.models import ExportJob
    from archive.services import export_build

    region, sheets = region_and_sheets()
    n = len(sheets)
    print(f"database: {settings.DATABASES['default']['ENGINE']}; region {region.name}: {n} people")
    print(f"load average at start: {load()}")
    results: dict[str, tuple[float, int, str]] = {}
    cpu_start = [cpu()]

    def record(key: str, seconds: float, count: int, note: str = "") -> None:
        used, cpu_start[0] = cpu() - cpu_start[0], cpu()
        note = f"{note}; CPU {used:.1f} s (with workers); load {load()}".strip("; ")
        results[key] = (seconds, count, note)
        print(f"{key}: {seconds:.1f} s, {seconds / count * 1000:.0f} ms/sheet, {note}")

    if args.sample:
        sample = sheets[: args.sample]
        for processes in ([] if args.skip_serial else [1]) + (
            [args.workers] if args.workers > 1 else []
        ):
            started, cpu_start[0] = time.perf_counter(), cpu()
            pdfs = list(render_pdf.render_each(sample, processes=processes))
            record(
                f"render_each, {len(sample)} sheets, {processes} process(es)",
                time.perf_counter() - started,
                len(sample),
                f"{sum(map(len, pdfs)) / len(pdfs) / 1e3:.0f} KB/PDF",
            )
        sheets = sample
    else:
        started, cpu_start[0] = time.perf_counter(), cpu()
        data, _, _ = export_build(
            region=region, unit=None, sheet="quarterly", period=PERIOD, output=ExportJob.Output.LIST
        )
        record("list workbook", time.perf_counter() - started, n, f"{len(data) / 1e6:.1f} MB")
        (OUT / "list.xlsx").write_bytes(data)
        runs = ([] if args.skip_serial else [1]) + ([args.workers] if args.workers > 1 else [])
        for processes in runs:
            settings.SHEET_RENDER_PROCESSES = processes
            started, cpu_start[0] = time.perf_counter(), cpu()
            data, _, _ = export_build(
                region=region,
                unit=None,
                sheet="quarterly",
                period=PERIOD,
                output=ExportJob.Output.PDF,
            )
            record(
                f"PDF zip (export_build), {processes} process(es)",
                time.perf_counter() - started,
                n,
                _zip_stats(data),
            )
            (OUT / f"sheets-{processes}.zip").write_bytes(data)

    if not args.skip_bare:
        from weasyprint import HTML

        htmls = [render_pdf.sheet_html([s]) for s in sheets]
        renderer = render_pdf.PdfRenderer()
        started, cpu_start[0] = time.perf_counter(), cpu()
        for html in htmls:
            HTML(string=html, url_fetcher=renderer.fetcher, base_url="sheet:").write_pdf(
                font_config=renderer.font_config, stylesheets=[renderer.css]
            )
        record("WeasyPrint bare write_pdf, 1 process", time.perf_counter() - started, len(htmls))
    print("\n| step | seconds | ms/sheet | notes |\n|---|---:|---:|---|")
    for key, (seconds, count, note) in results.items():
        print(f"| {key} | {seconds:.1f} | {seconds / count * 1000:.0f} | {note} |")


def cpu() -> float:
    """CPU seconds of this process and of its waited-for children (the render workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
