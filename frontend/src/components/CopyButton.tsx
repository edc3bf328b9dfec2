import { useEffect, useState } from "react";
import { copyText } from "../clipboard";

/**
 * A short id with a button that copies the whole of it (the ids are UUIDs; eight characters
 * show). If copying fails, the whole id shows instead, selectable.
 */
export function CopyableId({ value, what }: { value: string; what: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state !== "copied") return;
    const timer = setTimeout(() => setState("idle"), 1500);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => setState((await copyText(value)) ? "copied" : "failed");

  return (
    <span className="copyable" data-copy-id={value}>
      <code title={value}>{state === "failed" ? value : value.slice(0, 8)}</code>
      <button
        type="button"
        className="copy-button"
        onClick={copy}
        aria-label={`Copy the ${what} id`}
        title={`Copy the full ${what} id: ${value}`}
      >
        {state === "copied" ? "Copied" : "Copy"}
      </button>
      <span className="sr-only" role="status">
        {state === "copied" ? `The ${what} id is copied.` : ""}
        {state === "failed" ? `Could not copy: the ${what} id is shown in full.` : ""}
      </span>
    </span>
  );
}
