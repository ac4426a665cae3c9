"""copies of other services' facts: the school days of the academic calendar (networks'), schools' risk bands (the gateway's)

Revision ID: 0005
Revises: 0004
Create Date: 2027-01-08
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fact_received',
    sa.Column('publisher', sa.String(length=20), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('publisher', 'path', name=op.f('pk_fact_received'))
    )
    op.create_table('school_day',
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('academic_year', sa.String(length=7), nullable=False),
    sa.PrimaryKeyConstraint('on_date', name=op.f('pk_school_day'))
    )
    with op.batch_alter_table('school_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_day_academic_year'), ['academic_year'], unique=False)

    # Sprints keep the band they were planned under until their schools' bands arrive
    # (the gateway's reconciliation delivers them all when its scheduler starts).
    op.create_table('school_band',
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('band', sa.Enum('LOW', 'MEDIUM', 'HIGH', name='band', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.PrimaryKeyConstraint('school_id', name=op.f('pk_school_band'))
    )


def downgrade() -> None:
    op.drop_table('school_band')
    with op.batch_alter_table('school_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_day_academic_year'))

    op.drop_table('school_day')
    op.drop_table('fact_received')
