"""Alembic migrations of the ledger. Revision files are date-prefixed; constraints are named by convention."""
