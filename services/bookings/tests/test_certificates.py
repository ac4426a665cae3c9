"""The certificate reads right to the person holding it: their name, the course, the
date and times in UK time, the CPD hours — read back out of the PDF with pypdf."""
from __future__ import annotations

import io
from datetime import datetime, timezone

from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from services.bookings.attendance.certificates import certificate_pdf


def render(**overrides) -> PdfReader:
    values = dict(attendee_name="Zoë Ó Briain", course_title="Maths – fractions with the bar model",
                  starts_at=datetime(2026, 6, 10, 14, 0, tzinfo=timezone.utc),
                  ends_at=datetime(2026, 6, 10, 15, 30, tzinfo=timezone.utc),
                  venue="Saltmarsh Primary School", minutes=90, certificate_id="LL-000042")
    values.update(overrides)
    pdf = certificate_pdf(**values)
    assert pdf.startswith(b"%PDF")
    return PdfReader(io.BytesIO(pdf))


def test_a_certificate_is_one_landscape_page_with_what_it_certifies():
    reader = render()
    [page] = reader.pages
    assert page.mediabox.width > page.mediabox.height
    text = page.extract_text()
    assert "Certificate of attendance" in text
    assert "Zoë Ó Briain" in text
    assert "Maths – fractions with the bar model" in text
    # 14:00 UTC in June is 15:00 in London (British Summer Time)
    assert "Wednesday 10 June 2026, 15:00–16:30" in text
    assert "Saltmarsh Primary School" in text
    assert "1 hour 30 minutes of CPD" in text
    assert "LL-000042" in text
    assert reader.metadata.title == "Certificate of attendance — Maths – fractions with the bar model"
    assert reader.metadata.author == "Lighthouse Learning"


def test_markup_in_a_title_is_printed_not_obeyed_and_long_titles_wrap():
    long_title = "Fish & <chips>: " + " ".join(["moderating writing across key stage two"] * 4)
    text = render(course_title=long_title, venue=None, minutes=120).pages[0].extract_text()
    assert "Fish & <chips>:" in text
    assert " ".join(text.split()).count("moderating writing across key stage two") == 4
    assert "Online" in text and "2 hours of CPD" in text
    # every line of the wrapped title fits the page: none wider than the page at the title's size
    page_width = render().pages[0].mediabox.width
    assert max(stringWidth(line.strip(), "Helvetica-Bold", 18) for line in text.splitlines()) < page_width


def test_a_name_the_standard_fonts_cannot_print_keeps_its_letters():
    text = render(attendee_name="Łukasz Wójcik", course_title="Ioana Ștefănescu’s phonics").pages[0].extract_text()
    assert "Lukasz Wójcik" in text
    assert "Ioana Stefanescu’s phonics" in text
