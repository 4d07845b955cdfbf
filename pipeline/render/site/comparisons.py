"""The methods page's account of comparisons: the tests' settings and their measured size.

The settings (resamples, minimum assignments and companies) are read from the code that runs
the tests (:mod:`pipeline.analyse.stats.resampling`); the size is the calibration study's
table (:mod:`pipeline.analyse.stats.calibration`), written as ranges in words.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from pipeline.i18n.formatting import Formatter
from pipeline.render.site.common import prose, site_text

__all__ = ["comparisons_size", "comparisons_values"]


def _percent_in_words(share: float, lang: str) -> str:
    """A rate as the methods prose writes it: ``il 4,6 %`` / ``l'8,2 %`` in Italian (the
    article of the number as it is read), ``4.6%`` in English."""
    value = Formatter(lang).percent(share, 1)
    if lang != "it":
        return value
    whole = value.split(",")[0]
    vowel = whole in ("1", "8", "11") or (len(whole) == 2 and whole.startswith("8"))
    return ("l'" if vowel else "il ") + value


def _short_number(x: float, lang: str) -> str:
    """A grid value with no useless zeros: ``20``, ``0,05``, ``0,3``."""
    value = Formatter(lang).number(x, 2)
    point = "," if lang == "it" else "."
    return value.rstrip("0").rstrip(point) if point in value else value


def _span(low: float, high: float, lang: str) -> str:
    low_text, high_text = _short_number(low, lang), _short_number(high, lang)
    if low_text == high_text:
        return low_text
    return site_text("site.calibration.span", lang, low=low_text, high=high_text)


def _draws(low: Any, high: Any, lang: str) -> str:
    """Simulated waves per grid point: one count, or the span of two."""
    fmt = Formatter(lang)
    if low == high:
        return fmt.number(low, 0)
    return site_text("site.calibration.span", lang, low=fmt.number(low, 0),
                     high=fmt.number(high, 0))


def _rate_range(row: Any, lang: str) -> str:
    if row is None:
        return site_text("site.calibration.not_measured", lang)
    low, high = _percent_in_words(row.rate_min, lang), _percent_in_words(row.rate_max, lang)
    if low == high:
        return low
    return site_text("site.calibration.range", lang, low=low, high=high)


def comparisons_values(lang: str) -> dict[str, str]:
    """The published tests' settings, as the code has them: resamples and minimums.

    Parameters
    ----------
    lang
        How the numbers are written: ``"it"`` (``9.999``) or ``"en"`` (``9,999``).

    Returns
    -------
    dict
        ``n_perm``, ``n_boot``, ``min_assignments``, ``min_test_companies``, formatted:
        the placeholders of ``site.methods.comparisons``.
    """
    import inspect

    from pipeline.analyse.stats.resampling import (
        MIN_ASSIGNMENTS,
        MIN_TEST_COMPANIES,
        permutation_test,
        wild_cluster_bootstrap,
    )

    def default(func, name: str) -> int:
        return int(inspect.signature(func).parameters[name].default)

    fmt = Formatter(lang)
    return {"n_perm": fmt.number(default(permutation_test, "n_resamples"), 0),
            "n_boot": fmt.number(default(wild_cluster_bootstrap, "n_resamples"), 0),
            "min_assignments": fmt.number(MIN_ASSIGNMENTS, 0),
            "min_test_companies": fmt.number(MIN_TEST_COMPANIES, 0)}


def comparisons_size(lang: str) -> Markup:
    """The measured size of the published tests, from the calibration study's table.

    Parameters
    ----------
    lang
        The language of the prose.

    Returns
    -------
    markupsafe.Markup
        The prose: ranges of rejection rates per family of tests over the study's grid,
        and the size of the old method; a sentence saying it is not measured yet when the
        table is missing or has no published family.
    """
    from pipeline.analyse.stats.calibration import (
        COMPARISON_FAMILIES,
        PUBLISHED_FAMILIES,
        calibration_summary,
        load_calibration,
    )

    try:
        summary = calibration_summary(load_calibration())
    except (OSError, ValueError):
        return prose(site_text("site.methods.comparisons.unmeasured", lang))
    published = summary[summary["family"].isin(PUBLISHED_FAMILIES)]
    if published.empty:
        return prose(site_text("site.methods.comparisons.unmeasured", lang))
    of = {r.family: r for r in summary.itertuples()}
    values = {
        "draws": _draws(published["draws_min"].min(), published["draws_max"].max(), lang),
        "companies": _span(published["companies_min"].min(),
                           published["companies_max"].max(), lang),
        "on_one_side": _span(published["on_one_side_min"].min(),
                             published["on_one_side_max"].max(), lang),
        "icc": _span(published["icc_min"].min(), published["icc_max"].max(), lang),
        "mc_se": Formatter(lang).number(100 * published["mc_se_max"].max(), 1),
        **{family: _rate_range(of.get(family), lang) for family in PUBLISHED_FAMILIES},
    }
    body = site_text("site.methods.comparisons.size", lang, **values)
    old = of.get(COMPARISON_FAMILIES[0])
    if old is not None:
        body += "\n\n" + site_text("site.methods.comparisons.old", lang,
                                    old_cr1=_rate_range(old, lang),
                                    old_draws=_draws(old.draws_min, old.draws_max, lang))
    return prose(body)
