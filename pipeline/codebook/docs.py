"""The variable documentation (docs/variables.md), generated from the codebook."""

from __future__ import annotations

from pathlib import Path

from pipeline.atomic import write_text_atomic
from pipeline.codebook import Codebook, Column, load_codebook
from pipeline.config import get_paths

HEADER = """# Variables of a data wave

Generated from `pipeline/codebook/` by `welfare docs` (or `make docs`): do not edit by hand.
Required columns are marked **yes**; `<MEASURE>` families are listed once with the measures
they cover. Derived columns are computed at ingestion. See also DATA_CONTRACT.md in the
reference folder and the codebook's own header for the column types.
"""


def _values(col: Column, codebook: Codebook) -> str:
    if col.type in ("category", "multi") and col.code_list in ("measure",):
        return "measure codes of the taxonomy"
    if col.type in ("category", "multi"):
        return ", ".join(f"`{c}` {col.code_labels[c]['it']}" for c in col.codes)
    if col.type == "ordinal":
        scale = codebook.scales[col.scale]
        ends = f"`{col.minimum}` {col.code_label(str(col.minimum))} ... `{col.maximum}` " \
               f"{col.code_label(str(col.maximum))}"
        dk = "; or don't know (`non so`)" if col.dont_know else ""
        return f"{ends} ({scale['direction']}){dk}"
    if col.type == "boolean":
        return "`0` No, `1` Sì"
    if col.type in ("integer", "number") and (col.minimum is not None or col.maximum is not None):
        unit = f" {col.unit}" if col.unit else ""
        if col.maximum is None:
            return f">= {col.minimum}{unit}"
        if col.minimum is None:
            return f"<= {col.maximum}{unit}"
        return f"{col.minimum} to {col.maximum}{unit}"
    return col.unit or ""


def _row(name: str, col: Column, codebook: Codebook) -> str:
    required = "**yes**" if col.required else ""
    publish = "" if col.publish else " (never published)"
    values = col.definition if col.derived and col.definition else _values(col, codebook)
    values = values.replace("|", "\\|")
    return (f"| `{name}` | {col.type}{publish} | {required} | {col.label_it} | "
            f"{col.label_en} | {values} |")


def variables_markdown(codebook: Codebook | None = None) -> str:
    """The variables of every table as Markdown tables."""
    codebook = codebook or load_codebook()
    lines = [HEADER]
    for table in codebook.tables.values():
        status = "required" if table.required else "optional"
        lines += [f"## `{table.name}` ({status}): {table.label_en}", "",
                  "| column | type | required | label (it) | label (en) | values |",
                  "|---|---|---|---|---|---|"]
        seen_families: set[str] = set()
        for name, col in table.all_columns().items():
            if col.family and col.measure:
                if col.family in seen_families:
                    continue
                seen_families.add(col.family)
                members = [c.measure for c in table.all_columns().values()
                           if c.family == col.family]
                family_name = col.family.replace("{measure}", "<MEASURE>")
                label_it = col.label_it.split(":")[0]
                label_en = col.label_en.split(":")[0]
                family_col = Column(**{**col.__dict__, "label_it": label_it, "label_en": label_en})
                row = _row(family_name, family_col, codebook)
                lines.append(row[:-2] + f"; for {len(members)} measures: "
                             + ", ".join(members) + " |")
                continue
            lines.append(_row(name, col, codebook))
        lines.append("")
    lines += ["## Measure taxonomy", "",
              "| area | measure | label (it) | label (en) | asked to workers | shareable |",
              "|---|---|---|---|---|---|"]
    for m in codebook.measures:
        lines.append(f"| {m['area_code']} | `{m['measure_code']}` | {m['measure_label_it']} | "
                     f"{m['measure_label_en']} | {'yes' if m['asked_workers'] == '1' else ''} | "
                     f"{'yes' if m['shareable'] == '1' else ''} |")
    lines += ["", *_legal_markdown(codebook)]
    return "\n".join(lines) + "\n"


def _legal_markdown(codebook: Codebook) -> list[str]:
    """The dated rules of ``legal_references.yaml``: what a wave of a given date cites."""
    legal = codebook.legal
    if legal is None:
        return []
    lines = ["## Legal references by date", "",
             "From `pipeline/codebook/legal_references.yaml`: a wave's reports use the period "
             "in force on its last day of fieldwork (`load_codebook(on=wave meta)`).", "",
             "| rule | from | to | value | cites (it) | source |", "|---|---|---|---|---|---|"]
    for rule in legal.rules.values():
        for p in rule.periods:
            value = "" if p.value is None else f"{p.value:g}"
            if p.value_with_children not in (None, p.value):
                value += f" ({p.value_with_children:g} with children)"
            cite = p.cite["it"] if p.cite else "(nothing)"
            lines.append(f"| `{rule.id}` | {p.valid_from or ''} | {p.valid_to or ''} | {value} "
                         f"| {cite} | {p.source.replace('|', '/')} |")
    lines += ["", "Measure labels citing a law (dropped outside its periods): "
              + ", ".join(f"`{c.measure}` {c.written['it']} ({c.rule})"
                          for c in legal.citations) + "."]
    return lines


def write_variables_doc(path: Path | None = None) -> Path:
    """Write ``docs/variables.md`` under the project root."""
    path = path or get_paths().root / "docs" / "variables.md"
    write_text_atomic(path, variables_markdown())
    return path
