/**
 * A value from user input, quoted for an error message: its JSON cut to `max` characters. A value
 * JSON.stringify cannot write (nested past the stack, a BigInt, a cycle) is named by its type, so
 * describing bad input never throws, and a huge value never inflates the message.
 */
export function showValue(v: unknown, max = 100): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(v);
  } catch {
    // Too deep for the stack, or not JSON: the type is enough to say what is wrong.
  }
  text ??= Array.isArray(v) ? "an array" : v !== null && typeof v === "object" ? "an object" : String(v);
  if (text.length <= max) return text;
  // Never cut a surrogate pair in half (a lone surrogate is not valid Unicode).
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  return `${text.slice(0, end)}…`;
}
