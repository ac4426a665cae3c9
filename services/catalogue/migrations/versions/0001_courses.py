"""courses

Revision ID: 0001
Revises: 
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('subject', sa.String(length=80), nullable=False),
    sa.Column('provider', sa.String(length=120), nullable=False),
    sa.Column('delivery_mode', sa.Enum('IN_PERSON', 'ONLINE', 'HYBRID', name='delivery_mode', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('visibility', sa.Enum('TRUST', 'PUBLIC', name='visibility', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status', sa.Enum('DRAFT', 'PUBLISHED', 'ARCHIVED', name='status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('external_price_pence', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('duration_minutes > 0', name=op.f('ck_course_duration_positive')),
    sa.CheckConstraint('external_price_pence IS NULL OR external_price_pence >= 0', name=op.f('ck_course_price_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course')),
    sa.UniqueConstraint('slug', name=op.f('uq_course_slug'))
    )
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_subject'), ['subject'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_visibility'), ['visibility'], unique=False)

    op.create_table('course_audience',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.Enum('TEACHER', 'LEARNING_PARTNER', 'SUPPORT_STAFF', 'SUBJECT_LEAD', 'HEADTEACHER', 'ECT', 'GOVERNOR', 'SUPPLY', name='audience', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_audience_course_id_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', 'audience', name=op.f('pk_course_audience'))
    )
    with op.batch_alter_table('course_audience', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_audience_audience'), ['audience'], unique=False)

    op.create_table('course_phase',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.Enum('EYFS', 'KS1', 'KS2', 'KS3', 'KS4', 'KS5', name='phase', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_phase_course_id_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', 'phase', name=op.f('pk_course_phase'))
    )
    with op.batch_alter_table('course_phase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_phase_phase'), ['phase'], unique=False)

    _create_full_text_search()


def _create_full_text_search() -> None:
    """Full-text search over title, summary and description, kept by the database.

    PostgreSQL: a generated tsvector (title weighted above summary above description)
    with a GIN index.  SQLite: an external-content FTS5 table kept in step by triggers.
    Neither is in the models: they are the database's business, not the ORM's.
    """
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """ALTER TABLE course ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
                 setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
                 setweight(to_tsvector('english', coalesce(summary, '')), 'B') ||
                 setweight(to_tsvector('english', coalesce(description, '')), 'C')) STORED"""
        )
        op.execute("CREATE INDEX ix_course_search_vector ON course USING gin (search_vector)")
        return
    op.execute(
        "CREATE VIRTUAL TABLE course_fts USING fts5(title, summary, description, "
        "content='course', content_rowid='id', tokenize='porter unicode61')"
    )
    op.execute(
        """CREATE TRIGGER course_fts_ai AFTER INSERT ON course BEGIN
             INSERT INTO course_fts(rowid, title, summary, description)
             VALUES (new.id, new.title, new.summary, new.description); END"""
    )
    op.execute(
        """CREATE TRIGGER course_fts_ad AFTER DELETE ON course BEGIN
             INSERT INTO course_fts(course_fts, rowid, title, summary, description)
             VALUES ('delete', old.id, old.title, old.summary, old.description); END"""
    )
    op.execute(
        """CREATE TRIGGER course_fts_au AFTER UPDATE ON course BEGIN
             INSERT INTO course_fts(course_fts, rowid, title, summary, description)
             VALUES ('delete', old.id, old.title, old.summary, old.description);
             INSERT INTO course_fts(rowid, title, summary, description)
             VALUES (new.id, new.title, new.summary, new.description); END"""
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_course_search_vector")
        op.execute("ALTER TABLE course DROP COLUMN search_vector")
    else:
        for trigger in ("course_fts_ai", "course_fts_ad", "course_fts_au"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE course_fts")
    with op.batch_alter_table('course_phase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_phase_phase'))

    op.drop_table('course_phase')
    with op.batch_alter_table('course_audience', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_audience_audience'))

    op.drop_table('course_audience')
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_visibility'))
        batch_op.drop_index(batch_op.f('ix_course_subject'))
        batch_op.drop_index(batch_op.f('ix_course_status'))

    op.drop_table('course')
