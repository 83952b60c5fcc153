import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { beforeAll, describe, expect, it } from 'vitest';
import { runningPlatform, unique } from '../helpers/platform.js';

let url: string;

beforeAll(async () => {
  url = (await runningPlatform()).registry.url;
});

const schemaV1 = (name: string) => ({
  type: 'record',
  name,
  namespace: 'io.streamctl.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
  ],
});

describe('schema registry (Apicurio, Confluent API)', () => {
  it('registers an Avro schema, fetches it by id, and round-trips the Confluent wire format', async () => {
    const registry = new SchemaRegistry({ host: url });
    const subject = `${unique('it-reg')}-value`;
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schemaV1('Payment')) }, { subject });
    expect(id).toBeGreaterThan(0);

    const fetched = await registry.getSchema(id);
    expect(fetched).toBeDefined();
    const res = await fetch(`${url}/schemas/ids/${id}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(((await res.json()) as { schema: string }).schema).name).toBe('Payment');

    const payload = await registry.encode(id, { id: 'p-1', amount: 12.5 });
    expect(payload[0]).toBe(0); // magic byte
    expect(payload.readInt32BE(1)).toBe(id);
    expect(await registry.decode(payload)).toEqual({ id: 'p-1', amount: 12.5 });

    // Registering the same schema again is idempotent: same id, no new version.
    const again = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schemaV1('Payment')) }, { subject });
    expect(again.id).toBe(id);
    const versions = (await (await fetch(`${url}/subjects/${subject}/versions`)).json()) as number[];
    expect(versions).toHaveLength(1);
  });

  it('checks compatibility BACKWARD globally, like Confluent by default', async () => {
    const config = (await (await fetch(`${url}/config`)).json()) as { compatibilityLevel: string };
    expect(config.compatibilityLevel).toBe('BACKWARD');

    const subject = `${unique('it-compat')}-value`;
    const post = (schema: object) =>
      fetch(`${url}/subjects/${subject}/versions`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ schema: JSON.stringify(schema) }),
      });
    expect((await post(schemaV1('Order'))).status).toBe(200);
    // A new field without a default can't read old records: rejected.
    const breaking = { ...schemaV1('Order'), fields: [...schemaV1('Order').fields, { name: 'fee', type: 'double' }] };
    expect((await post(breaking)).status).toBe(409);
    // With a default it is backward compatible.
    const fine = { ...schemaV1('Order'), fields: [...schemaV1('Order').fields, { name: 'fee', type: ['null', 'double'], default: null }] };
    expect((await post(fine)).status).toBe(200);
  });
});
