"""``linkrisk sampling …``: 双随机、一公开 plans — create, draw, assign, record, publish, verify.

Importing this module registers the sub-app and all its commands. The sub-app and what the
commands share live in ``sampling_common``; create, draw and assign in ``sampling_draw``;
verify, record, publish, list and show in ``sampling_public``. Commands are listed in the order
they are registered, so ``sampling_draw`` is imported before ``sampling_public``.
"""

from __future__ import annotations

from linkrisk.cli import sampling_draw, sampling_public  # noqa: F401  (register, in this order)
from linkrisk.cli.sampling_common import sampling_app
from linkrisk.sampling.demo import demo_plan

__all__ = ["demo_plan", "sampling_app"]  # demo_plan: called by `linkrisk demo`
