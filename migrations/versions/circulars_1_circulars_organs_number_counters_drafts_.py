"""circulars: organs, number counters, drafts, sections, copies

Revision ID: circulars_1
Revises: sync_1
Create Date: 2026-11-28 10:35:31.874655

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'circulars_1'
down_revision = 'sync_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('circular_organs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('mark_text', sa.String(length=100), nullable=False),
    sa.Column('number_prefix', sa.String(length=20), nullable=False),
    sa.Column('signature', sa.String(length=100), nullable=False),
    sa.Column('printer', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circular_organs')),
    sa.UniqueConstraint('name', name=op.f('uq_circular_organs_name')),
    sa.UniqueConstraint('number_prefix', name=op.f('uq_circular_organs_number_prefix'))
    )
    op.create_table('circular_counters',
    sa.Column('organ_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organ_id'], ['circular_organs.id'], name=op.f('fk_circular_counters_organ_id_circular_organs')),
    sa.PrimaryKeyConstraint('organ_id', 'year', name=op.f('pk_circular_counters'))
    )
    op.create_table('circulars',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organ_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('recipients_line', sa.Text(), nullable=False),
    sa.Column('cc', sa.Text(), nullable=False),
    sa.Column('security_level', sa.String(length=8), nullable=False),
    sa.Column('security_period', sa.String(length=20), nullable=False),
    sa.Column('urgency', sa.String(length=8), nullable=False),
    sa.Column('signature', sa.String(length=100), nullable=False),
    sa.Column('doc_date', sa.Date(), nullable=True),
    sa.Column('printer', sa.String(length=100), nullable=False),
    sa.Column('print_date', sa.Date(), nullable=True),
    sa.Column('photo_annex', sa.Boolean(), nullable=False),
    sa.Column('table_annex', sa.Boolean(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('doc_number', sa.String(length=60), nullable=False),
    sa.Column('pdf_path', sa.String(length=200), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('drafted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_circulars_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_circulars_created_by_id_users')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_circulars_issued_by_id_users')),
    sa.ForeignKeyConstraint(['organ_id'], ['circular_organs.id'], name=op.f('fk_circulars_organ_id_circular_organs')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['circulars.id'], name=op.f('fk_circulars_supersedes_id_circulars')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circulars')),
    sa.UniqueConstraint('organ_id', 'year', 'number', name='uq_circulars_organ_year_number')
    )
    with op.batch_alter_table('circulars', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_circulars_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_circulars_organ_id'), ['organ_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_circulars_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_circulars_supersedes_id'), ['supersedes_id'], unique=False)

    op.create_table('circular_copies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('circular_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('copy_number', sa.String(length=6), nullable=False),
    sa.Column('trace_line', sa.String(length=200), nullable=False),
    sa.Column('pdf_path', sa.String(length=200), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_size', sa.Integer(), nullable=False),
    sa.Column('download_count', sa.Integer(), nullable=False),
    sa.Column('last_downloaded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['circular_id'], ['circulars.id'], name=op.f('fk_circular_copies_circular_id_circulars'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['received_by_id'], ['users.id'], name=op.f('fk_circular_copies_received_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_circular_copies_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circular_copies')),
    sa.UniqueConstraint('circular_id', 'copy_number', name='uq_circular_copies_circular_copy_number'),
    sa.UniqueConstraint('circular_id', 'unit_id', name='uq_circular_copies_circular_unit')
    )
    with op.batch_alter_table('circular_copies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_circular_copies_circular_id'), ['circular_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_circular_copies_unit_id'), ['unit_id'], unique=False)

    op.create_table('circular_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('circular_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['circular_id'], ['circulars.id'], name=op.f('fk_circular_recipients_circular_id_circulars'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_circular_recipients_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circular_recipients')),
    sa.UniqueConstraint('circular_id', 'unit_id', name='uq_circular_recipients_circular_unit')
    )
    with op.batch_alter_table('circular_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_circular_recipients_circular_id'), ['circular_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_circular_recipients_unit_id'), ['unit_id'], unique=False)

    op.create_table('circular_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('circular_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('heading', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('generated', sa.Text(), nullable=False),
    sa.Column('pending', sa.Text(), nullable=True),
    sa.Column('included', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['circular_id'], ['circulars.id'], name=op.f('fk_circular_sections_circular_id_circulars'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circular_sections'))
    )
    with op.batch_alter_table('circular_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_circular_sections_circular_id'), ['circular_id'], unique=False)

    op.create_table('circular_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('circular_id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Uuid(), nullable=False),
    sa.Column('included', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['circular_id'], ['circulars.id'], name=op.f('fk_circular_findings_circular_id_circulars'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_circular_findings_finding_id_findings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circular_findings')),
    sa.UniqueConstraint('circular_id', 'finding_id', name='uq_circular_findings_circular_finding')
    )
    with op.batch_alter_table('circular_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_circular_findings_circular_id'), ['circular_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_circular_findings_finding_id'), ['finding_id'], unique=False)



def downgrade():
    with op.batch_alter_table('circular_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_circular_findings_finding_id'))
        batch_op.drop_index(batch_op.f('ix_circular_findings_circular_id'))

    op.drop_table('circular_findings')
    with op.batch_alter_table('circular_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_circular_sections_circular_id'))

    op.drop_table('circular_sections')
    with op.batch_alter_table('circular_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_circular_recipients_unit_id'))
        batch_op.drop_index(batch_op.f('ix_circular_recipients_circular_id'))

    op.drop_table('circular_recipients')
    with op.batch_alter_table('circular_copies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_circular_copies_unit_id'))
        batch_op.drop_index(batch_op.f('ix_circular_copies_circular_id'))

    op.drop_table('circular_copies')
    with op.batch_alter_table('circulars', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_circulars_supersedes_id'))
        batch_op.drop_index(batch_op.f('ix_circulars_status'))
        batch_op.drop_index(batch_op.f('ix_circulars_organ_id'))
        batch_op.drop_index(batch_op.f('ix_circulars_campaign_id'))

    op.drop_table('circulars')
    op.drop_table('circular_counters')
    op.drop_table('circular_organs')
