"""The pages' assets are served locally (the network may be closed) and the base page uses them."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/static/midstream/pico.min.css", "text/css"),
        ("/static/midstream/app.css", "text/css"),
        ("/static/midstream/chart.umd.min.js", "text/javascript"),
        ("/static/ninja/swagger-ui-bundle.js", "text/javascript"),
    ],
)
def test_static_assets_are_served(client, path, content_type):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)


@pytest.mark.django_db
def test_login_page_links_the_stylesheets(client):
    body = client.get("/accounts/login/").content.decode()
    assert 'href="/static/midstream/pico.min.css"' in body
    assert 'href="/static/midstream/app.css"' in body
