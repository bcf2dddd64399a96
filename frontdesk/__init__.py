"""Frontdesk: an open-source help desk for support providers serving many client companies."""

__version__ = "0.1.0"
