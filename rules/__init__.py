"""Fact extraction from release text: metrics, initiatives, region.

A leaf library: it does not import ``crawler``, ``alerts`` or ``workers``.
Entry point: :func:`rules.extract.extract`.
"""
