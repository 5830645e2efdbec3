/** The Aggregate node's fields: how it joins its inputs (strategy, synchronization, votes, weights). */
import { AGGREGATE_STRATEGIES } from "../../../../engine/browser.js";
import { JsonField, NumberField, SelectField, TextField } from "../fields.js";
import type { KindProps } from "./types.js";

/** The join settings of an Aggregate node. */
export function AggregateFields({ node, claim, cfg }: KindProps<"aggregate">) {
  const c = node.config;
  return (
    <div className="isection">
      <div className="isection__title">Join</div>
      <div className="irow">
        <SelectField label="Strategy" testId="inspector-strategy" value={c.strategy} options={AGGREGATE_STRATEGIES} issues={claim("config.strategy")} onChange={(v) => cfg("strategy", v)} />
        <SelectField label="Synchronization" testId="inspector-synchronization" value={c.synchronization} options={["barrier", "async"] as const} issues={claim("config.synchronization")} onChange={(v) => cfg("synchronization", v)} />
      </div>
      <div className="irow">
        <NumberField label="Min responses" testId="inspector-min-responses" step={1} min={0} value={c.minResponses} issues={claim("config.minResponses")} onChange={(v) => cfg("minResponses", v)} />
        <NumberField label="Join timeout (ms)" testId="inspector-join-timeout" step={100} min={1} value={c.timeoutMs} issues={claim("config.timeoutMs")} onChange={(v) => cfg("timeoutMs", v)} />
      </div>
      <TextField label="Vote (template)" testId="inspector-vote" mono value={c.vote} issues={claim("config.vote")} placeholder="{{ response.text | downcase }}" onChange={(v) => cfg("vote", v || undefined)} />
      <NumberField label="Consensus threshold" testId="inspector-consensus" step={0.05} min={0} max={1} value={c.consensusThreshold} issues={claim("config.consensusThreshold")} onChange={(v) => cfg("consensusThreshold", v)} />
      <JsonField label="Weights (node id → weight)" testId="inspector-weights" rows={3} value={c.weights} issues={claim("config.weights")} onChange={(v) => cfg("weights", v ?? {})} />
    </div>
  );
}
