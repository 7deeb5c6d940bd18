"""``linkrisk personal-score rules|show``: shown only with the person's consent, number masked."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from linkrisk.cli import _register, app
from tests.api.city import City
from tests.api.conftest import Keys

runner = CliRunner()
_register()


def test_rules_are_listed() -> None:
    result = runner.invoke(app, ["personal-score", "rules"])
    assert result.exit_code == 0 and "基础分 100" in result.output and "示例规则" in result.output


def test_show_needs_the_consent(city: City, client: TestClient, keys: Keys) -> None:
    # keys: make_keys recorded P1's consent for district-hall and bank-a
    shown = runner.invoke(app, ["personal-score", "show", city.p1_id, "--org", "district-hall",
                                "--json"])  # fmt: skip
    assert shown.exit_code == 0, shown.output
    answer = json.loads(shown.output)
    assert answer["score"] == 100 + sum(x["points"] for x in answer["lines"])
    assert city.p1_id not in shown.output
    refused = runner.invoke(app, ["personal-score", "show", city.p1_id, "--org", "bank-b"])
    assert refused.exit_code != 0 and "consent" in refused.output
    assert "score" not in refused.output.lower().replace("personal_score", "")
    assert city.p1_id not in refused.output
