import { randomInt } from 'node:crypto';
import type { ICustomPartitioner, PartitionerArgs } from 'kafkajs';

/**
 * The Java client's choice of partition: murmur2 of the key's bytes for keyed records, round
 * robin over the partitions for the rest, in 32-bit integer math. streamctl picks every
 * record's partition itself, so keyed records land where a Java producer puts them whichever
 * client library sends them.
 */
export class RecordPartitioner {
  private readonly counters = new Map<string, number>();

  /** `available`: the partitions with a leader, when known; unkeyed records go only to them. */
  partition(topic: string, key: Uint8Array | null | undefined, partitions: number, available?: readonly number[]): number {
    if (key !== null && key !== undefined) return (murmur2(key) & 0x7fffffff) % partitions;
    // A random start per topic, as the Java client's, so that short runs don't all fill partition 0.
    const counter = (this.counters.get(topic) ?? randomInt(2 ** 31)) + 1;
    this.counters.set(topic, counter);
    const i = counter & 0x7fffffff;
    return available && available.length > 0 ? (available[i % available.length] as number) : i % partitions;
  }
}

/**
 * RecordPartitioner for kafkajs producers (the benchmarks'). kafkajs computes murmur2 on
 * emulated 64-bit Longs and filters the partition list for every record, which together took
 * a tenth of `produce --rate max`'s CPU when streamctl produced through kafkajs.
 */
export const JavaCompatiblePartitioner: ICustomPartitioner = () => {
  const partitioner = new RecordPartitioner();
  let lastMetadata: PartitionerArgs['partitionMetadata'] | undefined;
  let available: number[] = [];
  return ({ topic, partitionMetadata, message }: PartitionerArgs): number => {
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    if (partitionMetadata !== lastMetadata) {
      lastMetadata = partitionMetadata;
      available = partitionMetadata.filter((p) => p.leader >= 0).map((p) => p.partitionId);
    }
    const { key } = message;
    const bytes = key === null || key === undefined ? null : Buffer.isBuffer(key) ? key : Buffer.from(String(key));
    return partitioner.partition(topic, bytes, partitionMetadata.length, available);
  };
};

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), as a signed 32-bit int. */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4] as number) | ((data[i4 + 1] as number) << 8) | ((data[i4 + 2] as number) << 16) | ((data[i4 + 3] as number) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & ~3;
  switch (length & 3) {
    case 3:
      h ^= (data[tail + 2] as number) << 16;
    // falls through
    case 2:
      h ^= (data[tail + 1] as number) << 8;
    // falls through
    case 1:
      h ^= data[tail] as number;
      h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}
