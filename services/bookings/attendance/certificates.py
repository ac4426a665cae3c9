"""Certificates of attendance: a one-page PDF a teacher keeps as evidence of CPD (for
appraisal, the ECF, an NPQ portfolio), made with reportlab."""
from __future__ import annotations

import io
import unicodedata
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from shared.clock import LONDON

NAVY = colors.HexColor("#1d3557")


def _style(name: str, size: float, **extra) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=extra.pop("font", "Helvetica"), fontSize=size, leading=size * 1.25,
                          alignment=TA_CENTER, textColor=extra.pop("color", NAVY), **extra)


# Letters with no decomposition that names in the trust's schools do use (Łukasz, Đorđe).
_FOLD = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i"})


def _printable(text: str) -> str:
    # The standard PDF fonts print what Windows-1252 holds (Zoë, Ó, en dashes, curly
    # quotes, €); anything else would come out as a black box. A name on a certificate
    # kept as evidence must still be recognisable, so such a letter loses its accent
    # (Ł to L, ș to s) rather than the whole letter; only what cannot be folded becomes "?".
    out = []
    for char in text:
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFKD", char.translate(_FOLD))
                           if not unicodedata.combining(c))
            char = base.encode("cp1252", "replace").decode("cp1252") or "?"
        out.append(char)
    return "".join(out)


def _hours(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if mins:
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(parts) or "0 minutes"


def certificate_pdf(*, attendee_name: str, course_title: str, starts_at: datetime, ends_at: datetime,
                    venue: str | None, minutes: int, certificate_id: str) -> bytes:
    start, end = starts_at.astimezone(LONDON), ends_at.astimezone(LONDON)
    when = f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M}\u2013{end:%H:%M}"
    buffer = io.BytesIO()
    page = landscape(A4)

    def border(canvas, doc):
        canvas.saveState()
        canvas.setStrokeColor(NAVY)
        canvas.setLineWidth(1.5)
        canvas.rect(12 * mm, 12 * mm, page[0] - 24 * mm, page[1] - 24 * mm)
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.grey)
        canvas.drawCentredString(page[0] / 2, 16 * mm, f"Certificate {_printable(certificate_id)}")
        canvas.restoreState()

    doc = SimpleDocTemplate(buffer, pagesize=page, leftMargin=30 * mm, rightMargin=30 * mm, topMargin=28 * mm,
                            bottomMargin=26 * mm, title=f"Certificate of attendance — {course_title}",
                            author="Lighthouse Learning", subject="CPD certificate of attendance")

    def text(value: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(escape(_printable(value)), style)

    story = [
        text("Certificate of attendance", _style("h", 30, font="Helvetica-Bold")),
        Spacer(1, 10 * mm),
        text("This certifies that", _style("p", 13, color=colors.black)),
        Spacer(1, 4 * mm),
        text(attendee_name, _style("name", 26, font="Helvetica-Bold")),
        Spacer(1, 4 * mm),
        text("attended", _style("p2", 13, color=colors.black)),
        Spacer(1, 4 * mm),
        text(course_title, _style("course", 18, font="Helvetica-Bold")),
        Spacer(1, 6 * mm),
        text(when, _style("when", 12, color=colors.black)),
        text(venue or "Online", _style("venue", 12, color=colors.black)),
        Spacer(1, 6 * mm),
        text(f"{_hours(minutes)} of CPD", _style("hours", 13, font="Helvetica-Bold")),
        Spacer(1, 10 * mm),
        text("Lighthouse Learning", _style("issuer", 14, font="Helvetica-Oblique")),
    ]
    doc.build(story, onFirstPage=border)
    return buffer.getvalue()
