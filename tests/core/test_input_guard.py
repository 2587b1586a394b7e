"""A NUL character anywhere in a request is a 400 naming where, never a database error."""

import html

import pytest

from tests import factories


@pytest.mark.parametrize(
    ("url", "where"),
    [
        ("/api/v1/documents?body=a%00b", "query field 'body'"),
        ("/search?q=x%00y", "query field 'q'"),
        ("/bodies/a%00b", "the address"),
    ],
)
def test_nul_in_the_query_or_address_is_refused(client, url, where):
    response = client.get(url)
    assert response.status_code == 400
    assert f"NUL characters are not allowed ({where})." in html.unescape(response.text)


def test_nul_in_a_json_body_is_refused_before_anything_else(client):
    body = factories.body()
    response = client.post("/api/v1/documents", json={"body_id": body.id, "title": "a\x00b"})
    assert response.status_code == 400
    assert "NUL characters are not allowed (the JSON body)." in response.json["message"]


def test_nul_in_a_posted_form_is_refused(admin_client):
    response = admin_client.post("/sign-in", data={"email": "a\x00@example.org"})
    assert response.status_code == 400
