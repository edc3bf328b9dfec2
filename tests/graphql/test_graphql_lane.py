"""JSON posts and WebSockets on /graphql go straight to Strawberry's ASGI view (the lane in
api/graphql/lane.py); GET, HEAD and other posts go through Strawberry's FastAPI router. Both
serve the same schema with the same context: the answers agree."""

import httpx

QUERY = "{ inventory { productId available } balances { userId balance } }"


async def test_a_query_by_post_and_by_get_answers_alike(client: httpx.AsyncClient) -> None:
    await client.get("/inventory")  # the session, as a page would open it
    by_lane = await client.post("/graphql", json={"query": QUERY})
    by_router = await client.get("/graphql", params={"query": QUERY})

    assert by_lane.status_code == by_router.status_code == 200
    assert by_lane.headers["content-type"] == by_router.headers["content-type"]
    assert by_lane.json() == by_router.json()
    assert by_lane.json()["data"]["inventory"]


async def test_a_post_the_lane_leaves_gets_the_routers_answer(client: httpx.AsyncClient) -> None:
    await client.get("/inventory")
    body = '{"query": "{ inventory { productId } }"}'
    by_lane = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    by_router = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json; charset=latin-1"}
    )
    assert by_lane.json() == by_router.json()


async def test_a_broken_body_is_answered_alike_by_both(client: httpx.AsyncClient) -> None:
    by_lane = await client.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    by_router = await client.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json; x=1"}
    )
    assert by_lane.status_code == by_router.status_code == 400
    assert by_lane.text == by_router.text
