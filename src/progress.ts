/**
 * Progress events flow from domain code (fetching, starting services) to a
 * renderer chosen by the command layer. Domain code never writes to a stream.
 */
export interface ProgressEvent {
  /** Stable key of the task, e.g. "fetch kafka" or "start registry". */
  task: string;
  state: 'start' | 'update' | 'done' | 'fail' | 'skip';
  /** Short detail: "23.4 MiB", "ready in 12.3s", a reason. */
  detail?: string;
}

export type ProgressSink = (event: ProgressEvent) => void;

export const silentProgress: ProgressSink = () => {};
