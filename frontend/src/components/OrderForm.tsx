import { type FormEvent, useId, useRef, useState } from "react";
import { useMutation } from "urql";
import { useApp } from "../context";
import { errorInfo } from "../errors";
import { CreateOrderMutation } from "../operations";
import type { Fault } from "../state/faults";
import { formatMoney } from "../state/money";
import { FAULT_SCENARIOS, SCENARIOS, type Scenario } from "../state/scenarios";
import {
  type FieldErrors,
  fieldOfServerError,
  type OrderDraft,
  type OrderField,
  toOrderInput,
  validateOrder,
} from "../state/validation";
import type { Stock } from "./App";
import { FaultEditor } from "./FaultEditor";

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
}: {
  stock: Stock | undefined;
  onPlaced: (sagaId: string) => void;
}) {
  const { store, announce } = useApp();
  const [draft, setDraft] = useState<OrderDraft>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [faults, setFaults] = useState<readonly Fault[]>([]);
  const [faultError, setFaultError] = useState<string | undefined>(undefined);
  const [submitted, setSubmitted] = useState(false);
  const [{ fetching }, createOrder] = useMutation(CreateOrderMutation);
  const inputs = useRef<Partial<Record<OrderField, HTMLInputElement | null>>>({});
  const usersId = useId();
  const productsId = useId();

  const balance = stock?.balances.find((b) => b.userId === draft.userId);
  const item = stock?.inventory.find((i) => i.productId === draft.productId);
  const userHint = draft.userId
    ? balance
      ? `Balance ${formatMoney(balance.balance)}`
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

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setFormError(null);
    const found = validateOrder(draft);
    setErrors(found);
    const first = (Object.keys(found) as OrderField[])[0];
    if (first !== undefined) {
      inputs.current[first]?.focus();
      return;
    }
    setFaultError(undefined);
    const result = await createOrder({
      input: {
        ...toOrderInput(draft),
        faults: faults.length > 0 ? faults.map((f) => ({ ...f })) : null,
      },
    });
    if (result.error || !result.data) {
      const info = result.error
        ? errorInfo(result.error)
        : { message: "No answer", field: null, code: null };
      const field = fieldOfServerError(info.field);
      if (field !== null) {
        setErrors({ [field]: info.message });
        inputs.current[field]?.focus();
      } else if (info.field?.startsWith("input.faults")) {
        setFaultError(info.message);
      } else {
        setFormError(info.message);
      }
      return;
    }
    const { order, saga } = result.data.createOrder;
    store.dispatch({ type: "orders", orders: [order] });
    store.dispatch({ type: "snapshot", saga });
    announce(`Order placed: its saga ${saga.id} is running.`);
    setSubmitted(false);
    onPlaced(saga.id);
  };

  const pick = (scenario: Scenario) => {
    setDraft(scenario.draft);
    setFaults(scenario.faults ?? []);
    setErrors({});
    setFormError(null);
    setFaultError(undefined);
    setSubmitted(false);
  };

  return (
    <>
      <h2 id="place-order-heading">Place an order</h2>
      <fieldset className="presets">
        <legend>Scenarios of the original demo</legend>
        <div className="preset-list">
          {SCENARIOS.map((scenario, index) => (
            <PresetButton key={scenario.id} scenario={scenario} number={index + 1} onPick={pick} />
          ))}
        </div>
      </fieldset>
      <fieldset className="presets">
        <legend>With a fault plan</legend>
        <div className="preset-list">
          {FAULT_SCENARIOS.map((scenario, index) => (
            <PresetButton
              key={scenario.id}
              scenario={scenario}
              number={SCENARIOS.length + index + 1}
              onPick={pick}
            />
          ))}
        </div>
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
          plan={faults}
          onChange={(plan) => {
            setFaults(plan);
            setFaultError(undefined);
          }}
          serverError={faultError}
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

function PresetButton({
  scenario,
  number,
  onPick,
}: {
  scenario: Scenario;
  number: number;
  onPick: (scenario: Scenario) => void;
}) {
  return (
    <button
      type="button"
      className="preset"
      data-scenario={scenario.id}
      onClick={() => onPick(scenario)}
    >
      <span className="preset-title">
        {number}. {scenario.title}
      </span>
      <span className="preset-expect">{scenario.expect}</span>
    </button>
  );
}
