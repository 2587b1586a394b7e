"""A number beyond any record id is "not found" on every backend, never a database error."""

import pytest

from tests import factories

HUGE = 10**12


@pytest.mark.parametrize(
    "url",
    [
        f"/meetings/{HUGE}",
        f"/meetings/{HUGE}/edit",
        f"/meetings/{HUGE}/sessions/new",
        f"/sessions/{HUGE}/edit",
        f"/api/v1/meetings/{HUGE}",
        f"/api/v1/bodies/{HUGE}",
        f"/api/v1/mechanisms/{HUGE}",
    ],
)
def test_huge_id_in_path_is_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("arg", ["mechanism", "body"])
def test_huge_id_in_api_filter_is_named_in_a_422(client, arg):
    factories.body()
    response = client.get(f"/api/v1/meetings?{arg}={HUGE}")
    assert response.status_code == 422
    assert response.json["errors"]["query"] == {arg: [f"Unknown {arg} '{HUGE}'."]}
