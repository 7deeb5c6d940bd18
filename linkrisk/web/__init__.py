"""The investigator and regulator web page, served by the API at ``/`` (same origin, same keys)."""
