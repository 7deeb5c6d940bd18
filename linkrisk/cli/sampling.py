"""``linkrisk sampling …``: 双随机、一公开 plans — create, draw, assign, record, publish, verify.

Importing this module registers the sub-app and all its commands. The sub-app and what the
commands share live in ``sampling_common``; create, draw and assign in ``sampling_draw``;
reassign in ``sampling_reassign``; verify, sealed, record and publish in ``sampling_public``;
list and show in ``sampling_show``.
Commands are listed in the order they are registered, so the modules are imported in that order.
"""

from __future__ import annotations

from linkrisk.cli import (  # noqa: F401  (register, in this order)
    sampling_draw,
    sampling_public,
    sampling_reassign,
    sampling_show,
)
from linkrisk.cli.sampling_common import sampling_app
from linkrisk.sampling.demo import demo_plan

__all__ = ["demo_plan", "sampling_app"]  # demo_plan: called by `linkrisk demo`
