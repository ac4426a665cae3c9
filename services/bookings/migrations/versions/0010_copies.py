"""copies of other services' facts: course listings, school days, school leaders

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa



revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'course_listing',
        sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('subject', sa.String(length=80), nullable=True),
        sa.Column('phases', sa.String(length=60), nullable=True),
        sa.Column('visibility', sa.String(length=10), nullable=False),
        sa.Column('published', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('course_id', name=op.f('pk_course_listing')),
    )
    # Sessions could be scheduled before the catalogue's first delivery arrives: each
    # course's listing as its latest session has it, which the delivery then replaces.
    op.execute(
        "INSERT INTO course_listing (course_id, title, subject, phases, visibility, published, updated_at) "
        "SELECT course_id, course_title, course_subject, course_phases, course_visibility, course_published, "
        "updated_at FROM course_session s "
        "WHERE s.id = (SELECT max(id) FROM course_session latest WHERE latest.course_id = s.course_id)")
    op.create_table(
        'school_day',
        sa.Column('on_date', sa.Date(), nullable=False),
        sa.Column('academic_year', sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint('on_date', name=op.f('pk_school_day')),
    )
    op.create_index(op.f('ix_school_day_academic_year'), 'school_day', ['academic_year'], unique=False)
    op.create_table(
        'school_leader',
        sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('person_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('name', sa.String(length=160), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.PrimaryKeyConstraint('school_id', 'person_id', name=op.f('pk_school_leader')),
    )
    op.create_table(
        'fact_received',
        sa.Column('publisher', sa.String(length=20), nullable=False),
        sa.Column('path', sa.String(length=300), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('publisher', 'path', name=op.f('pk_fact_received')),
    )
    # Who approves is read from school_leader now, kept by the gateway's deliveries
    # (its reconciliation fills it when the gateway's scheduler starts).
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_column('approver_emails')


def downgrade() -> None:
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approver_emails', sa.String(length=1000), nullable=True))
    op.drop_table('fact_received')
    op.drop_table('school_leader')
    op.drop_index(op.f('ix_school_day_academic_year'), table_name='school_day')
    op.drop_table('school_day')
    op.drop_table('course_listing')
