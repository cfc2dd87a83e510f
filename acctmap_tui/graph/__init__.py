"""The stakeholder graph (NetworkX): build, paths, ranking, risk, gaps, what-if, cache.

Imports nothing itself: callers import the module they need, lazily, so NetworkX
(about a quarter of a second to import) never delays the first screen or ``--version``.
"""
