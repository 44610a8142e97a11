/** An error that ends the command: printed as flyctl prints errors (`Error: <message>`), then exit. */
export class FlyError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** Print the message as is, without the `Error: ` prefix (injected faults). */
    readonly raw = false,
  ) {
    super(message);
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function machineNotFound(id: string): FlyError {
  return new FlyError(`could not get machine ${id}: failed to get VM ${id}: machine not found`);
}
