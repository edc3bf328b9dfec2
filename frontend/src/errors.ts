/** The API's errors as the page shows them: a message, its code and the input field it names. */
import type { CombinedError } from "@urql/core";

export interface ApiErrorInfo {
  readonly message: string;
  readonly code: string | null;
  readonly field: string | null;
}

export function errorInfo(error: CombinedError): ApiErrorInfo {
  const first = error.graphQLErrors[0];
  if (first !== undefined) {
    const code = first.extensions?.code;
    const field = first.extensions?.field;
    return {
      message: first.message,
      code: typeof code === "string" ? code : null,
      field: typeof field === "string" ? field : null,
    };
  }
  return {
    message: "The server could not be reached. Check the connection and try again.",
    code: "NETWORK",
    field: null,
  };
}
