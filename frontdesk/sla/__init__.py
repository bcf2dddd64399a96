"""Service levels: business-hours calendars, holidays and the pure deadline arithmetic over them."""
