/**
 * The order form's rules, the server's own bounds (see CreateOrderInput in the schema): what the
 * server would refuse is refused here first, with the same words.
 */

export type OrderField = "userId" | "productId" | "quantity" | "amount";

export interface OrderDraft {
  readonly userId: string;
  readonly productId: string;
  readonly quantity: string;
  readonly amount: string;
}

export interface OrderInput {
  readonly userId: string;
  readonly productId: string;
  readonly quantity: number;
  readonly amount: string;
}

export type FieldErrors = Partial<Record<OrderField, string>>;

export const MAX_ID_LENGTH = 64;
export const MAX_QUANTITY = 1_000_000;
export const MAX_AMOUNT_WHOLE = 1_000_000_000;

function idError(label: string, value: string): string | undefined {
  if (value.length === 0) return `${label} is required`;
  if (value.length > MAX_ID_LENGTH) return `${label} must be 1 to ${MAX_ID_LENGTH} characters`;
  return undefined;
}

function quantityError(value: string): string | undefined {
  const text = value.trim();
  if (text.length === 0) return "Quantity is required";
  if (!/^\d+$/.test(text)) return "Quantity must be a whole number";
  const quantity = Number(text);
  if (quantity < 1 || quantity > MAX_QUANTITY) return "Quantity must be from 1 to 1,000,000";
  return undefined;
}

function amountError(value: string): string | undefined {
  const text = value.trim();
  if (text.length === 0) return "Amount is required";
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (match === null) return "Amount must be a number, such as 100 or 49.99";
  const [, whole = "", fraction = ""] = match;
  if (fraction.length > 2) return "Amount must have at most two decimals";
  const wholeValue = Number(whole);
  const hasCents = /[1-9]/.test(fraction);
  if (wholeValue === 0 && !hasCents) return "Amount must be above 0";
  if (wholeValue > MAX_AMOUNT_WHOLE || (wholeValue === MAX_AMOUNT_WHOLE && hasCents)) {
    return "Amount must be at most 1,000,000,000";
  }
  return undefined;
}

/** Every field's error; empty when the draft may be sent. */
export function validateOrder(draft: OrderDraft): FieldErrors {
  const errors: FieldErrors = {};
  const user = idError("User", draft.userId);
  const product = idError("Product", draft.productId);
  const quantity = quantityError(draft.quantity);
  const amount = amountError(draft.amount);
  if (user) errors.userId = user;
  if (product) errors.productId = product;
  if (quantity) errors.quantity = quantity;
  if (amount) errors.amount = amount;
  return errors;
}

/** The mutation's input for a valid draft. */
export function toOrderInput(draft: OrderDraft): OrderInput {
  const amount = draft.amount.trim();
  return {
    userId: draft.userId,
    productId: draft.productId,
    quantity: Number(draft.quantity.trim()),
    amount: amount.endsWith(".") ? amount.slice(0, -1) : amount,
  };
}

/** The form field a server error names (`extensions.field`, e.g. "input.amount"). */
export function fieldOfServerError(field: unknown): OrderField | null {
  if (typeof field !== "string") return null;
  const name = field.replace(/^input\./, "");
  return name === "userId" || name === "productId" || name === "quantity" || name === "amount"
    ? name
    : null;
}
