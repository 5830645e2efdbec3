import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@xyflow/react/dist/style.css";
import "./styles.css";
import "./shell/theme.css";
import "./shell/basics.css";
import { App } from "./App.js";
import { AuthGate } from "./auth/AuthGate.js";
import { isAuthError } from "./trpc.js";
import { initTheme } from "./shell/theme.js";

// Before the first paint: no flash of the light theme for a dark-mode user.
initTheme();

const queryClient = new QueryClient({
  defaultOptions: {
    // Not signed in / not allowed: retrying cannot help.
    queries: { staleTime: 5_000, refetchOnWindowFocus: false, retry: (failures, err) => failures < 1 && !isAuthError(err) },
  },
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AuthGate>
        <App />
      </AuthGate>
    </QueryClientProvider>
  </StrictMode>,
);
