"""The API tests' tiny city and app, for the commands that are checked against the API."""

from tests.api.conftest import city, client, keys, make_client  # noqa: F401
