"""change notifications on PostgreSQL, so other clients see a commit at once

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

On PostgreSQL every statement that writes the change log or a team setting sends a
NOTIFY on the ``acctmap_changes`` channel, which open apps LISTEN on (see
``acctmap_tui.data.change_watch``). SQLite needs nothing: apps there read
``PRAGMA data_version``, so this revision changes nothing in a SQLite file.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "acctmap_changes"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION acctmap_notify_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER change_log_notify AFTER INSERT ON change_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION acctmap_notify_change()"
    )
    op.execute(
        "CREATE TRIGGER app_setting_notify AFTER INSERT OR UPDATE OR DELETE ON app_setting "
        "FOR EACH STATEMENT EXECUTE FUNCTION acctmap_notify_change()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS app_setting_notify ON app_setting")
    op.execute("DROP TRIGGER IF EXISTS change_log_notify ON change_log")
    op.execute("DROP FUNCTION IF EXISTS acctmap_notify_change()")
