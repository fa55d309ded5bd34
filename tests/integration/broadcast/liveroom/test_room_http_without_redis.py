"""HTTP actions that tell the room must not fail because Redis is away: the change is committed,
the answer is the usual one, and rooms learn it from the database when they reload."""

from __future__ import annotations

from litestar.testing import AsyncTestClient
from sqlmodel import select

from broadcast.liveroom.comments import author_of
from broadcast.liveroom.models import RoomComment
from server.app import create_app
from server.kernel.clock import utcnow
from tests.app_settings import make_settings
from tests.factories import auth, make_brand, make_session, make_token

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


async def test_a_comment_is_removed_while_redis_is_down(postgres_db_url):
    app = create_app(make_settings(postgres_db_url, redis_url=UNREACHABLE_REDIS))
    async with AsyncTestClient(app=app) as client:
        admin = await make_token(app, "admin")
        brand = await make_brand(client, admin)
        token = await make_token(app, "brand", brand_id=brand["id"])
        session = await make_session(client, token, brand["id"])
        async with app.state.sessionmaker() as db:
            db.add(
                RoomComment(
                    id="cmt_1",
                    session_id=session["id"],
                    visitor_id="v1",
                    author=author_of("v1"),
                    text="hi",
                    created_at=utcnow(),
                )
            )
            await db.commit()
        # when the brand removes it while Redis is unreachable
        response = await client.delete(f"/api/v1/sessions/{session['id']}/comments/cmt_1", headers=auth(token))
        # then the usual answer, and the removal is committed
        assert response.status_code == 204, response.text
        async with app.state.sessionmaker() as db:
            comment = (await db.exec(select(RoomComment).where(RoomComment.id == "cmt_1"))).one()
        assert comment.deleted_at is not None
