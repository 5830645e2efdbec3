import { FlowtuneError } from "../errors.js";

/**
 * A metric could not check the answer within the resource limits (an answer over `jsonChars`, a
 * regex match over its work limit or past its deadline). Thrown, never scored 0: a check that could
 * not run says nothing about the answer. The evaluation node fails with this message (naming the
 * limit), and an optimization counts the example as not scored.
 */
export class MetricCheckError extends FlowtuneError {
  constructor(message: string) {
    super("NODE_EXECUTION_FAILED", message);
  }
}
