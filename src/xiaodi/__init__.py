"""xiaodi — 校地合作平台: the ledger, matching and closed loop of government–university–enterprise cooperation."""

__version__ = "0.1.0"
