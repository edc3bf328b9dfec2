import { shortId } from "../format";
import { useOrder, useSagaView } from "../saga-hooks";
import { explainSaga } from "../state/explain";
import { FlowDiagram } from "./FlowDiagram";

function WhatYouSaw({ sagaId }: { sagaId: string }) {
  const { saga } = useSagaView(sagaId);
  const order = useOrder(saga.orderId);
  return (
    <>
      <FlowDiagram saga={saga} />
      {saga.status !== null && (
        <div className="what-you-saw" data-saga-id={sagaId}>
          <h3>
            What you just saw{" "}
            <span className="muted">
              (order <code>{shortId(saga.orderId ?? sagaId)}</code>)
            </span>
          </h3>
          <p>{explainSaga(saga, order)}</p>
        </div>
      )}
    </>
  );
}

export function LearnPanel({ sagaId }: { sagaId: string | null }) {
  return (
    <>
      <h2 id="learn-heading">How a saga works</h2>
      <p>
        An order touches three services (inventory, payment, shipping), each with its own data: no
        single transaction can span them. A <strong>saga</strong> runs one local step at a time
        instead, and gives each step a <strong>compensation</strong> that undoes it. If a step
        fails, the orchestrator compensates every step that took effect, newest first, so the system
        ends as if the order had never been placed.
      </p>
      <p>
        Every transition is written to a durable <strong>saga log</strong> before anything else
        happens: after a crash the orchestrator resumes each unfinished saga from the log, and each
        service applies a step at most once (its key is the saga and the step), so nothing moves
        twice.
      </p>
      {sagaId === null ? <FlowDiagram saga={null} /> : <WhatYouSaw sagaId={sagaId} />}
    </>
  );
}
