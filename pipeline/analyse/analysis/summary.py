"""Facts for the programmatic summary (the "relazione sintetica programmatica").

The summary is written from the *published* tables of the wave's sections
(``reports/<wave>/tables/*.csv``, small cells already blanked), so it can never say more
than the site shows. :func:`summary_facts` collects what the template
(``pipeline/render/templates/sintesi/sintesi.<lang>.md.j2``, edited by the researchers) talks about:
the main needs, the gaps between needs and what companies offer, the measures associated
with better balance, the shared services that reach a viable size and where, the candidate
contents of a territorial agreement, and the indicators to monitor.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from pipeline.analyse.analysis.areas import area_label
from pipeline.analyse.analysis.needs import COMPARED_GROUPS
from pipeline.codebook import load_codebook
from pipeline.config import TEMPLATES_DIR
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import text

TEMPLATES = TEMPLATES_DIR / "sintesi"
#: How many items each list of the summary names at most.
TOP = 5


def _read(tables_dir: Path, name: str) -> pd.DataFrame | None:
    path = Path(tables_dir) / f"{name}.csv"
    return pd.read_csv(path) if path.exists() else None


def _published(df: pd.DataFrame) -> pd.DataFrame:
    keep = df["estimate"].notna() if "estimate" in df.columns else True
    if "suppressed" in df.columns:
        keep &= ~df["suppressed"].astype(bool)
    return df[keep]


def summary_facts(tables_dir: Path, lang: str = "it") -> dict[str, Any]:
    """Everything the summary template needs, formatted for ``lang``.

    Missing tables (a section that does not exist yet, optional data) leave their facts
    empty; the template says so instead of inventing numbers.
    """
    codebook = load_codebook()
    label = {m: codebook.measure_label(m, lang) for m in codebook.measure_codes()}
    fmt = Formatter(lang)
    pct = lambda x: fmt.percent(x, 0)  # noqa: E731
    facts: dict[str, Any] = {"lang": lang}

    needs = _read(tables_dir, "needs")
    if needs is not None:
        overall = _published(needs[needs["group_var"] == "all"]).sort_values(
            "estimate", ascending=False)
        facts["top_needs"] = [{"measure": label[m], "share": pct(e)}
                              for m, e in zip(overall["measure"], overall["estimate"],
                                              strict=True)][:TOP]
        gaps = []
        for group_var, (high, low) in COMPARED_GROUPS.items():
            part = _published(needs[needs["group_var"] == group_var])
            wide = part.pivot(index="measure", columns="group", values="estimate")
            lo = part.pivot(index="measure", columns="group", values="ci_low")
            hi = part.pivot(index="measure", columns="group", values="ci_high")
            if high not in wide or low not in wide:
                continue
            clear = lo[high] > hi[low]  # intervals apart: a difference no one can dismiss
            diff = (wide[high] - wide[low])[clear].sort_values(ascending=False)
            for m in diff.head(2).index:
                gaps.append({"group": group_var, "measure": label[m],
                             "high": pct(wide.loc[m, high]), "low": pct(wide.loc[m, low])})
        facts["group_gaps"] = gaps

    unmet = _read(tables_dir, "unmet_need")
    if unmet is not None:
        unmet = _published(unmet).sort_values("estimate", ascending=False)
        facts["unmet"] = [{"measure": label[m], "share": pct(e)}
                          for m, e in zip(unmet["measure"], unmet["estimate"], strict=True)][:TOP]

    balance = _read(tables_dir, "work_life_balance")
    if balance is not None:
        overall = _published(balance[balance["group_var"] == "all"]).set_index("indicator")
        if "wlb_fit_good" in overall.index:
            facts["fit_good"] = pct(overall.loc["wlb_fit_good", "estimate"])
        if "wfc_score" in overall.index:
            facts["wfc"] = fmt.number(overall.loc["wfc_score", "estimate"], 2)

    outcomes = _read(tables_dir, "measures_outcomes")
    if outcomes is not None:
        better = outcomes[(outcomes["outcome"] == "wfc_score")
                          & outcomes["significant"].astype(bool) & (outcomes["estimate"] < 0)]
        facts["better_balance"] = [
            {"measure": label[m], "difference": fmt.number(-e, 2)}
            for m, e in zip(better["measure"], better["estimate"], strict=True)]

    viability = _read(tables_dir, "network_viability")
    if viability is not None:
        viable = viability[(viability["status"] == "viable") & (viability["area"] != "ALL")]
        services = []
        for m, rows in viable.groupby("measure", sort=False):
            services.append({"measure": label.get(m, m),
                             "areas": [area_label(a, lang) for a in rows["area"]],
                             "users": fmt.number(rows["users"].sum(), 0)})
        facts["viable_services"] = services
        network_wide = viability[(viability["status"] == "viable") & (viability["area"] == "ALL")]
        in_an_area = set(viable["measure"])
        facts["viable_network_wide"] = [label.get(m, m) for m in network_wide["measure"]
                                        if m not in in_an_area]

    agreement = _read(tables_dir, "network_agreement")
    if agreement is not None:
        facts["agreement"] = [label.get(m, m) for m in
                              agreement.loc[agreement["candidate"].astype(bool), "measure"]]

    changes = _read(tables_dir, "monitoring_changes")
    if changes is not None and len(changes):
        # Against the previous wave (not the first of the chain), all respondents; the
        # monitoring's flags already use the Holm-adjusted p-values.
        keep = changes["scope"] == "all"
        if "comparison" in changes.columns:
            keep &= changes["comparison"] == "previous"
        rows = _published(changes[keep])
        facts["changes"] = [
            {"indicator": codebook_indicator(i, lang), "improved": bool(imp),
             "significant": bool(imp) or bool(worse)}
            for i, imp, worse in zip(rows["indicator"], rows["improved"], rows["worse"],
                                     strict=True)]
    return facts


def codebook_indicator(indicator: str, lang: str) -> str:
    """A readable name for a monitoring indicator."""
    try:
        return text(f"monitoring.indicator.{indicator}", lang)
    except KeyError:
        return indicator


def lower_first(label: str) -> str:
    """A label inside a sentence: first letter lower-cased unless it starts an acronym."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _elides(percent: str) -> bool:
    """Whether an Italian article elides before this percentage ("l'8 %", "l'11 %")."""
    digits = percent.split(",")[0].split()[0].replace(".", "")
    return digits.startswith("8") or digits in ("1", "11")


def article_il(percent: str) -> str:
    """Italian article + percentage: "il 79 %", "l'83 %"."""
    return f"l'{percent}" if _elides(percent) else f"il {percent}"


def article_nel(percent: str) -> str:
    """Italian "in the" + percentage: "nel 63 %", "nell'80 %"."""
    return f"nell'{percent}" if _elides(percent) else f"nel {percent}"


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(lowerfirst=lower_first, il=article_il, nel=article_nel)
    return env


def render_summary(facts: dict[str, Any], lang: str = "it", **context: Any) -> str:
    """The summary's Markdown, from ``pipeline/render/templates/sintesi/sintesi.<lang>.md.j2``."""
    return _environment().get_template(f"sintesi.{lang}.md.j2").render(**facts, **context)


def summary_parts(markdown: str) -> list[tuple[str, str | None]]:
    """Split the summary at ``<!-- figure: name -->`` markers: ``[(text, figure or None)]``."""
    import re

    parts: list[tuple[str, str | None]] = []
    pieces = re.split(r"<!--\s*figure:\s*([a-z_]+)\s*-->", markdown)
    for i in range(0, len(pieces), 2):
        figure = pieces[i + 1] if i + 1 < len(pieces) else None
        parts.append((pieces[i].strip(), figure))
    return parts
