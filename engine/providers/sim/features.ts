import { INTENT_LABELS, type SimTaskFamily } from "./tasks/family.js";
import { INTENT_KEYWORDS } from "./tasks/intent-lexicon.js";

/** The prompt features the sim detects in the instruction text (system prompt + non-data user text). */
export interface PromptFeatures {
  /** Families the instructions name (task instruction present). */
  named: SimTaskFamily[];
  /** An output-format instruction ("answer with only the number", "one word", "return JSON"). */
  format: boolean;
  /** Step-by-step reasoning requested. */
  stepByStep: boolean;
  /** Reasoning explicitly forbidden ("do not show your work"); overrides stepByStep. */
  noReasoning: boolean;
  /** "Double-check / verify your answer". */
  selfCheck: boolean;
  /** "Be concise / brief". */
  concise: boolean;
  /** Sentiment hint about negations and contrast ("not good" is negative, the part after "but" decides). */
  negationHint: boolean;
  /** Intent label definitions (keywords of at least three intents appear in the instructions). */
  labelDefinitions: boolean;
  /** Extraction: dates as YYYY-MM-DD / ISO. */
  isoDate: boolean;
  /** Extraction: use the customer's own address, not the support/agent one. */
  senderHint: boolean;
  /** Extraction: the keys name, email and date are spelled out. */
  standardKeys: boolean;
  /** responseFormat "json" was requested. */
  jsonMode: boolean;
}

const NAMED: Record<SimTaskFamily, (t: string) => boolean> = {
  arithmetic: (t) => /\b(math|maths|arithmetic|word problems?|calculate|compute|solve)\b/.test(t),
  sentiment: (t) =>
    /\bsentiment\b/.test(t) || ["positive", "negative", "neutral"].filter((l) => t.includes(l)).length >= 2,
  intent: (t) =>
    /\b(intent|categor(?:y|ies|ize|ise)|department|route (?:it|the|this))\b/.test(t) ||
    INTENT_LABELS.filter((l) => new RegExp(`\\b${l}\\b`).test(t)).length >= 3,
  extraction: (t) => /\bextract\w*\b/.test(t) || (/\bjson\b/.test(t) && /\be-?mail\b/.test(t)),
};

const FORMAT = [
  /\b(?:only|just)\s+(?:output\s+|return\s+|reply with\s+)?(?:the|a|one)?\s*(?:final\s+|single\s+)?(?:number|answer|label|word|category|digits?|integer|json|result|sentiment|intent|name)\b/,
  /\b(?:answer|reply|respond|output|return)\s+(?:with\s+)?(?:only|just)\b/,
  /\b(?:one|single)[- ]word\b/,
  /\bnothing else\b/,
  /\bno (?:other|extra|additional) (?:text|words)\b/,
  /\b(?:no|without(?: any)?) (?:explanation|extra text|other text|commentary)\b/,
  /\b(?:do not|don't) (?:explain|add (?:any )?(?:text|explanation))\b/,
  /answer:\s*</,
  /\b(?:final|last) line\b/,
];

/** Detects every documented prompt feature in the instruction text. */
export function detectFeatures(instruction: string, responseFormat?: "text" | "json"): PromptFeatures {
  const t = instruction.toLowerCase();
  const named = (Object.keys(NAMED) as SimTaskFamily[]).filter((f) => NAMED[f](t));
  const defined = INTENT_LABELS.filter(
    (label) => label !== "other" && INTENT_KEYWORDS[label].some((k) => t.includes(k.word)),
  );
  return {
    named,
    format: FORMAT.some((re) => re.test(t)) || (/\bjson\b/.test(t) && /\b(?:return|reply|respond|output|format|as)\b/.test(t)),
    stepByStep:
      /step[- ]by[- ]step|think (?:carefully|through|it through|before)|show (?:your|the) (?:work|reasoning|steps)|explain your reasoning|reason (?:through|about|carefully)|chain of thought|let'?s think|work it out/.test(t),
    noReasoning:
      /\b(?:do not|don't|never)\s+(?:show|explain|include|write)\b[^.\n]*\b(?:reasoning|work|steps|explanation)/.test(t) ||
      /\b(?:no|without(?: any)?) (?:reasoning|explanation|steps)\b/.test(t),
    selfCheck: /double[- ]check|\bverify\b|check your (?:work|answer|arithmetic|calculations?)/.test(t),
    concise: /\b(?:be (?:concise|brief)|concise|briefly|keep it short)\b/.test(t),
    negationHint: /\bnegat(?:ion|ions|ed|es|e)\b|\bnot good\b|after ["'“]?but\b|\bcontrast\b/.test(t),
    labelDefinitions: defined.length >= 3,
    isoDate: /yyyy-mm-dd|\biso(?:[- ]?8601)?\b/.test(t),
    senderHint: /\b(?:customer'?s own|sender'?s|not the (?:support|agent|company)|ignore (?:the )?(?:support|agent|company))\b/.test(t),
    standardKeys: /\bname\b/.test(t) && /\bemail\b/.test(t) && /\bdate\b/.test(t),
    jsonMode: responseFormat === "json",
  };
}
