"""The admin shows teams' assignment mode and limit, and groups the brand's follow-up days with every other
field still on the page."""

import json

from frontdesk.testing.cast import PASSWORD
from frontdesk.users.actions import create_team
from frontdesk.users.actors import SYSTEM
from frontdesk.users.choices import AssignmentMode


def test_the_brand_page_groups_the_follow_up_days_and_keeps_every_field(cast, client):
    for user in (cast.provider_admin, cast.opera.admin):
        assert client.login(email=user.email, password=PASSWORD)
        html = client.get(f"/admin/brands/brand/{cast.opera.brand.pk}/change/").content.decode()
        assert "Follow-ups of quiet requests" in html
        assert html.index("Follow-ups of quiet requests") < html.index('name="auto_close_solved_days"')
        for field in ("name", "languages", "time_zone", "pending_reminder_days", "pending_close_days"):
            assert f'name="{field}"' in html, field
        client.logout()


def test_the_brand_page_saves_the_follow_up_days(cast, client):
    assert client.login(email=cast.provider_admin.email, password=PASSWORD)
    url = f"/admin/brands/brand/{cast.opera.brand.pk}/change/"
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in data.items()}
    data.update(auto_close_solved_days=10, pending_reminder_days=0, pending_close_days=2)
    data.pop("customer_status_mail", None)
    answer = client.post(url, data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors if answer.context else answer
    cast.opera.brand.refresh_from_db()
    brand = cast.opera.brand
    assert (brand.auto_close_solved_days, brand.pending_reminder_days, brand.pending_close_days) == (10, 0, 2)


def test_the_team_list_shows_the_assignment_mode_and_limit(cast, client):
    team = create_team(actor=SYSTEM, name="Box office", brand=cast.opera.brand)
    team.assignment, team.max_open_per_agent = AssignmentMode.LOAD, 7
    team.save(update_fields=["assignment", "max_open_per_agent"])
    assert client.login(email=cast.opera.admin.email, password=PASSWORD)

    html = client.get("/admin/users/team/").content.decode()

    assert "Least open tickets" in html
    assert ">7<" in html
