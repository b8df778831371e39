"""Alert delivery channels (email, webhook, group-chat bots).

A leaf library: it does not import ``crawler``, ``rules`` or ``workers``. A channel takes an
:class:`alerts.records.Alert` and a target, sends it once, and raises from :mod:`alerts.errors`.
"""
