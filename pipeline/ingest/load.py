"""Ingestion: a raw wave folder in, typed tables and a manifest out.

``ingest_wave`` reads every table file of ``data/raw/<wave>/`` as DATA_CONTRACT.md describes
it (see :mod:`pipeline.ingest.readers`), applies ``columns.yaml`` renames, matches headers to the
codebook ignoring case and stray spaces, types every column (:mod:`pipeline.ingest.convert`),
derives size classes and scale scores (:mod:`pipeline.ingest.derive`) and returns a
:class:`~pipeline.wave.WaveData`; :func:`pipeline.wave.write_processed` writes it into
``data/processed/<wave>/``, all or nothing. Raw files are only ever read.

The first problem found is raised as an :class:`~pipeline.errors.InputError` naming the
file, the row and the column; the count of further problems in that file is added. A wave
folder holding a symbolic link is refused before anything is read. A table-like file the
codebook has no table for (``notes.xlsx``, ``companies_old.csv``) is not read: it is
reported as an :class:`IngestWarning` and recorded in ``WaveData.inputs`` under its file
name with a ``warning`` (:func:`ingest_warnings` lists them for the data-quality gate).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pipeline.codebook import Codebook, Table, load_codebook
from pipeline.config import check_wave_label
from pipeline.errors import InputError
from pipeline.fingerprint import sha256_file
from pipeline.ingest.convert import convert_column
from pipeline.ingest.derive import derive
from pipeline.ingest.exports import adapt_export
from pipeline.ingest.exports.recode import VALUES_KEY, Recodes, parse_recodes
from pipeline.ingest.limits import MAX_YAML_BYTES, SYMLINK_MESSAGE, clip, read_bytes, shown
from pipeline.ingest.numbers import NUMBER_TYPES, NumberFormat, file_format
from pipeline.ingest.readers import RawTable, normalise_header, read_table_file
from pipeline.wave import WaveData

TABLE_SUFFIXES = (".csv", ".xlsx", ".sav")
#: Files that look like a table (reported when no table of the codebook has their name).
TABLE_LIKE_SUFFIXES = (*TABLE_SUFFIXES, ".xls", ".xlsm", ".xlsb", ".ods", ".tsv")


class IngestWarning(UserWarning):
    """A file of the wave folder that ingestion does not read; the wave goes on."""


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without aliases (``*name``): a few lines of them can expand without bound."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed",
                                              event.start_mark)
        return super().compose_node(parent, index)
WAVE_META_KEYS = ("label", "fieldwork_start", "fieldwork_end", "notes", "previous_wave",
                  "synthetic")


def find_table_file(raw_dir: Path, table: str) -> Path | None:
    """The file holding ``table`` in a wave folder (name matched ignoring case)."""
    matches = [p for p in raw_dir.iterdir()
               if p.is_file() and p.stem.lower() == table and p.suffix.lower() in TABLE_SUFFIXES]
    if len(matches) > 1:
        names = " and ".join(sorted(p.name for p in matches))
        raise InputError(raw_dir, f"table '{table}' is given twice ({names}): keep one file")
    return matches[0] if matches else None


def _load_yaml(path: Path) -> Any:
    try:
        text = read_bytes(path, MAX_YAML_BYTES).decode("utf-8-sig")
        return yaml.load(text, Loader=_NoAliasLoader) or {}  # a SafeLoader
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise InputError(path, f"invalid YAML: {shown(problem)}", row=row) from None


def read_column_renames(raw_dir: Path, codebook: Codebook) -> dict[str, dict[str, str]]:
    """``columns.yaml``: per table, export header -> canonical column name."""
    path = raw_dir / "columns.yaml"
    if not path.exists():
        return {}
    data = _load_yaml(path)
    if not isinstance(data, dict):
        raise InputError(path, "expected a mapping of table names to header renames")
    renames: dict[str, dict[str, str]] = {}
    for table, mapping in data.items():
        if table not in codebook.tables:
            raise InputError(path, f"unknown table '{shown(table)}' (tables: "
                                   f"{', '.join(codebook.tables)})")
        if not isinstance(mapping, dict):
            raise InputError(path, f"'{shown(table)}' must map export headers to column names")
        renames[table] = {normalise_header(k): str(v).strip() for k, v in mapping.items()
                          if not (k == VALUES_KEY and isinstance(v, dict))}
    return renames


def read_value_recodes(raw_dir: Path, codebook: Codebook) -> dict[str, Recodes]:
    """``columns.yaml``: per table, its ``values`` recodes (:mod:`.exports.recode`)."""
    path = raw_dir / "columns.yaml"
    data = _load_yaml(path) if path.exists() else {}
    return {table: parse_recodes(path, codebook.tables[table], mapping[VALUES_KEY])
            for table, mapping in (data.items() if isinstance(data, dict) else ())
            if table in codebook.tables and isinstance(mapping, dict)
            and isinstance(mapping.get(VALUES_KEY), dict)}


def read_wave_meta(raw_dir: Path, wave: str) -> dict[str, Any]:
    """``wave.yaml`` (optional): label, title, fieldwork dates, notes, previous wave, synthetic."""
    path = raw_dir / "wave.yaml"
    meta: dict[str, Any] = {"label": wave}
    if not path.exists():
        return meta
    data = _load_yaml(path)
    if not isinstance(data, dict):
        raise InputError(path, "expected a mapping (label, fieldwork_start, ...)")
    for key, value in data.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        meta[str(key)] = value
    prev = meta.get("previous_wave")
    if prev is not None:
        try:
            check_wave_label(str(prev))
        except ValueError:
            raise InputError(path, f"invalid wave label {clip(prev)!r}: use letters, digits, "
                                   "'-' and '_' (e.g. 2014-autunno)",
                             column="previous_wave") from None
        meta["previous_wave"] = str(prev)
    title = meta.get("title")
    if title is not None and not (
            isinstance(title, str) or (isinstance(title, dict) and title and all(
                k in ("it", "en") and isinstance(v, str) for k, v in title.items()))):
        raise InputError(path, "the title must be text, or text by language "
                               "({it: ..., en: ...})", column="title")
    return meta


def _match_headers(raw: RawTable, table: Table, renames: dict[str, str]) -> dict[str, str]:
    """Map each header as written to its canonical name (unknown headers keep theirs)."""
    canonical = {name.lower(): name for name in table.columns}
    mapping: dict[str, str] = {}
    used: dict[str, str] = {}
    for header in raw.headers:
        key = normalise_header(header)
        target = renames.get(key, header.strip())
        name = canonical.get(normalise_header(target), target)
        if name in used:
            raise InputError(
                raw.path,
                f"headers '{shown(used[name])}' and '{shown(header.strip())}' both name "
                f"column '{shown(name)}'",
                row=1, column=shown(name),
            )
        used[name] = header.strip()
        mapping[header] = name
    return mapping


def _number_format(data: pd.DataFrame, stored: pd.DataFrame | None,
                   table: Table) -> NumberFormat:
    """The decimal mark the text cells of the table's number columns show."""
    names = [name for name in data.columns
             if name in table.columns and table.columns[name].type in NUMBER_TYPES]
    return file_format(data[name] if stored is None else data[name][~stored[name]]
                       for name in names)


def check_folder(raw_dir: Path) -> None:
    """Refuse a wave folder holding a symbolic link (never followed, never read)."""
    for entry in sorted(raw_dir.iterdir()):
        if entry.is_symlink():
            raise InputError(entry, SYMLINK_MESSAGE)


def unread_files(raw_dir: Path, codebook: Codebook) -> dict[str, str]:
    """``{file name: warning line}`` of the table-like files no table of the codebook reads."""
    found = {}
    for entry in sorted(raw_dir.iterdir()):
        stem, suffix = entry.stem.lower(), entry.suffix.lower()
        if (entry.name.startswith(".") or suffix not in TABLE_LIKE_SUFFIXES
                or not entry.is_file() or (stem in codebook.tables and suffix in TABLE_SUFFIXES)):
            continue
        if stem in codebook.tables:
            why = (f"table '{stem}' as a {suffix} file is not read: save it as {stem}.csv or "
                   f"{stem}.xlsx")
        else:
            why = (f"not a table of the data contract ({', '.join(codebook.tables)}): the file "
                   "is not read")
        found[entry.name] = str(InputError(entry, why))
    return found


def unmapped_columns(typed: pd.DataFrame, table: Table) -> list[str]:
    """Columns of a typed table the codebook does not know (kept as text; ``welfare
    validate`` warns about them: a header that a ``columns.yaml`` rename may be missing)."""
    def known(name: str) -> bool:
        base = name[:-3] if name.endswith("_dk") else None
        return name in table.columns or (base in table.columns
                                         and table.columns[base].dont_know)
    return [str(c) for c in typed.columns if not known(str(c))]


def ingest_warnings(data: WaveData) -> list[str]:
    """The warning lines ingestion recorded for a wave (files it did not read)."""
    return [str(info["warning"]) for info in data.inputs.values()
            if isinstance(info, dict) and info.get("warning")]


@dataclass
class _Typed:
    """One column typed: the typed columns it gives (itself and its ``_dk`` flags) and its
    problems, as :func:`convert_table` collects them."""

    name: str
    columns: dict[str, pd.Series]
    problems: list[tuple[int, int, str, str]] = field(default_factory=list)
    n_problems: int = 0


def _type_column(text: pd.Series, name: str, position: int, table: Table, codebook: Codebook,
                 numbers: NumberFormat, stored: pd.DataFrame | None) -> _Typed:
    """Type the column ``name`` (its raw cells ``text``) and find its problems."""
    column = table.columns.get(name)
    if column is None:
        return _Typed(name, {name: text.str.strip().replace("", pd.NA).astype("str")})
    conv = convert_column(text, column, codebook, numbers=numbers,
                          stored=None if stored is None else stored[name])
    done = _Typed(name, {name: conv.values})
    if conv.dont_know is not None:
        done.columns[f"{name}_dk"] = conv.dont_know
    if conv.invalid.any():
        bad_rows = conv.invalid[conv.invalid].index
        value = str(text.at[bad_rows[0]]).strip()
        done.problems.append((int(bad_rows[0]), position, name, conv.reason(value)))
        done.n_problems += len(bad_rows)
    if column.required:
        answered = conv.values.notna() | conv.invalid
        if conv.dont_know is not None:
            answered |= conv.dont_know.fillna(False)
        # Single missing answers are allowed (the data-quality gate measures
        # completeness); an entirely empty required column is not.
        if not answered.any():
            done.problems.append((int(text.index[0]), position, name,
                                  "required column has no values"))
            done.n_problems += 1
    if column.unique:
        dup = conv.values.duplicated(keep="first") & conv.values.notna()
        if dup.any():
            r = dup[dup].index[0]
            first = conv.values[conv.values == conv.values[r]].index[0]
            done.problems.append((int(r), position, name,
                                  f"'{shown(conv.values[r])}' repeats the value of row {first} "
                                  "(must be unique)"))
            done.n_problems += int(dup.sum())
    return done


#: Columns typed at once: pyarrow's kernels (factorize, take) and NumPy's release the
#: GIL, so two threads use both cores of the project's machines.
TYPING_THREADS = 2


def _in_order(func: Callable[[str], _Typed], names: list[str]) -> Iterator[_Typed]:
    """``func`` of each name, in order, computed by :data:`TYPING_THREADS` threads at most
    one column ahead of the one handed back (so that no more than a few text and typed
    columns are held at once)."""
    if TYPING_THREADS < 2 or len(names) < 2:
        yield from map(func, names)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(TYPING_THREADS, thread_name_prefix="typing") as pool:
        pending = deque(pool.submit(func, n) for n in names[:TYPING_THREADS])
        following = iter(names[TYPING_THREADS:])
        while pending:
            done = pending.popleft().result()
            nxt = next(following, None)
            if nxt is not None:
                pending.append(pool.submit(func, nxt))
            yield done


def convert_table(raw: RawTable, table: Table, codebook: Codebook,
                  renames: dict[str, str] | None = None, *,
                  release: bool = False) -> pd.DataFrame:
    """Type one raw table as the codebook describes it; raise on the first problem.

    Columns the codebook does not know are kept as text. The result's index is reset
    (0..n-1); the spreadsheet row numbers are only used for messages. With ``release``, each
    text column is dropped from ``raw.data`` once typed (the caller needs them no more), so
    that a million rows never hold every text column and every typed one at once.
    """
    mapping = _match_headers(raw, table, renames or {})
    data = raw.data.rename(columns=mapping)
    stored = raw.numeric.rename(columns=mapping) if raw.numeric is not None else None
    numbers = _number_format(data, stored, table)
    missing = [c for c in table.required_columns if c not in data.columns]
    if missing:
        extra = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise InputError(raw.path, f"required column is missing{extra}", row=1,
                         column=missing[0])
    out: dict[str, pd.Series] = {}
    # (row, column position, column, message) of the first problem of each kind, and the
    # count of every problem, so the message can say how many more there are.
    problems: list[tuple[int, int, str, str]] = []
    n_problems = 0
    order = {name: i for i, name in enumerate(data.columns)}
    cells = {name: data[name] for name in data.columns}  # taken before any column is dropped

    def typed_column(name: str) -> _Typed:
        return _type_column(cells[name], name, order[name], table, codebook, numbers, stored)

    for done in _in_order(typed_column, list(data.columns)):
        out.update(done.columns)
        problems += done.problems
        n_problems += done.n_problems
        del cells[done.name]
        if release:
            _drop_text(raw, data, done.name)
    if problems:
        row, _, col, message = min(problems)
        raise InputError(raw.path, message, row=row, column=col, more=n_problems - 1)
    typed = pd.DataFrame(out, copy=False)  # the converted columns as they are
    typed.index = pd.RangeIndex(len(typed))
    return typed


def _drop_text(raw: RawTable, data: pd.DataFrame, name: str) -> None:
    """Drop the typed column ``name`` (``data``: ``raw.data`` renamed) from both frames."""
    header = raw.data.columns[data.columns.get_loc(name)]
    del data[name], raw.data[header]  # in place: frees the cells, copies nothing


def release_unused_memory() -> None:
    """Give back to the system the memory pyarrow's allocator keeps once tables are freed
    (it keeps it for reuse otherwise, and the process's peak counts it beside the next
    stage's NumPy arrays)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def ingest_wave(wave: str, raw_dir: Path, codebook: Codebook | None = None) -> WaveData:
    """Read and type every table of a raw wave folder.

    Parameters
    ----------
    wave
        Wave label (letters, digits, ``-``, ``_``).
    raw_dir
        ``data/raw/<wave>``: read, never written.

    Raises
    ------
    InputError
        On the first problem, naming file, row and column.

    Warns
    -----
    IngestWarning
        One line for each table-like file no table of the codebook reads (also recorded in
        ``inputs``: :func:`ingest_warnings`).
    """
    check_wave_label(wave)
    codebook = codebook or load_codebook()
    if not raw_dir.is_dir():
        raise InputError(raw_dir, "no such wave folder (put the wave's files in data/raw/<wave>/)")
    check_folder(raw_dir)
    renames = read_column_renames(raw_dir, codebook)
    recodes = read_value_recodes(raw_dir, codebook)
    meta = read_wave_meta(raw_dir, wave)
    tables: dict[str, pd.DataFrame] = {}
    inputs: dict[str, dict[str, Any]] = {}
    for name, table in codebook.tables.items():
        path = find_table_file(raw_dir, name)
        if path is None:
            if table.required:
                raise InputError(raw_dir / f"{name}.csv",
                                 f"required table '{name}' is missing ({name}.csv or {name}.xlsx)")
            continue
        raw = adapt_export(read_table_file(path), table, codebook, renames.get(name),
                           recodes.get(name))
        read_as = {"format": raw.format, "encoding": raw.encoding, "separator": raw.separator}
        typed = convert_table(raw, table, codebook, renames.get(name), release=True)
        del raw  # the text cells: as large as the typed table, no longer needed
        release_unused_memory()
        tables[name] = derive(name, typed, codebook)
        unmapped = unmapped_columns(typed, table)
        inputs[name] = {
            "file": path.name,
            "sha256": sha256_file(path),
            "bytes": path.stat().st_size,
            **read_as,
            "rows": len(typed),
            **({"unmapped": unmapped} if unmapped else {}),
        }
    for extra in ("columns.yaml", "wave.yaml"):
        p = raw_dir / extra
        if p.exists():
            inputs[extra] = {"file": extra, "sha256": sha256_file(p), "bytes": p.stat().st_size}
    for name, line in unread_files(raw_dir, codebook).items():
        inputs[name] = {"file": name, "bytes": (raw_dir / name).stat().st_size, "warning": line}
        warnings.warn(IngestWarning(line), stacklevel=2)
    return WaveData(wave=wave, tables=tables, meta=meta, inputs=inputs)
