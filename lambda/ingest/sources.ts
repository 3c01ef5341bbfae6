import type { EC2Client, EC2ClientConfig, Filter, Instance } from '@aws-sdk/client-ec2';
import type { AlertContext } from './alerts-from-envelope';
import type { IngestConfig } from './config';
import { assumedRoleCredentials } from './enrich/assumed-role';
import { HostEnricher } from './enrich/host-enricher';
import { type DescribeUser, IdentityStoreResolver } from './enrich/identity-store';
import { type DescribeTasks, TaskEnricher } from './enrich/task-enricher';
import { GeoLocator } from './geo/locator';
import { dynamoLedger, type Ledger } from './ledger/table';
import { peopleSource, type PeopleSource } from './people/source';
import { rulesSource, type RulesSource } from './rules/step';

/**
 * What turning records into alerts reads besides the records, built once per container from the
 * settings: EC2 (enrichment), the ledger, the people directory and the rules. Shared by the ingest
 * function and the reconciler, so a recovered login is made exactly as a real-time one.
 */
export interface AlertSources {
  /** Absent when enrichment is off. */
  readonly enricher?: HostEnricher;
  /** Absent when task enrichment is off. */
  readonly tasks?: TaskEnricher;
  /** Present when Identity Center user ids are resolved to names (opt-in). */
  readonly identityStore?: IdentityStoreResolver;
  readonly ledger?: Ledger;
  readonly people?: PeopleSource;
  readonly rules?: RulesSource;
  /** Present when IP databases are given (`GEO_DATABASES`). */
  readonly geo?: GeoLocator;
}

// The EC2 client is large (a third of a second to load): load it on the first SSH delivery that
// needs enrichment, so console sign-ins and cold starts do not pay for it.
let ec2Module: typeof import('@aws-sdk/client-ec2') | undefined;
function loadEc2() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ec2Module ??= require('@aws-sdk/client-ec2') as typeof import('@aws-sdk/client-ec2');
  return ec2Module;
}

type Credentials = ReturnType<typeof assumedRoleCredentials>;

/** DescribeInstances (every page) with this function's credentials, or with a role in another account. */
function describeWith(credentials?: EC2ClientConfig['credentials']): (filter: Filter) => Promise<Instance[]> {
  let client: EC2Client | undefined;
  return async (filter) => {
    const module = loadEc2();
    client ??= new module.EC2Client(credentials ? { credentials } : {});
    const instances: Instance[] = [];
    for await (const page of module.paginateDescribeInstances({ client, pageSize: 1000 }, { Filters: [filter] })) {
      for (const reservation of page.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
    }
    return instances;
  };
}

/**
 * One client per region and credentials, made on first use: the enrichment role of the account
 * named when it has one (README, "Accounts"), else this function's own.
 */
function regionalClients<C>(
  roles: ReadonlyMap<string, Credentials>, make: (config: { region: string; credentials?: Credentials }) => C,
): (place: { region: string; account?: string }) => C {
  const clients = new Map<string, C>();
  return (place) => {
    const credentials = place.account ? roles.get(place.account) : undefined;
    const key = `${credentials ? place.account : ''}/${place.region}`;
    let client = clients.get(key);
    if (!client) clients.set(key, client = make({ region: place.region, ...(credentials && { credentials }) }));
    return client;
  };
}

let ecsModule: typeof import('@aws-sdk/client-ecs') | undefined;

/** DescribeTasks in the task's region and account (the enrichment role needs `ecs:DescribeTasks` too). */
function describeTasksWith(roles: ReadonlyMap<string, Credentials>): DescribeTasks {
  const clientFor = regionalClients(roles, (config) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ecsModule ??= require('@aws-sdk/client-ecs') as typeof import('@aws-sdk/client-ecs');
    return new ecsModule.ECSClient(config);
  });
  return async (place, tasks) => {
    const client = clientFor(place);
    const { tasks: found = [] } = await client.send(new ecsModule!.DescribeTasksCommand({ cluster: place.cluster, tasks, include: ['TAGS'] }));
    return found;
  };
}

let identityStoreModule: typeof import('@aws-sdk/client-identitystore') | undefined;

/** DescribeUser in the record's region, through the enrichment role of the store's account when it has one. */
function describeUserWith(roles: ReadonlyMap<string, Credentials>): DescribeUser {
  const clientFor = regionalClients(roles, (config) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    identityStoreModule ??= require('@aws-sdk/client-identitystore') as typeof import('@aws-sdk/client-identitystore');
    return new identityStoreModule.IdentitystoreClient(config);
  });
  return async (place, userId) => {
    const client = clientFor(place);
    const module = identityStoreModule!;
    try {
      return (await client.send(new module.DescribeUserCommand({ IdentityStoreId: place.identityStoreId, UserId: userId }))).UserName;
    } catch (error) {
      if (error instanceof module.ResourceNotFoundException) return undefined;
      throw error;
    }
  };
}

export function alertSources(config: IngestConfig): AlertSources {
  const roles = new Map(config.enrichmentRoleArns.map((roleArn) => [roleArn.split(':')[4], assumedRoleCredentials(roleArn, 'cdk-login-alerts-enrichment')]));
  const remotes = [...roles].map(([account, credentials]) => ({ account, describe: describeWith(credentials) }));
  return {
    ...(config.enrichInstances && { enricher: new HostEnricher(describeWith(), config.instanceCacheTtlMs, Date.now, remotes) }),
    ...(config.enrichTasks && { tasks: new TaskEnricher(describeTasksWith(roles), config.instanceCacheTtlMs) }),
    ...(config.resolveIdentityCenterUsers && { identityStore: new IdentityStoreResolver(describeUserWith(roles), config.instanceCacheTtlMs) }),
    ...(config.ledgerTableName && { ledger: dynamoLedger(config.ledgerTableName) }),
    ...(config.peopleDirectory && { people: peopleSource(config.peopleDirectory) }),
    // Inline rules are checked here: a bad ALERT_RULES fails every invocation, loudly.
    ...(config.alertRules && { rules: rulesSource(config.alertRules) }),
    ...(config.geoDatabases && { geo: new GeoLocator(config.geoDatabases, { cidrs: config.trustedEgress, asns: config.trustedEgressAsns }) }),
  };
}

/** What parsing and enrichment read, from the settings and the sources: the same in ingest and the reconciler. */
export function alertContext(config: IngestConfig, sources: AlertSources): AlertContext {
  return {
    policy: { trustedNetworks: config.trustedNetworks },
    region: config.region,
    enricher: sources.enricher,
    tasks: sources.tasks,
    identityStore: sources.identityStore,
  };
}
