"""A document's work spreads over the processors it was given: tesseract's second
readings beside the second reader's opinions, and the second reader's threads."""

import threading

from medextract.extract import both
from medextract.second_reader import RapidReader
from medextract.settings import Settings

from tests.unit.test_fields import settings


def test_the_values_second_readings_and_the_second_readers_opinions_run_at_once():
    started = threading.Event()

    def checks() -> bool:
        return started.wait(timeout=30)  # only the other call sets it

    def opinions() -> str:
        started.set()
        return "opinions"

    assert both(checks, opinions, processors=2) == (True, "opinions")


def test_on_one_processor_they_run_one_after_the_other():
    order: list[str] = []
    first, _ = both(
        lambda: order.append("checks") or 1, lambda: order.append("opinions"), processors=1
    )
    assert (first, order) == (1, ["checks", "opinions"])


def test_the_second_reader_uses_the_processors_its_document_was_given():
    assert RapidReader(settings(), 2).threads == 2
    assert RapidReader(settings()).threads == 1
    assert RapidReader(Settings(second_reader_threads=1), 2).threads == 1  # set: it stands
