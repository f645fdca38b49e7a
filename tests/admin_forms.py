"""Posting admin forms the way a browser does (with the page's CSRF token)."""

from support import csrf_token_from


def post_form(client, url, data):
    """GET the form page for its CSRF token, then POST `data` to it."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    payload = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), **data}
    return client.post(url, data=payload)


def create(client, endpoint, data):
    return post_form(client, f"/admin/{endpoint}/new/", data)


def edit(client, endpoint, row_id, data):
    return post_form(client, f"/admin/{endpoint}/edit/?id={row_id}", data)


def delete(client, endpoint, row_id, confirmed=True):
    """The row's delete button, then (confirmed) the preview page's Delete button."""
    page = client.get(f"/admin/{endpoint}/")
    token = csrf_token_from(page.get_data(as_text=True))
    data = {"id": row_id, "csrf_token": token}
    if confirmed:
        data["confirmed"] = "yes"
    return client.post(f"/admin/{endpoint}/delete/", data=data)


def flashes(client):
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def form_errors(response) -> str:
    """The text of the form's error messages, for asserting on."""
    import re

    html = response.get_data(as_text=True)
    errors = re.findall(r'class="invalid-feedback"[^>]*>(.*?)</div>', html, re.S)
    errors += re.findall(r'class="alert alert-danger[^"]*"[^>]*>(.*?)</div>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", e).strip() for e in errors)
