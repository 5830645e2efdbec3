/**
 * Import (a graph file: created on the server when valid, else opened unsaved to be fixed) and
 * export (the saved graph from the server, or the unsaved document as it is) of workflows.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, type ChangeEvent } from "react";
import type { Graph } from "../../../engine/browser.js";
import { newSession, sessionFromRecord, withPositions, type Session } from "../document/session.js";
import { validateDoc } from "../document/validation.js";
import { useTRPC, type WorkflowRecord } from "../trpc.js";

export type Notice = { kind: "info" | "error"; text: string };

/** Saves `text` as a file named `name` through the browser. */
export function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The import and export actions of the shell. */
export function useImportExport({
  session,
  graph,
  dirty,
  readOnly,
  openSession,
  setNotice,
}: {
  session: Session | null;
  graph: Graph | null;
  dirty: boolean;
  readOnly: boolean;
  openSession: (s: Session) => void;
  setNotice: (n: Notice | null) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const importMutation = useMutation(trpc.workflows.import.mutationOptions());
  const onImportFile = useCallback(
    async (e: ChangeEvent<HTMLInputElement>) => {
      const file = e.target.files?.[0];
      e.target.value = "";
      if (!file || readOnly) return;
      const text = await file.text();
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (err) {
        setNotice({ kind: "error", text: `${file.name} is not JSON: ${(err as Error).message}` });
        return;
      }
      const v = validateDoc(doc as Graph);
      if (!v.ok) {
        // Load it into the document so that it can be fixed; saving creates it.
        const g = withPositions({ ...(doc as Graph), nodes: (doc as Graph).nodes ?? [], edges: (doc as Graph).edges ?? [] });
        openSession(newSession(g));
        setNotice({ kind: "error", text: `Imported ${file.name} with ${v.issues.length} issue(s): fix them, then save` });
        return;
      }
      try {
        const res = await importMutation.mutateAsync({ json: text, note: `imported ${file.name}` });
        void queryClient.invalidateQueries(trpc.workflows.pathFilter());
        openSession(sessionFromRecord(res.workflow as WorkflowRecord));
        setNotice({ kind: "info", text: `Imported ${file.name} as ${res.workflow.id} v${res.workflow.version}` });
      } catch (err) {
        setNotice({ kind: "error", text: err instanceof Error ? err.message : String(err) });
      }
    },
    [importMutation, openSession, queryClient, readOnly, setNotice, trpc],
  );
  const exportGraph = useCallback(async () => {
    if (!session || !graph) return;
    try {
      const text =
        session.savedId && !dirty
          ? await queryClient.fetchQuery({ ...trpc.workflows.export.queryOptions({ id: session.savedId }), staleTime: 0 })
          : `${JSON.stringify({ $schema: "../docs/graph.schema.json", ...graph }, null, 2)}\n`;
      download(`${graph.id}.flow.json`, text);
    } catch (err) {
      setNotice({ kind: "error", text: err instanceof Error ? err.message : String(err) });
    }
  }, [dirty, graph, queryClient, session, setNotice, trpc]);
  return { onImportFile, exportGraph };
}
