#!/usr/bin/env python3
"""Generates the PDF and DOCX fixtures of tests/it/extract_pdf.rs and benches/extract_pdf.rs.

Run from anywhere: `python3 tests/sources/make_fixtures.py`. Needs fpdf2 and python-docx, and
DejaVuSans (so every PDF font has a ToUnicode map). Deterministic: fixed dates, fixed file ids,
seeded "random" bytes for the encryption, fixed zip timestamps; running it twice gives the same
bytes.

- two-columns.pdf: 2 A4 pages, a full-width title on page 1, two columns whose lines are written
  into the content stream interleaved (left, right, left...), so stream order is not reading
  order; a hyphenated break `extra-`/`ordinary` (the joined form occurs elsewhere) and
  `well-`/`known` (the hyphenated form occurs elsewhere); a footer "Harbour Bulletin — Page N of 2".
- hundred-pages.pdf: 100 pages, one column, about 500 words a page, a footer on each page.
- scanned.pdf: one page with only an image. encrypted.pdf: a user password.
  owner-password.pdf: encrypted with an empty user password (readable by anyone).
- report.docx: title, heading, runs split mid-word, `&` and curly quotes, a table, a footnote,
  core properties and app.xml Company.
"""

import datetime
import io
import os
import random
import zipfile

from fpdf import FPDF
from fpdf import encryption as fpdf_encryption

HERE = os.path.dirname(os.path.abspath(__file__))
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DATE = datetime.datetime(2026, 11, 30, 8, 15, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))


def new_pdf(title):
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", FONT)
    pdf.set_creation_date(DATE)
    pdf.set_title(title)
    pdf.set_author("Lena Marsh")
    pdf.set_creator("make_fixtures.py")
    pdf.file_id = lambda: "<00112233445566778899AABBCCDDEEFF><00112233445566778899AABBCCDDEEFF>"
    return pdf


def write(pdf, name):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(bytes(pdf.output()))


# Columns of (paragraphs of lines), per page.
TWO_COLUMNS = [
    (
        "Harbour Authority Approves New Ferry Terminal",
        [
            ["The harbour authority voted on Tuesday", "to build a new ferry terminal on the",
             "north quay, ending a debate that has", "run for nearly a decade."],
            ["Chair Mira Osei called the plan an extra-", "ordinary step for a small port and said",
             "the first boats could dock by 2028."],
        ],
        [
            ["Residents of the old town, a well-", "known fishing district, asked for a",
             "quieter design and more bicycle racks."],
            ["The well-known architect Tomas Lind", "will present drafts in the spring, and",
             "the council will hear objections."],
        ],
    ),
    (
        None,
        [
            ["Funding comes from a regional grant", "and a loan that the port expects to",
             "repay from berth fees over thirty years."],
            ["Critics say the fees are too high for", "the island routes."],
        ],
        [
            ["An extraordinary meeting of the board", "is set for December to fix the budget."],
            ["Ticket prices will not change before", "the terminal opens."],
        ],
    ),
]

LINE_MM = 5.0
PARAGRAPH_GAP_MM = 4.0
COLUMN_WIDTH_MM = 80.0


def column_lines(paragraphs, x, top):
    """(x, baseline y, text) of each line of a column."""
    out, y = [], top
    for paragraph in paragraphs:
        for line in paragraph:
            out.append((x, y, line))
            y += LINE_MM
        y += PARAGRAPH_GAP_MM
    return out


def two_columns():
    pdf = new_pdf("Harbour Authority Approves New Ferry Terminal")
    for number, (title, left, right) in enumerate(TWO_COLUMNS, start=1):
        pdf.add_page()
        if title:
            pdf.set_font("DejaVu", size=16)
            pdf.text(20, 25, title)
        pdf.set_font("DejaVu", size=9)
        lefts = column_lines(left, 20, 40)
        rights = column_lines(right, 110, 40)
        for i in range(max(len(lefts), len(rights))):
            for column in (lefts, rights):
                if i < len(column):
                    x, y, line = column[i]
                    assert pdf.get_string_width(line) < COLUMN_WIDTH_MM, line
                    pdf.text(x, y, line)
        pdf.set_font("DejaVu", size=8)
        footer = f"Harbour Bulletin — Page {number} of 2"
        pdf.text(105 - pdf.get_string_width(footer) / 2, 285, footer)
    write(pdf, "two-columns.pdf")


WORDS = ("the port authority said on Tuesday that ferry routes to the northern islands would "
         "run twice a day from spring while the council reviews berth fees and a regional "
         "grant pays for new piers quays cranes and waiting rooms").split()


def hundred_pages():
    pdf = new_pdf("One Hundred Pages")
    rng = random.Random(18)
    for number in range(1, 101):
        pdf.add_page()
        pdf.set_font("DejaVu", size=10)
        pdf.set_xy(20, 20)
        for _ in range(5):
            words = [rng.choice(WORDS) for _ in range(100)]
            text = " ".join(words).capitalize() + "."
            pdf.multi_cell(170, 4.6, text)
            pdf.ln(3)
        pdf.set_font("DejaVu", size=8)
        pdf.text(95, 287, f"Page {number} of 100")
    write(pdf, "hundred-pages.pdf")


def scanned():
    from PIL import Image, ImageDraw

    image = Image.new("L", (400, 560), 255)
    draw = ImageDraw.Draw(image)
    for row in range(40, 520, 16):
        draw.rectangle((30, row, 370 - (row * 7) % 90, row + 6), fill=40)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = new_pdf("Scanned page")
    pdf.add_page()
    pdf.image(buffer, x=10, y=10, w=190)
    write(pdf, "scanned.pdf")


def encrypted():
    rng = random.Random(7)
    fpdf_encryption.StandardSecurityHandler.get_random_bytes = classmethod(
        lambda cls, size: bytes(rng.randrange(256) for _ in range(size)))
    pdf = new_pdf("Sealed")
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    pdf.text(20, 30, "Only with the password.")
    pdf.set_encryption(owner_password="owner", user_password="reader")
    write(pdf, "encrypted.pdf")

    pdf = new_pdf("Restricted")
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    pdf.text(20, 30, "Anyone may read this; only printing is restricted.")
    pdf.set_encryption(owner_password="owner")
    write(pdf, "owner-password.pdf")


FOOTNOTES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t>Figures from the port&apos;s 2025 annual report.</w:t></w:r></w:p></w:footnote>'
    '</w:footnotes>'
)


def report():
    import docx

    document = docx.Document()
    document.add_heading("Quarterly Port Report", level=0)
    document.add_paragraph("Prepared for the harbour board.")
    document.add_heading("Traffic & Revenue", level=1)
    p = document.add_paragraph("Ferry traffic rose ")
    p.add_run("sign").bold = True
    p.add_run("ificantly").italic = True
    p.add_run(" in the third quarter, and the board called it \u201ca turning point\u201d.")
    p.add_run("FOOTNOTE-HERE")
    p = document.add_paragraph("Cargo & fishing\tsteady.")
    p.add_run().add_break()
    p.add_run("Second line of the same paragraph.")
    table = document.add_table(rows=3, cols=4)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"R{r}C{c}"
    document.add_paragraph("The board\u2019s next meeting is in January.")
    props = document.core_properties
    props.title = "Quarterly Port Report"
    props.author = "Jonas Berg"
    props.created = datetime.datetime(2026, 10, 1, 9, 30, 0)
    props.modified = datetime.datetime(2026, 10, 2, 10, 0, 0)
    props.last_modified_by = "Jonas Berg"
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)

    # python-docx cannot write footnotes or app.xml's Company: add them to the package.
    source = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        for name in names:
            data = source.read(name)
            if not name.endswith((".xml", ".rels")):
                info = zipfile.ZipInfo(name, date_time=(2026, 10, 1, 9, 30, 0))
                target.writestr(info, data, zipfile.ZIP_DEFLATED)
                continue
            data = data.decode("utf-8")
            if name == "word/document.xml":
                data = data.replace(
                    "<w:t>FOOTNOTE-HERE</w:t>",
                    '<w:footnoteReference w:id="1"/>')
            elif name == "word/_rels/document.xml.rels":
                data = data.replace(
                    "</Relationships>",
                    '<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                    "</Relationships>")
            elif name == "[Content_Types].xml":
                data = data.replace(
                    "</Types>",
                    '<Override PartName="/word/footnotes.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
            elif name == "docProps/app.xml":
                data = data.replace("<Company/>", "<Company>Harbour Board</Company>")
            info = zipfile.ZipInfo(name, date_time=(2026, 10, 1, 9, 30, 0))
            target.writestr(info, data.encode("utf-8"), zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("word/footnotes.xml", date_time=(2026, 10, 1, 9, 30, 0))
        target.writestr(info, FOOTNOTES_XML.encode("utf-8"), zipfile.ZIP_DEFLATED)
    with open(os.path.join(HERE, "report.docx"), "wb") as f:
        f.write(out.getvalue())


if __name__ == "__main__":
    two_columns()
    hundred_pages()
    scanned()
    encrypted()
    report()
