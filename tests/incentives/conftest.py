from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from linkrisk.config import Settings
from tests.incentives.city import Town, write_town


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Town:
    """Built once per module (it is only read): its own data directory and the test key."""
    data: Path = tmp_path_factory.mktemp("town") / "data"
    return write_town(Settings(data_dir=data, id_hash_key=SecretStr("test-key"), env="test"))
