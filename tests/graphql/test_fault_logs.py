"""Faults injected on purpose are expected: each logs a warning line, never an error's traceback."""

from tests.graphql import documents
from tests.graphql.conftest import Site
from tests.graphql.http_api import Visitor, order_input
from tests.support.server import ServerProcess


async def _run(visitor: Visitor, *faults: dict[str, object]) -> str:
    data = await visitor.execute(
        documents.CREATE_ORDER, {"input": {**order_input(), "faults": list(faults)}}
    )
    saga_id: str = data["createOrder"]["saga"]["id"]
    await visitor.finished_saga(saga_id)
    return saga_id


async def test_injected_faults_log_one_warning_each_and_no_traceback(
    faulty_site: Site, faulty_server: ServerProcess
) -> None:
    visitor = await faulty_site.visitor()
    logged_before = faulty_server.log_path.stat().st_size

    saga_id = await _run(
        visitor,
        {"step": "process_payment", "kind": "LOST_RESPONSE"},
        {"step": "ship_order", "kind": "FAIL"},
        {"step": "process_payment", "kind": "COMPENSATION_FAIL"},
    )

    with faulty_server.log_path.open(errors="replace") as log:
        log.seek(logged_before)
        written = log.read().splitlines()
    about_saga = [line for line in written if saga_id in line]
    lost = [line for line in about_saga if "Response lost" in line]
    refund = [line for line in about_saga if "Injected compensation failure" in line]
    assert lost == [
        f"WARNING:saga_demo.saga.execution:🔁 Step process_payment of saga {saga_id} "
        "will be retried: Response lost"
    ]
    assert refund == [
        f"WARNING:saga_demo.saga.execution:🔁 Compensation of step process_payment of saga "
        f"{saga_id} will be retried: Injected compensation failure (attempt 1)"
    ]
    assert not any(
        "Traceback" in line or line.startswith("ERROR:saga_demo.saga.attempts") for line in written
    )
