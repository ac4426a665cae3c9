"""course listing snapshot

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('course_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('course_visibility', sa.String(length=10), server_default='TRUST', nullable=False))
        batch_op.add_column(sa.Column('course_published', sa.Boolean(), server_default=sa.true(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('course_session', schema=None) as batch_op:
        batch_op.drop_column('course_published')
        batch_op.drop_column('course_visibility')

