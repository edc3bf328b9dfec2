import { type FormEvent, useId, useRef, useState } from "react";
import { useMutation } from "urql";
import { useApp } from "../context";
import { errorInfo } from "../errors";
import { CreateOrderMutation } from "../operations";
import type { SessionReset } from "../reset-hook";
import { checkPlan, faultOfServerError, toFaultDraft } from "../state/faults";
import { formatMoney } from "../state/money";
import {
  FAULT_SCENARIOS,
  SCENARIOS,
  type Scenario,
  SHIPPING_RULE,
  scenarioShortfall,
  UNDELIVERABLE_USERS,
} from "../state/scenarios";
import type { Stock } from "../state/types";
import {
  type FieldErrors,
  fieldOfServerError,
  type OrderDraft,
  type OrderField,
  toOrderInput,
  validateOrder,
} from "../state/validation";
import { FaultEditor, type FaultRow, type FaultServerError, faultRow } from "./FaultEditor";

const EMPTY: OrderDraft = { userId: "", productId: "", quantity: "1", amount: "" };

interface FieldProps {
  readonly name: OrderField;
  readonly label: string;
  readonly value: string;
  readonly error: string | undefined;
  readonly hint: string | undefined;
  readonly list?: string;
  readonly inputMode?: "numeric" | "decimal" | "text";
  readonly prefix?: string;
  readonly onChange: (name: OrderField, value: string) => void;
  readonly inputRef?: (element: HTMLInputElement | null) => void;
}

function Field(props: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [props.hint ? hintId : null, props.error ? errorId : null]
    .filter(Boolean)
    .join(" ");
  return (
    <div className={props.error ? "field field-invalid" : "field"}>
      <label htmlFor={id}>{props.label}</label>
      <div className="field-input">
        {props.prefix && (
          <span className="field-prefix" aria-hidden="true">
            {props.prefix}
          </span>
        )}
        <input
          id={id}
          name={props.name}
          ref={props.inputRef}
          value={props.value}
          list={props.list}
          inputMode={props.inputMode}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={describedBy || undefined}
          onChange={(event) => props.onChange(props.name, event.target.value)}
        />
      </div>
      {props.hint && (
        <p id={hintId} className="field-hint">
          {props.hint}
        </p>
      )}
      {props.error && (
        <p id={errorId} className="field-error">
          {props.error}
        </p>
      )}
    </div>
  );
}

export function OrderForm({
  stock,
  onPlaced,
  reset,
}: {
  stock: Stock | undefined;
  onPlaced: (sagaId: string) => void;
  reset: SessionReset;
}) {
  const { store, announce } = useApp();
  const [draft, setDraft] = useState<OrderDraft>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [faults, setFaults] = useState<readonly FaultRow[]>([]);
  const [faultError, setFaultError] = useState<FaultServerError | undefined>(undefined);
  const [faultFocus, setFaultFocus] = useState(0);
  const [submitted, setSubmitted] = useState(false);
  const [{ fetching }, createOrder] = useMutation(CreateOrderMutation);
  // An order on its way: a second click on a scenario (a double click) places nothing more.
  const sending = useRef(false);
  const inputs = useRef<Partial<Record<OrderField, HTMLInputElement | null>>>({});
  const usersId = useId();
  const productsId = useId();

  const balance = stock?.balances.find((b) => b.userId === draft.userId);
  const item = stock?.inventory.find((i) => i.productId === draft.productId);
  const userHint = draft.userId
    ? balance
      ? `Balance ${formatMoney(balance.balance)}${UNDELIVERABLE_USERS.includes(draft.userId) ? ` · ${SHIPPING_RULE}` : ""}`
      : "Unknown user: the saga will fail at validation"
    : undefined;
  const productHint = draft.productId
    ? item
      ? `${item.available} in stock`
      : "Unknown product: the saga will fail at the reservation"
    : undefined;

  const change = (name: OrderField, value: string) => {
    const next = { ...draft, [name]: value };
    setDraft(next);
    setFormError(null);
    // After a first attempt, errors follow the typing; before, only the server's are cleared.
    if (submitted) setErrors(validateOrder(next));
    else if (errors[name]) setErrors({ ...errors, [name]: undefined });
  };

  /** Places the order the form (or a scenario) holds; the saga it starts becomes the selected one. */
  const place = async (order: OrderDraft, plan: readonly FaultRow[]) => {
    setFormError(null);
    setFaultError(undefined);
    const found = validateOrder(order);
    setErrors(found);
    const first = (Object.keys(found) as OrderField[])[0];
    if (first !== undefined) {
      setSubmitted(true);
      inputs.current[first]?.focus();
      return;
    }
    const checked = checkPlan(plan);
    if ("errors" in checked) {
      setSubmitted(true);
      setFaultFocus((n) => n + 1);
      return;
    }
    if (sending.current) return;
    sending.current = true;
    const result = await createOrder({
      input: {
        ...toOrderInput(order),
        faults: checked.faults.length > 0 ? checked.faults.map((f) => ({ ...f })) : null,
      },
    }).finally(() => {
      sending.current = false;
    });
    if (result.error || !result.data) {
      const info = result.error
        ? errorInfo(result.error)
        : { message: "No answer", field: null, code: null };
      const field = fieldOfServerError(info.field);
      const fault = faultOfServerError(info.field);
      if (field !== null) {
        setErrors({ [field]: info.message });
        inputs.current[field]?.focus();
      } else if (fault !== null || info.field?.startsWith("input.faults")) {
        setFaultError({
          index: fault?.index ?? null,
          field: fault?.field ?? "kind",
          message: info.message,
        });
        setFaultFocus((n) => n + 1);
      } else {
        setFormError(info.message);
      }
      return;
    }
    const { order: placed, saga } = result.data.createOrder;
    store.dispatch({ type: "orders", orders: [placed] });
    store.dispatch({ type: "snapshot", saga });
    announce(`Order placed: its saga ${saga.id} is running.`);
    setSubmitted(false);
    onPlaced(saga.id);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void place(draft, faults);
  };

  /** One click, as on the original page: the form takes the scenario's values, then places it. */
  const run = (scenario: Scenario) => {
    if (sending.current) return;
    const plan = scenario.faults.map((fault) => faultRow(toFaultDraft(fault)));
    setDraft(scenario.draft);
    setFaults(plan);
    setSubmitted(false);
    void place(scenario.draft, plan);
  };

  const card = (scenario: Scenario, number: number) => (
    <ScenarioCard
      key={scenario.id}
      scenario={scenario}
      number={number}
      shortfall={scenarioShortfall(scenario, stock)}
      busy={fetching}
      reset={reset}
      onRun={run}
    />
  );

  return (
    <>
      <h2 id="place-order-heading">Place an order</h2>
      <p className="presets-hint">
        One click on a scenario places its order; the form keeps its values, to change and place
        again.
      </p>
      <fieldset className="presets">
        <legend>Scenarios of the original demo</legend>
        <ul className="preset-list">
          {SCENARIOS.map((scenario, index) => card(scenario, index + 1))}
        </ul>
      </fieldset>
      <fieldset className="presets">
        <legend>With a fault plan</legend>
        <ul className="preset-list">
          {FAULT_SCENARIOS.map((scenario, index) => card(scenario, SCENARIOS.length + index + 1))}
        </ul>
      </fieldset>
      <form className="order-form" onSubmit={submit} noValidate aria-label="New order">
        <Field
          name="userId"
          label="User"
          value={draft.userId}
          error={errors.userId}
          hint={userHint}
          list={usersId}
          onChange={change}
          inputRef={(el) => {
            inputs.current.userId = el;
          }}
        />
        <datalist id={usersId}>
          {stock?.balances.map((b) => (
            <option key={b.userId} value={b.userId}>
              {`${b.userId} — ${formatMoney(b.balance)}`}
            </option>
          ))}
        </datalist>
        <Field
          name="productId"
          label="Product"
          value={draft.productId}
          error={errors.productId}
          hint={productHint}
          list={productsId}
          onChange={change}
          inputRef={(el) => {
            inputs.current.productId = el;
          }}
        />
        <datalist id={productsId}>
          {stock?.inventory.map((i) => (
            <option key={i.productId} value={i.productId}>
              {`${i.productId} — ${i.available} in stock`}
            </option>
          ))}
        </datalist>
        <div className="field-row">
          <Field
            name="quantity"
            label="Quantity"
            value={draft.quantity}
            error={errors.quantity}
            hint={undefined}
            inputMode="numeric"
            onChange={change}
            inputRef={(el) => {
              inputs.current.quantity = el;
            }}
          />
          <Field
            name="amount"
            label="Amount"
            value={draft.amount}
            error={errors.amount}
            hint={undefined}
            inputMode="decimal"
            prefix="$"
            onChange={change}
            inputRef={(el) => {
              inputs.current.amount = el;
            }}
          />
        </div>
        <FaultEditor
          rows={faults}
          onChange={(plan) => {
            setFaults(plan);
            setFaultError(undefined);
          }}
          showErrors={submitted}
          serverError={faultError}
          focusRequest={faultFocus}
        />
        {formError && (
          <p className="notice notice-error" role="alert">
            {formError}
          </p>
        )}
        <button
          type="submit"
          className="button button-primary"
          disabled={fetching}
          aria-busy={fetching || undefined}
        >
          Place order
        </button>
      </form>
    </>
  );
}

function ScenarioCard({
  scenario,
  number,
  shortfall,
  busy,
  reset,
  onRun,
}: {
  scenario: Scenario;
  number: number;
  /** Why it would not end as it says, with the session's stock and balances now. */
  shortfall: string | null;
  busy: boolean;
  reset: SessionReset;
  onRun: (scenario: Scenario) => void;
}) {
  const noteId = useId();
  return (
    <li className={shortfall ? "preset preset-short" : "preset"}>
      <button
        type="button"
        className="preset-run"
        data-scenario={scenario.id}
        aria-disabled={busy || undefined}
        aria-describedby={shortfall ? noteId : undefined}
        onClick={() => onRun(scenario)}
      >
        <span className="preset-title">
          {number}. {scenario.title}
        </span>
        <span className="preset-expect">{scenario.expect}</span>
        {scenario.rule && <span className="preset-rule">{scenario.rule}</span>}
      </button>
      {shortfall && (
        <div className="preset-shortfall" data-shortfall="">
          <p id={noteId}>{shortfall}</p>
          <button
            type="button"
            className="button button-small"
            onClick={reset.run}
            disabled={reset.running || reset.fetching}
            aria-label="Reset stock and balances"
            title={
              reset.running
                ? "Reset is disabled while a saga runs."
                : "Reseed this session's stock and balances and clear its orders."
            }
          >
            Reset
          </button>
        </div>
      )}
    </li>
  );
}
