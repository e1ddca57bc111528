// Hook secret → integration, kept in memory for a few seconds: the routing endpoint must answer
// within tens of milliseconds and should not read the integrations table on every call.
import type { IntegrationRow, IntegrationsRepository } from '../../integrations/index.ts';

export class IntegrationSecretCache {
  private readonly rows = new Map<string, { row: IntegrationRow | undefined; at: number }>();
  constructor(
    private readonly repo: IntegrationsRepository,
    private readonly ttlMs = 3000,
  ) {}

  async get(secret: string): Promise<IntegrationRow | undefined> {
    const hit = this.rows.get(secret);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.row;
    const row = await this.repo.findByHookSecret(secret);
    if (this.rows.size > 10_000) this.rows.clear(); // unknown secrets must not grow this forever
    this.rows.set(secret, { row, at: Date.now() });
    return row;
  }
}
