"""Deploy check: the PDF renderer's font subsetting library.

Without HarfBuzz's subset library (Debian: libharfbuzz-subset0, installed by the Dockerfile and
.ci/run) WeasyPrint falls back to fontTools, which parses the 5 MB CJK font for every PDF: a
sheet then takes seconds instead of ~70 ms, and the 1,300-sheet export hours. Nothing else
fails, so `check --deploy` says it."""

from __future__ import annotations

from django.core.checks import Tags, Warning, register


def harfbuzz_subset_available() -> bool:
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


@register(Tags.compatibility, deploy=True)
def pdf_font_subsetting(app_configs, **kwargs):
    if harfbuzz_subset_available():
        return []
    return [
        Warning(
            "HarfBuzz's subset library (libharfbuzz-subset0, >= 4.1) is missing: "
            "registration-sheet PDFs will render about 20 times slower.",
            hint="apt-get install libharfbuzz-subset0",
            id="archive.W001",
        )
    ]
