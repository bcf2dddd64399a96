"""The shared test corpus: real mails and support texts that are read in place, never copied into the project.

It lives in ``../shared/corpus`` next to the repository, or wherever ``FRONTDESK_CORPUS`` points. A test that
needs it calls ``corpus_path(...)``: without the corpus the test is skipped with a message naming the path, except
under ``CI=true``, where a missing corpus is a failure (CI must not go green by skipping).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


def corpus_root() -> Path:
    """Where the corpus is expected, whether or not it is there."""
    configured = os.environ.get("FRONTDESK_CORPUS", "")
    return Path(configured).expanduser() if configured else REPOSITORY.parent / "shared" / "corpus"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing(reason: str) -> None:
    """Skip the running test, or fail it under CI: for anything a test needs that the machine may lack."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


def corpus_path(*parts: str) -> Path:
    """A file or folder of the corpus, e.g. ``corpus_path("zammad", "mail")``."""
    root = corpus_root()
    if not root.is_dir():
        missing(f"the shared test corpus is not at {root} (set FRONTDESK_CORPUS to its folder)")
    path = root.joinpath(*parts)
    if not path.exists():
        missing(f"{path} is missing from the shared test corpus")
    return path
