"""File names made from values: every name derived from data goes through :func:`safe_file_name`.

A value of the data (a company id above all: the contract only says "text, unique") is
never used as a path. ``../pubreport`` would write outside its folder, ``VR/123`` would make a
folder, ``CON`` cannot be created on Windows, an empty id would write ``.html``. The name is:

* **safe**: only ``A-Z a-z 0-9 _ -``, never starting with ``-``, at most :data:`MAX_LENGTH`
  characters, never a reserved device name (``CON``, ``NUL``, ``COM1``, ...);
* **unique**: a value that is already such a name is kept as it is (``C01`` stays
  ``C01``); any other value keeps its safe characters and gets ``-`` and the first
  :data:`HASH_LENGTH` hex digits of the SHA-256 of the value (``VR/123`` ->
  ``VR_123-<hash>``, while ``VR_123`` stays ``VR_123``). A value that merely looks like such
  a name (``x-0123456789ab``) is hashed too, so a kept name never equals a hashed one;
* **stable**: the same value always gives the same name, on any machine and run.

Names that differ only by case (``ab``, ``AB``) stay distinct names, as on the Linux file
systems the pipeline writes to.

Only the standard library is imported: every stage can use this module.
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["HASH_LENGTH", "MAX_LENGTH", "safe_file_name"]

#: Longest name returned (before any extension the caller adds).
MAX_LENGTH = 80
#: Hex digits of the SHA-256 added to a changed value (48 bits).
HASH_LENGTH = 12

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_HASHED = re.compile(rf"-[0-9a-f]{{{HASH_LENGTH}}}\Z")
# Windows device names, whatever the case and the extension.
_RESERVED = frozenset({"con", "prn", "aux", "nul",
                       *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})


def _digest(value: str) -> str:
    data = value.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:HASH_LENGTH]


def safe_file_name(value: object) -> str:
    """A safe, unique and stable file name (without extension) for ``value``.

    ``value`` is taken as ``str(value)``. See the module's documentation for the rules.

    >>> safe_file_name("C01")
    'C01'
    >>> safe_file_name("../pubreport")
    '___pubreport-a0661aefa177'
    """
    text = str(value)
    base = _UNSAFE.sub("_", text)
    if base.startswith("-"):
        base = "_" + base[1:]
    kept = (base == text and 0 < len(base) <= MAX_LENGTH
            and base.lower() not in _RESERVED and not _HASHED.search(base))
    if kept:
        return base
    base = base[:MAX_LENGTH - HASH_LENGTH - 1] or "_"
    return f"{base}-{_digest(text)}"
