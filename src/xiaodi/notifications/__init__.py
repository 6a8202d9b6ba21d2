"""Notifications (待办与提醒): an in-app inbox for every account and an optional e-mail channel."""
