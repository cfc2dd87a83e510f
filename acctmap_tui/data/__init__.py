"""Persistence: the tables, the database connection and the queries."""
