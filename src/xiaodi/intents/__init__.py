"""Cooperation intents (合作意向): what a visit or an event agreed before anything is signed, followed to an agreement.

Its own area, not part of ``projects``: an intent has its own life (洽谈中 → 已签约 / 已终止), its own people (the
enterprise and the university it names may see it; an agreement's parties see agreements), its own list, table,
CLI and figures. It points at the projects area's ``Agreement`` when signed, as projects point at demands — one
area per package, each reading the others' models and writing only its own.
"""
