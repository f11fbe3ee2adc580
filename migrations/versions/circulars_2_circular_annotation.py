"""circulars: 附注 (e.g. 此件公开发布), printed in parentheses under the date

Revision ID: circulars_2
Revises: findings_2
Create Date: 2026-12-01 14:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'circulars_2'
down_revision = 'findings_2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('circulars', schema=None) as batch_op:
        batch_op.add_column(sa.Column('annotation', sa.String(length=100), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('circulars', schema=None) as batch_op:
        batch_op.drop_column('annotation')
