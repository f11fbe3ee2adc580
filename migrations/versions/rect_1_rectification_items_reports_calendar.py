"""整改: rectification items, reports, evidence, history, extensions, reminders, the local working-day
calendar, and the circular's rectification period

Revision ID: rect_1
Revises: units_2
Create Date: 2026-12-01 13:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'rect_1'
down_revision = 'units_2'
branch_labels = None
depends_on = None


def _ts(name, nullable=True):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    with op.batch_alter_table('circulars', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rectify_days', sa.Integer(), server_default='15', nullable=False))
        batch_op.add_column(sa.Column('rectify_day_kind', sa.String(length=8), server_default='natural',
                                      nullable=False))

    op.create_table(
        'rectification_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('circular_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Uuid(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('problem', sa.Text(), nullable=False),
        sa.Column('category', sa.String(length=40), nullable=False),
        sa.Column('measures', sa.Text(), nullable=False),
        sa.Column('leader', sa.String(length=100), nullable=False),
        sa.Column('responsible', sa.String(length=100), nullable=False),
        sa.Column('progress', sa.Text(), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('yellow_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('reported', sa.Boolean(), nullable=False),
        sa.Column('flag', sa.String(length=16), nullable=False),
        sa.Column('return_reason', sa.Text(), nullable=False),
        sa.Column('close_note', sa.Text(), nullable=False),
        _ts('submitted_at'), _ts('returned_at'), _ts('closed_at'),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        _ts('created_at', False), _ts('updated_at', False),
        sa.ForeignKeyConstraint(['circular_id'], ['circulars.id'], name=op.f('fk_rectification_items_circular_id_circulars')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_rectification_items_unit_id_units')),
        sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_rectification_items_finding_id_findings')),
        sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_rectification_items_closed_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_items')),
        sa.UniqueConstraint('circular_id', 'finding_id', name='uq_rectification_items_circular_finding'),
    )
    with op.batch_alter_table('rectification_items', schema=None) as batch_op:
        for col in ('circular_id', 'unit_id', 'finding_id', 'category', 'due_date', 'yellow_on', 'status',
                    'closed_at'):
            batch_op.create_index(batch_op.f(f'ix_rectification_items_{col}'), [col], unique=False)

    op.create_table(
        'rectification_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('circular_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('scan_sha256', sa.String(length=64), nullable=False),
        sa.Column('scan_filename', sa.String(length=200), nullable=False),
        sa.Column('scan_size', sa.Integer(), nullable=False),
        sa.Column('return_reason', sa.Text(), nullable=False),
        _ts('submitted_at'),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        _ts('decided_at'),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        _ts('updated_at', False),
        sa.ForeignKeyConstraint(['circular_id'], ['circulars.id'], name=op.f('fk_rectification_reports_circular_id_circulars')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_rectification_reports_unit_id_units')),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_rectification_reports_submitted_by_id_users')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_rectification_reports_decided_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_reports')),
        sa.UniqueConstraint('circular_id', 'unit_id', name='uq_rectification_reports_circular_unit'),
    )
    with op.batch_alter_table('rectification_reports', schema=None) as batch_op:
        for col in ('circular_id', 'unit_id', 'status'):
            batch_op.create_index(batch_op.f(f'ix_rectification_reports_{col}'), [col], unique=False)

    op.create_table(
        'rectification_evidence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        _ts('created_at', False),
        sa.ForeignKeyConstraint(['item_id'], ['rectification_items.id'], ondelete='CASCADE', name=op.f('fk_rectification_evidence_item_id_rectification_items')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_rectification_evidence_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_evidence')),
        sa.UniqueConstraint('item_id', 'sha256', name='uq_rectification_evidence_item_sha256'),
    )
    with op.batch_alter_table('rectification_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_evidence_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_evidence_sha256'), ['sha256'], unique=False)

    op.create_table(
        'rectification_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.Column('after', sa.JSON(), nullable=False),
        _ts('created_at', False),
        sa.ForeignKeyConstraint(['item_id'], ['rectification_items.id'], ondelete='CASCADE', name=op.f('fk_rectification_events_item_id_rectification_items')),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_rectification_events_actor_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_events')),
    )
    with op.batch_alter_table('rectification_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_events_item_id'), ['item_id'], unique=False)

    op.create_table(
        'rectification_extensions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('old_due', sa.Date(), nullable=False),
        sa.Column('requested_due', sa.Date(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('decision_note', sa.Text(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        _ts('requested_at', False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        _ts('decided_at'),
        sa.ForeignKeyConstraint(['item_id'], ['rectification_items.id'], ondelete='CASCADE', name=op.f('fk_rectification_extensions_item_id_rectification_items')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_rectification_extensions_requested_by_id_users')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_rectification_extensions_decided_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_extensions')),
    )
    with op.batch_alter_table('rectification_extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_extensions_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_extensions_status'), ['status'], unique=False)

    op.create_table(
        'rectification_reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('on_date', sa.Date(), nullable=False),
        sa.Column('due_soon', sa.Integer(), nullable=False),
        sa.Column('overdue', sa.Integer(), nullable=False),
        sa.Column('item_ids', sa.JSON(), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        _ts('seen_at'), _ts('created_at', False),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_rectification_reminders_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_reminders')),
        sa.UniqueConstraint('unit_id', 'on_date', name='uq_rectification_reminders_unit_on_date'),
    )
    with op.batch_alter_table('rectification_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_reminders_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_reminders_on_date'), ['on_date'], unique=False)

    op.create_table(
        'work_calendar_days',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('is_workday', sa.Boolean(), nullable=False),
        sa.Column('note', sa.String(length=100), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        _ts('updated_at', False),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_work_calendar_days_updated_by_id_users')),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_work_calendar_days')),
    )


def downgrade():
    for table in ('work_calendar_days', 'rectification_reminders', 'rectification_extensions',
                  'rectification_events', 'rectification_evidence', 'rectification_reports',
                  'rectification_items'):
        op.drop_table(table)
    with op.batch_alter_table('circulars', schema=None) as batch_op:
        batch_op.drop_column('rectify_day_kind')
        batch_op.drop_column('rectify_days')
