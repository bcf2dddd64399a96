"""The start page: language from the profile then the browser, and only the brands the person may see."""

from frontdesk.testing.cast import PASSWORD


def test_anonymous_visitor_gets_the_language_of_their_browser(client, db):
    assert "Войти" in client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Zaloguj się" in client.get("/", HTTP_ACCEPT_LANGUAGE="pl,en;q=0.5").content.decode()
    assert "Sign in" in client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()


def test_the_language_of_the_profile_wins_over_the_browser(cast, client):
    user = cast.opera.line1
    user.language = "pl"
    user.save(update_fields=["language"])
    client.login(email=user.email, password=PASSWORD)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "Wyloguj się" in page.content.decode()
    assert page["Content-Language"] == "pl"


def test_agent_sees_only_the_brands_they_serve(cast, client):
    client.login(email=cast.opera.line1.email, password=PASSWORD)
    page = client.get("/").content.decode()
    assert "Opera Box Office" in page
    assert "Opera Tours" not in page


def test_outsider_sees_no_brand(cast, client):
    client.login(email=cast.outsider.email, password=PASSWORD)
    page = client.get("/").content.decode()
    assert "Opera Box Office" not in page
    assert "Opera Tours" not in page


def test_agent_sees_the_recently_updated_tickets_of_their_brands_with_links(cast, client):
    from frontdesk.tickets.actions import change_status
    from frontdesk.users.actors import actor_for

    older = cast.opera.ticket("Older question")
    newer = cast.opera.ticket("Newer question")
    foreign = cast.tours.ticket("Question for the other brand")
    change_status(older, actor=actor_for(cast.opera.line1), status="open")
    client.login(email=cast.opera.line1.email, password=PASSWORD)
    page = client.get("/").content.decode()
    assert f'href="/desk/tickets/{older.number}/"' in page
    assert f'href="/desk/tickets/{newer.number}/"' in page
    assert page.index("Older question") < page.index("Newer question")
    assert foreign.number not in page
    assert "Question for the other brand" not in page


def test_customers_and_outsiders_see_no_ticket_list(cast, client):
    ticket = cast.opera.ticket()
    for user in (cast.opera.customer_user, cast.outsider):
        client.login(email=user.email, password=PASSWORD)
        page = client.get("/").content.decode()
        assert ticket.number not in page
        assert "Recently updated tickets" not in page


def test_the_list_shows_fifty_tickets_in_the_same_queries_as_for_two(cast, client, count_queries):
    client.login(email=cast.opera.line1.email, password=PASSWORD)
    for _ in range(2):
        cast.opera.ticket()
    client.get("/")
    with count_queries() as few:
        client.get("/")
    tickets = [cast.opera.ticket(f"Question {i}") for i in range(53)]
    with count_queries(len(few)):
        page = client.get("/").content.decode()
    assert page.count('href="/desk/tickets/') == 50
    assert tickets[-1].number in page
    assert tickets[2].number not in page
