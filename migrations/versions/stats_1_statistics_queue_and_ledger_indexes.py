"""statistics, queue and ledger indexes (see inspection/stats/indexes.py for what each one serves)

Revision ID: stats_1
Revises: circulars_1
Create Date: 2026-11-28 10:45:16.509188

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'stats_1'
down_revision = 'circulars_1'
branch_labels = None
depends_on = None

FINDINGS = (
    ('ix_findings_unit_status', ['unit_id', 'status']),
    ('ix_findings_team_status', ['team_id', 'status']),
    ('ix_findings_item_status', ['item_id', 'status']),
    ('ix_findings_category_status', ['category', 'status']),
    ('ix_findings_stats', ['status', 'campaign_id', 'unit_id', 'team_id', 'item_id', 'category']),
    ('ix_findings_status_campaign_id', ['status', 'campaign_id', 'id']),
    ('ix_findings_status_occurred', ['status', 'occurred_at', 'id']),
    ('ix_findings_status_created', ['status', 'created_at']),
)


def upgrade():
    with op.batch_alter_table('findings', schema=None) as batch_op:
        for name, columns in FINDINGS:
            batch_op.create_index(name, columns, unique=False)

    with op.batch_alter_table('involved_persons', schema=None) as batch_op:
        batch_op.create_index('ix_involved_persons_finding_level', ['finding_id', 'cadre_level'], unique=False)

    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_campaign_unit', ['campaign_id', 'unit_id', 'team_id'], unique=False)


def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_campaign_unit')

    with op.batch_alter_table('involved_persons', schema=None) as batch_op:
        batch_op.drop_index('ix_involved_persons_finding_level')

    with op.batch_alter_table('findings', schema=None) as batch_op:
        for name, _ in reversed(FINDINGS):
            batch_op.drop_index(name)
