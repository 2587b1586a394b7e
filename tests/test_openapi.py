from openapi_spec_validator import validate


def test_openapi_document_is_valid_and_complete(client):
    spec = client.get("/api/v1/openapi.json").json
    validate(spec)
    assert set(spec["paths"]) >= {
        "/api/v1/mechanisms",
        "/api/v1/mechanisms/{mechanism_id}",
        "/api/v1/bodies",
        "/api/v1/bodies/{body_id}",
        "/api/v1/meetings",
        "/api/v1/meetings/{meeting_id}",
    }
    params = {p["name"] for p in spec["paths"]["/api/v1/meetings"]["get"]["parameters"]}
    assert params >= {"mechanism", "body", "from", "to", "status", "page", "page_size"}
