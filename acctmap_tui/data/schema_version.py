"""The schema revision this build writes (a test keeps it equal to Alembic's head).

Knowing it without loading Alembic or SQLAlchemy lets an up-to-date database be
recognised, and its first screen read, before the database stack is imported.
"""

SCHEMA_HEAD = "0003"
