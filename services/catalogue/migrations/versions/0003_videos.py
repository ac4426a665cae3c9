"""the video library: videos, resumable uploads, watch progress; the catalogue's audit trail

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-10
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=160), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=40), nullable=False),
    sa.Column('object_label', sa.String(length=200), nullable=True),
    sa.Column('parent_type', sa.String(length=40), nullable=True),
    sa.Column('parent_id', sa.String(length=40), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entry_object', ['object_type', 'object_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_entry_parent', ['parent_type', 'parent_id', 'id'], unique=False)

    op.create_table('video_upload',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('storage_key', sa.String(length=200), nullable=True),
    sa.Column('poster_key', sa.String(length=200), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.Column('duration_seconds', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.CheckConstraint('size_bytes > 0 AND "offset" >= 0 AND "offset" <= size_bytes', name=op.f('ck_video_upload_offset_within_size')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_video_upload'))
    )
    with op.batch_alter_table('video_upload', schema=None) as batch_op:
        batch_op.create_index('ix_video_upload_updated_at', ['updated_at'], unique=False)

    op.create_table('video',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('subject', sa.String(length=80), nullable=False),
    sa.Column('phases', sa.JSON(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('visibility', sa.Enum('TRUST', 'PUBLIC', name='visibility', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=True),
    sa.Column('storage_key', sa.String(length=200), nullable=True),
    sa.Column('poster_key', sa.String(length=200), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('duration_seconds', sa.Integer(), nullable=False),
    sa.Column('has_pupils', sa.Boolean(), nullable=False),
    sa.Column('consent_status', sa.Enum('PENDING', 'CONFIRMED', 'WITHDRAWN', 'NOT_NEEDED', name='consent_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('consent_by_id', sa.Integer(), nullable=True),
    sa.Column('consent_by_name', sa.String(length=160), nullable=True),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consent_note', sa.Text(), nullable=True),
    sa.Column('captions_vtt', sa.Text(), nullable=True),
    sa.Column('transcript', sa.Text(), nullable=True),
    sa.Column('chapters', sa.JSON(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_name', sa.String(length=160), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(source = 'UPLOAD' AND storage_key IS NOT NULL) OR (source = 'LINK' AND source_url IS NOT NULL)", name=op.f('ck_video_source_has_its_media')),
    sa.CheckConstraint("NOT has_pupils OR visibility = 'TRUST'", name=op.f('ck_video_pupils_never_public')),
    sa.CheckConstraint("has_pupils = (consent_status != 'NOT_NEEDED')", name=op.f('ck_video_consent_follows_pupils')),
    sa.CheckConstraint("source IN ('UPLOAD', 'LINK')", name=op.f('ck_video_source_known')),
    sa.CheckConstraint('size_bytes >= 0 AND duration_seconds >= 0', name=op.f('ck_video_sizes_not_negative')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_video_course_id_course'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_video'))
    )
    with op.batch_alter_table('video', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_video_consent_status'), ['consent_status'], unique=False)
        batch_op.create_index('ix_video_course', ['course_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_video_subject'), ['subject'], unique=False)
        batch_op.create_index(batch_op.f('ix_video_visibility'), ['visibility'], unique=False)

    op.create_table('watch_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('video_id', sa.Integer(), nullable=False),
    sa.Column('position_seconds', sa.Integer(), nullable=False),
    sa.Column('watched_seconds', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.String(length=7), nullable=False),
    sa.Column('counted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('position_seconds >= 0 AND watched_seconds >= 0', name=op.f('ck_watch_progress_seconds_not_negative')),
    sa.ForeignKeyConstraint(['video_id'], ['video.id'], name=op.f('fk_watch_progress_video_id_video'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_watch_progress')),
    sa.UniqueConstraint('person_id', 'video_id', name=op.f('uq_watch_progress_person_id_video_id'))
    )
    with op.batch_alter_table('watch_progress', schema=None) as batch_op:
        batch_op.create_index('ix_watch_progress_person_updated', ['person_id', 'updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_watch_progress_video_id'), ['video_id'], unique=False)

    _create_full_text_search()


def _create_full_text_search() -> None:
    """Search over a video's title, description and transcript, kept by the database as
    the courses' is (0001): a generated tsvector with a GIN index on PostgreSQL, an
    external-content FTS5 table kept in step by triggers on SQLite."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """ALTER TABLE video ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
                 setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
                 setweight(to_tsvector('english', coalesce(description, '')), 'B') ||
                 setweight(to_tsvector('english', coalesce(transcript, '')), 'C')) STORED"""
        )
        op.execute("CREATE INDEX ix_video_search_vector ON video USING gin (search_vector)")
        return
    op.execute(
        "CREATE VIRTUAL TABLE video_fts USING fts5(title, description, transcript, "
        "content='video', content_rowid='id', tokenize='porter unicode61')"
    )
    op.execute(
        """CREATE TRIGGER video_fts_ai AFTER INSERT ON video BEGIN
             INSERT INTO video_fts(rowid, title, description, transcript)
             VALUES (new.id, new.title, new.description, new.transcript); END"""
    )
    op.execute(
        """CREATE TRIGGER video_fts_ad AFTER DELETE ON video BEGIN
             INSERT INTO video_fts(video_fts, rowid, title, description, transcript)
             VALUES ('delete', old.id, old.title, old.description, old.transcript); END"""
    )
    op.execute(
        """CREATE TRIGGER video_fts_au AFTER UPDATE ON video BEGIN
             INSERT INTO video_fts(video_fts, rowid, title, description, transcript)
             VALUES ('delete', old.id, old.title, old.description, old.transcript);
             INSERT INTO video_fts(rowid, title, description, transcript)
             VALUES (new.id, new.title, new.description, new.transcript); END"""
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_video_search_vector")
        op.execute("ALTER TABLE video DROP COLUMN search_vector")
    else:
        for trigger in ("video_fts_ai", "video_fts_ad", "video_fts_au"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE video_fts")
    with op.batch_alter_table('watch_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_watch_progress_video_id'))
        batch_op.drop_index('ix_watch_progress_person_updated')

    op.drop_table('watch_progress')
    with op.batch_alter_table('video', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_video_visibility'))
        batch_op.drop_index(batch_op.f('ix_video_subject'))
        batch_op.drop_index('ix_video_course')
        batch_op.drop_index(batch_op.f('ix_video_consent_status'))

    op.drop_table('video')
    with op.batch_alter_table('video_upload', schema=None) as batch_op:
        batch_op.drop_index('ix_video_upload_updated_at')

    op.drop_table('video_upload')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_parent')
        batch_op.drop_index('ix_audit_entry_object')

    op.drop_table('audit_entry')
