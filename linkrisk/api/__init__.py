"""The HTTP API (FastAPI): ``app.create_app``, ``deps`` (keys, roles), ``routes/`` per kind of
caller, ``schemas/`` (pydantic, nowhere else), consents, the audit log and problem responses.

May import every package below it (``web``, ``sampling``, ``models``, ``graph``, ``loaders``);
only ``cli`` imports it.
"""
