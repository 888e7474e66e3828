/**
 * An answer the API gives on purpose (not found, conflict, locked…), with a body detail such as
 * the running run's id. Thrown from services and routes; `errorHandler` turns it into the response.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
