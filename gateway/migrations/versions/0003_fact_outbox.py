"""an outbox of facts for the services that keep copies of them (shared.facts)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'fact_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('keeper', sa.String(length=20), nullable=False),
        sa.Column('path', sa.String(length=300), nullable=False),
        sa.Column('fact', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fact_outbox')),
    )
    op.create_index(op.f('ix_fact_outbox_delivered_at'), 'fact_outbox', ['delivered_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_fact_outbox_delivered_at'), table_name='fact_outbox')
    op.drop_table('fact_outbox')
