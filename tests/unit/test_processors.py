"""A document's work spreads over the processors it was given: tesseract's second
readings beside the second reader's opinions, and the second reader's threads."""

import threading

import medextract.extract as extract
from medextract.extract import both
from medextract.second_reader import RapidReader
from medextract.settings import Settings

from tests.unit.test_fields import settings


def test_the_values_second_readings_and_the_second_readers_opinions_run_at_once(monkeypatch):
    monkeypatch.setattr(extract, "cpu_count", lambda: 2)
    started = threading.Event()

    def checks() -> bool:
        return started.wait(timeout=30)  # only the other call sets it

    def opinions() -> str:
        started.set()
        return "opinions"

    assert both(checks, opinions) == (True, "opinions")


def test_on_one_processor_they_run_one_after_the_other(monkeypatch):
    monkeypatch.setattr(extract, "cpu_count", lambda: 1)
    order: list[str] = []
    first, _ = both(lambda: order.append("checks") or 1, lambda: order.append("opinions"))
    assert (first, order) == (1, ["checks", "opinions"])


def test_the_second_reader_uses_the_processors_its_document_was_given():
    assert RapidReader(settings(), 2).threads == 2
    assert RapidReader(settings()).threads == 1
    assert RapidReader(Settings(second_reader_threads=1), 2).threads == 1  # set: it stands
