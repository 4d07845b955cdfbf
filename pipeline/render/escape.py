"""Values of the data made inert where they are inserted into a report's Markdown.

A notebook says its sentences as Markdown (:func:`pipeline.i18n.text.say`), and Markdown
lets raw HTML through. A value from the data filled into such a sentence (a company's id or
name, a label typed into the wave's files) is passed through :func:`markdown_escape` first,
so that ``<img src=x onerror=...>`` is shown as those characters, ``**`` or ``[x](y)`` are
not formatting and a line break cannot start a heading or an HTML block::

    say("company.intro", lang, company_id=markdown_escape(company_id), ...)

Only values from the data are escaped: the sentences themselves and numbers formatted by
:class:`pipeline.i18n.formatting.Formatter` are the project's own Markdown. The report's
sanitiser (:func:`pipeline.render.html.sanitize_fragment`) is the second line of defence.
"""

from __future__ import annotations

import html
import re
import string

__all__ = ["markdown_escape"]

# Every ASCII punctuation character can be backslash-escaped in CommonMark (and in
# mistune, which nbconvert uses, and marked, which JupyterLab uses); & < > " ' become
# character references instead, which also keeps them out of raw HTML.
_HTML_CHARS = "&<>\"'"
_PUNCTUATION = re.compile("([" + re.escape("".join(c for c in string.punctuation
                                                   if c not in _HTML_CHARS)) + "])")


def markdown_escape(value: object) -> str:
    r"""``value`` as Markdown text that shows exactly its characters, on one line.

    >>> print(markdown_escape("<img src=x onerror=alert(1)>"))
    &lt;img src\=x onerror\=alert\(1\)&gt;
    >>> print(markdown_escape("**VR_123**"))
    \*\*VR\_123\*\*
    """
    text = " ".join(str(value).split())
    return html.escape(_PUNCTUATION.sub(r"\\\1", text), quote=True)
