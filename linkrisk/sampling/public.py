"""Public-level verification: what anyone can check from the published files alone.

The public file (``<plan>.verify.json``) carries the announcement made at creation (with its
digest), the revealed seed, the selection in sid order without tiers, an inclusion proof per
randomly drawn subject, the number drawn per tier, the inspector pool by id and the teams with
their skips by category. ``verify_public`` checks that

- the announcement matches its digest (and the digest announced before the draw, if given), and
  the parameters their digest, so parameters, frame root, frame size and strata were fixed
  before the seed was revealed;
- the seed matches its commitment;
- the number drawn per tier is what the parameters give for the announced stratum sizes;
- every randomly drawn subject is a leaf of the committed frame (inclusion proof to the root,
  leaves in sid order, no leaf twice), and every announced mandatory subject is in the sample;
- the selection matches its digest, and the teams replay from pool, skips and seed.

What it cannot show (the auditor's sealed file does): each subject's tier, hence that the drawn
subjects are the ones with the smallest keys in their tier (the order key needs the sealed frame
key); that the stratum sizes are true (only their sum is bound by the tree); that the frame
holds every subject it should; and why an inspector was skipped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from linkrisk.errors import InputError, IntegrityError
from linkrisk.sampling import announce
from linkrisk.sampling.commitment import Inclusion
from linkrisk.sampling.draw import RANDOM, Pick, public_selection_digest, stratum_size
from linkrisk.sampling.inspectors import Team, pool_from_rows
from linkrisk.sampling.params import TIERS, PlanParams, sha256_hex
from linkrisk.sampling.prf import commitment
from linkrisk.sampling.reassign import from_public_rows
from linkrisk.sampling.verify import Material, VerifyReport, check_reassignments, verify_teams

PUBLIC_FORMAT = "linkrisk-sampling-public/1"


def _fail(what: str, detail: str) -> IntegrityError:
    return IntegrityError(f"{what}: {detail}", what=what)


def drawn_per_tier(params: PlanParams, strata: dict[str, int]) -> dict[str, int]:
    return {
        t: stratum_size(int(strata[t]), params.ratios[i], params.minimums[i])
        for i, t in enumerate(TIERS)
    }


def verify_public(data: dict[str, Any], announced: str | None = None) -> VerifyReport:
    """Check a public file; raise ``IntegrityError`` naming the first part that differs."""
    if data.get("format") != PUBLIC_FORMAT:
        raise InputError(f"not a linkrisk sampling public file (format {data.get('format')!r})")
    try:
        return _verify(data, announced)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"public file is incomplete or malformed: {exc!r}") from exc


def _verify(data: dict[str, Any], announced: str | None) -> VerifyReport:
    notice = announce.parse(data["announcement"])
    plan_id = str(notice["plan_id"])
    digest = announce.digest(notice)
    if notice.get("public_digest") != digest or (announced and announced != digest):
        raise _fail("announcement", "the announcement differs from its announced digest")
    checks = ["announcement digest"]
    if sha256_hex(str(notice["params"]).encode()) != notice["params_digest"]:
        raise _fail("parameters", "the parameters differ from their published digest")
    params = PlanParams.from_json(notice["params"])
    if params.plan_id != plan_id:
        raise _fail("parameters", f"the parameters name plan {params.plan_id}, not {plan_id}")
    checks.append("parameters digest")
    strata, size = notice["strata"], int(notice["frame_size"])
    if sum(strata[t] for t in TIERS) != size:
        raise _fail("frame", f"the strata add up to {sum(strata.values())}, not {size}")
    seed = data.get("seed")
    if seed is None:
        return VerifyReport(plan_id, [*checks, "not drawn yet"], 0, 0)
    if commitment(seed) != notice["seed_commitment"]:
        raise _fail("seed", "the revealed seed does not match the commitment")
    checks.append("seed matches commitment")
    picks = [Pick(int(r), str(s), "", str(h)) for r, s, h, _c in data["selection"]]
    wanted = drawn_per_tier(params, strata)
    if data.get("drawn") != wanted:
        raise _fail("result", f"the stated numbers drawn {data.get('drawn')} are not {wanted}")
    random = [p for p in picks if p.how == RANDOM]
    if len(random) != sum(wanted.values()):
        raise _fail(
            "result", f"{len(random)} subjects drawn at random, the parameters give {wanted}"
        )
    checks.append("numbers drawn per tier")
    _check_inclusions(random, data["inclusions"], notice["frame_root"], size)
    checks.append(f"{len(random)} inclusion proofs against the frame root")
    _check_mandatory(picks, data["selection"], notice["mandatory"])
    checks.append("mandatory inclusions as announced")
    if [p.rank for p in picks] != list(range(1, len(picks) + 1)) or [
        p.sid.encode() for p in picks
    ] != sorted(p.sid.encode() for p in picks):
        raise _fail("result", "the selection is not ranked in sid order")
    if public_selection_digest(picks) != data["result_digest"]:
        raise _fail("result", "the selection differs from its published digest")
    checks.append("selection digest")
    material = _team_material(plan_id, seed, picks, data)
    if material.teams:
        verify_teams(material, params)
        checks.append(f"teams replayed ({len(material.teams)} subjects)")
    material.reassignments = from_public_rows(data.get("reassignments") or [])
    checks += check_reassignments(material, params)
    return VerifyReport(plan_id, checks, len(picks), len(material.teams))


def _check_inclusions(random: list[Pick], rows: list[Any], root: str, size: int) -> None:
    proofs = [Inclusion.from_list(r) for r in rows]
    if [p.sid for p in proofs] != [p.sid for p in random]:
        raise _fail("inclusion", "the inclusion proofs do not cover the random picks one to one")
    last = -1
    for proof in proofs:
        if not proof.leads_to(root, size):
            raise _fail("inclusion", f"{proof.sid} is not in the committed frame")
        if proof.index <= last:
            raise _fail("inclusion", f"{proof.sid}: leaf {proof.index} is out of sid order")
        last = proof.index


def _check_mandatory(picks: list[Pick], rows: list[Any], listed: list[Any]) -> None:
    announced = {str(sid): str(category) for sid, category in listed}
    chosen = {str(r[1]): (str(r[2]), str(r[3])) for r in rows}
    missing = sorted(set(announced) - set(chosen))
    if missing:
        raise _fail("mandatory", f"announced mandatory subjects not in the sample: {missing[:5]}")
    for pick in picks:
        if pick.how != RANDOM and announced.get(pick.sid) != chosen[pick.sid][1]:
            raise _fail("mandatory", f"{pick.sid} is in the sample as mandatory unannounced")


def _team_material(plan_id: str, seed: str, picks: list[Pick], data: dict[str, Any]) -> Material:
    return Material(
        plan_id=plan_id,
        params_json="",
        params_digest="",
        frame_text=b"",
        frame_digest="",
        mandatory=[],
        mandatory_digest="",
        seed_commitment="",
        plan_digest="",
        seed=seed,
        selection=picks,
        pool=pool_from_rows(data["pool"]),
        teams=[
            Team(int(r), s, st, tuple(ins), tuple((a, b) for a, b in skips))
            for r, s, st, ins, skips in data["teams"]
        ],
        assignment_digest=data.get("assignment_digest"),
    )


def read_public(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: not a linkrisk sampling public file")
    return data
