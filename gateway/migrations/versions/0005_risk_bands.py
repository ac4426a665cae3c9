"""a school's risk band keeps why it was set and when to review it

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('risk_review_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.drop_column('risk_review_on')
        batch_op.drop_column('risk_reason')
