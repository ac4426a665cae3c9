"""owed refunds: a card refund is written before Stripe is asked, and made after commit

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite alters a column's nullability only by copying the table
    with op.batch_alter_table('order_refund') as batch:
        batch.alter_column('stripe_refund_id', existing_type=sa.String(length=255), nullable=True)
        batch.add_column(sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('last_error', sa.String(length=500), nullable=True))


def downgrade() -> None:
    # A refund still owed has no Stripe id for the old shape to hold, and dropping it would
    # forget money the school is owed: make it first (the reconciliation), then come down.
    owed = op.get_bind().execute(sa.text("SELECT count(*) FROM order_refund WHERE stripe_refund_id IS NULL"))
    if owed.scalar():
        raise RuntimeError("Some card refunds are still owed (order_refund.stripe_refund_id is null); "
                           "let the reconciliation make them before downgrading.")
    with op.batch_alter_table('order_refund') as batch:
        batch.drop_column('last_error')
        batch.drop_column('attempted_at')
        batch.alter_column('stripe_refund_id', existing_type=sa.String(length=255), nullable=False)
