"""``frontdesk rebuild_report_facts [--brand SLUG]``: work out the report facts of every ticket again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdesk.brands.models import Brand
from frontdesk.reports.facts import rebuild_facts


class Command(BaseCommand):
    help = "Recompute the per-ticket facts the reports read (after an upgrade or a change of business hours)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--brand", help="only this brand's tickets (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        brand_id = None
        if options["brand"]:
            brand = Brand.objects.filter(slug=options["brand"]).first()
            if brand is None:
                raise CommandError(f"No brand with the slug {options['brand']!r}.")
            brand_id = brand.pk
        done = rebuild_facts(brand_id=brand_id)
        self.stdout.write(f"Facts of {done} tickets worked out.")
