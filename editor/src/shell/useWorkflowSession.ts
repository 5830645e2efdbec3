/**
 * Opening, creating and leaving workflows: loading one from the server (a load that finishes after
 * a later open is dropped), saving or discarding the pending changes of the one being left, the
 * "New workflow" dialog and its templates, and the (unsaved) stress graph.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useRef, useState, type RefObject } from "react";
import type { CanvasApi } from "../canvas/WorkflowCanvas.js";
import { newSession, sessionFromRecord, type Session, type useSaving } from "../document/session.js";
import { stressGraph } from "../document/stress.js";
import { graphFromTemplate, type TemplateId } from "../document/templates.js";
import { useTRPC, type WorkflowRecord } from "../trpc.js";
import type { View } from "./useCommands.js";

/** The workflow lifecycle of the shell; `resetEditorState` clears what belonged to the previous workflow. */
export function useWorkflowSession({
  session,
  setSession,
  saving,
  readOnly,
  setView,
  canvasApi,
  resetEditorState,
}: {
  session: Session | null;
  setSession: (s: Session) => void;
  saving: ReturnType<typeof useSaving>;
  readOnly: boolean;
  setView: (v: View) => void;
  canvasApi: RefObject<CanvasApi | null>;
  resetEditorState: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const workflows = useQuery(trpc.workflows.list.queryOptions());
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  // Every open bumps this; a workflow load that finishes after a later open is dropped.
  const loadSeq = useRef(0);
  // (The URL follows the view: see shell/useRouting.ts.)
  const openSession = useCallback(
    (s: Session) => {
      loadSeq.current += 1;
      // The new session's canvas reports itself when ready (onReady).
      canvasApi.current = null;
      setSession(s);
      resetEditorState();
      setLoadError(null);
    },
    [canvasApi, resetEditorState, setSession],
  );

  // Closing a workflow saves its pending changes first; only invalid ones need a "discard?".
  const leaveWorkflow = useCallback(async () => {
    if (!session || !saving.dirty || saving.state === "ephemeral" || readOnly) return true;
    if (saving.validation?.savable) {
      await saving.flush();
      return true;
    }
    return window.confirm("Discard the unsaved changes of this workflow?");
  }, [readOnly, saving, session]);

  const openWorkflow = useCallback(
    async (id: string): Promise<boolean> => {
      if (session?.savedId === id && !session.ephemeral) return true;
      if (!(await leaveWorkflow())) return false;
      setView("workflows");
      setLoading(true);
      const mine = ++loadSeq.current;
      try {
        const record = await queryClient.fetchQuery({ ...trpc.workflows.get.queryOptions({ id }), staleTime: 0 });
        if (mine !== loadSeq.current) return false;
        openSession(sessionFromRecord(record as WorkflowRecord));
        return true;
      } catch (err) {
        if (mine !== loadSeq.current) return false;
        setLoadError(err instanceof Error ? err.message : String(err));
        return false;
      } finally {
        setLoading(false);
      }
    },
    [leaveWorkflow, openSession, queryClient, session, setView, trpc],
  );

  // "New workflow" asks for the name (and id) in a dialog; focus goes back to its trigger.
  const [newDialog, setNewDialog] = useState<{ returnFocusTo: HTMLElement | null } | null>(null);
  const newWorkflow = useCallback(() => {
    if (readOnly) return;
    // Saves what is pending (queued before the new session starts); invalid changes need a "discard?".
    if (session && saving.dirty && saving.state !== "ephemeral") {
      if (saving.validation?.savable) void saving.flush();
      else if (!window.confirm("Discard the unsaved changes of this workflow?")) return;
    }
    // From the command palette, the focus is nowhere (the palette is gone): return it to the toolbar.
    const active = document.activeElement;
    const returnFocusTo =
      active instanceof HTMLElement && active !== document.body
        ? active
        : document.querySelector<HTMLElement>('[data-testid="command-button"]') ?? document.querySelector<HTMLElement>('[data-testid="new-workflow"]');
    setNewDialog({ returnFocusTo });
  }, [readOnly, saving, session]);
  const createWorkflow = useCallback(
    (title: string, id: string, template: TemplateId) => {
      setNewDialog(null);
      setView("workflows");
      // A template is a valid graph: the session creates the workflow on the server at once.
      openSession(newSession(graphFromTemplate(template, id, title)));
    },
    [openSession, setView],
  );
  const existingIds = useMemo(() => (workflows.data ?? []).map((w) => w.id), [workflows.data]);

  const loadStress = useCallback(() => {
    openSession(newSession(stressGraph(500), true));
    setView("workflows");
  }, [openSession, setView]);

  return { workflows, loading, loadError, openSession, openWorkflow, newWorkflow, newDialog, closeNewDialog: () => setNewDialog(null), createWorkflow, existingIds, loadStress };
}
