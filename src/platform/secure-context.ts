import type { DevConfig } from '../config/index.js';
import { addContext } from '../config/user-file.js';
import { Layout } from './layout.js';
import { SECURE_CONTEXT, SECURE_MECHANISM, SECURE_USER, secureBootstrap, secureContextSettings, secureFiles } from './secure.js';

export interface SecureContextResult {
  context: string;
  /** The user file the context was written to. */
  file: string;
  bootstrap: string;
  mechanism: string;
  username: string;
  caFile: string;
  passwordFile: string;
}

/**
 * After `dev up`: when the running platform has the secure listener, writes
 * (or refreshes) the context `local-secure` that reaches it — SCRAM user and
 * password file, the CA — into the user file. Returns undefined otherwise.
 */
export function writeSecureContext(dev: DevConfig, env: NodeJS.ProcessEnv): SecureContextResult | undefined {
  const layout = Layout.from(dev);
  const state = layout.readStateQuietly();
  if (!state?.secure) return undefined;
  const file = addContext(env, SECURE_CONTEXT, secureContextSettings(layout, state.ports, state.brokers), { replace: true });
  const files = secureFiles(layout);
  return {
    context: SECURE_CONTEXT,
    file,
    bootstrap: secureBootstrap(state.ports, state.brokers),
    mechanism: SECURE_MECHANISM,
    username: SECURE_USER,
    caFile: files.caFile,
    passwordFile: files.passwordFile,
  };
}
