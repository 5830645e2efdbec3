import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { errorText } from "./errors.js";

function clientError(message: string, data: Record<string, unknown>) {
  return new TRPCClientError(message, { result: { error: { message, code: -32000, data } } } as never);
}

describe("errorText", () => {
  it("prefixes the server's message with the kind of failure", () => {
    expect(errorText(clientError('workflow "qa" node "answer": nothing to roll back (no promotion yet)', { code: "CONFLICT" }))).toBe(
      'Conflict — workflow "qa" node "answer": nothing to roll back (no promotion yet)',
    );
    expect(errorText(clientError("dataset line 3: invalid JSON (Unexpected token)", { code: "BAD_REQUEST" }))).toBe("Invalid input — dataset line 3: invalid JSON (Unexpected token)");
  });

  it("names the field of an input error", () => {
    const zodMessage = JSON.stringify([{ path: ["reason"], message: "Too small: expected string to have >=1 characters" }]);
    expect(errorText(clientError(zodMessage, { code: "BAD_REQUEST", issues: [{ field: "reason", message: "Too small: expected string to have >=1 characters" }] }))).toBe(
      "Invalid input — reason: Too small: expected string to have >=1 characters",
    );
    expect(errorText(clientError(zodMessage, { code: "BAD_REQUEST" }))).toBe("Invalid input — reason: Too small: expected string to have >=1 characters");
  });

  it("passes other errors through", () => {
    expect(errorText(new Error("offline"))).toBe("offline");
    expect(errorText("x")).toBe("x");
  });
});
