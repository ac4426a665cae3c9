"""card payments: each card order's PaymentIntent, and its refunds

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('card_payment',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('payment_intent_id', sa.String(length=255), nullable=False),
    sa.Column('client_secret', sa.String(length=255), nullable=False),
    sa.Column('booker_email', sa.String(length=254), nullable=True),
    sa.Column('paid_pence', sa.Integer(), nullable=False),
    sa.Column('refunded_pence', sa.Integer(), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('paid_pence >= 0 AND refunded_pence >= 0 AND refunded_pence <= paid_pence', name=op.f('ck_card_payment_refunds_within_what_was_paid')),
    sa.ForeignKeyConstraint(['order_id'], ['customer_order.id'], name=op.f('fk_card_payment_order_id_customer_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_card_payment')),
    sa.UniqueConstraint('payment_intent_id', name='uq_card_payment_payment_intent_id')
    )
    op.create_table('order_refund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('idempotency_key', sa.String(length=100), nullable=False),
    sa.Column('stripe_refund_id', sa.String(length=255), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_pence > 0', name=op.f('ck_order_refund_amount_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['customer_order.id'], name=op.f('fk_order_refund_order_id_customer_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_refund')),
    sa.UniqueConstraint('order_id', 'idempotency_key', name='uq_order_refund_order_id_idempotency_key')
    )
    with op.batch_alter_table('order_refund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_refund_order_id'), ['order_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('order_refund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_refund_order_id'))

    op.drop_table('order_refund')
    op.drop_table('card_payment')
