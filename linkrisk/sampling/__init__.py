"""双随机、一公开 sampling: tiered frames, a verifiable draw, inspector teams with 回避, results
and publication.

May import ``models`` (tiers, scores), ``graph`` and ``loaders``; never ``api``, ``cli`` or ``web``.

The steps of a plan, each recorded in the embedded store (``plans.PlanBook``)::

    create_plan   frame (eligible subjects × tier) + digest, mandatory list, seed commitment
    draw_plan     reveal the seed, HMAC-ordered draw per tier, selection digest
    assign_plan   inspector teams per subject, skipping conflicts of interest (回避)
    record_results  results → canonical inspections (+ inspection_abnormal events)
    publish_plan  CSV/XLSX (masked, no tiers) + announcement + public verification file
    verify_public  public level: commitments, inclusion proofs, counts, teams (public.py)
    verify_material  auditor level: re-derive draw and teams from the sealed frame file
"""

from linkrisk.sampling.draw import (
    Pick,
    draw_reference,
    draw_sample,
    selection_digest,
    stratum_size,
)
from linkrisk.sampling.frame import Frame, build_frame, parse_frame_text, scope_mask
from linkrisk.sampling.inspectors import PoolMember, Team, assign_teams, build_pool
from linkrisk.sampling.matters import Catalogue, load_catalogue
from linkrisk.sampling.params import DEFAULT_RATIOS, TIERS, PlanParams, Scope, parse_ratio
from linkrisk.sampling.plans import PlanBook, PlanRecord, PlanStatus, SeedSource
from linkrisk.sampling.prf import KeyedHash, commitment, new_seed
from linkrisk.sampling.public import read_public, verify_public
from linkrisk.sampling.public_file import public_file, write_announcement
from linkrisk.sampling.publication import mask_name, publish_plan
from linkrisk.sampling.results import ResultEntry, parse_result, record_results
from linkrisk.sampling.sealed import read_sealed, write_sealed
from linkrisk.sampling.verify import (
    Material,
    material_from_book,
    verify_material,
    verify_plan,
)
from linkrisk.sampling.workdays import due_date, load_calendar
from linkrisk.sampling.workflow import AssignInputs, assign_plan, create_plan, draw_plan

__all__ = [
    "DEFAULT_RATIOS",
    "TIERS",
    "AssignInputs",
    "Catalogue",
    "Frame",
    "KeyedHash",
    "Material",
    "Pick",
    "PlanBook",
    "PlanParams",
    "PlanRecord",
    "PlanStatus",
    "PoolMember",
    "ResultEntry",
    "Scope",
    "SeedSource",
    "Team",
    "assign_plan",
    "assign_teams",
    "build_frame",
    "build_pool",
    "commitment",
    "create_plan",
    "draw_plan",
    "draw_reference",
    "draw_sample",
    "due_date",
    "load_calendar",
    "load_catalogue",
    "mask_name",
    "material_from_book",
    "new_seed",
    "parse_frame_text",
    "parse_ratio",
    "parse_result",
    "public_file",
    "publish_plan",
    "read_public",
    "read_sealed",
    "record_results",
    "scope_mask",
    "selection_digest",
    "stratum_size",
    "verify_material",
    "verify_plan",
    "verify_public",
    "write_announcement",
    "write_sealed",
]
