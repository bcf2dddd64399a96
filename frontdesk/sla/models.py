"""Business-hours calendars."""
