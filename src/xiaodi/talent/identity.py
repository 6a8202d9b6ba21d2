"""Resident ID numbers (公民身份号码, GB 11643-1999) of talents: the check lives with people in the directory
(``directory.identity``), which refuses a malformed number wherever a person is written."""

from __future__ import annotations

from xiaodi.directory.identity import check_digit, validate_id_number

__all__ = ["check_digit", "validate_id_number"]
