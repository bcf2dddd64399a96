"""Data folders for the tests that run the real ``frontdesk`` command: migrating and loading the demo data take
most of a minute, so each is done once per test run and every test starts from its own copy.

They are built in the background as soon as the tests are collected, while the other tests run, so that no
test process sits waiting for them when the first test that needs one comes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser.server import build_demo, build_migrated, copy_data_folder, shared_data_folder

TEMPLATES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "migrated_template": ("migrated-template", build_migrated),
    "demo_template": ("demo-template", build_demo),
}
_builders: list[threading.Thread] = []


def _template(tmp_path_factory: pytest.TempPathFactory, fixture: str) -> Path:
    name, build = TEMPLATES[fixture]
    folder = shared_data_folder(tmp_path_factory, name, build)
    assert folder is not None
    return folder


def _build_in_background(tmp_path_factory: pytest.TempPathFactory, fixture: str) -> None:
    name, build = TEMPLATES[fixture]
    try:
        shared_data_folder(tmp_path_factory, name, build, wait=False)
    except BaseException:  # noqa: BLE001 (kept in the .failed file: the first test that needs it says why)
        return


def pytest_collection_finish(session: pytest.Session) -> None:
    needed = {
        name for item in session.items for name in getattr(item, "fixturenames", ()) if name in TEMPLATES
    }
    if not needed:
        return
    tmp_path_factory: pytest.TempPathFactory = session.config._tmp_path_factory  # type: ignore[attr-defined]
    tmp_path_factory.getbasetemp()
    for fixture in sorted(needed):
        thread = threading.Thread(target=_build_in_background, args=(tmp_path_factory, fixture), daemon=True)
        thread.start()
        _builders.append(thread)


def pytest_sessionfinish(session: pytest.Session) -> None:
    for thread in _builders:  # a build cut short would leave its frontdesk process behind
        thread.join(330)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _template(tmp_path_factory, "migrated_template")


@pytest.fixture
def migrated_data(migrated_template: Path, tmp_path: Path) -> Path:
    """A migrated data folder of this test's own (no demo data)."""
    return copy_data_folder(migrated_template, tmp_path / "desk-data")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _template(tmp_path_factory, "demo_template")


@pytest.fixture
def demo_data(demo_template: Path, tmp_path: Path) -> Path:
    """A data folder of this test's own as ``frontdesk run`` leaves it after its first start with the demo
    data; ``frontdesk run`` on it prints the same demo logins."""
    return copy_data_folder(demo_template, tmp_path / "desk-data")
