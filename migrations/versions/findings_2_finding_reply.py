"""findings: the team's reply (补充说明) to a 需补充 question, kept apart from the description

Revision ID: findings_2
Revises: photos_2
Create Date: 2026-12-01 14:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'findings_2'
down_revision = 'photos_2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reply_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reply_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_findings_reply_by_id_users'), 'users', ['reply_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_findings_reply_by_id_users'), type_='foreignkey')
        batch_op.drop_column('reply_by_id')
        batch_op.drop_column('reply_at')
        batch_op.drop_column('reply')
