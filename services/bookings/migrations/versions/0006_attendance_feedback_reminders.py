"""attendance, feedback, reminders and the course subject snapshot

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

STAMPS = ('approval_reminded_at', 'reminded_week_at', 'reminded_day_at', 'feedback_requested_at', 'feedback_at')


def upgrade() -> None:
    with op.batch_alter_table('course_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('course_subject', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('course_phases', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('register_taken_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_course_session_course_subject'), ['course_subject'], unique=False)
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approver_emails', sa.String(length=1000), nullable=True))
        for name in STAMPS:
            batch_op.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('feedback_rating', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('feedback_comment', sa.String(length=2000), nullable=True))
        batch_op.create_check_constraint(op.f('ck_booking_feedback_rating_1_to_5'), 'feedback_rating BETWEEN 1 AND 5')


def downgrade() -> None:
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_booking_feedback_rating_1_to_5'), type_='check')
        batch_op.drop_column('feedback_comment')
        batch_op.drop_column('feedback_rating')
        for name in reversed(STAMPS):
            batch_op.drop_column(name)
        batch_op.drop_column('approver_emails')
    with op.batch_alter_table('course_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_session_course_subject'))
        batch_op.drop_column('register_taken_at')
        batch_op.drop_column('course_phases')
        batch_op.drop_column('course_subject')
