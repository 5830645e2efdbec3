import { canonicalKey, capitalize, finalAnswerLine } from "../text.js";
import { parseArithmetic, type ArithOp, type ArithProblem } from "./arithmetic-parse.js";
import type { Solver, TaskCase } from "./types.js";

export interface ArithCase extends TaskCase {
  problem: ArithProblem;
}

/** One computed step of the running total. */
export interface ArithStep {
  op: ArithOp;
  from: number;
  to: number;
}

/** An arithmetic answer with the (possibly flawed) derivation that produced it. */
export interface ArithAnswer {
  value: number;
  steps: ArithStep[];
}

const SIGN: Record<ArithOp["kind"], string> = { add: "+", sub: "-", mul: "×", div: "/" };

function apply(value: number, op: ArithOp): number {
  if (op.kind === "add") return value + op.n;
  if (op.kind === "sub") return value - op.n;
  if (op.kind === "mul") return value * op.n;
  return op.n === 0 ? value : Math.floor(value / op.n);
}

/** Runs the operations from `start`, recording every step. */
export function runChain(start: number, ops: readonly ArithOp[]): ArithAnswer {
  const steps: ArithStep[] = [];
  let value = start;
  for (const op of ops) {
    const next = apply(value, op);
    steps.push({ op, from: value, to: next });
    value = next;
  }
  return { value, steps };
}

function flipOp(op: ArithOp): ArithOp {
  // The classic misreadings: + ↔ -, "× 2" read as "+ 2", "split into 4" read as "minus 4".
  const kind = op.kind === "add" ? "sub" : op.kind === "sub" ? "add" : op.kind === "mul" ? "add" : "sub";
  return { ...op, kind, product: undefined };
}

function mistake(c: ArithCase, pick: number): ArithAnswer {
  const { start, ops } = c.problem;
  const truth = runChain(start, ops).value;
  const slip = (): ArithAnswer => {
    const chain = runChain(start, ops);
    const last = chain.steps[chain.steps.length - 1];
    const delta = [1, -1, 2, 10][Math.floor(pick * 97) % 4];
    last.to = Math.max(0, last.to + delta === truth ? truth + 1 : last.to + delta);
    return { value: last.to, steps: chain.steps };
  };
  let answer: ArithAnswer;
  if (pick < 0.34) answer = slip();
  else if (pick < 0.67 && ops.length > 1) answer = runChain(start, ops.slice(0, -1));
  else {
    const at = Math.floor(pick * 1000) % ops.length;
    answer = runChain(start, ops.map((op, i) => (i === at ? flipOp(op) : op)));
  }
  return answer.value === truth || answer.value < 0 ? slip() : answer;
}

function unit(c: ArithCase): string {
  return c.problem.item ? ` ${c.problem.item}` : "";
}

function stepLine(step: ArithStep): string {
  const { op, from, to } = step;
  if (op.product) {
    const [a, b] = op.product;
    return `${capitalize(op.phrase)}: ${a} × ${b} = ${a * b}, and ${from} + ${a * b} = ${to}.`;
  }
  return `${capitalize(op.phrase)}: ${from} ${SIGN[op.kind]} ${op.n} = ${to}.`;
}

/** Solver for arithmetic word problems and bare expressions. */
export const arithmeticSolver: Solver<ArithCase, ArithAnswer> = {
  family: "arithmetic",
  dataScore: (data) => (parseArithmetic(data) ? 10 : /\d/.test(data) && /\bhow (?:many|much)\b/i.test(data) ? 2 : 0),
  analyze(data) {
    const problem = parseArithmetic(data);
    if (!problem) return undefined;
    const ops = problem.ops.length;
    const mulDiv = problem.ops.some((op) => op.kind === "mul" || op.kind === "div" || op.product);
    const chain = runChain(problem.start, problem.ops);
    const big = Math.max(problem.start, ...chain.steps.map((s) => s.to)) >= 30;
    const traits = [...(ops > 1 ? ["multi-step"] : []), ...(mulDiv ? ["mul-div"] : [])];
    const difficulty = 0.8 * (ops - 1) + (mulDiv ? 0.5 : 0) + (big ? 0.3 : 0) + (problem.usesNumberWords ? 0.3 : 0);
    return { key: canonicalKey(data), difficulty, traits, cotBonus: 0.7 * ops + (mulDiv ? 0.3 : 0), problem };
  },
  truth: (c) => runChain(c.problem.start, c.problem.ops),
  wrong: mistake,
  equal: (a, b) => a.value === b.value,
  bare: (a) => String(a.value),
  chatty(a, c, pick, style) {
    const who = c.problem.subject;
    if (style.concise) return `${a.value}${unit(c)}.`;
    const options = who
      ? [`The answer is ${a.value}${unit(c)}.`, `${who} has ${a.value}${unit(c)} now.`, `After all that, ${who} ends up with ${a.value}${unit(c)}.`]
      : [`The answer is ${a.value}.`, `That comes to ${a.value}.`, `The result is ${a.value}.`];
    return options[Math.floor(pick * options.length)];
  },
  reasoning(a, c, style) {
    const who = c.problem.subject || "We";
    const verb = c.problem.subject ? "starts" : "start";
    if (style.concise) {
      return [a.steps.map((s) => `${s.from} ${SIGN[s.op.kind]} ${s.op.product ? s.op.product.join(" × ") : s.op.n} = ${s.to}`).join("; ") + "."];
    }
    const lines = [`${who} ${verb} with ${c.problem.start}${unit(c)}.`, ...a.steps.map(stepLine)];
    if (style.selfCheck) lines.push(`Check: going through the steps again gives ${a.value} again.`);
    return lines;
  },
  json: (a) => a.value,
  read(text) {
    const line = finalAnswerLine(text);
    const source = line ?? text;
    const numbers = source.match(/-?\d+(?:\.\d+)?/g);
    if (!numbers) return undefined;
    return { value: Number(line ? numbers[0] : numbers[numbers.length - 1]), steps: [] };
  },
};
