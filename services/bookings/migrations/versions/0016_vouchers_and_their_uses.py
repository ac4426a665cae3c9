"""vouchers and their uses

Revision ID: 0016
Revises: 0013 (after the payments and invoices slices, 0014 and 0015, at merge)
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('voucher',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('percent_off', sa.Integer(), nullable=True),
    sa.Column('amount_off_pence', sa.Integer(), nullable=True),
    sa.Column('course_ids', sa.JSON(), nullable=True),
    sa.Column('max_uses', sa.Integer(), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_by_name', sa.String(length=160), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(percent_off IS NULL) != (amount_off_pence IS NULL)', name=op.f('ck_voucher_percent_or_amount')),
    sa.CheckConstraint('amount_off_pence IS NULL OR amount_off_pence > 0', name=op.f('ck_voucher_amount_positive')),
    sa.CheckConstraint('percent_off IS NULL OR (percent_off BETWEEN 1 AND 100)', name=op.f('ck_voucher_percent_in_range')),
    sa.CheckConstraint('uses >= 0 AND uses <= max_uses AND max_uses >= 1', name=op.f('ck_voucher_uses_within_limit')),
    sa.CheckConstraint('valid_until >= valid_from', name=op.f('ck_voucher_window_in_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher')),
    sa.UniqueConstraint('code', name=op.f('uq_voucher_code'))
    )
    op.create_table('voucher_use',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('voucher_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('discount_pence', sa.Integer(), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('given_back_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['customer_order.id'], name=op.f('fk_voucher_use_order_id_customer_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voucher_id'], ['voucher.id'], name=op.f('fk_voucher_use_voucher_id_voucher')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_use')),
    sa.UniqueConstraint('order_id', name=op.f('uq_voucher_use_order_id'))
    )
    with op.batch_alter_table('voucher_use', schema=None) as batch_op:
        batch_op.create_index('ix_voucher_use_voucher', ['voucher_id', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('voucher_use', schema=None) as batch_op:
        batch_op.drop_index('ix_voucher_use_voucher')

    op.drop_table('voucher_use')
    op.drop_table('voucher')
