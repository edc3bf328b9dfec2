import { describe, expect, it } from "vitest";
import {
  checkFault,
  checkPlan,
  describeDraft,
  describeFault,
  draftEffect,
  FAULT_KINDS,
  type FaultDraft,
  faultEffect,
  faultFields,
  faultOfServerError,
  nextFaultDraft,
  toFaultDraft,
  withKind,
} from "./faults";
import { STEPS } from "./fixtures.test-support";

const transient: FaultDraft = {
  step: "process_payment",
  kind: "TRANSIENT",
  times: "2",
  delayMs: "",
};

describe("each fault kind offers only the fields it uses", () => {
  it("FAIL has none, DELAY alone has a delay, the others count attempts", () => {
    const fields = Object.fromEntries(FAULT_KINDS.map(({ kind }) => [kind, faultFields(kind)]));
    expect(fields).toEqual({
      FAIL: { times: false, delay: false },
      TRANSIENT: { times: true, delay: false },
      DELAY: { times: true, delay: true },
      TIMEOUT: { times: true, delay: false },
      LOST_RESPONSE: { times: true, delay: false },
      COMPENSATION_FAIL: { times: true, delay: false },
    });
  });

  it("sends nothing a kind does not use", () => {
    // FAIL refuses every attempt: whatever Times held, the server's default goes.
    expect(checkFault({ ...transient, kind: "FAIL", times: "oops", delayMs: "300" }, [])).toEqual({
      fault: { step: "process_payment", kind: "FAIL", times: 1, delayMs: null },
    });
    // A delay only for DELAY.
    expect(checkFault({ ...transient, delayMs: "300" }, [])).toEqual({
      fault: { step: "process_payment", kind: "TRANSIENT", times: 2, delayMs: null },
    });
    expect(checkFault({ ...transient, kind: "DELAY", delayMs: "0" }, [])).toEqual({
      fault: { step: "process_payment", kind: "DELAY", times: 2, delayMs: 0 },
    });
  });

  it("gives a DELAY a delay to start from when the kind changes to it", () => {
    expect(withKind(transient, "DELAY")).toEqual({ ...transient, kind: "DELAY", delayMs: "500" });
    expect(withKind({ ...transient, delayMs: "80" }, "DELAY").delayMs).toBe("80");
    expect(withKind(transient, "FAIL")).toEqual({ ...transient, kind: "FAIL" });
  });
});

describe("a fault's chip and its fields agree", () => {
  it("is made from the fields: times only where counted, a delay only for DELAY", () => {
    expect(describeDraft(transient)).toBe("process_payment: TRANSIENT ×2");
    expect(describeDraft({ ...transient, times: "5" })).toBe("process_payment: TRANSIENT ×5");
    expect(describeDraft({ ...transient, kind: "FAIL" })).toBe("process_payment: FAIL");
    expect(describeDraft({ ...transient, kind: "DELAY", delayMs: "250" })).toBe(
      "process_payment: DELAY +250 ms ×2",
    );
    // While a field is being typed, the chip shows what it holds.
    expect(describeDraft({ ...transient, times: "" })).toBe("process_payment: TRANSIENT ×?");
  });

  it("shows a scenario's fault with the same values in the fields", () => {
    const fault = { step: "process_payment", kind: "TRANSIENT", times: 2, delayMs: null } as const;
    const draft = toFaultDraft(fault);
    expect(draft).toEqual({ step: "process_payment", kind: "TRANSIENT", times: "2", delayMs: "" });
    expect(describeDraft(draft)).toBe(describeFault(fault));
  });

  it("as the saga's panel shows the server's plan (FAIL without a count)", () => {
    expect(describeFault({ step: "ship_order", kind: "FAIL", times: 1, delayMs: null })).toBe(
      "ship_order: FAIL",
    );
  });
});

describe("what a fault does, in words", () => {
  it.each([
    [{ kind: "FAIL", times: 1, delayMs: null }, "refused on every attempt"],
    [{ kind: "TRANSIENT", times: 1, delayMs: null }, "its first attempt fails for now"],
    [{ kind: "TRANSIENT", times: 2, delayMs: null }, "its first 2 attempts fail for now"],
    [{ kind: "DELAY", times: 3, delayMs: 500 }, "its first 3 attempts take 500 ms longer"],
    [{ kind: "TIMEOUT", times: 1, delayMs: null }, "its first attempt exceeds the step's timeout"],
    [{ kind: "LOST_RESPONSE", times: 2, delayMs: null }, "its first 2 attempts take effect"],
    [
      { kind: "COMPENSATION_FAIL", times: 5, delayMs: null },
      "if the step is undone, its first 5 compensation attempts fail",
    ],
  ] as const)("%j", (fault, words) => {
    expect(faultEffect(fault)).toContain(words);
  });

  it("follows the fields, even half typed", () => {
    expect(draftEffect({ ...transient, times: "3" })).toContain("its first 3 attempts");
    expect(draftEffect({ ...transient, times: "" })).toContain("its first attempts");
  });
});

describe("a plan of several faults", () => {
  it("is sent when every row is right", () => {
    const plan: FaultDraft[] = [
      transient,
      { ...transient, step: "ship_order", kind: "FAIL", times: "" },
    ];
    expect(checkPlan(plan)).toEqual({
      faults: [
        { step: "process_payment", kind: "TRANSIENT", times: 2, delayMs: null },
        { step: "ship_order", kind: "FAIL", times: 1, delayMs: null },
      ],
    });
  });

  it("names each row's error: the second of two alike, a count out of bounds", () => {
    const result = checkPlan([
      transient,
      { ...transient, times: "3" },
      { ...transient, step: "ship_order", times: "0" },
    ]);
    expect(result).toEqual({
      errors: [
        undefined,
        {
          error: "process_payment has a TRANSIENT fault already (one of each kind per step)",
          field: "kind",
        },
        { error: "Times must be a whole number from 1 to 100", field: "times" },
      ],
    });
  });

  it("adds a new fault on a step and kind not taken yet", () => {
    expect(nextFaultDraft([], STEPS)).toEqual({ ...transient, times: "1" });
    const next = nextFaultDraft([transient], STEPS);
    expect(next.kind).toBe("TRANSIENT");
    expect(next.step).not.toBe("process_payment");
    expect("fault" in checkFault(next, [transient])).toBe(true);
  });

  it("maps the server's extensions.field to a row and a field", () => {
    expect(faultOfServerError("input.faults[1].times")).toEqual({ index: 1, field: "times" });
    expect(faultOfServerError("input.faults[0].delayMs")).toEqual({ index: 0, field: "delayMs" });
    expect(faultOfServerError("input.faults[2].kind")).toEqual({ index: 2, field: "kind" });
    expect(faultOfServerError("input.amount")).toBeNull();
    expect(faultOfServerError(null)).toBeNull();
  });
});
