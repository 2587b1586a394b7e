"""previous due precision of an action review

A review that extended an action keeps the due date it replaced to its precision ("2012",
not "31 Dec 2012"). Reviews recorded before this revision were shown as a day; they keep that.

Revision ID: 26caf7d83fc9
Revises: 9822b66c9c4b
Create Date: 2026-11-26 08:01:56.806065

"""
from alembic import op
import sqlalchemy as sa

import meetings.core.models


# revision identifiers, used by Alembic.
revision = '26caf7d83fc9'
down_revision = '9822b66c9c4b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('action_review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_due_precision', sa.Enum('day', 'month', 'year', name='previous_due_precision', native_enum=False, create_constraint=True, length=13), nullable=True))
    op.execute(
        "UPDATE action_review SET previous_due_precision = 'day' "
        "WHERE previous_due_end IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('action_review', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_action_review_previous_due_precision'), type_='check')
        batch_op.drop_column('previous_due_precision')
