"""academic calendar

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.String(length=7), nullable=False),
    sa.Column('name', sa.Enum('AUTUMN', 'SPRING', 'SUMMER', name='name', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('half_term_starts_on', sa.Date(), nullable=False),
    sa.Column('half_term_ends_on', sa.Date(), nullable=False),
    sa.CheckConstraint('ends_on > starts_on', name=op.f('ck_term_ends_after_start')),
    sa.CheckConstraint('half_term_starts_on >= starts_on AND half_term_ends_on <= ends_on AND half_term_ends_on >= half_term_starts_on', name=op.f('ck_term_half_term_inside')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_term')),
    sa.UniqueConstraint('academic_year', 'name', name=op.f('uq_term_academic_year_name'))
    )
    with op.batch_alter_table('term', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_term_academic_year'), ['academic_year'], unique=False)

    op.create_table('closure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('INSET', 'BANK_HOLIDAY', name='kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('note', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['term_id'], ['term.id'], name=op.f('fk_closure_term_id_term'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closure')),
    sa.UniqueConstraint('term_id', 'on_date', name=op.f('uq_closure_term_id_on_date'))
    )
    with op.batch_alter_table('closure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_closure_term_id'), ['term_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('closure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_closure_term_id'))

    op.drop_table('closure')
    with op.batch_alter_table('term', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_term_academic_year'))

    op.drop_table('term')
