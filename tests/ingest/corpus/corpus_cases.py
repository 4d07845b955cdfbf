"""The bad-input corpus: small defective waves, each with ONE defect, built in code.

Every case starts from ``waves.minimal_tables()`` (a valid wave: 4 companies, 2 surveyed,
12 workers), changes one thing, and states the exit status of the gate and the exact line
it must print: file, row, column and what is wrong. Raw paths in the lines are the wave's
raw folder (``{raw}``) as the tests create it.

Ingestion refuses what is wrong cell by cell or file by file (encoding, truncated, empty,
binary, wrong separator, duplicated header, codes, scales, ranges, duplicate ids); the gate
(``pipeline.validate``) refuses what is wrong as a dataset (orphans, completeness,
plausibility, dates in the future) and warns about what deserves a look (status 0).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from helpers.waves import minimal_tables, write_wave

from pipeline.ingest.load import ingest_wave
from pipeline.wave import write_processed

WAVE = "w1"
PREVIOUS = "w0"

Tables = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Case:
    """One defective wave.

    Attributes
    ----------
    name
        Test id.
    defect
        The one thing that is wrong, in words.
    build
        Writes the wave under a project root and returns its raw folder.
    line
        The exact line the gate prints, with ``{raw}`` for the raw folder.
    status
        Exit status: 1 (stopped: critical failure or unreadable input) or 0 (warnings only).
    """

    name: str
    defect: str
    build: Callable[[Path], Path]
    line: str
    status: int = 1

    def expected(self, raw: Path) -> str:
        return self.line.format(raw=raw)


def tables(mutate: Callable[[Tables], None]) -> Callable[[Path], Path]:
    """A wave of ``minimal_tables()`` changed by ``mutate``."""
    def build(root: Path) -> Path:
        t = minimal_tables()
        mutate(t)
        return write_wave(root, WAVE, t)
    return build


def files(edit: Callable[[Path], None]) -> Callable[[Path], Path]:
    """A wave of ``minimal_tables()`` whose raw files ``edit`` then damages."""
    def build(root: Path) -> Path:
        raw = write_wave(root, WAVE)
        edit(raw)
        return raw
    return build


def with_previous(mutate: Callable[[Tables], None]) -> Callable[[Path], Path]:
    """A processed previous wave (the minimal one) and this wave naming it in wave.yaml."""
    def build(root: Path) -> Path:
        prev_raw = write_wave(root, PREVIOUS)
        write_processed(ingest_wave(PREVIOUS, prev_raw),
                        root / "data" / "processed" / PREVIOUS)
        raw = tables(mutate)(root)
        (raw / "wave.yaml").write_text(f"previous_wave: {PREVIOUS}\n", encoding="utf-8")
        return raw
    return build


def cell(table: str, row: int, column: str, value: str) -> Callable[[Tables], None]:
    def mutate(t: Tables) -> None:
        t[table].loc[row, column] = value
    return mutate


def cells(table: str, rows: list[int], column: str, value: str) -> Callable[[Tables], None]:
    def mutate(t: Tables) -> None:
        t[table].loc[rows, column] = value
    return mutate


def network(dates: list[str], companies: list[str] | None = None) -> Callable[[Tables], None]:
    def mutate(t: Tables) -> None:
        t["network_activity"] = pd.DataFrame({
            "company_id": companies or ["C01"] * len(dates), "date": dates,
            "activity": ["joined"] + ["training"] * (len(dates) - 1)})
    return mutate


def services(municipality: str) -> Callable[[Tables], None]:
    def mutate(t: Tables) -> None:
        t["local_services"] = pd.DataFrame({
            "service_id": ["S1", "S2"], "municipality": ["023091", municipality],
            "service_type": ["NURSERY", "NURSERY"], "capacity": ["60", "30"]})
    return mutate


def add_survey_row(t: Tables) -> None:
    extra = pd.DataFrame({"company_id": ["C05"], "respondent_role": ["hr"],
                          "interest_network": ["2"]})
    t["company_survey"] = pd.concat([t["company_survey"], extra], ignore_index=True)


def duplicate_questionnaire(t: Tables) -> None:
    workers = t["worker_survey"]
    copy = workers.iloc[[3]].copy()
    copy["resp_id"] = "R9999"
    t["worker_survey"] = pd.concat([workers, copy], ignore_index=True)


def rename_header(t: Tables) -> None:
    w = t["worker_survey"]
    w.columns = [c if c != "age_band" else "Gender" for c in w.columns]


# --- damaged files -----------------------------------------------------------------------------

def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\r\n")


def bad_byte(raw: Path) -> None:
    path = raw / "companies.csv"
    lines = _lines(path)
    lines[3] = lines[3].replace(b"Gamma", b"G\x81mma")  # 0x81: neither UTF-8 nor cp1252
    path.write_bytes(b"\r\n".join(lines))


def mixed_encodings(raw: Path) -> None:
    path = raw / "companies.csv"
    lines = _lines(path)
    lines[1] = lines[1].replace(b"Alfa", "Società".encode("cp1252"))
    lines[2] = lines[2].replace(b"Beta", "Perù".encode())
    path.write_bytes(b"\r\n".join(lines))


def truncate(raw: Path) -> None:
    path = raw / "companies.csv"
    text = path.read_text(encoding="utf-8").rstrip("\r\n")
    path.write_text(text[: text.rindex(",", 0, text.rindex(","))], encoding="utf-8")


def pipes(raw: Path) -> None:
    path = raw / "companies.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", "|"), encoding="utf-8")


def previous_not_processed(raw: Path) -> None:
    (raw / "wave.yaml").write_text(f"previous_wave: {PREVIOUS}\n", encoding="utf-8")


CASES: list[Case] = [
    # --- ingestion refuses the file (exit 1) ---
    Case("encoding", "a byte that is neither UTF-8 nor Windows-1252", files(bad_byte),
         "{raw}/companies.csv, row 4: cannot read byte 0x81: the file is neither UTF-8 nor "
         "Windows-1252 (save it again as CSV UTF-8)"),
    Case("mixed_encodings", "a UTF-8 row pasted into a Windows-1252 file",
         files(mixed_encodings),
         "{raw}/companies.csv, row 3: mixed encodings: this row is UTF-8 but the rest of the "
         "file is not (save the whole file again as CSV UTF-8)"),
    Case("truncated_file", "the last row is cut in the middle", files(truncate),
         "{raw}/companies.csv, row 5: the last row has 6 of 8 fields: the file looks "
         "truncated"),
    Case("empty_file", "companies.csv has zero bytes",
         files(lambda raw: (raw / "companies.csv").write_bytes(b"")),
         "{raw}/companies.csv: the file is empty"),
    Case("header_only", "companies.csv has a header and no rows",
         files(lambda raw: (raw / "companies.csv").write_text(
             "company_id,ateco_section\n", encoding="utf-8")),
         "{raw}/companies.csv: the file has a header but no data rows"),
    Case("binary_file", "an Excel workbook saved as companies.csv",
         files(lambda raw: (raw / "companies.csv").write_bytes(b"PK\x03\x04\x00\x00binary")),
         "{raw}/companies.csv: not a text file (binary content: an Excel workbook saved with a "
         ".csv name, or UTF-16 text?)"),
    Case("wrong_separator", "columns separated by '|'", files(pipes),
         "{raw}/companies.csv, row 1: the header has a single column: separate columns with "
         "',' or ';' (header starts 'company_id|name|ateco_section|n_employee')"),
    Case("duplicated_header", "two headers name the column gender", tables(rename_header),
         "{raw}/worker_survey.csv, row 1, column 'Gender': the header names this column twice "
         "(columns 3 and 4)"),
    Case("likert_out_of_range", "a 1-7 agreement item answered 8",
         tables(cell("worker_survey", 0, "wfc_3", "8")),
         "{raw}/worker_survey.csv, row 2, column 'wfc_3': '8' is not on the scale 1-7; "
         "allowed: 1, 2, 3, 4, 5, 6, 7 or their Italian labels"),
    Case("wrong_code", "gender 'Q'", tables(cell("worker_survey", 4, "gender", "Q")),
         "{raw}/worker_survey.csv, row 6, column 'gender': 'Q' is not a valid code (allowed: "
         "F, M, X, NR or their Italian labels)"),
    Case("impossible_date", "31 February", tables(network(["31/02/2013"])),
         "{raw}/network_activity.csv, row 2, column 'date': '31/02/2013' is not a date (use "
         "2014-03-31 or 31/03/2014)"),
    Case("missing_table", "no company_survey file",
         files(lambda raw: (raw / "company_survey.csv").unlink()),
         "{raw}/company_survey.csv: required table 'company_survey' is missing "
         "(company_survey.csv or company_survey.xlsx)"),
    Case("missing_column", "worker_survey without age_band",
         tables(lambda t: t["worker_survey"].__delitem__("age_band")),
         "{raw}/worker_survey.csv, row 1, column 'age_band': required column is missing"),
    Case("duplicate_respondent_id", "two questionnaires with id R0001",
         tables(cell("worker_survey", 3, "resp_id", "R0001")),
         "{raw}/worker_survey.csv, row 5, column 'resp_id': 'R0001' repeats the value of row "
         "3 (must be unique)"),
    Case("share_women_above_one", "share of women 1.4",
         tables(cell("companies", 2, "share_women", "1.4")),
         "{raw}/companies.csv, row 4, column 'share_women': 1.4 is out of range (0 to 1)"),
    # --- the gate stops the wave (exit 1) ---
    Case("orphan_worker_company", "a worker of a company that did not answer the company "
         "questionnaire", tables(cell("worker_survey", 3, "company_id", "C99")),
         "{raw}/worker_survey.csv, row 5, column 'company_id': 'C99' is not a company of "
         "company_survey (critical; 1 row)"),
    Case("surveyed_company_not_mapped", "a surveyed company missing from the mapping",
         tables(add_survey_row),
         "{raw}/company_survey.csv, row 4, column 'company_id': 'C05' is not a company of "
         "companies (critical; 1 row)"),
    Case("network_event_orphan", "a network event of an unknown company",
         tables(network(["2013-03-01", "2013-05-01"], ["C01", "C09"])),
         "{raw}/network_activity.csv, row 3, column 'company_id': 'C09' is not a company of "
         "companies (critical; 1 row)"),
    Case("date_in_future", "a network event dated 2099",
         tables(network(["2013-03-01", "2099-01-01"])),
         "{raw}/network_activity.csv, row 3, column 'date': '2099-01-01' is in the future "
         "(critical; 1 row)"),
    Case("respondents_above_headcount", "6 respondents of a company of 5 employees",
         tables(cell("companies", 0, "n_employees", "5")),
         "{raw}/companies.csv, row 2, column 'n_employees': 6 respondents in worker_survey but "
         "5 employees (critical; 1 row)"),
    Case("municipality_not_in_istat", "municipality code 023099 (Verona has 023001-023098)",
         tables(cell("companies", 2, "municipality", "023099")),
         "{raw}/companies.csv, row 4, column 'municipality': '023099' is not a municipality of "
         "the ISTAT list (critical; 1 row)"),
    Case("province_does_not_exist", "municipality code of province 999",
         tables(cell("companies", 2, "municipality", "999001")),
         "{raw}/companies.csv, row 4, column 'municipality': '999001' is not a municipality of "
         "the ISTAT list (critical; 1 row)"),
    Case("required_answer_incomplete", "wlb_fit missing for 3 of 12 workers (25 %)",
         tables(cells("worker_survey", [1, 4, 7], "wlb_fit", "")),
         "{raw}/worker_survey.csv, row 3, column 'wlb_fit': 25 % of the values are missing, at "
         "most 20 % allowed (critical; 3 rows)"),
    Case("worker_without_company", "a questionnaire with no company code",
         tables(cell("worker_survey", 4, "company_id", "")),
         "{raw}/worker_survey.csv, row 6, column 'company_id': missing value (required in "
         "every row) (critical; 1 row)"),
    Case("service_in_unknown_municipality", "a local service in municipality 023150",
         tables(services("023150")),
         "{raw}/local_services.csv, row 3, column 'municipality': '023150' is not a "
         "municipality of the ISTAT list (critical; 1 row)"),
    # --- warnings: reported, the wave goes on (exit 0) ---
    Case("few_missing_answers", "wlb_fit missing for 1 of 12 workers (8 %)",
         tables(cell("worker_survey", 4, "wlb_fit", "")),
         "{raw}/worker_survey.csv, row 6, column 'wlb_fit': 8.3 % of the values are missing, "
         "at most 5 % allowed (warning; 1 row)", status=0),
    Case("surveyed_company_outside_network", "a surveyed company marked in_network 0",
         tables(cell("companies", 1, "in_network", "0")),
         "{raw}/company_survey.csv, row 3, column 'company_id': 'C02' answered the company "
         "questionnaire but in_network is not 1 in companies (warning; 1 row)", status=0),
    Case("sector_changed", "C01 was in section C in the previous wave, G now",
         with_previous(cell("companies", 0, "ateco_section", "G")),
         "{raw}/companies.csv, row 2, column 'ateco_section': ATECO section G, C in the "
         "previous wave (w0) (warning; 1 row)", status=0),
    Case("headcount_halved", "C04 had 120 employees in the previous wave, 60 now",
         with_previous(cell("companies", 3, "n_employees", "60")),
         "{raw}/companies.csv, row 5, column 'n_employees': 60 employees, 120 in the previous "
         "wave (w0): the headcount halved (warning; 1 row)", status=0),
    Case("duplicated_questionnaire", "a questionnaire exported twice under a new id",
         tables(duplicate_questionnaire),
         "{raw}/worker_survey.csv, row 5: the same answers as another questionnaire of the "
         "same company (a duplicated export?) (warning; 2 rows)", status=0),
    Case("date_before_2000", "a network event dated 1999",
         tables(network(["1999-05-01", "2013-05-01"])),
         "{raw}/network_activity.csv, row 2, column 'date': '1999-05-01' is before 2000-01-01: "
         "implausible (warning; 1 row)", status=0),
    Case("residence_not_in_istat", "a worker living in municipality 023200",
         tables(cell("worker_survey", 5, "municipality_res", "023200")),
         "{raw}/worker_survey.csv, row 7, column 'municipality_res': '023200' is not a "
         "municipality of the ISTAT list (warning; 1 row)", status=0),
    Case("previous_wave_not_processed", "wave.yaml names a previous wave never processed",
         files(previous_not_processed),
         "{raw}/wave.yaml, column 'previous_wave': wave.yaml names the previous wave 'w0', "
         "which has no processed data: wave-over-wave checks skipped (warning)", status=0),
    Case("duplicated_company", "two company codes with the same name and municipality",
         tables(cell("companies", 3, "name", "Alfa S.r.l.")),
         "{raw}/companies.csv, row 2, column 'name': same name and municipality as another "
         "company (a duplicated company?) (warning; 2 rows)", status=0),
    Case("implausible_headcount", "a company of 50,000 employees",
         tables(cell("companies", 3, "n_employees", "50000")),
         "{raw}/companies.csv, row 5, column 'n_employees': 50000 is above 10000: implausible "
         "(warning; 1 row)", status=0),
]
