"""Fetching government sites: fetch → list (discover article links) → parse (read an article).

A leaf library: it does not import ``rules``, ``alerts`` or ``workers``.
"""
