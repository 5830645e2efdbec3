/** The outcome of "Test connection": connected with latency and models, or why not. */
import { testHeadline, type TestResult } from "./model.js";

/** Shows a test result; `testId` marks it for e2e (`data-ok` says which way it went). */
export function TestResultBox({ result, testId = "provider-test-result" }: { result: TestResult; testId?: string }) {
  return (
    <div className={`pv-test ${result.ok ? "pv-test--ok" : "pv-test--fail"}`} role="status" data-testid={testId} data-ok={result.ok} data-kind={result.ok ? "ok" : result.kind}>
      <div className="pv-test__head">
        <span className="pv-test__dot" aria-hidden="true" />
        {testHeadline(result)}
        {!result.ok && result.status ? <span className="muted small"> · HTTP {result.status}</span> : null}
      </div>
      {result.ok ? (
        result.models.length ? (
          <div className="pv-test__models mono small">
            {result.models.slice(0, 8).join(", ")}
            {result.modelCount > 8 ? ` and ${result.modelCount - 8} more` : ""}
          </div>
        ) : (
          <div className="small muted">The provider answered but lists no models.</div>
        )
      ) : (
        <div className="pv-test__msg small">{result.message}</div>
      )}
    </div>
  );
}
