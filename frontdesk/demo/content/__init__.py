"""Demo content of the three brands: what their customers ask and how the support lines answer."""

from __future__ import annotations

from frontdesk.demo.content.box_office import BOX_OFFICE
from frontdesk.demo.content.hosting import HOSTING
from frontdesk.demo.content.travel import TRAVEL
from frontdesk.demo.spec import BrandSpec

BRANDS: tuple[BrandSpec, ...] = (BOX_OFFICE, TRAVEL, HOSTING)

__all__ = ["BRANDS"]
