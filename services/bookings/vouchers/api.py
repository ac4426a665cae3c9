"""HTTP for vouchers (admins only): thin — parse, call the domain operation, shape."""
from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from services.bookings.vouchers import service
from services.bookings.vouchers.models import Voucher
from services.bookings.vouchers.schemas import (
    VoucherIdPath,
    VoucherIn,
    VoucherOut,
    VoucherPage,
    VouchersQuery,
    VoucherUseOut,
    VoucherWithUsesOut,
)
from shared.db import begin_write, request_session
from shared.paging import decode_cursor, page_of
from shared.web import SECURITY, current_identity

bp = APIBlueprint("vouchers", __name__, abp_tags=[Tag(name="vouchers")], abp_security=SECURITY)


def _fields(voucher: Voucher, given: dict[int, int]) -> dict:
    return {**{k: getattr(voucher, k) for k in ("id", "code", "percent_off", "amount_off_pence", "course_ids",
                                                 "max_uses", "uses", "valid_from", "valid_until", "created_at")},
            "discount_given_pence": given.get(voucher.id, 0)}


def vouchers_out(db, vouchers: list[Voucher]) -> list[dict]:
    given = service.discounts_given(db, vouchers)
    return [VoucherOut(**_fields(v, given)).model_dump(mode="json") for v in vouchers]


def voucher_with_uses(db, voucher: Voucher) -> dict:
    return VoucherWithUsesOut(**_fields(voucher, service.discounts_given(db, [voucher])), used=[
        VoucherUseOut.model_validate(u, from_attributes=True) for u in service.uses_of(db, voucher)
    ]).model_dump(mode="json")


@bp.post("/vouchers", responses={201: VoucherWithUsesOut})
def create_voucher(body: VoucherIn):
    """Admins make a voucher code: a percentage or a sum off, for some courses or all,
    a number of uses, the days it can be used."""
    db = request_session()
    begin_write(db)
    voucher = service.create_voucher(db, current_identity(), body)
    return voucher_with_uses(db, voucher), 201


@bp.get("/vouchers", responses={200: VoucherPage})
def list_vouchers(query: VouchersQuery):
    """Every voucher, newest first, with how often it has been used (admins)."""
    db = request_session()
    offset = decode_cursor(query.after)
    rows, total = service.list_vouchers(db, current_identity(), offset, query.first)
    return page_of(vouchers_out(db, rows), total, offset)


@bp.get("/vouchers/<int:voucher_id>", responses={200: VoucherWithUsesOut})
def get_voucher(path: VoucherIdPath):
    """A voucher with each of its uses: which order, which organisation, when, what it took off."""
    db = request_session()
    return voucher_with_uses(db, service.get_voucher(db, current_identity(), path.voucher_id))
