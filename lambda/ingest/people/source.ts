import { PeopleDirectory, PeopleDirectoryError } from '../../shared/people';
import { readS3Text, s3Location } from '../../shared/s3-text';

/**
 * Where the people directory is read from at run time (`PEOPLE_DIRECTORY`): `s3://bucket/key` (a
 * JSON file: `PeopleDirectory.fromPeople` writes one as a deployment asset, `fromS3Object` names
 * yours) or `ssm:<parameter name>` (`fromParameter`). Read on first use and every 5 minutes, so an
 * edit reaches the function without a deploy; if a refresh fails, the last good copy is kept. The
 * S3 and SSM clients load on first use, not at every cold start.
 */
export interface PeopleSource {
  load(): Promise<PeopleDirectory>;
}

const TTL_MS = 5 * 60_000;

export function peopleSource(uri: string, now: () => number = Date.now): PeopleSource {
  const read = reader(uri);
  let cached: { directory: PeopleDirectory; at: number } | undefined;
  return {
    async load() {
      if (cached && now() - cached.at < TTL_MS) return cached.directory;
      try {
        cached = { directory: PeopleDirectory.parse(await read()), at: now() };
      } catch (error) {
        // A bad edit or a failed read keeps the last good directory rather than none.
        if (cached) return cached.directory;
        throw error instanceof PeopleDirectoryError ? error : new PeopleDirectoryError(`${uri} could not be read: ${(error as Error).message}`);
      }
      return cached.directory;
    },
  };
}

function reader(uri: string): () => Promise<string> {
  const s3 = s3Location(uri);
  if (s3) return () => readS3Text(s3);
  if (uri.startsWith('ssm:')) {
    return async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { SSMClient, GetParameterCommand } = require('@aws-sdk/client-ssm') as typeof import('@aws-sdk/client-ssm');
      const { Parameter } = await new SSMClient({}).send(new GetParameterCommand({ Name: uri.slice('ssm:'.length), WithDecryption: true }));
      if (Parameter?.Value === undefined) throw new Error('parameter has no value');
      return Parameter.Value;
    };
  }
  throw new PeopleDirectoryError(`PEOPLE_DIRECTORY ${JSON.stringify(uri)} is neither s3://bucket/key nor ssm:<parameter name>`);
}
