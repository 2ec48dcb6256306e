// The errors every adapter throws, so callers can tell bad input from conflicts from an unreachable database.

export class StoreError extends Error {
  override name = 'StoreError';
}

/** The caller passed something invalid; the message names the field and what was expected. */
export class StoreInputError extends StoreError {
  override name = 'StoreInputError';
}

/** The write contradicts what is stored (a duplicate study code, overlapping assignments, an unknown user...). */
export class StoreConflictError extends StoreError {
  override name = 'StoreConflictError';
}

/** The database could not be reached or kept failing after the retries; the caller may try again later. */
export class StoreUnavailableError extends StoreError {
  override name = 'StoreUnavailableError';
}

/** The database refused the request (an InfluxDB 4xx); retrying the same request will not help. */
export class StoreRequestError extends StoreError {
  override name = 'StoreRequestError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}
