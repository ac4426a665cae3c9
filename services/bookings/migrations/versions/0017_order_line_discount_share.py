"""order lines carry their share of the voucher discount

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discount_share_pence', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(op.f('ck_order_line_discount_share_not_negative'),
                                         'discount_share_pence >= 0')
    _share_out_existing_discounts()


def _share_out_existing_discounts() -> None:
    """Orders made before this revision kept only the discount of their live places
    (customer_order.discount_pence).  Each line gets its part of it (by what its live
    places are worth, the pennies left over to the first lines), scaled up to the places
    it was ordered with, so the places still held keep the discount they have today and
    a later cancellation gives back what was paid for the place."""
    bind = op.get_bind()
    orders = bind.execute(sa.text("SELECT id, discount_pence FROM customer_order WHERE discount_pence > 0")).all()
    for order_id, discount in orders:
        lines = bind.execute(sa.text(
            "SELECT l.id, l.unit_price_pence, l.quantity, "
            "(SELECT count(*) FROM order_attendee a WHERE a.line_id = l.id) "
            "FROM order_line l WHERE l.order_id = :o AND l.quantity > 0 ORDER BY l.id"), {"o": order_id}).all()
        worth = sum(price * quantity for _, price, quantity, _ in lines)
        if worth <= 0:
            continue
        parts = [discount * price * quantity // worth for _, price, quantity, _ in lines]
        spare = discount - sum(parts)  # fewer pennies than lines
        for i, (line_id, price, quantity, ordered) in enumerate(lines):
            ordered = max(ordered, quantity)
            share = min((parts[i] + (1 if i < spare else 0)) * ordered // quantity, price * ordered)
            bind.execute(sa.text("UPDATE order_line SET discount_share_pence = :s WHERE id = :i"),
                         {"s": share, "i": line_id})


def downgrade() -> None:
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_order_line_discount_share_not_negative'), type_='check')
        batch_op.drop_column('discount_share_pence')
