"""The Spark engine (local[2]) against the numpy engine on a small generated city: the same
intrinsic risk, propagated risk and features (every column the numpy engine produces, by name)
within 1e-6, the same tiers, and the same published score files through ``linkrisk score``.

One JVM for the module (started once; generous timeouts: its start-up on a busy machine can take
tens of seconds, and that must not fail the test)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import linkrisk.cli.risk
import linkrisk.cli.spark  # noqa: F401
from linkrisk.cli import app
from linkrisk.config import Settings
from linkrisk.demo.city import generate_city
from linkrisk.errors import InputError
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot, load_current
from linkrisk.graph.snapshot.build import build_snapshot
from linkrisk.graph.snapshot.parquet import export_parquet
from linkrisk.loaders.pipeline import load_directory
from linkrisk.models.pipeline import analyse, score_city, subject_rows
from linkrisk.models.scores import load_scores

pytest.importorskip("pyspark", reason="the Spark engine needs PySpark (a dev dependency)")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
SUBJECTS = 600


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from linkrisk.models.spark.session import spark_session

    session = spark_session("local[2]", driver_memory="2g")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Snapshot]:
    root = tmp_path_factory.mktemp("spark-city")
    settings = Settings(data_dir=root / "data", env="test")
    manifest = generate_city(root / "files", subjects=SUBJECTS, seed=5)
    settings.data_dir.mkdir(parents=True)
    store = EmbeddedStore(settings.db_path)
    store.migrate()
    load_directory(root / "files", store, settings=settings)
    build_snapshot(store, settings.snapshot_dir, as_of=manifest.as_of)
    store.close()
    return settings, load_current(settings.snapshot_dir)


@pytest.fixture(scope="module")
def run(
    spark: Any, city: tuple[Settings, Snapshot], tmp_path_factory: pytest.TempPathFactory
) -> Any:
    from linkrisk.models.spark.run import run_spark

    _, snapshot = city
    root = tmp_path_factory.mktemp("spark-run")
    export = export_parquet(snapshot, root / "export")
    return run_spark(spark, export, root / "out")


def test_the_city_has_every_kind_of_relation_and_record(city: tuple[Settings, Snapshot]) -> None:
    _, snapshot = city  # otherwise the comparison below would leave definitions unchecked
    assert all(r.n_edges > 0 for r in snapshot.relations.values())
    assert len(snapshot.events["node"]) and len(snapshot.inspections["node"])


def test_spark_and_numpy_agree_on_risk_features_and_tiers(
    spark: Any, city: tuple[Settings, Snapshot], run: Any
) -> None:
    import pyarrow.parquet as pq

    from linkrisk.models.spark.features import spark_features  # noqa: F401  (engine importable)

    _settings, snapshot = city
    state = analyse(snapshot)
    spark_features_table = pq.read_table(run.out / "features.parquet").to_pydict()
    order = np.argsort(spark_features_table["node"])
    rows = np.asarray(spark_features_table["node"])[order]
    np.testing.assert_array_equal(rows, subject_rows(snapshot))
    assert set(spark_features_table) - {"node"} == set(state.features.names)
    compared = 0
    for name in state.features.names:
        ours = np.asarray(spark_features_table[name], np.float64)[order].astype(np.float32)
        np.testing.assert_allclose(
            ours, state.features.column(name), rtol=1e-6, atol=1e-6, err_msg=name
        )
        compared += int(np.count_nonzero(state.features.column(name)))
    assert compared > 0  # the city exercises the features
    related = state.features.column("related_risk")
    assert float(related.max()) > 0.05  # and the propagation


def test_spark_tiers_scores_and_reasons_match_the_numpy_publication(
    city: tuple[Settings, Snapshot], run: Any, tmp_path: Path
) -> None:
    _settings, snapshot = city
    numpy_settings = Settings(data_dir=tmp_path / "numpy", env="test")
    numpy_settings.data_dir.mkdir()
    store = EmbeddedStore(numpy_settings.db_path)
    store.migrate()
    report = score_city(store, numpy_settings, snapshot)
    store.close()
    expected = load_scores(numpy_settings)
    np.testing.assert_allclose(run.score, np.asarray(expected.score), rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(run.tier, np.asarray(expected.tier))
    np.testing.assert_array_equal(run.reasons, np.asarray(expected.reasons))
    assert run.overrides == report.overrides
    assert len(set(run.tier.tolist())) == 4  # every tier is present, so the cut-offs matter


def test_score_engine_spark_publishes_the_numpy_format(
    city: tuple[Settings, Snapshot], spark: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, snapshot = city
    monkeypatch.setenv("LINKRISK_DATA_DIR", str(settings.data_dir))
    from linkrisk.config import get_settings

    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["score", "--engine", "spark", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["nodes"] == snapshot.n and report["model_version"].startswith("rules-")
    scores = load_scores(settings)
    assert scores.snapshot_version == snapshot.version and scores.tier.shape == (snapshot.n,)
    export = settings.data_dir / "parquet" / snapshot.version
    assert (export / "spark" / "scores.parquet").exists()
    organisations = EmbeddedStore(settings.db_path).execute("SELECT count(*) FROM scores")
    assert organisations == [(len(subject_rows(snapshot)),)]


def test_engine_is_checked_and_an_export_must_be_complete(tmp_path: Path, spark: Any) -> None:
    from linkrisk.models.spark.run import read_tables

    result = CliRunner().invoke(app, ["score", "--engine", "dask"])
    assert result.exit_code == 2 and "--engine must be numpy or spark" in result.output
    (tmp_path / "nodes.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match="missing events"):
        read_tables(spark, tmp_path)
