// Fault injectors for the fault-injection suite. Each breaks one thing for one test only (its own
// vhost, its own database user), so that the suite can run beside other tests on the same servers.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { resolveTestServices } from '@conveyor/runtime/testing';
import type { TestDatabase, TestNamespace } from '../../support/pipeline.js';

const run = promisify(execFile);
const suffix = () => randomBytes(4).toString('hex');

/**
 * Runs `rabbitmqctl` on the broker's node. RABBITMQCTL names another command for a broker elsewhere
 * (e.g. `docker exec rabbitmq rabbitmqctl`).
 */
async function rabbitmqctl(args: string[]) {
  const [command, ...prefix] = (process.env.RABBITMQCTL ?? 'rabbitmqctl').split(' ');
  await run(command!, [...prefix, ...args], { timeout: 60_000 });
}

export type BrokerFaults = TestNamespace & {
  /** Closes every connection of the vhost and refuses new ones until `restore`: the broker is gone. */
  outage: () => Promise<void>;
  restore: () => Promise<void>;
};

/** A broker namespace in a vhost of its own, whose outage touches nothing else. */
export async function createBrokerFaults(): Promise<BrokerFaults> {
  const { amqpUrl } = await resolveTestServices();
  const vhost = `conveyor_faults_${suffix()}`;
  const user = decodeURIComponent(new URL(amqpUrl).username) || 'guest';
  const grant = () => rabbitmqctl(['set_permissions', '-p', vhost, user, '.*', '.*', '.*']);
  await rabbitmqctl(['add_vhost', vhost]);
  await grant();
  const url = new URL(amqpUrl);
  url.pathname = `/${vhost}`;
  return {
    namespace: 'faults',
    amqpUrl: url.toString(),
    outage: async () => {
      await rabbitmqctl(['clear_permissions', '-p', vhost, user]);
      await rabbitmqctl(['close_all_connections', '--vhost', vhost, 'fault injection: broker outage']);
    },
    restore: grant,
    cleanup: () => rabbitmqctl(['delete_vhost', vhost]),
  };
}

export type DatabaseFaults = {
  /** The services' DATABASE_URL: a user with only the privileges Conveyor's services need. */
  url: string;
  password: string;
  /** Kills the user's connections and refuses new ones until `restore`: the database is gone. */
  outage: () => Promise<void>;
  restore: () => Promise<void>;
  cleanup: () => Promise<void>;
};

/**
 * The least privileges of a running Conveyor (README, "Database grants"): read and write rows of its
 * own database. No DDL (migrations run as another user), no global privilege.
 */
export const SERVICE_GRANTS = 'SELECT, INSERT, UPDATE, DELETE';

/** A least-privileged database user for the services of one test database. */
export async function createDatabaseFaults(database: TestDatabase): Promise<DatabaseFaults> {
  const admin = database.pool;
  const user = `conveyor_${suffix()}`;
  const password = randomBytes(12).toString('hex');
  await admin.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
  await admin.query(`GRANT ${SERVICE_GRANTS} ON \`${database.name}\`.* TO ?@'%'`, [user]);
  const url = new URL(database.url);
  url.username = user;
  url.password = password;
  const killConnections = async () => {
    const [rows] = await admin.query('SELECT id FROM information_schema.processlist WHERE user = ?', [user]);
    for (const row of rows as { id: number }[])
      await admin.query(`KILL CONNECTION ${Number(row.id)}`).catch(() => undefined);
  };
  return {
    url: url.toString(),
    password,
    outage: async () => {
      await admin.query(`ALTER USER ?@'%' ACCOUNT LOCK`, [user]);
      await killConnections();
    },
    restore: async () => {
      await admin.query(`ALTER USER ?@'%' ACCOUNT UNLOCK`, [user]);
    },
    cleanup: async () => {
      await admin.query(`DROP USER IF EXISTS ?@'%'`, [user]);
    },
  };
}
