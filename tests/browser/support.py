"""The browser tier's helpers: Debian's chromium through Playwright's Python package
(never ``playwright install``), and the review page served by the local server on moto."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from medextract.review.service import ReviewService
from medextract.review.settings import get_review_settings
from medextract_dev.review_local import Server, local_app, local_environment, local_service

from tests.functional.conftest import PipelineEnv, embedded_aws

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[2] / "out" / "review"
LAPTOP = {"width": 1366, "height": 768}
LARGE = {"width": 2560, "height": 1440}


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


class ServerErrors(logging.Handler):
    """The local server's own error log (uvicorn's): an exception in a request."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def messages(self) -> list[str]:
        return [
            f"{r.getMessage()} {r.exc_info[1]!r}" if r.exc_info else r.getMessage()
            for r in self.records
        ]


@dataclass
class Site:
    env: PipelineEnv
    service: ReviewService
    server: Server
    ids: list[str]
    errors: ServerErrors = field(default_factory=ServerErrors)

    @property
    def url(self) -> str:
        return self.server.url

    def by_status(self, status: str) -> list[str]:
        items = sorted(
            (i for i in self.env.items() if i["status"] == status),
            key=lambda i: (i["received_at"], i["document_id"]),
        )
        return [i["document_id"] for i in items]


@contextmanager
def review_site(
    seeder: Callable[[PipelineEnv], list[str]],
    prefix: str = "medextract-ui",
    parameters: dict[str, Any] | None = None,
) -> Iterator[Site]:
    """A fresh embedded AWS seeded by ``seeder``, the review server on it (port 0);
    ``parameters`` override the template's defaults."""
    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        embedded_aws(monkeypatch, prefix, parameters) as env,
    ):
        ids = seeder(env)
        for name, value in local_environment(env.stack, "http://127.0.0.1").items():
            monkeypatch.setenv(name, value)
        get_review_settings.cache_clear()
        service = local_service(env.session, env.stack)
        server = Server(local_app(service), port=0).start()
        site = Site(env, service, server, ids)
        uvicorn_log = logging.getLogger("uvicorn.error")
        uvicorn_log.addHandler(site.errors)
        try:
            yield site
        finally:
            uvicorn_log.removeHandler(site.errors)
            server.stop()
            get_review_settings.cache_clear()


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def wait_for_document(page: Any) -> None:
    """The document's fields drawn and, when it has one, its page image loaded."""
    page.wait_for_function(
        "() => document.querySelectorAll('.field').length > 0 &&"
        " (document.querySelector('#viewer').classList.contains('empty') ||"
        " (document.querySelector('#page').complete &&"
        " document.querySelector('#page').naturalWidth > 0))"
    )
