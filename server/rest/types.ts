/** The shape of one REST endpoint: its method, path template, required role and handler. */
import type http from "node:http";
import type { Access } from "../auth/access.js";
import type { RequestAuth } from "../auth/http.js";
import type { Principal } from "../auth/principal.js";
import type { Role } from "../auth/roles.js";
import type { AppServices } from "../services/app.js";

interface RequestBase {
  /** Decoded path parameters by template name (e.g. `workflow_id`). */
  params: Record<string, string>;
  /** The parsed JSON body (undefined for GET). */
  body: unknown;
  services: AppServices;
}

/** A request to an endpoint that needs a role: the caller is authenticated and has it. */
export interface RestRequest extends RequestBase {
  principal: Principal;
  /** Object-level checks (workflow grants). */
  access: Access;
}

/** A request to a public endpoint (sign-in, the OpenAPI document): credentials, if any, are in `auth`. */
export interface PublicRestRequest extends RequestBase {
  auth: RequestAuth;
  req: http.IncomingMessage;
}

export interface RestReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface RouteBase {
  method: "GET" | "POST";
  /** e.g. `/api/workflows/{workflow_id}/optimize` */
  path: string;
  /** Maps engine field names in errors to this endpoint's wire names. */
  renameField?: (field: string) => string;
  /** A POST that may come without a body (e.g. logout). */
  bodyOptional?: boolean;
}

/** An endpoint callers with at least `role` may call (401 anonymous, 403 too weak a role). */
export interface RestRoute extends RouteBase {
  role: Role;
  handler: (req: RestRequest) => Promise<RestReply>;
}

/** An endpoint anyone may call. */
export interface PublicRestRoute extends RouteBase {
  role: "public";
  handler: (req: PublicRestRequest) => Promise<RestReply>;
}

export type AnyRestRoute = RestRoute | PublicRestRoute;
