"""Demo data for ``frontdesk run`` and ``frontdesk demo``: three brands, their people and ticket histories."""

from frontdesk.demo.loader import demo_logins, load_demo

__all__ = ["demo_logins", "load_demo"]
