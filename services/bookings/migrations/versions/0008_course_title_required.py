"""every session names its course

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Sessions written without a title (the demo seed's, before it copied them) said
    # "CPD session" in every message already; they keep saying it until their course
    # is next saved in the catalogue, which names the ones still to come.
    op.execute("UPDATE course_session SET course_title = 'CPD session' WHERE course_title IS NULL")
    with op.batch_alter_table('course_session', schema=None) as batch_op:
        batch_op.alter_column('course_title', existing_type=sa.String(length=200), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('course_session', schema=None) as batch_op:
        batch_op.alter_column('course_title', existing_type=sa.String(length=200), nullable=True)
