"""Figures (工作数据): the metric vocabulary, the figures computed from the ledger, their cache, page and API.

``metrics`` (the keys and their labels) · ``compute`` (one small function per figure) · ``cache`` (the dashboard's
short-lived cache) · ``access`` (whose figures a viewer sees and which regions it may choose) · ``report`` (period,
trend and breakdown of the figures page) · ``pages`` / ``api`` /
``cli`` (the interfaces). Figures read the ledger areas' models; ``ingest`` and ``assessment`` read figures.
"""
