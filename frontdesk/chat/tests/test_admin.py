"""The live chat settings in the admin: brand admins see and change their brands' settings only, with the
snippet to put on the website."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdesk.chat.models import ChatSettings
from frontdesk.testing.cast import PASSWORD

pytestmark = pytest.mark.django_db

LIST = "admin:chat_chatsettings_changelist"
ADD = "admin:chat_chatsettings_add"


def _login(client, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    assert client.login(email=user.email, password=PASSWORD)


def _form(brand, **changes):
    data = {
        "brand": brand.pk,
        "is_enabled": "on",
        "allowed_origins": "https://www.opera.example/\nhttps://SHOP.opera.example:443",
        "greetings": '{"en": "Hello!", "ru": "Здравствуйте!"}',
        "max_chats_per_agent": 3,
        "max_attachment_megabytes": "2.5",
        "messages_per_minute": 20,
        "new_chats_per_hour": 30,
    }
    return data | changes


def test_a_brand_admin_turns_the_chat_on_and_sees_the_snippet(client, cast):
    _login(client, cast.opera.admin)
    response = client.post(reverse(ADD), _form(cast.opera.brand))
    assert response.status_code == 302
    chat = ChatSettings.objects.get()
    assert chat.allowed_origins == ["https://www.opera.example", "https://shop.opera.example"]
    assert chat.greetings == {"en": "Hello!", "ru": "Здравствуйте!"}
    page = client.get(reverse("admin:chat_chatsettings_change", args=[chat.pk])).content.decode()
    assert (
        "&lt;script src=&quot;http://127.0.0.1:8000/chat/widget.js&quot; data-brand=&quot;opera&quot;" in page
    )
    assert "https://www.opera.example\nhttps://shop.opera.example" in page
    listing = client.get(reverse(LIST)).content.decode()
    assert reverse("chat:try", args=["opera"]) in listing


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("allowed_origins", "https://www.opera.example/shop"),
        ("allowed_origins", "ftp://opera.example"),
        ("greetings", '{"de": "Hallo"}'),
        ("greetings", '["Hello"]'),
        ("max_chats_per_agent", 0),
        ("messages_per_minute", 0),
        ("max_attachment_megabytes", "100000"),
        ("max_attachment_megabytes", "0"),
        ("new_chats_per_hour", 0),
    ],
)
def test_bad_settings_are_form_errors(client, cast, field, value):
    _login(client, cast.opera.admin)
    response = client.post(reverse(ADD), _form(cast.opera.brand, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not ChatSettings.objects.exists()


def test_a_brand_admin_neither_sees_nor_changes_nor_creates_another_brands_settings(client, cast):
    tours = ChatSettings.objects.create(brand=cast.tours.brand, is_enabled=True)
    _login(client, cast.opera.admin)
    listing = client.get(reverse(LIST))
    assert listing.status_code == 200
    assert list(listing.context["cl"].queryset) == []
    change = client.get(reverse("admin:chat_chatsettings_change", args=[tours.pk]))
    assert change.status_code in (302, 404)
    response = client.post(reverse(ADD), _form(cast.tours.brand))
    assert response.status_code == 200
    assert "brand" in response.context["adminform"].form.errors
    assert ChatSettings.objects.count() == 1


@pytest.mark.parametrize("who", ["line1", "outsider"])
def test_agents_who_are_not_brand_admins_have_no_chat_settings_page(client, cast, who):
    ChatSettings.objects.create(brand=cast.opera.brand, is_enabled=True)
    _login(client, cast.opera.line1 if who == "line1" else cast.outsider)
    response = client.get(reverse(LIST))
    assert response.status_code in (302, 403)
    assert b"chatsettings" not in response.content


def test_the_provider_admin_sees_every_brands_settings(client, cast):
    ChatSettings.objects.create(brand=cast.opera.brand)
    ChatSettings.objects.create(brand=cast.tours.brand)
    _login(client, cast.provider_admin)
    assert client.get(reverse(LIST)).context["cl"].result_count == 2


def test_the_file_limit_is_given_and_shown_in_megabytes_and_stored_in_bytes(client, cast):
    _login(client, cast.opera.admin)
    client.post(reverse(ADD), _form(cast.opera.brand, new_chats_per_hour=80))
    chat = ChatSettings.objects.get()
    assert chat.max_attachment_bytes == 2621440
    assert chat.new_chats_per_hour == 80
    chat.max_attachment_bytes = 5242880
    chat.save()
    form = client.get(reverse("admin:chat_chatsettings_change", args=[chat.pk])).context["adminform"].form
    assert str(form["max_attachment_megabytes"].value()) == "5"
    assert "max_attachment_bytes" not in form.fields


def test_the_settings_timestamps_and_limits_are_labelled_in_the_admins_language(client, cast):
    chat = ChatSettings.objects.create(brand=cast.opera.brand)
    cast.opera.admin.language = "ru"
    cast.opera.admin.save(update_fields=["language"])
    _login(client, cast.opera.admin)
    page = client.get(reverse("admin:chat_chatsettings_change", args=[chat.pk])).content.decode()
    for english in ("Created at", "Updated at", "created at", "updated at", "attachment size limit (MB)"):
        assert english not in page
    assert "Создано" in page
    assert "Изменено" in page
