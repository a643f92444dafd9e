"""Case study documents made by real writers: python-docx for Word, LibreOffice for PDF.

Four Word shapes that libraries use (the impact case study template with heading styles, a
two-column form, prose with a bold headline figure and a quotation, the MAP story format), a
web page, and :func:`to_pdf`, which converts .docx files with ``soffice --headless``.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx

__all__ = ["template_docx", "form_docx", "prose_docx", "map_docx", "columns_docx", "case_html",
           "to_pdf", "convert", "scanned", "docx_bytes", "SHAPES"]


def docx_bytes(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def template_docx() -> bytes:
    """The impact case study template: heading styles, a header and footer, smart quotes."""
    d = docx.Document()
    section = d.sections[0]
    section.header.paragraphs[0].text = "Westmere Library and Knowledge Service"
    section.footer.paragraphs[0].text = "Impact case study – page 1"
    d.add_paragraph("Impact case study", style="Title")
    d.add_heading("Pressure ulcer mattresses: evidence steers a procurement", 1)
    d.add_heading("The challenge", 2)
    d.add_paragraph("The tissue viability team at Westmere Hospitals NHS Foundation Trust "
                    "had to choose between hybrid and alternating\u00a0pressure mattresses "
                    "before a tender worth £400,000.")
    d.add_heading("Role of the library", 2)
    d.add_paragraph("The clinical librarian ran an expert literature search of MEDLINE, "
                    "CINAHL and the Cochrane Library and wrote an evidence summary.")
    d.add_paragraph("Searched three databases", style="List Bullet")
    d.add_paragraph("Appraised two trials", style="List Bullet")
    d.add_heading("Outcome", 2)
    d.add_paragraph("The trust bought hybrid mattresses and saved £62,000 in the first year. "
                    "Pressure ulcers fell on the wards that changed.")
    d.add_heading("Benefit to patients", 2)
    d.add_paragraph("Fewer patients developed pressure ulcers.")
    d.add_heading("Cost or time saved", 2)
    d.add_paragraph("£62,000 a year, and 2 days of nurse specialist time saved.")
    d.add_heading("Quote", 2)
    d.add_paragraph("\u201cThe evidence summary gave us the confidence to change our "
                    "mattresses across the trust.\u201d")
    d.add_paragraph("\u2013 Dr Priya Raman, Consultant Nurse, Westmere Hospitals NHS "
                    "Foundation Trust")
    return docx_bytes(d)


def form_docx() -> bytes:
    """A two-column Word form: labels in the left column, answers in the right."""
    d = docx.Document()
    d.add_paragraph("LKS impact case study form", style="Title")
    rows = [
        ("Title", "Sepsis screening in the emergency department"),
        ("Organisation", "Barts Health NHS Trust"),
        ("Region", "London"),
        ("Sector", "Acute"),
        ("Date submitted", "12 March 2021"),
        ("What was the challenge or question?",
         "The emergency department wanted to know whether NEWS2 screening at triage finds "
         "sepsis earlier."),
        ("How did the library and knowledge service help?",
         "A literature search with critical appraisal of 14 studies."),
        ("What difference did it make?",
         "Triage nurses now screen with NEWS2. The search saved the team 3 days of work."),
        ("Did it save money or time?", "GBP 12,500 per year in avoided agency shifts."),
        ("Quote", "'The appraisal settled a two-year argument in one meeting,' said Tom "
                  "Okafor, Emergency Department Matron."),
    ]
    table = d.add_table(rows=len(rows), cols=2)
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].paragraphs[0].add_run(label).bold = True
        row.cells[1].text = value
    return docx_bytes(d)


def prose_docx() -> bytes:
    """Prose without headings: a bold headline figure, a quotation, a Working with block."""
    d = docx.Document()
    d.add_paragraph().add_run("Evidence review saves £1.2m on wound dressings").bold = True
    d.add_paragraph("Northmoor Community Health NHS Trust spent £3m a year on dressings. The "
                    "wound care formulary group asked the library for the evidence on silver "
                    "dressings, and the librarian's evidence review showed no benefit over "
                    "plain dressings for most wounds.")
    d.add_paragraph("Removing silver dressings from the formulary saved over £1.2 million in "
                    "two years, with no rise in wound infections.")
    d.add_paragraph("\u201cWithout the library we would still be buying silver by default,"
                    "\u201d said Dr Anne Lewis, Consultant Dermatologist, and Sam Patel, "
                    "Tissue Viability Lead, Northmoor Community Health NHS Trust.")
    d.add_paragraph("Working with: Jo Bloggs, Clinical Librarian, Northmoor Library and "
                    "Knowledge Service")
    return docx_bytes(d)


def map_docx() -> bytes:
    """The MAP story format."""
    d = docx.Document()
    d.add_heading("Falls prevention on older people's wards", 0)
    sections = [
        ("Project team", "Kim Lee, Outreach Librarian; the falls steering group."),
        ("Resources required", "Two hours of librarian time a week for three months."),
        ("The story", "Falls on the older people's wards at Calderbrook Hospital were rising. "
                      "The librarian ran literature searches on bed sensors and multifactorial "
                      "falls assessments, and the steering group rewrote the falls bundle. "
                      "Falls fell by a fifth, freeing 40 hours of ward staff time a month."),
        ("Alignment to local, regional and national drivers",
         "The NHS Long Term Plan and the trust's quality strategy."),
        ("Impact for the Library", "Three new teams now ask for evidence searches."),
    ]
    for heading, text in sections:
        d.add_heading(heading, 1)
        d.add_paragraph(text)
    return docx_bytes(d)


SHAPES = {"template": template_docx, "form": form_docx, "prose": prose_docx, "map": map_docx}


def case_html() -> bytes:
    return b"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Case study: Lithium monitoring | Trust library</title>
<script>var tracking = "ignore me";</script></head><body>
<header><nav><a href="/">Home</a> <a href="/library">Library</a></nav></header>
<main><article>
<h1>Lithium monitoring in primary care</h1>
<p><strong>Challenge:</strong> GP practices in Fenmarsh were unsure how often to test
lithium levels.</p>
<h2>What the library did</h2>
<p>The knowledge specialist searched the literature and wrote an evidence summary.</p>
<h2>Impact</h2>
<p>The practices adopted a shared monitoring protocol, saving &pound;8,000 a year in
repeat tests.</p>
<blockquote><p>&ldquo;We finally have one protocol everyone follows.&rdquo;</p>
<p>&mdash; Practice Pharmacist, Fenmarsh Primary Care Network</p></blockquote>
</article></main>
<footer><p>Copyright the trust. Accessibility statement.</p></footer>
</body></html>"""


def to_pdf(documents: dict[str, bytes], folder: Path) -> dict[str, bytes]:
    """Each .docx converted to PDF by LibreOffice (one soffice run for all of them)."""
    return convert(documents, folder, "pdf")


def convert(documents: dict[str, bytes], folder: Path, kind: str) -> dict[str, bytes]:
    """Each .docx converted to ``kind`` (pdf, doc, odt, rtf) by LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed (apt-get install libreoffice-writer-nogui)"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in documents.items():
        (folder / f"{name}.docx").write_bytes(data)
    names = list(documents)
    with tempfile.TemporaryDirectory() as profile:
        # Its own profile: another soffice running on the machine must not block this one.
        # Batches of 40, and a second try for any file a batch did not write.
        for attempt in range(2):
            todo = [n for n in names if not (folder / f"{n}.{kind}").exists()]
            for start in range(0, len(todo), 40):
                subprocess.run(
                    [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                     "--convert-to", kind, "--outdir", str(folder),
                     *(str(folder / f"{n}.docx") for n in todo[start:start + 40])],
                    check=attempt == 1, capture_output=True, timeout=600,
                    env={**os.environ, "HOME": profile},
                )
    return {name: (folder / f"{name}.{kind}").read_bytes() for name in documents}


def scanned(pdf: bytes, folder: Path, dpi: int = 200) -> bytes:
    """``pdf`` as a scanner makes it: each page only a greyscale picture, no text layer."""
    from PIL import Image

    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "poppler is needed (apt-get install poppler-utils)"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "original.pdf").write_bytes(pdf)
    subprocess.run([pdftoppm, "-r", str(dpi), "-gray", "-png", str(folder / "original.pdf"),
                    str(folder / "page")], check=True, capture_output=True, timeout=120)
    pages = [Image.open(path) for path in sorted(folder.glob("page*.png"))]
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return out.getvalue()


def columns_docx() -> bytes:
    """A newsletter-style page set in two columns."""
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    d = docx.Document()
    cols = OxmlElement("w:cols")
    cols.set(qn("w:num"), "2")
    d.sections[0]._sectPr.append(cols)
    d.add_paragraph("The left column tells the challenge: the antimicrobial stewardship team "
                    "wanted to know whether shorter courses of antibiotics for pneumonia were "
                    "as safe as longer ones, before the winter pressures began in earnest. " * 3)
    d.add_paragraph("The right column tells the outcome: after the evidence review the team "
                    "changed the guideline to five days, which cut antibiotic use and saved "
                    "money for the pharmacy budget across every adult ward in the hospital. " * 3)
    return docx_bytes(d)
