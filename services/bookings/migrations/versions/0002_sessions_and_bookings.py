"""sessions and bookings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('course_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('venue', sa.String(length=200), nullable=True),
    sa.Column('online_url', sa.String(length=500), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('external_places', sa.Integer(), nullable=False),
    sa.Column('trust_taken', sa.Integer(), nullable=False),
    sa.Column('requires_approval', sa.Boolean(), nullable=False),
    sa.Column('booking_closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancellation_deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('SCHEDULED', 'CANCELLED', 'COMPLETED', name='status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_course_session_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_course_session_ends_after_start')),
    sa.CheckConstraint('external_places >= 0 AND external_places <= capacity', name=op.f('ck_course_session_external_within_capacity')),
    sa.CheckConstraint('trust_taken >= 0 AND trust_taken <= capacity - external_places', name=op.f('ck_course_session_trust_taken_in_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_session'))
    )
    with op.batch_alter_table('course_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_session_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_session_starts_at'), ['starts_at'], unique=False)

    op.create_table('booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('attendee_name', sa.String(length=160), nullable=False),
    sa.Column('attendee_email', sa.String(length=254), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('booked_by_id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=100), nullable=True),
    sa.Column('status', sa.Enum('PENDING_APPROVAL', 'HELD', 'CONFIRMED', 'WAITLISTED', 'OFFERED', 'CANCELLED', 'DECLINED', 'ATTENDED', 'NO_SHOW', name='status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('offer_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['course_session.id'], name=op.f('fk_booking_session_id_course_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking')),
    sa.UniqueConstraint('booked_by_id', 'idempotency_key', name=op.f('uq_booking_booked_by_id_idempotency_key'))
    )
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_session_id'), ['session_id'], unique=False)
        batch_op.create_index('uq_booking_live_person', ['session_id', 'person_id'], unique=True, sqlite_where=sa.text("status IN ('PENDING_APPROVAL','HELD','CONFIRMED','OFFERED','WAITLISTED')"), postgresql_where=sa.text("status IN ('PENDING_APPROVAL','HELD','CONFIRMED','OFFERED','WAITLISTED')"))



def downgrade() -> None:
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_index('uq_booking_live_person', sqlite_where=sa.text("status IN ('PENDING_APPROVAL','HELD','CONFIRMED','OFFERED','WAITLISTED')"), postgresql_where=sa.text("status IN ('PENDING_APPROVAL','HELD','CONFIRMED','OFFERED','WAITLISTED')"))
        batch_op.drop_index(batch_op.f('ix_booking_session_id'))
        batch_op.drop_index(batch_op.f('ix_booking_school_id'))
        batch_op.drop_index(batch_op.f('ix_booking_person_id'))

    op.drop_table('booking')
    with op.batch_alter_table('course_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_session_starts_at'))
        batch_op.drop_index(batch_op.f('ix_course_session_course_id'))

    op.drop_table('course_session')
