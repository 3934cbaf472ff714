"""close_publicity: results whose publicity period has ended become final (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reviews.opening import quarter_advance_status
from reviews.services import publicity_close


class Command(BaseCommand):
    help = "Confirm results whose publicity ended; move quarters to their current phase."

    def handle(self, *args, **options):
        closed = publicity_close()
        moved = quarter_advance_status()
        self.stdout.write(f"confirmed {closed}, quarters moved {moved}")
