/** Thrown synchronously when a public engine function gets input it cannot use. */
export class OutboxInputError extends TypeError {
  readonly code = 'invalid_outbox_input';
  constructor(
    readonly where: string,
    readonly issues: string[],
  ) {
    super(`${where}: ${issues.join('; ')}`);
    this.name = 'OutboxInputError';
  }
}
