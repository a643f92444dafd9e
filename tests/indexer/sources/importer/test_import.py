"""import_paths end to end: listing, consent, stable ids, atomic writes, report, index."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from indexer.build import build_index
from indexer.paths import corpus_dir
from indexer.sources.corpus import load_corpus, public_record
from indexer.sources.importer import ListingProblem, OutputProblem, import_paths, write_report
from indexer.sources.importer.labels import LabelError, to_key, to_keys
from indexer.sources.importer.listing import read_listing
from search_service.cli import main
from search_service.engine.live import open_generation
from search_service.engine.params import SearchParams
from search_service.engine.search import search
from search_service.engine.similar import similar_to_case
from tests.indexer.sources.importer.samples import SHAPES

LISTING = [
    ["Title", "Region", "Sector", "Group impacted", "Impact types", "Organisation",
     "Date submitted", "Document"],
    ["Hybrid mattresses", "Yorkshire and the Humber", "Comunity Trust", "Medicine and Dental",
     "Improved the quality of patient care, Saved money or contributed to financial "
     "effectiveness", "barts_health", "04/03/2021", "template.docx"],
    ["Silver dressings", "Midlands", "CCG", "Patients, carers and the public",
     "Reduced risk or improved safety", "Northmoor NHS Trust", "2022-01-10", "prose.docx"],
]


@pytest.fixture()
def documents(tmp_path: Path) -> Path:
    folder = tmp_path / "documents"
    (folder / "more").mkdir(parents=True)
    for name, make in SHAPES.items():
        (folder / ("more" if name == "map" else ".") / f"{name}.docx").write_bytes(make())
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 an old Word file")
    (folder / "~$template.docx").write_bytes(b"Word's lock file")
    return folder


def _csv(rows: list[list[str]], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(rows)
    return path


@pytest.mark.parametrize(("vocabulary", "label", "key"), [
    ("region", "Yorkshire & the Humber", "yorkshire_humber"),
    ("region", "HEE North West", "north_west"),
    ("region", "Kent, Surrey and Sussex", "kent_surrey_sussex"),
    ("region", "Wessex", "Wessex"),
    ("region", "South East", "south_east"),  # an NHS England region: its own key, no guess
    ("region", "North East and Yorkshire", "north_east_and_yorkshire"),
    ("region", "london", "london"),
    ("sector", "CCG", "ccg"),
    ("sector", "Integrated care board", "ccg"),
    ("sector", "Comunity Trust", "comunity_trust"),
    ("sector", "Community trust", "comunity_trust"),
    ("group_impacted", "Medicine and Dental", "medicine_and_dental"),
    ("group_impacted", "Medical and Dental", "medicine_and_dental"),
    ("group_impacted", "Estates and Ancillary", "estates_and_ancilliary"),
    ("impact_types", "saved_money_or_contributed_to_financial_effectiveness",
     "saved_money_or_contributed_to_financial_effectiveness"),
])
def test_labels_map_to_keys(vocabulary: str, label: str, key: str) -> None:
    assert to_key(vocabulary, label) == key


def test_several_labels_with_commas_inside_labels() -> None:
    assert to_keys("group_impacted", "Patients, carers and the public") == [
        "patients_carers_and_the_public"]
    assert to_keys("impact_types", "Productivity and efficiency; Carers and the Public") == [
        "productivity_and_efficiency", "carers_and_the_public"]


def test_an_unknown_label_names_the_allowed_ones() -> None:
    with pytest.raises(LabelError, match="unknown region 'Northern'; use one of: .*Wessex"):
        to_key("region", "Northern")


@pytest.mark.parametrize("kind", ["csv", "json", "xlsx"])
def test_listing_formats(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"listing.{kind}"
    if kind == "csv":
        _csv(LISTING, path)
    elif kind == "json":
        path.write_text(json.dumps([dict(zip(LISTING[0], row, strict=True))
                                    for row in LISTING[1:]]), encoding="utf-8")
    else:
        book = openpyxl.Workbook()
        for row in LISTING:
            book.active.append(row)
        book.save(path)
    listing = read_listing(path)
    first = listing.rows[0]
    assert first.document == "template.docx" and not first.problems
    assert first.fields == {
        "title": "Hybrid mattresses", "region": "yorkshire_humber", "sector": "comunity_trust",
        "group_impacted": "medicine_and_dental", "organisation": "Barts Health NHS Trust",
        "impact_types": ["improved_the_quality_of_patient_care",
                         "saved_money_or_contributed_to_financial_effectiveness"],
        "submitted_date": "2021-03-04"}


def test_a_listing_without_a_document_column_is_refused(tmp_path: Path) -> None:
    path = _csv([["Title", "Region"], ["A", "London"]], tmp_path / "listing.csv")
    with pytest.raises(ListingProblem, match="no document column"):
        read_listing(path)


def test_import_with_listing(documents: Path, tmp_path: Path) -> None:
    rows = [*LISTING,
            ["Ghost", "London", "Acute", "All Staff", "Carers and the Public", "X", "2020-01-01",
             "missing.docx"],
            ["Bad", "Northern", "Acute", "All Staff", "Carers and the Public", "X", "2020-01-01",
             "form.docx"]]
    listing = _csv(rows, tmp_path / "listing.csv")
    out = tmp_path / "out"
    summary = import_paths([documents], out=out, listing=listing, published=True)
    by_source = {r.source: r for r in summary.results}
    assert by_source["template.docx"].status == "new"
    assert by_source["more/map.docx"].status == "new"
    assert "not in the listing" in by_source["more/map.docx"].warnings[0]
    assert "was not found among the files given" in by_source["missing.docx"].error
    assert "unknown region 'Northern'" in by_source["form.docx"].error
    assert "libreoffice --headless --convert-to docx" in by_source["old.doc"].error
    assert "~$template.docx" not in by_source
    assert sorted(p.name for p in out.iterdir()) == ["map.json", "prose.json", "template.json"]
    record = json.loads((out / "template.json").read_text(encoding="utf-8"))
    assert record["title"] == "Hybrid mattresses"  # the listing's title
    assert record["region"] == "yorkshire_humber"
    assert record["provenance"]["fields"]["region"] == {
        "origin": "read", "source": "listing", "detail": "column 'Region'"}
    assert record["provenance"]["fields"]["summary"]["origin"] == "inferred"
    assert record["provenance"]["fields"]["patient_benefit"]["origin"] == "read"
    assert record["provenance"]["listing"] == {"file": "listing.csv", "row": 2}
    assert len(record["provenance"]["source"]["sha256"]) == 64
    loaded = load_corpus(out)
    assert not loaded.problems and len(loaded.records) == 3
    assert summary.line().startswith("Imported 3 of 6 documents")


def test_reimport_is_idempotent_with_stable_ids(documents: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = import_paths([documents], out=out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    second = import_paths([documents], out=out)
    assert {r.id for r in first.results if r.id} == {r.id for r in second.results if r.id}
    assert second.count("unchanged") == 4 and second.count("new") == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing rewritten
    (documents / "prose.docx").write_bytes(SHAPES["template"]())  # the document changed
    third = import_paths([documents], out=out)
    assert {r.source: r.status for r in third.results}["prose.docx"] == "updated"
    assert third.count("unchanged") == 3


def test_same_file_names_in_two_folders_get_two_ids(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / "docs" / folder).mkdir(parents=True)
        (tmp_path / "docs" / folder / "case.docx").write_bytes(SHAPES["form"]())
    summary = import_paths([tmp_path / "docs"], out=tmp_path / "out")
    ids = sorted(r.id for r in summary.results)
    assert ids[0] == "case" and ids[1].startswith("case-") and len(set(ids)) == 2


def test_consent_defaults_withhold_names_everywhere(documents: Path, tmp_path: Path) -> None:
    import_paths([documents / "prose.docx"], out=tmp_path / "out")
    record = json.loads((tmp_path / "out" / "prose.json").read_text(encoding="utf-8"))
    assert record["consent"] == {"named": False, "internal": False, "external": False}
    public = json.dumps(public_record(record))
    for name in ("Anne Lewis", "Sam Patel", "Jo Bloggs"):
        assert name not in public
    assert "[name withheld]" in public
    import_paths([documents / "prose.docx"], out=tmp_path / "named", published=True,
                 names_consented=True)
    named = json.loads((tmp_path / "named" / "prose.json").read_text(encoding="utf-8"))
    assert named["consent"] == {"named": True, "internal": True, "external": True}
    assert "Jo Bloggs" in named["body"]
    assert public_record(named)["quote"]["name"] == "Dr Anne Lewis and Sam Patel"


def test_output_never_overwrites_the_bundled_corpus_or_other_files(documents: Path,
                                                                   tmp_path: Path) -> None:
    with pytest.raises(OutputProblem, match="bundled sample corpus"):
        import_paths([documents], out=corpus_dir() / "cases")
    out = tmp_path / "out"
    out.mkdir()
    (out / "form.json").write_text('{"id": "form", "title": "written by hand"}',
                                   encoding="utf-8")
    summary = import_paths([documents / "form.docx"], out=out)
    assert summary.results[0].id.startswith("form-")  # its own id, beside the other file
    assert json.loads((out / "form.json").read_text(encoding="utf-8"))["title"] == (
        "written by hand")


def test_a_killed_run_leaves_no_half_written_record(documents: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".import-abc.tmp").write_text('{"id": "half', encoding="utf-8")
    import_paths([documents / "form.docx"], out=out)
    assert sorted(p.name for p in out.iterdir()) == ["form.json"]


def test_report_csv_and_html(documents: Path, tmp_path: Path) -> None:
    summary = import_paths([documents], out=tmp_path / "out")
    csv_path, html_path = write_report(summary, tmp_path / "report.csv")
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    assert rows[0]["status"] == "error" and rows[0]["source"] == "old.doc"  # errors first
    template = next(r for r in rows if r["source"] == "template.docx")
    assert "challenge" in template["read"] and "region" in template["missing"]
    assert "summary (first sentences of the outcome" in template["inferred"]
    assert "£62,000 (saving" in template["figures"] and "saved £62,000" in template["figures"]
    html = html_path.read_text(encoding="utf-8")
    assert "<table>" in html and "old.doc" in html and summary.line() in html


def test_imported_records_are_indexed_searched_and_similar(documents: Path,
                                                           tmp_path: Path) -> None:
    out = tmp_path / "out"
    import_paths([documents], out=out, published=True)
    report = build_index(out, tmp_path / "index")
    assert report.documents == 4
    generation = open_generation(report.generation)
    # Words only in the body of a document without sections are found...
    page = search(generation, SearchParams(q="formulary"))
    assert page.hits[0].id == "prose"  # the word is only in its body
    page = search(generation, SearchParams(q="\"Long Term Plan\""))
    assert [h.id for h in page.hits] == ["map"]
    # ...and "similar" works on the imported text.
    related = similar_to_case(generation, "template", k=3)
    assert related.hits and all(h.id != "template" for h in related.hits)


def test_cli_import_then_index(documents: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out, report = tmp_path / "out", tmp_path / "report.csv"
    result = runner.invoke(main, ["import", "--out", str(out), "--report", str(report),
                                  "--published", "--quiet", str(documents)])
    assert result.exit_code == 1  # old.doc could not be read; the others were imported
    assert "old.doc: this is not a real .doc file" in result.output
    assert "Imported 4 of 5 documents" in result.output
    assert report.exists() and report.with_suffix(".html").exists()
    result = runner.invoke(main, ["index", "--corpus", str(out), "--index",
                                  str(tmp_path / "index"), "--quiet"])
    assert result.exit_code == 0 and "Indexed 4 case studies" in result.output


def test_email_addresses_are_withheld_without_consent(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.txt").write_text("Case study: Delirium screening\n\nOutcome\nThe ward adopted "
                                   "4AT screening. Contact jo.bloggs@nhs.net for more.\n",
                                   encoding="utf-8")
    import_paths([docs], out=tmp_path / "out")
    record = json.loads((tmp_path / "out" / "note.json").read_text(encoding="utf-8"))
    assert record["title"] == "Delirium screening"  # "Case study:" is not part of the title
    assert "jo.bloggs" not in json.dumps(record) and "[e-mail withheld]" in record["outcome"]
