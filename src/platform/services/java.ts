import type { ServiceContext } from './context.js';

/**
 * Every JVM we start carries `-Dstreamctl.service=<home>/<id>`: it makes the
 * command line unique per platform and service, so a recorded PID is only
 * ever matched (and killed) when it is really ours.
 */
export function serviceMarker(ctx: ServiceContext, id: string): string {
  return `-Dstreamctl.service=${ctx.layout.home}/${id}`;
}
