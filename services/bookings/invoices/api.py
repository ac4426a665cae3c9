"""HTTP for an order's documents (the invoice route's, and a card order's receipt): thin
— parse, call the domain operation, shape."""
from __future__ import annotations

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from services.bookings.invoices import receipts, service
from services.bookings.invoices.models import CreditNote
from services.bookings.invoices.schemas import CreditNoteOut, CreditNotePath, ReductionIn
from services.bookings.orders.schemas import OrderIdPath
from shared.db import begin_write, request_session
from shared.web import SECURITY, current_identity

bp = APIBlueprint("invoices", __name__, abp_tags=[Tag(name="invoices")], abp_security=SECURITY)


def credit_note_out(note: CreditNote) -> dict:
    return CreditNoteOut(number=service.credit_note_label(note.number), amount_pence=note.amount_pence,
                         reason=note.reason, created_at=note.created_at).model_dump(mode="json")


def credit_notes_out(db, orders) -> dict[int, list[dict]]:
    """Each order's credit notes, in one query however many orders."""
    return {order_id: [credit_note_out(n) for n in notes]
            for order_id, notes in service.credit_notes_of(db, [o.id for o in orders]).items()}


def _pdf(name: str, pdf: bytes) -> Response:
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


@bp.get("/orders/<int:order_id>/invoice.pdf")
def invoice_pdf(path: OrderIdPath):
    """The order's invoice as a PDF: its organisation's bookers and admins."""
    return _pdf(*service.invoice_pdf(request_session(), current_identity(), path.order_id))


@bp.get("/orders/<int:order_id>/receipt.pdf")
def receipt_pdf(path: OrderIdPath):
    """A card order's receipt as a PDF, once paid: its organisation's bookers and admins."""
    return _pdf(*receipts.receipt_pdf(request_session(), current_identity(), path.order_id))


@bp.get("/orders/<int:order_id>/credit-notes/<number>.pdf")
def credit_note_pdf(path: CreditNotePath):
    """A credit note against the order's invoice, as a PDF."""
    return _pdf(*service.credit_note_pdf(request_session(), current_identity(), path.order_id, path.number))


@bp.post("/orders/<int:order_id>/credit-notes", responses={201: CreditNoteOut})
def reduce_invoice(path: OrderIdPath, body: ReductionIn):
    """Admins take an amount off an issued invoice, with a reason: a credit note."""
    db = request_session()
    begin_write(db)
    note = service.reduce_invoice(db, current_identity(), path.order_id, body.amount_pence, body.reason)
    return credit_note_out(note), 201
