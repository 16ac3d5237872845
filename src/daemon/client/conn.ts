// What the client needs of a Unix-socket connection (write, destroy, and
// connect/data/error/close events), as every backend of connect.ts gives it.
// Every backend delivers its events after it has returned.

export interface Conn {
  write(data: Uint8Array): void
  destroy(): void
}

export interface ConnEvents {
  connect(): void
  data(chunk: Buffer): void
  /** ENOENT / ECONNREFUSED in `code` when nobody listens. */
  error(e: NodeJS.ErrnoException): void
  close(): void
}

/** Connect to `path`; `timeoutMs` bounds how long a backend that waits synchronously may wait for the peer at a time (the caller's timer ends the exchange). */
export type Connect = (path: string, on: ConnEvents, timeoutMs: number) => Conn
