"""govwatch: the thin application package — settings, storage, the embedded Redis, the CLI and the demo.

The pipeline's stages live in the leaf libraries ``crawler``, ``rules`` and ``alerts``; ``workers``
wires them together as RQ jobs.
"""

__version__ = "0.1.0"
