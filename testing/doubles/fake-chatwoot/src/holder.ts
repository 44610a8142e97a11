/**
 * The connections one Chatwoot process holds: one pg client per pool slot, each connected, given the
 * session statement_timeout, pinged with `SELECT 1` every few seconds and kept open. A slot that
 * cannot connect (or loses its connection) logs to stderr and retries every 2 s; the process keeps
 * running, like Rails, which reconnects lazily.
 */
import { Client } from "pg";
import { type DbSettings, sqlLiteral } from "./db";
import { error as logError, info } from "./log";

const RETRY_MS = 2000;
const PING_MS = 3000;

interface Slot {
  client: Client | null;
  connected: boolean;
  timer: NodeJS.Timeout | null;
}

export class ConnectionHolder {
  private readonly slots: Slot[];
  private closed = false;
  private lastError = "";

  constructor(
    private readonly settings: DbSettings,
    size: number,
    private readonly applicationName: string,
    private readonly role: string,
  ) {
    this.slots = Array.from({ length: Math.max(0, size) }, () => ({ client: null, connected: false, timer: null }));
  }

  get size(): number {
    return this.slots.length;
  }

  get connectedCount(): number {
    return this.slots.filter((s) => s.connected).length;
  }

  start(): void {
    info(this.role, `opening ${this.slots.length} database connection(s) to ${this.settings.label} as ${this.applicationName}`);
    this.slots.forEach((slot) => void this.connect(slot));
  }

  private schedule(slot: Slot, fn: () => void, ms: number): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = this.closed ? null : setTimeout(fn, ms);
  }

  private drop(slot: Slot, why: string): void {
    const client = slot.client;
    slot.client = null;
    slot.connected = false;
    if (client) client.end().catch(() => undefined);
    if (this.closed) return;
    if (why !== this.lastError) logError(this.role, `database connection failed: ${why} (retrying every ${RETRY_MS / 1000}s)`);
    this.lastError = why;
    this.schedule(slot, () => void this.connect(slot), RETRY_MS);
  }

  private async connect(slot: Slot): Promise<void> {
    if (this.closed) return;
    const client = new Client({ ...this.settings.config, application_name: this.applicationName, connectionTimeoutMillis: 10_000 });
    slot.client = client;
    client.on("error", (e) => {
      if (slot.client === client) this.drop(slot, e.message);
    });
    try {
      await client.connect();
      await client.query(`SET statement_timeout = ${sqlLiteral(this.settings.statementTimeout)}`);
      await client.query("SELECT 1");
    } catch (e) {
      if (slot.client === client) this.drop(slot, (e as Error).message);
      return;
    }
    if (this.closed || slot.client !== client) {
      client.end().catch(() => undefined);
      return;
    }
    slot.connected = true;
    const ping = () => {
      client.query("SELECT 1").then(
        () => {
          if (slot.client === client) this.schedule(slot, ping, PING_MS);
        },
        (e: Error) => {
          if (slot.client === client) this.drop(slot, e.message);
        },
      );
    };
    this.schedule(slot, ping, PING_MS);
  }

  /** Chatwoot's data_services: every slot connected and a `SELECT 1` answers. */
  async healthy(timeoutMs = 2000): Promise<boolean> {
    if (this.slots.length === 0 || this.connectedCount < this.slots.length) return false;
    const client = this.slots[0].client;
    if (!client) return false;
    const probe = client.query("SELECT 1").then(
      () => true,
      () => false,
    );
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    return Promise.race([probe, timeout]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.timer) clearTimeout(slot.timer);
        const client = slot.client;
        slot.client = null;
        slot.connected = false;
        if (client) await client.end().catch(() => undefined);
      }),
    );
  }
}
