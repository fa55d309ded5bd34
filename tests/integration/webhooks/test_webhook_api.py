"""The endpoints API: the secret shows once, bad input is a 422 problem naming the field (nothing
saved), a brand sees only its own endpoints (another brand's are 404), other roles are refused."""

from __future__ import annotations

from tests.factories import auth, make_token
from tests.factories_webhooks import brand_desk, register

HOOK = "https://erp.example.com/zhixiang"


async def test_register_read_change_and_remove_an_endpoint(app, client):
    desk = await brand_desk(app, client)
    created = await register(client, desk, HOOK, ["order.paid", "order.refunded", "order.paid"])
    secret = created["secret"]
    assert secret.startswith("zxwhsec_") and created["events"] == ["order.paid", "order.refunded"]
    [listed] = (await client.get(desk.hooks, headers=auth(desk.token))).json()["items"]
    assert listed["secret"] is None and secret not in str(listed) and listed["secret_hint"].endswith(secret[-4:])
    url = f"{desk.hooks}/{created['id']}"
    changed = await client.patch(url, json={"events": ["payout.sent"], "enabled": False}, headers=auth(desk.token))
    assert changed.status_code == 200
    assert (changed.json()["events"], changed.json()["state"]) == (["payout.sent"], "disabled")
    assert changed.json()["disabled_reason"] == "disabled by the brand"
    assert (await client.delete(url, headers=auth(desk.token))).status_code == 204
    assert (await client.get(url, headers=auth(desk.token))).status_code == 404
    assert (await client.get(desk.hooks, headers=auth(desk.token))).json() == {"items": [], "next_cursor": None}


async def test_bad_input_is_a_problem_naming_the_field_and_saves_nothing(app, client):
    desk = await brand_desk(app, client)
    bad_bodies = [
        {"url": "ftp://erp.example.com/x", "events": ["order.paid"]},
        {"url": "https://user:pw@erp.example.com/x", "events": ["order.paid"]},
        {"url": "http://169.254.169.254/latest", "events": ["order.paid"]},
        {"url": "http://[::1/broken", "events": ["order.paid"]},
        {"url": "https://erp.example.com:99999/x", "events": ["order.paid"]},
        {"url": HOOK, "events": ["order.teleported"]},
        {"url": HOOK, "events": []},
        {"url": HOOK},
        {"url": HOOK, "events": ["order.paid"], "secret": "mine"},
    ]
    for body in bad_bodies:
        response = await client.post(desk.hooks, json=body, headers=auth(desk.token))
        assert response.status_code in (400, 422), (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json"), body
    assert (await client.get(desk.hooks, headers=auth(desk.token))).json() == {"items": [], "next_cursor": None}
    created = await register(client, desk, HOOK, ["order.paid"])
    url = f"{desk.hooks}/{created['id']}"
    for body in ({"events": ["nope"]}, {"url": "gopher://x.example.com/"}):
        assert (await client.patch(url, json=body, headers=auth(desk.token))).status_code in (400, 422)
    rotate = await client.post(f"{url}/secret", json={"overlap_hours": 1000}, headers=auth(desk.token))
    assert rotate.status_code in (400, 422)
    assert (await client.get(url, headers=auth(desk.token))).json()["events"] == ["order.paid"]


async def test_another_brands_endpoint_is_404_and_other_roles_are_refused(app, client):
    desk = await brand_desk(app, client)
    other = await brand_desk(app, client)
    created = await register(client, desk, HOOK, ["order.paid"])
    url = f"{desk.hooks}/{created['id']}"
    # the other brand, on this brand's path, and with this endpoint on its own path
    for path in (url, f"{other.hooks}/{created['id']}"):
        for method, body in (("GET", None), ("PATCH", {"enabled": False}), ("DELETE", None)):
            response = await client.request(method, path, json=body, headers=auth(other.token))
            assert response.status_code == 404, (method, path, response.status_code)
        assert (await client.get(f"{path}/deliveries", headers=auth(other.token))).status_code == 404
        assert (await client.post(f"{path}/secret", json={}, headers=auth(other.token))).status_code == 404
        replay = await client.post(f"{path}/deliveries/whd_x/replay", headers=auth(other.token))
        assert replay.status_code == 404
    assert (await client.get(desk.hooks, headers=auth(other.token))).status_code == 404
    finance = await make_token(app, "finance")
    assert (await client.get(desk.hooks, headers=auth(finance))).status_code == 403
    assert (await client.get(url, headers=auth(desk.token))).json()["state"] == "active"
    assert (await client.get(f"{url}/deliveries/whd_x/replay", headers=auth(desk.token))).status_code in (404, 405)
