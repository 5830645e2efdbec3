import { createRng, type Rng } from "../rng.js";
import { capitalize, numberWord } from "../text.js";

/** A generated arithmetic row, in the shape of examples/qa.dataset.jsonl. */
export interface ArithmeticRow {
  question: string;
  expected: string;
}

const PEOPLE: ReadonlyArray<[string, "he" | "she"]> = [
  ["Sam", "he"], ["Mia", "she"], ["Leo", "he"], ["Ava", "she"], ["Noah", "he"], ["Zoe", "she"], ["Omar", "he"],
  ["Lena", "she"], ["Ivan", "he"], ["Priya", "she"], ["Kofi", "he"], ["Yuki", "she"], ["Tom", "he"], ["Nora", "she"],
];
const ITEMS = ["apples", "marbles", "stickers", "books", "cookies", "pencils", "cards", "shells", "coins", "stamps"];

type Gen = (rng: Rng, value: number, words: boolean) => { text: string; next: number } | undefined;

const say = (n: number, words: boolean): string => (words && n <= 20 ? numberWord(n) : String(n));

const ADD: Gen = (rng, v, w) => {
  const n = rng.int(2, 15);
  const verb = rng.pick(["buys", "finds", "gets", "picks up", "wins"]);
  return { text: `${verb} ${say(n, w)} more`, next: v + n };
};
const SUB: Gen = (rng, v, w) => {
  if (v < 3) return undefined;
  const n = rng.int(1, Math.min(15, v - 1));
  return { text: `${rng.pick(["gives away", "loses", "sells", "donates"])} ${say(n, w)}`, next: v - n };
};
const PACKS: Gen = (rng, v) => {
  const a = rng.int(2, 4);
  const b = rng.int(2, 6);
  return { text: `buys ${a} ${rng.pick(["packs", "boxes", "bags"])} of ${b}`, next: v + a * b };
};
const DOUBLE: Gen = (_rng, v) => (v > 25 ? undefined : { text: "doubles the collection", next: v * 2 });
const HALF: Gen = (_rng, v) => (v % 2 !== 0 || v < 4 ? undefined : { text: "gives away half of them", next: v / 2 });
const SPLIT: Gen = (rng, v) => {
  const k = rng.pick([3, 4, 5].filter((d) => v % d === 0 && v / d >= 2));
  return k ? { text: `splits them into ${k} equal piles and keeps one pile`, next: v / k } : undefined;
};

/** Generates one word problem with `ops` operations (1–3). */
export function generateArithmeticProblem(rng: Rng, ops: number): ArithmeticRow {
  const [name, pronoun] = rng.pick(PEOPLE);
  const item = rng.pick(ITEMS);
  const words = rng.chance(0.2);
  let value = rng.int(4, 30);
  const start = value;
  const clauses: string[] = [];
  for (let i = 0; i < ops; i++) {
    const hard = rng.chance(0.3);
    const pool = hard ? [PACKS, DOUBLE, HALF, SPLIT] : [ADD, SUB, ADD, SUB];
    let made: { text: string; next: number } | undefined;
    for (let tries = 0; !made && tries < 8; tries++) made = rng.pick(pool)(rng, value, words);
    made ??= ADD(rng, value, words) as { text: string; next: number };
    clauses.push(made.text);
    value = made.next;
  }
  const cap = capitalize(pronoun);
  let body: string;
  if (clauses.length === 1) body = `${cap} ${clauses[0]}.`;
  else if (rng.chance(0.5)) body = `${cap} ${clauses.slice(0, -1).join(", ")} and then ${clauses[clauses.length - 1]}.`;
  else body = `${cap} ${clauses[0]}.` + clauses.slice(1).map((c) => ` Then ${pronoun} ${c}.`).join("");
  const question = `${name} has ${say(start, words)} ${item}. ${body} How many ${item} does ${name} have now?`;
  return { question, expected: String(value) };
}

/** Deterministic arithmetic rows: 1–3 operations, some with multiplication/division or number words. */
export function generateArithmeticRows(count: number, seed: number): ArithmeticRow[] {
  const rng = createRng(seed * 7919 + 1);
  return Array.from({ length: count }, (_, i) => generateArithmeticProblem(rng, 1 + (i % 3)));
}
