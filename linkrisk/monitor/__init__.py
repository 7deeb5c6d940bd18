"""Monitoring (监控): watchlists per organisation and the alerts computed when the data changes.

``changes`` tells what changed between two snapshots (and their tiers), ``reach`` walks from the
changed subjects to the watched ones within their depth, ``alerts`` stores what a watch asked for
with the path, ``watches`` and ``webhooks`` hold the organisations' settings. Only what changed is
walked from: the cost follows the size of the delta, not the number of watches.
"""
