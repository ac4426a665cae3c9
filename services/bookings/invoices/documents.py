"""Invoices, credit notes and card receipts as PDFs, from one template (reportlab, like
the certificates): who issues it, whom it is addressed to, its lines, its total, and
what to do next.  A document is drawn from facts that never change once it is issued
(the prices fixed on the order, the places invoiced, the credit note's amount, what a
card paid), so drawing it again gives the same document — a receipt adds the refunds
made since, each below its total, and what is left paid after them."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from services.bookings.attendance.certificates import NAVY, _printable


def money(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) // 100:,}.{abs(pence) % 100:02d}"


def day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True)
class Row:
    description: str
    session_date: str
    places: int | None
    unit_pence: int | None
    total_pence: int


@dataclass(frozen=True)
class Document:
    title: str  # "Invoice", "Credit note", "Receipt"
    number: str
    issued_on: date
    issuer_name: str
    issuer_address: str
    vat_status: str
    bill_to: list[str]  # name, address lines, billing email
    references: list[tuple[str, str]]  # ("Purchase order", "PO-1") …
    rows: list[Row]
    total_label: str
    total_pence: int
    notes: list[str] = field(default_factory=list)
    # Below the total (a receipt's refunds, as negative amounts), then `net_label` and
    # the total less them; nothing for an invoice or a credit note.
    after_total: list[Row] = field(default_factory=list)
    net_label: str = "Net"


def _lines(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def _p(text: str, size: float = 10, bold: bool = False, color=colors.black) -> Paragraph:
    return Paragraph(escape(_printable(text)), ParagraphStyle(
        "p", fontName="Helvetica-Bold" if bold else "Helvetica", fontSize=size, leading=size * 1.3, textColor=color))


def render(doc: Document) -> bytes:
    """The document as a one-or-more-page A4 PDF."""
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=f"{doc.title} {doc.number}", author=_printable(doc.issuer_name),
                            subject=f"{doc.title} {doc.number}")
    head = Table([[
        [_p(doc.issuer_name, 13, bold=True, color=NAVY), *[_p(line, 9) for line in _lines(doc.issuer_address)]],
        [_p(f"{doc.title} {doc.number}", 16, bold=True, color=NAVY), _p(f"Date: {day(doc.issued_on)}"),
         *[_p(f"{label}: {value}") for label, value in doc.references]],
    ]], colWidths=[95 * mm, 79 * mm])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    bill_to = [_p("To", 9, bold=True), *[_p(line) for line in doc.bill_to]]
    rows = [[_p("Description", 9, bold=True), _p("Session", 9, bold=True), _p("Places", 9, bold=True),
             _p("Unit price", 9, bold=True), _p("Amount", 9, bold=True)]]

    def row(r: Row) -> list:
        return [_p(r.description), _p(r.session_date), _p("" if r.places is None else str(r.places)),
                _p("" if r.unit_pence is None else money(r.unit_pence)), _p(money(r.total_pence))]

    def total(label: str, pence: int) -> list:
        return ["", "", "", _p(label, bold=True), _p(money(pence), bold=True)]

    rows += [row(r) for r in doc.rows]
    rows.append(total(doc.total_label, doc.total_pence))
    totals = [len(rows) - 1]
    if doc.after_total:
        rows += [row(r) for r in doc.after_total]
        rows.append(total(doc.net_label, doc.total_pence + sum(r.total_pence for r in doc.after_total)))
        totals.append(len(rows) - 1)
    table = Table(rows, colWidths=[70 * mm, 32 * mm, 18 * mm, 27 * mm, 27 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, NAVY),
        *[("LINEABOVE", (0, i), (-1, i), 0.8, NAVY) for i in totals],
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story = [head, Spacer(1, 8 * mm), *bill_to, Spacer(1, 8 * mm), table, Spacer(1, 8 * mm),
             *[_p(note) for note in doc.notes], Spacer(1, 4 * mm), _p(f"VAT: {doc.vat_status}", 9)]
    pdf.build(story)
    return buffer.getvalue()
