import { describe, expect, it } from "vitest";
import { extractionSolver } from "./extraction.js";
import { findDates } from "./extraction-parse.js";
import { intentSolver } from "./intent.js";
import { generateExtractionRows, generateTicketRows } from "./tickets-gen.js";

describe("intent solver", () => {
  it("classifies by keywords and falls back to other", () => {
    const label = (t: string): string | undefined => intentSolver.analyze(t)?.label;
    expect(label("I was charged twice, please refund me.")).toBe("billing");
    expect(label("The app crashes with an error.")).toBe("technical");
    expect(label("I forgot my password and cannot log in.")).toBe("account");
    expect(label("My package has not arrived and tracking shows nothing.")).toBe("shipping");
    expect(label("Do you have a store in Lisbon?")).toBe("other");
  });

  it("agrees with every generated ticket and flags ambiguous ones", () => {
    const rows = generateTicketRows(200, 6);
    for (const row of rows) expect(intentSolver.analyze(row.ticket)?.label, row.ticket).toBe(row.expected);
    expect(rows.some((r) => intentSolver.analyze(r.ticket)!.traits.includes("ambiguous"))).toBe(true);
    expect(new Set(rows.map((r) => r.channel))).toEqual(new Set(["email", "chat", "phone"]));
    for (const row of rows) expect(row.expected_fields !== undefined).toBe(row.channel === "email");
  });
});

describe("extraction solver", () => {
  it("reads ISO, US-style and European-style dates", () => {
    expect(findDates("on 2024-03-05").map((d) => d.iso)).toEqual(["2024-03-05"]);
    expect(findDates("on March 5, 2024").map((d) => d.iso)).toEqual(["2024-03-05"]);
    expect(findDates("on 5 March 2024").map((d) => d.iso)).toEqual(["2024-03-05"]);
  });

  it("finds the writer, not the support address or the agent", () => {
    const c = extractionSolver.analyze(
      "I already wrote to support@shop.com. An agent named Maria Berg told me to write here. This started on 2024-01-02. Regards, Ana Lopez (ana.lopez@mail.com)",
    )!;
    expect(c.fields).toMatchObject({ name: "Ana Lopez", email: "ana.lopez@mail.com" });
    expect(c.traits).toEqual(["distractor", "distractor-name"]);
    expect(extractionSolver.wrong(c, 0.1).email).toBe("support@shop.com");
  });

  it("agrees with every generated row", () => {
    for (const row of generateExtractionRows(150, 7)) {
      const c = extractionSolver.analyze(row.text)!;
      const style = { isoDate: true, standardKeys: true, concise: false, selfCheck: false };
      expect(extractionSolver.bare(c.fields, c, style), row.text).toBe(row.expected);
    }
  });
});
