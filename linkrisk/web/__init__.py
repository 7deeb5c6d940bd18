"""The investigator and regulator web page, served by the API at ``/`` (same origin, same keys).

Static files and the router that serves them; imports no other linkrisk package.
"""
