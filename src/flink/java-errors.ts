/**
 * Flink answers failures with whole Java stack traces (REST `errors`, the SQL
 * Gateway's HTTP 500, savepoint failure causes, job exception history). A
 * person needs one line from them: the first exception in the cause chain that
 * says something, not the wrappers around it.
 */

/** Exceptions that only wrap the interesting one. */
const WRAPPER_CLASSES = new Set([
  'java.util.concurrent.CompletionException',
  'java.util.concurrent.ExecutionException',
  'java.lang.reflect.InvocationTargetException',
  'org.apache.flink.runtime.rest.handler.RestHandlerException',
  'org.apache.flink.runtime.rest.util.RestClientException',
  'org.apache.flink.table.gateway.api.utils.SqlGatewayException',
  'org.apache.flink.table.gateway.service.utils.SqlExecutionException',
  'org.apache.flink.util.SerializedThrowable',
]);

/** Messages that name no cause, whatever class carries them. */
const EMPTY_MESSAGES = [
  /^Could not execute application\.?$/,
  /^Failed to fetchResults\.?$/,
  /^Failed to execute the operation [0-9a-f-]+\.?$/,
  /^Internal server error\.?$/,
  /^Job execution failed\.?$/,
  /^Recovery is suppressed by /,
  /^Could not start the JobMaster\.?$/,
  /^Could not instantiate JobManager\.?$/,
  /^Failed to execute job '.*'\.?$/,
  /^Failed to submit job\.?$/,
  /^Could not execute SQL statement\.?$/,
  /^Failed to execute sql\.?$/i,
];

export interface JavaException {
  className: string;
  message: string;
}

const HEADER = /^(?:Caused by: )?([A-Za-z_$][\w$]*(?:\.[\w$]+)+(?:Exception|Error|Throwable|Failure)?)(?::\s?(.*))?$/;

function parseHeader(line: string): JavaException | undefined {
  const m = HEADER.exec(line.trim());
  if (!m) return undefined;
  const className = m[1]!;
  // A dotted word without an exception-like last part is prose, not a class.
  const simple = className.slice(className.lastIndexOf('.') + 1);
  if (!/^[A-Z]/.test(simple)) return undefined;
  return { className, message: (m[2] ?? '').trim() };
}

/** Unwraps `CompletionException: org.x.FooException: msg` into its innermost `FooException: msg`. */
function unwrapMessage(e: JavaException): JavaException {
  let current = e;
  for (let i = 0; i < 5; i++) {
    const inner = parseHeader(current.message);
    if (!inner) break;
    current = inner;
  }
  return current;
}

/** The exception chain of a stack trace: the header line and every `Caused by:` line, outermost first. */
export function exceptionChain(trace: string): JavaException[] {
  const chain: JavaException[] = [];
  // Multi-line messages continue until the first stack frame.
  let inMessage = false;
  for (const raw of trace.split('\n')) {
    const line = raw.replace(/\r$/, '').replace(/^<Exception on server side:\s*/, '');
    if (/^\s+at /.test(line) || /^\s+\.\.\. \d+ (more|common frames omitted)/.test(line)) {
      inMessage = false;
      continue;
    }
    if (line.startsWith('Caused by: ') || chain.length === 0) {
      const parsed = parseHeader(line);
      if (parsed) {
        chain.push(parsed);
        inMessage = true;
      }
      continue;
    }
    const last = chain[chain.length - 1];
    if (inMessage && last && line.trim() !== '' && !line.startsWith('End of exception on server side')) {
      last.message = `${last.message} ${line.trim()}`.trim();
    }
  }
  return chain;
}

function isWrapper(e: JavaException): boolean {
  return WRAPPER_CLASSES.has(e.className) || e.message === '' || EMPTY_MESSAGES.some((re) => re.test(e.message));
}

function display(e: JavaException): string {
  const simple = e.className.slice(e.className.lastIndexOf('.') + 1);
  // Flink's own exceptions carry sentences; a JDK or user exception is known by its class.
  const own = e.className.startsWith('org.apache.flink.') || e.className.startsWith('org.apache.calcite.');
  // Calcite lists every token it would have accepted; the position before it is what helps.
  let message = e.message
    .replace(/\s+/g, ' ')
    .replace(/ Was expecting(?: one of)?:.*$/, '')
    // Nested planner exceptions repeat their prefix: "SQL validation failed. SQL validation failed. …".
    .replace(/([^.]{3,80}\. )\1+/g, '$1')
    .trim();
  if (message.length > 500) message = `${message.slice(0, 499)}…`;
  if (!message) return simple;
  return own ? message : `${simple}: ${message}`;
}

/**
 * One line naming the cause in a Java stack trace (or several joined):
 * the first exception of the cause chain that is not a wrapper.
 * Falls back to the first non-empty line.
 */
export function summarizeJavaError(text: string): string {
  const chain = exceptionChain(text).map(unwrapMessage);
  const meaningful = chain.find((e) => !isWrapper(e));
  if (meaningful) return display(meaningful);
  const last = chain[chain.length - 1];
  if (last) return display(last);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.find((l) => l !== 'Internal server error.') ?? lines[0] ?? 'no details';
}

/** A position in SQL reported by Calcite: "at line 2, column 5" or "From line 1, column 15 to …". */
export function sqlErrorPosition(message: string): { line: number; column: number } | undefined {
  const m = /(?:at|From) line (\d+), column (\d+)/i.exec(message);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
}
