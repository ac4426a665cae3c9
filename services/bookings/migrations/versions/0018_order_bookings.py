"""an order's attendees hold Bookings: booking.order_attendee_id, person_id optional

Revision ID: 0018
Revises: 0017 (after the discount shares, at merge)
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.add_column(sa.Column('order_attendee_id', sa.Integer(), nullable=True))
        batch_op.alter_column('person_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_booking_order_attendee_id'), ['order_attendee_id'], unique=True)
        batch_op.create_foreign_key(batch_op.f('fk_booking_order_attendee_id_order_attendee'), 'order_attendee',
                                    ['order_attendee_id'], ['id'], ondelete='CASCADE')
        # Every booking is a trust person's or an order attendee's, never neither.
        batch_op.create_check_constraint(batch_op.f('ck_booking_a_person_or_an_attendee'),
                                         'person_id IS NOT NULL OR order_attendee_id IS NOT NULL')


def downgrade() -> None:
    op.execute("DELETE FROM booking WHERE person_id IS NULL")
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_booking_a_person_or_an_attendee'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_booking_order_attendee_id_order_attendee'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_booking_order_attendee_id'))
        batch_op.alter_column('person_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('order_attendee_id')
