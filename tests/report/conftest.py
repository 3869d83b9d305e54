"""Fixtures of the report tests: a results folder of the demo, and a real headless Chromium with no network.

The browser is Debian's ``chromium`` package (``scripts/install-system-deps.sh``
installs it), driven by Playwright with ``executable_path``; Playwright's own
browser downloads are never used. Every request that is not for a local file
is aborted and recorded, so a report that reached for the network fails.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from iadsim.results import write_run

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory: pytest.TempPathFactory, demo_result) -> Path:
    """The results folder of the demo run (events, summary, scenario, report)."""
    folder = tmp_path_factory.mktemp("demo-results")
    write_run(demo_result, folder)
    return folder


@dataclass
class OpenedPage:
    """A page opened from a file, with every script error and every blocked request seen while it ran."""

    page: object
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


class Browser:
    """Opens local files in one Chromium profile; requests to anything but ``file://`` are refused."""

    def __init__(self, context: object) -> None:
        self.context = context

    def open(self, path: Path, viewport: tuple[int, int] = (1500, 1000)) -> OpenedPage:
        page = self.context.new_page()
        page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        opened = OpenedPage(page)
        page.on("pageerror", lambda error: opened.errors.append(f"page error: {error}"))
        page.on("console", lambda message: opened.errors.append(f"console: {message.text}")
                if message.type == "error" else None)
        page.on("dialog", lambda dialog: (opened.errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))

        def only_files(route: object) -> None:
            url = route.request.url
            if url.startswith("file://"):
                route.continue_()
            else:
                opened.blocked.append(url)
                route.abort()

        page.route("**/*", only_files)
        page.goto(path.resolve().as_uri(), wait_until="load")
        return opened


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """Headless Chromium from Debian, network off, in a new empty profile."""
    if not CHROMIUM.exists() or shutil.which("chromium") is None:
        pytest.fail("Debian's chromium is missing: run scripts/install-system-deps.sh (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_FLAGS, offline=True, service_workers="block",
        )
        try:
            yield Browser(context)
        finally:
            context.close()
