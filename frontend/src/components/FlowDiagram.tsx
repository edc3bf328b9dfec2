import type { SagaState } from "../state/sagaView";
import { STEP_BADGE_TEXT, stepBadge } from "../state/stepStatus";
import { ORDER_STEPS, stepWords } from "../state/steps";

const BOX_W = 150;
const BOX_H = 46;
const X = 24;
const GAP = 34;
const UNDO: Record<string, string> = {
  validate_order: "nothing to undo",
  reserve_inventory: "release stock",
  process_payment: "refund",
  ship_order: "cancel shipment",
};

/**
 * The order saga's flow: the four steps top to bottom (solid arrows), and the compensations
 * back up (dashed arrows), each box coloured by the step's status in the saga shown.
 */
export function FlowDiagram({ saga }: { saga: SagaState | null }) {
  const badgeOf = (name: string) => {
    const step = saga?.steps.find((s) => s.name === name);
    return step === undefined ? null : stepBadge(step);
  };
  const height = ORDER_STEPS.length * (BOX_H + GAP) + 30;
  return (
    <svg
      className="flow"
      viewBox={`0 0 340 ${height}`}
      role="img"
      aria-labelledby="flow-title flow-desc"
    >
      <title id="flow-title">The order saga's flow</title>
      <desc id="flow-desc">
        Validate order, reserve inventory, process payment, ship order, in that order. When a step
        fails, the steps before it are compensated in reverse order: the shipment cancelled, the
        payment refunded, the stock released; validation has nothing to undo.
      </desc>
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" className="flow-arrowhead" />
        </marker>
        <marker
          id="arrow-undo"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" className="flow-arrowhead-undo" />
        </marker>
      </defs>
      {ORDER_STEPS.map((name, i) => {
        const y = 10 + i * (BOX_H + GAP);
        const badge = badgeOf(name);
        const next = y + BOX_H + GAP;
        return (
          <g key={name}>
            <rect
              x={X}
              y={y}
              width={BOX_W}
              height={BOX_H}
              rx={8}
              className={`flow-box flow-${badge?.toLowerCase() ?? "idle"}`}
            />
            <text x={X + BOX_W / 2} y={y + 20} textAnchor="middle" className="flow-label">
              {stepWords(name).label}
            </text>
            <text x={X + BOX_W / 2} y={y + 36} textAnchor="middle" className="flow-sub">
              {badge === null ? name : STEP_BADGE_TEXT[badge]}
            </text>
            {i < ORDER_STEPS.length - 1 && (
              <line
                x1={X + 40}
                y1={y + BOX_H}
                x2={X + 40}
                y2={next - 2}
                className="flow-forward"
                markerEnd="url(#arrow)"
              />
            )}
            {i > 0 && (
              <path
                d={`M ${X + BOX_W} ${y + BOX_H / 2} C ${X + BOX_W + 40} ${y + BOX_H / 2}, ${X + BOX_W + 40} ${y - GAP - BOX_H / 2}, ${X + BOX_W + 4} ${y - GAP - BOX_H / 2 + 2}`}
                className="flow-undo"
                markerEnd="url(#arrow-undo)"
                fill="none"
              />
            )}
            <text x={X + BOX_W + 44} y={y + BOX_H / 2 + 4} className="flow-undo-label">
              ↩ {UNDO[name] ?? "undo"}
            </text>
          </g>
        );
      })}
      <text x={X} y={height - 6} className="flow-sub">
        solid: forward · dashed: compensation, in reverse
      </text>
    </svg>
  );
}
