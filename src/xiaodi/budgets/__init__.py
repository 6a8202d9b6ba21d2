"""Programme money (专项经费): budget lines per region and year — 人才工作经费 ("每年列支2000万元"), 引导基金,
专项扶持资金 — and the allocations that say which projects, bases and other work they paid for.

Its own area: money is budgeted by a region's office for a year and spent across areas (projects, bases, talent
subsidies), so it belongs to none of them; it reads their records and links to them, and only offices see it.
"""
