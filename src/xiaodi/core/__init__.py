"""Shared foundations: settings, database, base model, errors, audit trail (留痕), numbers and money."""
