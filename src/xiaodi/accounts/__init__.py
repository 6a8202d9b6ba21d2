"""Accounts (账号与权限): users, the roles they hold for an organisation or an office, API tokens, logins."""
