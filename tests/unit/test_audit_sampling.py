"""Which straight-through documents are also audited: a keyed hash of the document id."""

from __future__ import annotations

from math import comb

import pytest
from medextract.aws.audit import AuditSampler, audit_selected
from medextract.aws.objects import document_id

KEY = b"k" * 32
RATE = 0.02
IDS = [document_id("hospital-scans", f"clinic/scan-{n:04d}.pdf", f"v{n}") for n in range(1000)]


def binomial_bounds(n: int, p: float, tail: float = 0.0005) -> tuple[int, int]:
    """The smallest and largest counts outside which each tail holds at most ``tail``
    (a 99.9 % two-sided interval, exact)."""
    pmf = [comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)]
    low, below = 0, 0.0
    while below + pmf[low] <= tail:
        below += pmf[low]
        low += 1
    high, above = n, 0.0
    while above + pmf[high] <= tail:
        above += pmf[high]
        high -= 1
    return low, high


def test_default_rate_audits_a_share_of_1000_ids_within_binomial_bounds_of_2_percent():
    low, high = binomial_bounds(len(IDS), RATE)

    audited = sum(audit_selected(i, RATE, KEY) for i in IDS)

    assert (low, high) == (7, 36)  # P(X <= 6) = 0.00023, P(X >= 37) = 0.00036
    assert low <= audited <= high, f"{audited} of {len(IDS)} audited"


@pytest.mark.parametrize("key", [b"another key", b"x" * 64, b"\x00"])
def test_share_stays_within_bounds_whatever_the_key(key: bytes):
    low, high = binomial_bounds(len(IDS), RATE)

    assert low <= sum(audit_selected(i, RATE, key) for i in IDS) <= high


def test_a_redelivery_makes_the_same_choice():
    first = [audit_selected(i, RATE, KEY) for i in IDS]
    again = [audit_selected(i, RATE, KEY) for i in IDS]

    assert first == again
    assert any(first)


def test_the_choice_depends_on_the_key_not_on_the_id_alone():
    chosen = {i for i in IDS if audit_selected(i, 0.5, KEY)}
    other = {i for i in IDS if audit_selected(i, 0.5, b"another key")}

    assert chosen != other
    assert 0.3 < len(chosen & other) / len(chosen) < 0.7  # independent halves overlap ~half


def test_rate_zero_audits_nothing_and_reads_no_key():
    def no_key() -> bytes:
        raise AssertionError("the key was read")

    sampler = AuditSampler(0.0, no_key)

    assert not any(sampler(i) for i in IDS)


def test_rate_one_audits_every_document():
    assert all(audit_selected(i, 1.0, KEY) for i in IDS)


def test_sampler_reads_its_key_once():
    reads: list[int] = []

    def load() -> bytes:
        reads.append(1)
        return KEY

    sampler = AuditSampler(RATE, load)
    chosen = [i for i in IDS if sampler(i)]

    assert reads == [1]
    assert chosen == [i for i in IDS if audit_selected(i, RATE, KEY)]
