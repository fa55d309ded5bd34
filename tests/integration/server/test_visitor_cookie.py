"""Every place that meets a new viewer (a tracked link, the live room, checkout, the partner's own
console, the public API) sets the same `zx_vid` cookie: one lifetime, the same flags; and a viewer
who already has one keeps it."""

from __future__ import annotations

from server.kernel.cookies import VISITOR_MAX_AGE_S
from tests.factories_distribution import api_world


def visitor_cookie_of(response) -> str:
    [cookie] = [c for c in response.headers.get_list("set-cookie") if c.startswith("zx_vid=")]
    return cookie


def attributes(cookie: str) -> set[str]:
    """The cookie's attributes without its value, normalised (`SameSite=lax` = `SameSite=Lax`)."""
    return {part.strip().lower() for part in cookie.split(";")[1:]}


async def test_every_entry_point_sets_the_one_visitor_cookie(app, client):
    world = await api_world(app, client)
    session_id = world.session["id"]
    entry_points = {
        "link": ("/l/" + world.link["code"], {}),
        "live room": (f"/live/{session_id}", {}),
        "checkout": (f"/live/{session_id}/checkout", {}),
        "cart api": (f"/api/v1/sessions/{session_id}/cart", {}),
        "partner console": ("/partner", {"zx_token": world.partner_token}),
    }
    seen = {}
    for name, (path, cookies) in entry_points.items():
        # given a browser without a visitor id
        client.cookies.clear()
        for key, value in cookies.items():
            client.cookies.set(key, value)
        response = await client.get(path, follow_redirects=False)
        assert response.status_code in (200, 302), (name, response.status_code, response.text[:300])
        seen[name] = attributes(visitor_cookie_of(response))
    # then each sets a cookie with the same lifetime and flags
    expected = {f"max-age={VISITOR_MAX_AGE_S}", "path=/", "httponly", "samesite=lax"}
    assert seen == dict.fromkeys(entry_points, expected)


async def test_a_viewer_who_has_an_id_keeps_it(app, client):
    world = await api_world(app, client)
    client.cookies.clear()
    client.cookies.set("zx_vid", "viewer-from-yesterday")
    for path in ("/l/" + world.link["code"], f"/live/{world.session['id']}", f"/live/{world.session['id']}/checkout"):
        response = await client.get(path, follow_redirects=False)
        assert not [c for c in response.headers.get_list("set-cookie") if c.startswith("zx_vid=")], path
