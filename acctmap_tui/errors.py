"""Errors explained in one line to the person at the keyboard (no heavy imports here)."""


class AcctmapError(Exception):
    """A problem the user can act on; its text is the whole message."""


class DatabaseError(AcctmapError):
    """The database cannot be created, opened, migrated or written."""
