"""The figures as a person reads them in a terminal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from medextract.evaluate.score import Evaluation


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "    –  "


def render(evaluation: Evaluation, say: Callable[[str], None] = print) -> None:
    data = evaluation.as_json()
    summary = data["summary"]
    say(
        f"{summary['documents']} documents ({summary['failed']} could not be read), "
        f"{summary['fields']['values']} values"
    )
    say("")
    say(
        f"{'form':16} {'field':24} {'values':>6} {'right':>6} {'wrong':>6} "
        f"{'WRONG':>9} {'flagged':>8} {'not':>5}"
    )
    say(
        f"{'':16} {'(* core)':24} {'':>6} {'':>6} {'flagged':>6} "
        f"{'UNFLAGGED':>9} {'but right':>8} {'sent':>5}"
    )
    for row in data["fields"]:
        name = row["field"] + ("*" if row["core"] else "")
        say(_row(row["form"], name, row))
    for row in data["forms"]:
        say(_row(row["form"], "all", row))
        say(_row(row["form"], "core", row["core"]))
        say(_row(row["form"], "other", row["other"]))
    say(_row("all", "all", summary["fields"]))
    say("")
    kind, core, other = summary["document_type"], summary["core"], summary["other"]
    say(_share("document type", kind["right"], kind["documents"]))
    say(_share("core fields", core["right"], core["values"]))
    say(_share("other fields", other["right"], other["values"]))
    fields = summary["fields"]
    say(
        f"flagged: {fields['flagged']}/{fields['values']} values "
        f"({pct(fields['flagged'], fields['values']).strip()}); "
        f"of them right: {fields['flagged_right']}"
    )
    st = summary["straight_through"]
    say(
        f"straight-through (nothing to review): {st['documents']}/{st['of']} documents "
        f"({pct(st['documents'], st['of']).strip()}); "
        f"every value right in {st['all_right']} of them"
    )
    area = summary["auroc"]
    say(
        "AUROC of confidence (right above wrong, ties half): "
        + (
            f"{area['value']:.3f}"
            if area["value"] is not None
            else "– (needs right and wrong values)"
        )
        + f" over {area['right']} right and {area['wrong']} wrong values"
    )
    say(f"WRONG AND UNFLAGGED: {fields['wrong_unflagged']}")
    say("")
    render_reliability(data["reliability"], say)
    if data["groups"]:
        say("")
        render_groups(data["groups"], say)
    if data["failed"]:
        say("")
        for failed in data["failed"]:
            say(f"could not be read: {failed['document']}: {failed['reason']}")
    if data["wrong"]:
        say("")
        say("wrong values (truth | read):")
        for wrong in data["wrong"]:
            say(_wrong(wrong))


def _share(what: str, part: int, whole: int) -> str:
    return f"{what} right: {part}/{whole} ({pct(part, whole).strip()})"


def _row(form: str, name: str, row: dict[str, Any]) -> str:
    return (
        f"{form:16} {name:24} {row['values']:6} {row['right']:6} {row['wrong_flagged']:6} "
        f"{row['wrong_unflagged']:9} {row['flagged_right']:8} {row['not_sent']:5}"
    )


def render_reliability(rows: list[dict[str, Any]], say: Callable[[str], None] = print) -> None:
    """For each confidence band, flagged or not: values and how many right."""
    say(f"{'confidence':12} {'flagged':>8} {'values':>7} {'right':>6} {'right %':>8}")
    for row in rows:
        say(
            f"{row['band']:12} {'yes' if row['flagged'] else 'no':>8} {row['values']:7} "
            f"{row['right']:6} {pct(row['right'], row['values']):>8}"
        )


def render_groups(rows: list[dict[str, Any]], say: Callable[[str], None] = print) -> None:
    """One row per option of the truth's variant labels (a scan counts under each)."""
    say(
        f"{'variant=option':36} {'docs':>5} {'values':>6} {'right %':>8} {'flagged':>7} "
        f"{'WRONG UNFL':>10} {'straight':>8}"
    )
    for row in rows:
        say(
            f"{row['variant'] + '=' + row['option']:36} {row['documents']:5} {row['values']:6} "
            f"{pct(row['right'], row['values']):>8} {row['flagged']:7} "
            f"{row['wrong_unflagged']:10} {row['straight_through']:8}"
        )


def _wrong(wrong: dict[str, Any]) -> str:
    flag = "flagged " + ",".join(wrong["reasons"]) if wrong["flagged"] else "UNFLAGGED"
    confidence = f"{wrong['confidence']:.2f}" if wrong["confidence"] is not None else "–"
    return (
        f"  {wrong['document']} {wrong['field']}: {_show(wrong['expected'])} | "
        f"{_show(wrong['value'])}  ({flag}; confidence {confidence})"
    )


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + "; ".join(str(v) for v in value) + "]"
    return repr(value) if isinstance(value, str) else str(value)
