"""Talent services (人才服务): talent cards and tiers, benefits, one-stop applications, apartments, stations."""
