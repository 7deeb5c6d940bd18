"""linkrisk — graph-based risk and linked-entity monitoring for credit-based supervision.

Layers, lowest first (checked by the import contracts in ``pyproject.toml``): ``arrays`` →
``loaders`` → ``graph`` → ``models`` → ``sampling`` → ``web`` / ``api`` / ``cli``; ``demo``
generates source files beside them and only ``cli`` uses it.
"""

__version__ = "0.1.0"
