"""The benchmarks' generated people: valid numbers that repeat nowhere and never meet a demo person's."""

from __future__ import annotations

import itertools

from bench.identities import DEMO_AREA, DEMO_MOBILE_PREFIXES, LIMIT, SERIES
from lianfang.core.people.identity import DocumentType, normalise_phone, validate_document


def test_the_benchmarks_numbers_are_valid_and_never_minors() -> None:
    for series in SERIES.values():
        for n in (0, 1, 999, 1000, 99_999, LIMIT - 1):
            document = validate_document(DocumentType.RESIDENT_ID, series.resident_id(n))
            assert document.number == series.resident_id(n)
            assert document.birth_date is not None and document.birth_date.year <= 2004
            assert normalise_phone(series.mobile(n)) == series.mobile(n)


def test_no_two_benchmarks_and_not_the_demo_share_a_number() -> None:
    areas = [series.area for series in SERIES.values()]
    prefixes = [series.mobile_prefix for series in SERIES.values()]
    assert len(set(areas)) == len(areas) and DEMO_AREA not in areas
    assert all(not a.startswith(b) for a, b in itertools.permutations(prefixes, 2))
    assert not any(prefix.startswith(DEMO_MOBILE_PREFIXES) for prefix in prefixes)
    series = SERIES["people-import"]
    numbers = [series.resident_id(n) for n in range(100_000)]
    assert len(set(numbers)) == len(numbers)
