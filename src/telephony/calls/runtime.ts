// The program's single call pipeline, built from the AppContext on first use (the processor
// registry and the job registry both ask for it).
import type { AppContext } from '../../runtime/context.ts';
import { msExtensionFor } from '../employees/index.ts';
import type { ExtensionMap } from './extension-map.ts';
import { createCallPipeline, type CallPipeline } from './pipeline.ts';

const pipelines = new WeakMap<AppContext, CallPipeline>();

export function callPipelineFor(ctx: AppContext): CallPipeline {
  let p = pipelines.get(ctx);
  if (!p) {
    const db = ctx.database.db;
    const extensions: ExtensionMap = {
      msExtensionFor: (integrationId, e) => {
        const id = e.uisEmployeeId !== undefined && /^\d+$/.test(e.uisEmployeeId) ? Number(e.uisEmployeeId) : undefined;
        return msExtensionFor(db, integrationId, { ...(id !== undefined ? { uisEmployeeId: id } : {}), ...(e.uisExtension ? { uisExtension: e.uisExtension } : {}) });
      },
    };
    p = createCallPipeline({
      db,
      queue: () => ctx.queue,
      log: ctx.log,
      integrations: ctx.integrationsRepo,
      credentials: ctx.credentials,
      phoneApiUrl: ctx.config.apis.moyskladPhone,
      gate: ctx.gate,
      extensions,
      exclusive: ctx.database.kind === 'pglite',
    });
    ctx.integrations.onActivated((row) => p!.onIntegrationActivated(row));
    ctx.beforeClose(async () => {
      await p!.idle();
      p!.close();
    });
    pipelines.set(ctx, p);
  }
  return p;
}
