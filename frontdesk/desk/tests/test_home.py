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
