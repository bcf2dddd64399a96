"""Helpers for the knowledge-base tests: articles written by the brand's line-1 agent."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from frontdesk.kb import actions
from frontdesk.kb.choices import Visibility
from frontdesk.kb.models import Article
from frontdesk.users.actors import actor_for


@pytest.fixture
def write_article(cast) -> Callable[..., Article]:
    def write(
        brand_cast: Any = None,
        *,
        title: str = "How to get your e-tickets again",
        body: str = "Open **My orders** and press *Send again*.",
        language: str = "en",
        tags: Sequence[str] = ("e-tickets",),
        visibility: str = Visibility.PUBLIC,
        publish: bool = True,
        category: Any = None,
    ) -> Article:
        bc = brand_cast or cast.opera
        return actions.create_article(
            bc.brand,
            actor=actor_for(bc.line1),
            language=language,
            title=title,
            body=body,
            tags=tags,
            visibility=visibility,
            publish=publish,
            category=category,
        )

    return write
