/** The shape of one REST endpoint: its method, path template and handler. */
import type { AppServices } from "../services/app.js";

export interface RestRequest {
  /** Decoded path parameters by template name (e.g. `workflow_id`). */
  params: Record<string, string>;
  /** The parsed JSON body (undefined for GET). */
  body: unknown;
  services: AppServices;
}

export interface RestReply {
  status: number;
  body: unknown;
}

export interface RestRoute {
  method: "GET" | "POST";
  /** e.g. `/api/workflows/{workflow_id}/optimize` */
  path: string;
  handler: (req: RestRequest) => Promise<RestReply>;
  /** Maps engine field names in errors to this endpoint's wire names. */
  renameField?: (field: string) => string;
}
