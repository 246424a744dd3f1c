"use client";

import { lazy, Suspense, type ComponentType, type ReactNode } from "react";

/**
 * A component whose code is loaded the first time it is shown, and never before: dialogs
 * and menus that most visits do not open stay out of the page's first load. `shown` says
 * from its props whether it is shown now (a closed dialog renders nothing, as Radix's
 * does); `fallback` is shown while its code loads. `load` is also returned, to start loading early (on hover or focus of what opens it).
 *
 * @example const ReportDialog = onDemand(() => import("./report-dialog").then((m) => m.ReportDialog), (p) => p.target !== null);
 */
export function onDemand<P extends object>(load: () => Promise<ComponentType<P>>, shown: (props: P) => boolean = () => true, fallback: ReactNode = null) {
  let loading: Promise<ComponentType<P>> | undefined;
  const once = () => (loading ??= load());
  const Lazy = lazy(() => once().then((component) => ({ default: component })));
  function OnDemand(props: P) {
    if (!shown(props)) return null;
    return (
      <Suspense fallback={fallback}>
        <Lazy {...props} />
      </Suspense>
    );
  }
  return Object.assign(OnDemand, { load: once });
}
