"""photos: provenance of a phone-downscaled copy (the original's SHA-256, byte size and pixel size)

Revision ID: photos_2
Revises: rect_1
Create Date: 2026-12-01 13:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'photos_2'
down_revision = 'rect_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('original_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('original_size', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('original_width', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('original_height', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_column('original_height')
        batch_op.drop_column('original_width')
        batch_op.drop_column('original_size')
        batch_op.drop_column('original_sha256')
