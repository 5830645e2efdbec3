import { describe, expect, it } from "vitest";
import { generateArithmeticRows } from "./arithmetic-gen.js";
import { parseArithmetic } from "./arithmetic-parse.js";
import { arithmeticSolver, runChain } from "./arithmetic.js";

const solve = (text: string): number | undefined => {
  const p = parseArithmetic(text);
  return p ? runChain(p.start, p.ops).value : undefined;
};

describe("arithmetic parser and solver", () => {
  it("solves word problems with one to three operations", () => {
    expect(solve("Sam has 12 apples, buys 5 more and gives away 3. How many apples does Sam have now?")).toBe(14);
    expect(solve("Mia has 14 marbles. She doubles the collection and then donates 11. How many marbles does Mia have now?")).toBe(17);
    expect(solve("Leo has 4 shells. He buys 3 boxes of 6. How many shells does Leo have now?")).toBe(22);
    expect(solve("Ava has 20 cards. She splits them into 4 equal piles and keeps one pile. How many cards does Ava have now?")).toBe(5);
    expect(solve("Tom has twelve coins. He loses three. How many coins does Tom have now?")).toBe(9);
    expect(solve("Zoe has 18 stamps. She gives away half of them. Then she finds 2 more. How many stamps does Zoe have now?")).toBe(11);
  });

  it("solves bare expressions and refuses what it cannot read", () => {
    expect(solve("What is 12 * 5 + 3?")).toBe(63);
    expect(solve("What is 12 + 5 - 3?")).toBe(14);
    expect(solve("This started on 2024-03-05.")).toBeUndefined();
    expect(solve("I love this kettle.")).toBeUndefined();
  });

  it("solves every generated problem and rates multi-step ones harder", () => {
    const rows = generateArithmeticRows(300, 3);
    for (const row of rows) expect(String(solve(row.question)), row.question).toBe(row.expected);
    const one = arithmeticSolver.analyze(rows[0].question);
    const three = arithmeticSolver.analyze(rows[2].question);
    expect(three!.difficulty).toBeGreaterThan(one!.difficulty);
    expect(three!.cotBonus).toBeGreaterThan(one!.cotBonus);
  });

  it("makes plausible mistakes that differ from the truth", () => {
    for (const row of generateArithmeticRows(60, 4)) {
      const c = arithmeticSolver.analyze(row.question)!;
      for (const pick of [0.1, 0.5, 0.9]) {
        const wrong = arithmeticSolver.wrong(c, pick);
        expect(wrong.value).not.toBe(Number(row.expected));
        expect(wrong.value).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it("reads answers from bare, chatty and reasoning replies", () => {
    const c = arithmeticSolver.analyze("Sam has 12 apples, buys 5 more and gives away 3. How many apples does Sam have now?")!;
    expect(arithmeticSolver.read("14", c)?.value).toBe(14);
    expect(arithmeticSolver.read("Sam has 14 apples now.", c)?.value).toBe(14);
    expect(arithmeticSolver.read("12 + 5 = 17.\n17 - 3 = 14.\nAnswer: 14", c)?.value).toBe(14);
  });
});
