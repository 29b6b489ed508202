import { getTableColumns, getTableName, sql, type Column } from 'drizzle-orm';
import type { MySqlTable } from 'drizzle-orm/mysql-core';
import { format, type ResultSetHeader, type SqlValue } from 'mysql2';
import type { Database } from './database.js';

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** A database handle or an open transaction. */
export type Executor = Database | Transaction;

/**
 * What a duplicate key does: keep the stored row (`keep`: assigns a key column to itself), take
 * every value of the new row but the `except` columns (`overwrite`), or run the given assignments
 * (`merge`: SQL text, trusted — built from column names by the caller, never from values).
 */
export type OnDuplicate = { keep: string } | { overwrite: { except: string[] } } | { merge: string };

/**
 * One multi-row INSERT of drizzle rows (the keys of the first row name the columns), its text built
 * with mysql2's own escaping — the one drizzle's mysql2 driver applies to its parameters too.
 * Drizzle's query builder costs about 0.1 ms per row here (1,000 rows × 12 columns: 80–290 ms
 * against 25–55 ms for this, measured), which the event store and the workers pay on every batch.
 * Returns the statement's outcome: rows it affected (an insert 1, a duplicate kept as it is 0, with the
 * pool's `-FOUND_ROWS`), and the first auto-increment value it inserted (0 when none).
 */
export async function insertRows(
  db: Executor,
  table: MySqlTable,
  rows: Record<string, unknown>[],
  onDuplicate?: OnDuplicate,
): Promise<{ affectedRows: number; insertId: number }> {
  const first = rows[0];
  if (!first) return { affectedRows: 0, insertId: 0 };
  const columns = Object.entries(getTableColumns(table) as Record<string, Column>).filter(
    ([key]) => key in first,
  );
  const values = rows.map((row) =>
    columns.map(([key, column]) => {
      const value = row[key];
      return (value === null || value === undefined ? null : column.mapToDriverValue(value)) as SqlValue;
    }),
  );
  let text = format('INSERT INTO ?? (??) VALUES ?', [
    getTableName(table),
    columns.map(([, column]) => column.name),
    values,
  ]);
  if (onDuplicate && 'keep' in onDuplicate) {
    text += format(' ON DUPLICATE KEY UPDATE ?? = ??', [onDuplicate.keep, onDuplicate.keep]);
  } else if (onDuplicate && 'merge' in onDuplicate) {
    text += ` ON DUPLICATE KEY UPDATE ${onDuplicate.merge}`;
  } else if (onDuplicate) {
    const assigned = columns
      .map(([, column]) => column.name)
      .filter((name) => !onDuplicate.overwrite.except.includes(name));
    text += ` ON DUPLICATE KEY UPDATE ${assigned.map((name) => format('?? = VALUES(??)', [name, name])).join(', ')}`;
  }
  const [header] = (await db.execute(sql.raw(text))) as unknown as [ResultSetHeader];
  return { affectedRows: header.affectedRows, insertId: header.insertId };
}
