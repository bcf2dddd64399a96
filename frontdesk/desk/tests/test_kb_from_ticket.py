"""The knowledge base on the ticket page: an article made of an agent's reply, and the reply box's search that
inserts an article's public link, offering only the ticket's brand's published public articles."""

from __future__ import annotations

import pytest

from frontdesk.kb import actions as kb_actions
from frontdesk.kb.choices import Visibility
from frontdesk.kb.queries import articles_visible_to
from frontdesk.kb.suggest import forget_indexes
from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.content import make_body
from frontdesk.users.actors import actor_for


@pytest.fixture(autouse=True)
def _fresh_search_indexes():
    """The ranked search keeps its indexes per process; every test starts without them."""
    forget_indexes()
    yield
    forget_indexes()


def _sign_in(client, user):
    client.logout()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _answered(bc, text="Open My orders and press Send again."):
    ticket = bc.ticket("E-tickets did not arrive")
    reply = ticket_actions.reply_to_ticket(ticket, actor=actor_for(bc.line1), body=make_body(text=text))
    ticket.refresh_from_db()
    return ticket, reply


def _article(bc, title, *, publish=True, **kw):
    return kb_actions.create_article(
        bc.brand, actor=actor_for(bc.line1), language="ru", title=title, body="Текст", publish=publish, **kw
    )


def test_an_agent_s_reply_offers_to_become_an_article_and_the_customer_s_message_does_not(cast, client):
    ticket, reply = _answered(cast.opera)
    html = _sign_in(client, cast.opera.line1).get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert f"/desk/tickets/{ticket.number}/messages/{reply.pk}/article/" in html
    first = ticket.messages.order_by("id").first()
    assert f"/messages/{first.pk}/article/" not in html


def test_the_article_form_is_prefilled_from_the_reply_in_the_ticket_s_language(cast, client):
    ticket, reply = _answered(cast.opera, "Откройте «Мои заказы» и нажмите «Отправить снова».")
    url = f"/desk/tickets/{ticket.number}/messages/{reply.pk}/article/"
    html = _sign_in(client, cast.opera.line1).get(url).content.decode()
    assert "Откройте «Мои заказы»" in html
    assert "E-tickets did not arrive" in html
    language = ticket.language if ticket.language in ("ru", "en") else "ru"
    assert f'<option value="{language}" selected>' in html
    response = client.post(url, {"language": "ru", "title": "Билеты не пришли", "body": "Откройте заказ."})
    assert response.status_code == 302
    article = articles_visible_to(actor_for(cast.opera.line1), cast.opera.brand).get()
    assert response["Location"] == f"/desk/kb/opera/{article.public_id}/edit/?lang=ru"
    assert article.status == "draft"
    assert article.translations.get().title == "Билеты не пришли"


def test_an_empty_article_from_an_answer_is_a_form_error(cast, client):
    ticket, reply = _answered(cast.opera)
    url = f"/desk/tickets/{ticket.number}/messages/{reply.pk}/article/"
    response = _sign_in(client, cast.opera.line1).post(url, {"language": "ru", "title": "", "body": ""})
    assert response.status_code == 422
    assert "Give the article a title." in response.content.decode()


def test_the_other_brand_the_outsider_and_a_customer_message_get_404(cast, client):
    ticket, reply = _answered(cast.opera)
    url = f"/desk/tickets/{ticket.number}/messages/{reply.pk}/article/"
    for user in (cast.tours.line1, cast.outsider, cast.opera.customer_user):
        assert _sign_in(client, user).get(url).status_code == 404
        assert client.post(url, {"language": "ru", "title": "x", "body": "y"}).status_code == 404
        assert client.get(f"/desk/tickets/{ticket.number}/kb/", {"kbq": "x"}).status_code == 404
    first = ticket.messages.order_by("id").first()
    _sign_in(client, cast.opera.line1)
    assert client.get(f"/desk/tickets/{ticket.number}/messages/{first.pk}/article/").status_code == 404
    _other, other_reply = _answered(cast.tours)
    # A message of another brand's ticket through this ticket's address.
    assert client.get(f"/desk/tickets/{ticket.number}/messages/{other_reply.pk}/article/").status_code == 404


def test_the_link_search_offers_the_brand_s_published_public_articles_only(cast, client, settings):
    settings.SITE_URL = "https://help.example"
    ticket, _reply = _answered(cast.opera)
    mine = _article(cast.opera, "Возврат билетов")
    _article(cast.opera, "Возврат черновик", publish=False)
    _article(cast.opera, "Возврат для агентов", visibility=Visibility.INTERNAL)
    _article(cast.tours, "Возврат туров")
    _sign_in(client, cast.opera.line1)
    html = client.get(f"/desk/tickets/{ticket.number}/kb/", {"kbq": "возврат"}).content.decode()
    assert "Возврат билетов" in html
    assert "черновик" not in html
    assert "для агентов" not in html
    assert "туров" not in html
    response = client.post(
        f"/desk/tickets/{ticket.number}/kb/{mine.public_id}/",
        {"body": "Здравствуйте!"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert f"Здравствуйте!\n\nВозврат билетов: https://help.example/portal/opera/kb/{mine.public_id}/" in html
    assert 'id="kb-link-results"' in html


def test_a_link_to_an_unpublished_or_foreign_article_is_404(cast, client):
    ticket, _reply = _answered(cast.opera)
    draft = _article(cast.opera, "Черновик", publish=False)
    foreign = _article(cast.tours, "Чужая")
    _sign_in(client, cast.opera.line1)
    assert (
        client.post(f"/desk/tickets/{ticket.number}/kb/{draft.public_id}/", {"body": ""}).status_code == 404
    )
    foreign_number = foreign.public_id + 1000
    assert client.post(f"/desk/tickets/{ticket.number}/kb/{foreign_number}/", {"body": ""}).status_code == 404


def test_the_composer_has_the_knowledge_base_search_box(cast, client):
    ticket, _reply = _answered(cast.opera)
    html = _sign_in(client, cast.opera.line1).get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert f'hx-get="/desk/tickets/{ticket.number}/kb/"' in html
    assert 'id="kb-link-results"' in html


def test_the_desk_navigation_links_to_the_knowledge_base(cast, client):
    html = _sign_in(client, cast.opera.line1).get("/desk/queues/").content.decode()
    assert 'href="/desk/kb/"' in html


def test_inserting_a_link_on_another_brand_s_ticket_is_404_for_outsiders_and_customers(cast, client):
    ticket, _reply = _answered(cast.opera)
    article = _article(cast.opera, "Возврат билетов")
    url = f"/desk/tickets/{ticket.number}/kb/{article.public_id}/"
    for user in (cast.tours.line1, cast.tours.admin, cast.outsider, cast.opera.customer_user):
        assert _sign_in(client, user).post(url, {"body": "x"}).status_code == 404
    client.logout()
    assert client.post(url, {"body": "x"}).status_code == 302
