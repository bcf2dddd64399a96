"""The admin's column headers read in the admin's language, also for fields Django named itself."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.test import RequestFactory
from django.utils import translation

from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets.categories import create_category
from frontdesk.users.actors import SYSTEM

# The same word in the language, or a header of a package's own admin.
SAME_IN = {"pl": {"status"}}
ALWAYS_THE_SAME = {"ID", "URL"}


def _ours():
    for model, model_admin in admin.site._registry.items():
        if type(model_admin).__module__.startswith("frontdesk."):
            yield model, model_admin


@pytest.mark.parametrize("language", ["ru", "pl"])
def test_every_column_of_our_admin_pages_is_translated(language):
    request = RequestFactory().get("/")
    untranslated = []
    for model, model_admin in _ours():
        for item in model_admin.get_list_display(request):
            if item in ("__str__", "action_checkbox"):
                continue
            with translation.override("en"):
                english = str(label_for_field(item, model, model_admin))
            with translation.override(language):
                shown = str(label_for_field(item, model, model_admin))
            if shown == english and english not in ALWAYS_THE_SAME | SAME_IN.get(language, set()):
                untranslated.append(f"{model._meta.label}.{getattr(item, '__name__', item)}: {english}")
    assert not untranslated


def test_a_brand_admin_reads_russian_headers_and_the_same_values(cast, client):
    create_category(cast.opera.brand, actor=SYSTEM, name="Refunds")
    admin_user = cast.opera.admin
    admin_user.language = "ru"
    admin_user.save(update_fields=["language"])
    assert client.login(email=admin_user.email, password=PASSWORD)
    page = client.get("/admin/tickets/category/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    headers = re.findall(r'<th scope="col"[^>]*>.*?<(?:a|span)[^>]*>([^<]+)</', page, re.DOTALL)
    assert "Бренд" in [header.strip() for header in headers]
    assert "Brand" not in [header.strip() for header in headers]
    assert f">{cast.opera.brand.name}<" in page
    # Sorting by the column still works.
    assert client.get("/admin/tickets/category/?o=2", HTTP_ACCEPT_LANGUAGE="ru").status_code == 200


def test_every_list_of_our_admin_opens_in_russian_for_the_provider_admin(cast, client):
    create_category(cast.opera.brand, actor=SYSTEM, name="Refunds")
    cast.opera.ticket()
    assert client.login(email=cast.provider_admin.email, password=PASSWORD)
    for model, _model_admin in _ours():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
        assert response.status_code == 200, url
