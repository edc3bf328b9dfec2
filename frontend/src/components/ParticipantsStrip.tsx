import { useQuery, useSubscription } from "urql";
import type { CircuitState } from "../gql/graphql";
import { ParticipantsQuery, ParticipantUpdatesSubscription } from "../operations";

const CIRCUIT_TEXT: Record<CircuitState, string> = {
  CLOSED: "up",
  OPEN: "down",
  HALF_OPEN: "trying again",
};

const CIRCUIT_HINT: Record<CircuitState, string> = {
  CLOSED: "Answering: its circuit is closed.",
  OPEN: "Not answering: its circuit is open, so its steps fail at once and are retried later.",
  HALF_OPEN: "One call is trying whether it answers again.",
};

type Circuits = Record<string, CircuitState>;

/** The saga's participants and their circuits, live: each change is pushed as it happens. */
export function ParticipantsStrip() {
  const [listed] = useQuery({ query: ParticipantsQuery });
  const [updates] = useSubscription(
    { query: ParticipantUpdatesSubscription },
    (latest: Circuits = {}, { participantUpdates: update }) => ({
      ...latest,
      [update.name]: update.circuit,
    }),
  );
  const participants = listed.data?.participants ?? [];
  if (participants.length === 0) return null;
  return (
    <ul className="participants" aria-label="Participants">
      {participants.map((participant) => {
        const circuit = updates.data?.[participant.name] ?? participant.circuit;
        const where = participant.remote ? (participant.url ?? "a service") : "in-process";
        return (
          <li
            key={participant.name}
            className={`participant participant-${circuit.toLowerCase()}`}
            data-participant={participant.name}
            data-circuit={circuit}
            title={`${participant.name} (${where}). ${CIRCUIT_HINT[circuit]}`}
          >
            <span className="connection-dot" aria-hidden="true" />
            <span>{participant.name}</span>
            <span className="participant-state">{CIRCUIT_TEXT[circuit]}</span>
          </li>
        );
      })}
    </ul>
  );
}
