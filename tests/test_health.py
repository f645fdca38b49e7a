"""GET /healthz tells a load balancer whether the app can reach its database."""

from lms import create_app


def test_healthz_answers_200_when_the_database_is_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "reachable"}


def test_healthz_answers_503_when_the_database_is_not(tmp_path):
    # A unix socket directory with no server behind it: connecting fails at once.
    app = create_app(
        {
            "DATABASE_URL": f"postgresql://postgres@/lms?host={tmp_path}",
            "TESTING": True,
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
