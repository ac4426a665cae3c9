"""orders, their lines and attendees; external places taken; course prices

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('AWAITING_PAYMENT', 'PAID', 'INVOICED', 'EXPIRED', 'CANCELLED', 'REFUNDED', 'PARTIALLY_REFUNDED', name='status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('payment_method', sa.Enum('CARD', 'INVOICE', name='payment_method', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('purchase_order_number', sa.String(length=60), nullable=True),
    sa.Column('total_pence', sa.Integer(), nullable=False),
    sa.Column('discount_pence', sa.Integer(), nullable=False),
    sa.Column('invoiced_pence', sa.Integer(), nullable=True),
    sa.Column('invoice_number', sa.Integer(), nullable=True),
    sa.Column('hold_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('payment_reference', sa.String(length=100), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_by_name', sa.String(length=160), nullable=False),
    sa.Column('idempotency_key', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status != 'AWAITING_PAYMENT' OR hold_expires_at IS NOT NULL", name=op.f('ck_customer_order_a_hold_lapses')),
    sa.CheckConstraint('total_pence >= 0 AND discount_pence >= 0', name=op.f('ck_customer_order_money_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_order')),
    sa.UniqueConstraint('created_by_id', 'idempotency_key', name=op.f('uq_customer_order_created_by_id_idempotency_key')),
    sa.UniqueConstraint('invoice_number', name=op.f('uq_customer_order_invoice_number'))
    )
    with op.batch_alter_table('customer_order', schema=None) as batch_op:
        batch_op.create_index('ix_customer_order_lapsing', ['status', 'hold_expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_order_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('document_counter',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_document_counter'))
    )
    op.create_table('order_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('unit_price_pence', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity >= 0 AND unit_price_pence >= 0', name=op.f('ck_order_line_quantity_and_price_not_negative')),
    sa.ForeignKeyConstraint(['order_id'], ['customer_order.id'], name=op.f('fk_order_line_order_id_customer_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['course_session.id'], name=op.f('fk_order_line_session_id_course_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_line')),
    sa.UniqueConstraint('order_id', 'session_id', name=op.f('uq_order_line_order_id_session_id'))
    )
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_line_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_line_session_id'), ['session_id'], unique=False)

    op.create_table('order_attendee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['line_id'], ['order_line.id'], name=op.f('fk_order_attendee_line_id_order_line'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_attendee'))
    )
    with op.batch_alter_table('order_attendee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_attendee_line_id'), ['line_id'], unique=False)

    # Listings already copied have no price until the catalogue delivers them again: its
    # reconciliation republishes every listing when its scheduler starts.
    with op.batch_alter_table('course_listing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_price_pence', sa.Integer(), nullable=True))

    # No order has taken a place yet, so every session starts at 0.
    with op.batch_alter_table('course_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_taken', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_course_session_external_taken_in_range'), 'external_taken >= 0 AND external_taken <= external_places')



def downgrade() -> None:
    with op.batch_alter_table('course_session', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_course_session_external_taken_in_range'), type_='check')
        batch_op.drop_column('external_taken')

    with op.batch_alter_table('course_listing', schema=None) as batch_op:
        batch_op.drop_column('external_price_pence')

    with op.batch_alter_table('order_attendee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_attendee_line_id'))

    op.drop_table('order_attendee')
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_line_session_id'))
        batch_op.drop_index(batch_op.f('ix_order_line_order_id'))

    op.drop_table('order_line')
    op.drop_table('document_counter')
    with op.batch_alter_table('customer_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_order_organisation_id'))
        batch_op.drop_index('ix_customer_order_lapsing')

    op.drop_table('customer_order')
