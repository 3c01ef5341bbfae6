import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'schema', 'alert.v1.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
addFormats(ajv);
const validate = ajv.compile(schema);

/** The one alert of a result, checked against the schema. */
export function onlyValidAlert<T>(alerts: readonly T[]): T {
  expect(alerts).toHaveLength(1);
  expect(alertSchemaErrors(alerts[0])).toEqual([]);
  return alerts[0];
}

/** The schema errors of an alert, empty when it conforms to schema/alert.v1.json. */
export function alertSchemaErrors(alert: unknown): string[] {
  return validate(alert) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
