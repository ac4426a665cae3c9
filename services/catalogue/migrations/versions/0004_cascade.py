"""cascade: programmes, school sprints, QA notes and their revisions; the catalogue's email outbox

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-12
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=True),
    sa.Column('ics', sa.Text(), nullable=True),
    sa.Column('ics_method', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_sent_at'), ['sent_at'], unique=False)

    op.create_table('programme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('source_course_id', sa.Integer(), nullable=False),
    sa.Column('source_session_ids', sa.JSON(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=True),
    sa.Column('follow_up_meeting_ids', sa.JSON(), nullable=False),
    sa.Column('school_scope', sa.Enum('ALL', 'PHASE', 'LIST', name='school_scope', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('school_phase', sa.String(length=20), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_name', sa.String(length=160), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(school_scope = 'PHASE') = (school_phase IS NOT NULL)", name=op.f('ck_programme_phase_only_for_phase')),
    sa.ForeignKeyConstraint(['source_course_id'], ['course.id'], name=op.f('fk_programme_source_course_id_course'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme'))
    )
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_source_course_id'), ['source_course_id'], unique=False)

    op.create_table('programme_school',
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_programme_school_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('programme_id', 'school_id', name=op.f('pk_programme_school'))
    )
    with op.batch_alter_table('programme_school', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_school_school_id'), ['school_id'], unique=False)

    op.create_table('sprint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('lead_name', sa.String(length=160), nullable=False),
    sa.Column('lead_email', sa.String(length=254), nullable=True),
    sa.Column('school_risk_band', sa.Enum('LOW', 'MEDIUM', 'HIGH', name='school_risk_band', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('status', sa.Enum('PLANNED', 'IN_PROGRESS', 'COMPLETE', name='status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'COMPLETE') = (completed_at IS NOT NULL)", name=op.f('ck_sprint_complete_when_completed')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_sprint_programme_id_programme'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sprint')),
    sa.UniqueConstraint('programme_id', 'school_id', name=op.f('uq_sprint_programme_id_school_id'))
    )
    with op.batch_alter_table('sprint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sprint_status'), ['status'], unique=False)

    op.create_table('sprint_school',
    sa.Column('sprint_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('host', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id', 'school_id'], ['programme_school.programme_id', 'programme_school.school_id'], name=op.f('fk_sprint_school_programme_id_programme_school'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['sprint_id'], ['sprint.id'], name=op.f('fk_sprint_school_sprint_id_sprint'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sprint_id', 'school_id', name=op.f('pk_sprint_school')),
    sa.UniqueConstraint('programme_id', 'school_id', name=op.f('uq_sprint_school_programme_id_school_id'))
    )
    with op.batch_alter_table('sprint_school', schema=None) as batch_op:
        batch_op.create_index('ix_sprint_school_school', ['school_id', 'sprint_id'], unique=False)

    op.create_table('sprint_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sprint_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('video_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('PLANNED', 'HELD', 'CANCELLED', name='status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('staff_attending', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('flagged_for_central', sa.Boolean(), nullable=False),
    sa.Column('central_attendee_id', sa.Integer(), nullable=True),
    sa.Column('central_attendee_name', sa.String(length=160), nullable=True),
    sa.Column('central_attendee_email', sa.String(length=254), nullable=True),
    sa.Column('qa_reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('plan_reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("staff_attending IS NULL OR (status = 'HELD' AND staff_attending >= 0)", name=op.f('ck_sprint_session_staff_counted_when_held')),
    sa.CheckConstraint('duration_minutes IS NULL OR duration_minutes > 0', name=op.f('ck_sprint_session_duration_positive')),
    sa.CheckConstraint('sequence >= 1', name=op.f('ck_sprint_session_sequence_positive')),
    sa.ForeignKeyConstraint(['sprint_id'], ['sprint.id'], name=op.f('fk_sprint_session_sprint_id_sprint'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sprint_session')),
    sa.UniqueConstraint('sprint_id', 'sequence', name=op.f('uq_sprint_session_sprint_id_sequence'))
    )
    with op.batch_alter_table('sprint_session', schema=None) as batch_op:
        batch_op.create_index('ix_sprint_session_central', ['flagged_for_central', 'status', 'scheduled_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sprint_session_sprint_id'), ['sprint_id'], unique=False)

    op.create_table('qa_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sprint_session_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=160), nullable=False),
    sa.Column('judgement', sa.Enum('SECURE', 'DEVELOPING', 'NOT_YET_SECURE', name='judgement', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('strengths', sa.Text(), nullable=False),
    sa.Column('development_points', sa.Text(), nullable=False),
    sa.Column('next_session_plan', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_name', sa.String(length=160), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('version >= 1', name=op.f('ck_qa_note_version_positive')),
    sa.ForeignKeyConstraint(['sprint_session_id'], ['sprint_session.id'], name=op.f('fk_qa_note_sprint_session_id_sprint_session'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qa_note')),
    sa.UniqueConstraint('sprint_session_id', name=op.f('uq_qa_note_sprint_session_id'))
    )
    op.create_table('qa_note_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('judgement', sa.Enum('SECURE', 'DEVELOPING', 'NOT_YET_SECURE', name='judgement', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('strengths', sa.Text(), nullable=False),
    sa.Column('development_points', sa.Text(), nullable=False),
    sa.Column('next_session_plan', sa.Text(), nullable=False),
    sa.Column('written_by_id', sa.Integer(), nullable=True),
    sa.Column('written_by_name', sa.String(length=160), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.Column('replaced_by_name', sa.String(length=160), nullable=False),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['note_id'], ['qa_note.id'], name=op.f('fk_qa_note_revision_note_id_qa_note'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qa_note_revision')),
    sa.UniqueConstraint('note_id', 'version', name=op.f('uq_qa_note_revision_note_id_version'))
    )


def downgrade() -> None:
    op.drop_table('qa_note_revision')
    op.drop_table('qa_note')
    with op.batch_alter_table('sprint_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sprint_session_sprint_id'))
        batch_op.drop_index('ix_sprint_session_central')

    op.drop_table('sprint_session')
    with op.batch_alter_table('sprint_school', schema=None) as batch_op:
        batch_op.drop_index('ix_sprint_school_school')

    op.drop_table('sprint_school')
    with op.batch_alter_table('sprint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sprint_status'))

    op.drop_table('sprint')
    with op.batch_alter_table('programme_school', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_school_school_id'))

    op.drop_table('programme_school')
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_source_course_id'))

    op.drop_table('programme')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_sent_at'))

    op.drop_table('outbox_message')
