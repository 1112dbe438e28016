// The outbox tables, written once for both dialects: one column list, one set of indexes.
export type Dialect = 'sqlite' | 'postgres';

type ColumnType = 'text' | 'int' | 'time' | 'real' | 'bool';

const TYPES: Record<Dialect, Record<ColumnType, string>> = {
  sqlite: { text: 'TEXT', int: 'INTEGER', time: 'INTEGER', real: 'REAL', bool: 'INTEGER' },
  postgres: { text: 'text', int: 'integer', time: 'bigint', real: 'double precision', bool: 'boolean' },
};

type Column = readonly [name: string, type: ColumnType, notNull?: 'not null', defaultSql?: string];

const MESSAGE_COLUMNS: readonly Column[] = [
  ['endpoint_id', 'text', 'not null'],
  ['url', 'text', 'not null'],
  ['event_type', 'text', 'not null'],
  ['event_id', 'text', 'not null'],
  ['body', 'text', 'not null'],
  ['headers', 'text', 'not null'],
  ['signing_scheme', 'text', 'not null'],
  ['signing_secrets', 'text', 'not null'],
  ['profile', 'text', 'not null'],
  ['traceparent', 'text'],
  ['status', 'text', 'not null', "'pending'"],
  ['attempts', 'int', 'not null', '0'],
  ['cycle_start', 'int', 'not null', '0'],
  ['created_at', 'time', 'not null'],
  ['next_attempt_at', 'time', 'not null'],
  ['locked_until', 'time'],
  ['lock_owner', 'text'],
  ['last_attempt_at', 'time'],
  ['last_status_code', 'int'],
  ['last_failure_kind', 'text'],
  ['delivered_at', 'time'],
];

const ATTEMPT_COLUMNS: readonly Column[] = [
  ['message_id', 'text', 'not null'],
  ['attempt_no', 'int', 'not null'],
  ['started_at', 'time', 'not null'],
  ['duration_ms', 'real', 'not null'],
  ['status_code', 'int'],
  ['ok', 'bool', 'not null'],
  ['failure_kind', 'text'],
  ['response_excerpt', 'text', 'not null'],
  ['response_headers', 'text', 'not null'],
];

const HEALTH_COLUMNS: readonly Column[] = [
  ['failing_since', 'time'],
  ['last_failure_at', 'time'],
  ['last_success_at', 'time'],
];

export interface OutboxTableNames {
  /** Qualified table names, ready for SQL. */
  messages: string;
  attempts: string;
  health: string;
}

const ident = (schema: string | undefined, name: string) => (schema ? `"${schema}".${name}` : name);

/** Table names for a prefix (and, on PostgreSQL, a schema). Both are checked by the store factories. */
export function outboxTableNames(prefix: string, schema?: string): OutboxTableNames {
  return {
    messages: ident(schema, `${prefix}outbox_messages`),
    attempts: ident(schema, `${prefix}outbox_attempts`),
    health: ident(schema, `${prefix}outbox_endpoint_health`),
  };
}

function columnSql(dialect: Dialect, [name, type, notNull, defaultSql]: Column): string {
  let sql = `${name} ${TYPES[dialect][type]}`;
  if (notNull) sql += ' NOT NULL';
  if (defaultSql !== undefined) sql += ` DEFAULT ${defaultSql}`;
  return sql;
}

function createTable(dialect: Dialect, table: string, key: string, columns: readonly Column[]): string {
  const body = [key, ...columns.map((c) => columnSql(dialect, c))].join(',\n  ');
  return `CREATE TABLE IF NOT EXISTS ${table} (\n  ${body}\n)`;
}

/**
 * The statements that create (or bring up to date) the outbox tables, in order. Idempotent.
 * The due index carries endpoint_id in both dialects: a claim picks its candidates from the index alone.
 */
export function outboxDdl(dialect: Dialect, prefix: string, schema?: string): string[] {
  const t = outboxTableNames(prefix, schema);
  const base = `${prefix}outbox_messages`;
  return [
    createTable(dialect, t.messages, `id ${TYPES[dialect].text} PRIMARY KEY`, MESSAGE_COLUMNS),
    // An older due index without endpoint_id (both dialects had one) is replaced.
    `DROP INDEX IF EXISTS ${ident(schema, `${base}_due`)}`,
    `CREATE INDEX IF NOT EXISTS ${base}_due_ep ON ${t.messages} (status, next_attempt_at, endpoint_id)`,
    `CREATE INDEX IF NOT EXISTS ${base}_endpoint ON ${t.messages} (endpoint_id, id)`,
    createTable(
      dialect,
      t.attempts,
      dialect === 'sqlite' ? 'id INTEGER PRIMARY KEY' : 'id bigserial PRIMARY KEY',
      ATTEMPT_COLUMNS,
    ),
    `CREATE INDEX IF NOT EXISTS ${prefix}outbox_attempts_message ON ${t.attempts} (message_id, attempt_no)`,
    createTable(dialect, t.health, `endpoint_id ${TYPES[dialect].text} PRIMARY KEY`, HEALTH_COLUMNS),
  ];
}
