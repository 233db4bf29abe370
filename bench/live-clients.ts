/**
 * The subscriber side of `npm run bench:live`, in a process of its own so the gateway's CPU and
 * memory are measured alone. Receives the plan over IPC, opens graphql-ws clients, subscribes,
 * and records for every subscription when each (row, value) first arrived (wall clock, ms).
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface ClientPlan {
  url: string;
  perConnection: number;
  subscriptions: { query: string; variables: Record<string, unknown> }[];
}

/** [subscription index, row id, value, wall-clock ms] */
export type Arrival = [number, number, number, number];

const now = () => performance.timeOrigin + performance.now();

function rowsOf(data: any): { id: number; value: number }[] {
  const live = data?.live;
  if (!live) return [];
  if (live.readings) return live.readings;
  if (live.readingsByPk !== undefined) return live.readingsByPk ? [live.readingsByPk] : [];
  if (live.readingsConnection) return live.readingsConnection.edges.map((e: { node: { id: number; value: number } }) => e.node);
  return [];
}

function run(plan: ClientPlan): void {
  const clients: Client[] = [];
  const arrivals: Arrival[] = [];
  const seen = plan.subscriptions.map(() => new Map<number, number>());
  let first = 0;
  let errors = 0;
  plan.subscriptions.forEach((s, i) => {
    const c = Math.floor(i / plan.perConnection);
    clients[c] ??= createClient({ url: plan.url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
    let got = false;
    clients[c].subscribe(s, {
      next: (result) => {
        const at = now();
        if (!got) {
          got = true;
          if (++first === plan.subscriptions.length) process.send!({ type: 'ready' });
        }
        if (result.errors) errors++;
        for (const row of rowsOf(result.data)) {
          if (seen[i].get(row.id) === row.value) continue;
          seen[i].set(row.id, row.value);
          arrivals.push([i, row.id, row.value, at]);
        }
      },
      error: () => errors++,
      complete: () => {},
    });
  });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'report') {
      process.send!({ type: 'report', arrivals, errors, connections: clients.length });
    }
    if (message.type === 'stop') {
      clients.forEach((c) => void c.dispose());
      setTimeout(() => process.exit(0), 200);
    }
  });
}

process.once('message', (plan: ClientPlan) => run(plan));
