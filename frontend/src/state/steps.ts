/** What each step of the order saga means to a visitor. Unknown steps get a readable name. */

interface StepWords {
  readonly label: string;
  /** What the step does, e.g. in the diagram. */
  readonly does: string;
  /** Undoing it: "the inventory reservation" + "released". */
  readonly undo: readonly [subject: string, verb: string];
  /** The subject of "… failed" in explanations. */
  readonly subject: string;
}

const WORDS: Readonly<Record<string, StepWords>> = {
  validate_order: {
    label: "Validate order",
    does: "check the user, quantity and amount",
    undo: ["the validation", "compensated"],
    subject: "Validation",
  },
  reserve_inventory: {
    label: "Reserve inventory",
    does: "take the units out of stock",
    undo: ["the inventory reservation", "released"],
    subject: "The inventory reservation",
  },
  process_payment: {
    label: "Process payment",
    does: "charge the user's balance",
    undo: ["the payment", "refunded"],
    subject: "Payment",
  },
  ship_order: {
    label: "Ship order",
    does: "create the shipment",
    undo: ["the shipment", "cancelled"],
    subject: "Shipping",
  },
};

function humanize(name: string): string {
  const words = name.replace(/[_-]+/g, " ").trim();
  return words.length === 0 ? name : words[0]?.toUpperCase() + words.slice(1);
}

export function stepWords(name: string): StepWords {
  return (
    WORDS[name] ?? {
      label: humanize(name),
      does: humanize(name).toLowerCase(),
      undo: [humanize(name).toLowerCase(), "undone"],
      subject: humanize(name),
    }
  );
}

/** The order saga's steps, in order (the API lists them; this is for the diagram). */
export const ORDER_STEPS = ["validate_order", "reserve_inventory", "process_payment", "ship_order"];
