"""The generated city held in memory: the arrays every file is rendered from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from linkrisk.demo.contacts import Contacts
from linkrisk.demo.decisions import Decisions
from linkrisk.demo.draws import F64, I64
from linkrisk.demo.eventlog import Events, Inspections
from linkrisk.demo.hazard import Rings
from linkrisk.demo.inspections import Plan
from linkrisk.demo.inspectors import Inspectors
from linkrisk.demo.officers import Officers
from linkrisk.demo.orgs import Orgs
from linkrisk.demo.ownership import Holdings, Structure
from linkrisk.demo.people import Persons


@dataclass(slots=True)
class City:
    as_of: int
    first_month: int  # first simulated month (months since 1970-01)
    orgs: Orgs
    uscc: np.ndarray  # S18 per org
    names: pa.Array  # per org
    name_keys: I64  # per org, then per external holder
    persons: Persons
    holdings: Holdings  # person sources renumbered to Persons
    officers: Officers
    structure: Structure
    external_uscc: np.ndarray  # S18, b"" for foreign holders
    external_names: pa.Array
    contacts: Contacts
    risk: F64  # static log risk per org
    rings: Rings
    events: Events
    decisions: Decisions
    inspections: Inspections
    plans: list[Plan]
    matter: I64  # per inspection: index into its department's matters
    inspection_days: I64  # per inspection
    inspection_staff: pa.Array  # per inspection: ";"-joined inspector ids
    inspectors: Inspectors
    holding_no_id: np.ndarray  # per holding row: the person's ID number was left out
    officer_no_id: np.ndarray  # per officer row
