"""Data folders for the tests that run the real ``frontdesk`` command: migrating and loading the demo data take
most of a minute, so each is done once per test run and every test starts from its own copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.server import build_demo, build_migrated, copy_data_folder, shared_data_folder


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_data_folder(tmp_path_factory, "migrated-template", build_migrated)


@pytest.fixture
def migrated_data(migrated_template: Path, tmp_path: Path) -> Path:
    """A migrated data folder of this test's own (no demo data)."""
    return copy_data_folder(migrated_template, tmp_path / "desk-data")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_data_folder(tmp_path_factory, "demo-template", build_demo)


@pytest.fixture
def demo_data(demo_template: Path, tmp_path: Path) -> Path:
    """A data folder of this test's own as ``frontdesk run`` leaves it after its first start with the demo
    data; ``frontdesk run`` on it prints the same demo logins."""
    return copy_data_folder(demo_template, tmp_path / "desk-data")
