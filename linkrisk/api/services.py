"""The long-lived objects one API process serves with, built once by ``create_app``."""

from __future__ import annotations

from dataclasses import dataclass

from linkrisk.api.audit import AuditLog
from linkrisk.api.audit_chain import AuditConfig
from linkrisk.api.auth import KeyRing
from linkrisk.api.consent import ConsentChecker
from linkrisk.api.jobs import CheckJobs
from linkrisk.api.labels import tier_labels
from linkrisk.api.middleware import AuditBatcher
from linkrisk.api.plan_ops import PlanWorker
from linkrisk.api.ratelimit import TokenBucketLimiter
from linkrisk.api.reads import process_safe
from linkrisk.api.state import (
    ScoresLoader,
    StateHolder,
    default_scores_loader,
    load_state,
    scores_pointer,
)
from linkrisk.config import Settings
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.open import open_embedded, open_store
from linkrisk.graph.snapshot.arrays import CURRENT
from linkrisk.graph.store import GraphStore
from linkrisk.incentives import Catalogue, load_catalogue


@dataclass(slots=True)
class Services:
    settings: Settings
    store: EmbeddedStore  # operational tables: keys, consents, audit, jobs
    graph: GraphStore  # subjects and events: the embedded store (read process-safely) or Neo4j
    keys: KeyRing
    limiter: TokenBucketLimiter  # per API key
    address_limiter: TokenBucketLimiter  # per client address, for requests without a valid key
    holder: StateHolder
    audit: AuditLog
    jobs: CheckJobs
    tier_labels: dict[str, str]
    plan_worker: PlanWorker
    consents: ConsentChecker
    audit_writer: AuditBatcher
    catalogue: Catalogue  # 信易+ / 联合奖惩 measures (settings.measures_catalogue)

    def close(self) -> None:
        self.plan_worker.close()
        self.jobs.close()
        self.audit_writer.close()
        self.audit.close()
        if self.settings.store != "embedded":
            self.graph.close()
        self.store.close()


def build_services(settings: Settings, scores_loader: ScoresLoader | None = None) -> Services:
    """Open the stores (migrated), the audit log, the key ring, and load the published state."""
    store = open_embedded(settings)
    graph = (
        process_safe(store)
        if settings.store == "embedded"
        else open_store(settings, serving=True)  # a server that is down is a 503, not a crash
    )
    loader = scores_loader or default_scores_loader
    holder = StateHolder(
        lambda: load_state(settings, graph, loader),
        [settings.snapshot_dir / CURRENT, scores_pointer(settings)],
    )
    labels = tier_labels()
    audit = AuditLog(settings.db_path, AuditConfig.from_settings(settings))
    audit.anchor_start()
    services = Services(
        settings=settings,
        store=store,
        graph=graph,
        keys=KeyRing(store),
        limiter=TokenBucketLimiter(settings.rate_limit_per_minute / settings.api_workers),
        address_limiter=TokenBucketLimiter(
            settings.rate_limit_unauthenticated_per_minute / settings.api_workers,
            what="this address (requests without a valid API key)",
        ),
        holder=holder,
        audit=audit,
        jobs=CheckJobs(
            store,
            settings.data_dir / "api" / "jobs",
            labels,
            retention_days=settings.check_job_retention_days,
            quota_bytes=settings.check_job_quota_bytes,
        ),
        tier_labels=labels,
        plan_worker=PlanWorker(),
        consents=ConsentChecker(store),
        audit_writer=AuditBatcher(audit),
        catalogue=load_catalogue(settings.measures_catalogue),
    )
    holder.load_now()
    return services
