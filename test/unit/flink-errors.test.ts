import { describe, expect, it } from 'vitest';
import { exceptionChain, sqlErrorPosition, summarizeJavaError } from '../../src/flink/java-errors.js';

const frames = '\tat org.apache.flink.Foo.bar(Foo.java:1)\n\tat org.apache.flink.Foo.baz(Foo.java:2)\n';

/** The shape of the SQL Gateway's HTTP 500 body, errors joined (as captured from Flink 2.2.1). */
const gateway = (...causes: string[]) =>
  [
    'Internal server error.',
    '<Exception on server side:\norg.apache.flink.table.gateway.api.utils.SqlGatewayException: org.apache.flink.table.gateway.api.utils.SqlGatewayException: Failed to fetchResults.\n' +
      frames +
      'Caused by: org.apache.flink.table.gateway.api.utils.SqlGatewayException: Failed to fetchResults.\n\t... 48 more\n' +
      'Caused by: org.apache.flink.table.gateway.service.utils.SqlExecutionException: Failed to execute the operation 091b79be-b182-45e9-b645-89590bd8041f.\n\t... 1 more\n' +
      causes.map((c) => `Caused by: ${c}\n${frames}`).join('') +
      '\nEnd of exception on server side>',
  ].join('\n');

describe('summarizeJavaError', () => {
  it('finds the parser error behind the gateway wrappers, without the list of expected tokens', () => {
    const text = gateway(
      'org.apache.flink.table.api.SqlParserException: SQL parse failed. Encountered "x" at line 2, column 5.\nWas expecting one of:\n    <EOF>\n    "AS" ...',
      'org.apache.calcite.sql.parser.SqlParseException: Encountered "x" at line 2, column 5.',
    );
    expect(summarizeJavaError(text)).toBe('SQL parse failed. Encountered "x" at line 2, column 5.');
  });

  it('keeps the position of a validation error and collapses repeated prefixes', () => {
    const text = gateway(
      'org.apache.flink.table.api.ValidationException: SQL validation failed. SQL validation failed. SQL validation failed. From line 3, column 36 to line 3, column 48: No match found for function signature no_such_fn(<NUMERIC>)',
      'org.apache.calcite.sql.validate.SqlValidatorException: No match found for function signature no_such_fn(<NUMERIC>)',
    );
    expect(summarizeJavaError(text)).toBe(
      'SQL validation failed. From line 3, column 36 to line 3, column 48: No match found for function signature no_such_fn(<NUMERIC>)',
    );
  });

  it('skips generic wrappers down to a failed restore', () => {
    const text = gateway(
      'org.apache.flink.table.api.TableException: Failed to execute sql',
      "org.apache.flink.util.FlinkException: Failed to execute job 'insert-into_default_catalog.default_database.b'.",
      'java.lang.RuntimeException: org.apache.flink.runtime.client.JobInitializationException: Could not start the JobMaster.',
      'java.util.concurrent.CompletionException: java.lang.IllegalStateException: Failed to rollback to checkpoint/savepoint file:/sp. Cannot map checkpoint/savepoint state for operator 08a4 to the new program.',
    );
    expect(summarizeJavaError(text)).toBe(
      'IllegalStateException: Failed to rollback to checkpoint/savepoint file:/sp. Cannot map checkpoint/savepoint state for operator 08a4 to the new program.',
    );
  });

  it("names a jar's missing main class and an exception thrown by main", () => {
    const noMain =
      "Internal server error.\n<Exception on server side:\njava.util.concurrent.CompletionException: org.apache.flink.client.program.ProgramInvocationException: Neither a 'Main-Class', nor a 'program-class' entry was found in the jar file.\n" +
      frames +
      "Caused by: org.apache.flink.client.program.ProgramInvocationException: Neither a 'Main-Class', nor a 'program-class' entry was found in the jar file.\n" +
      frames;
    expect(summarizeJavaError(noMain)).toBe("Neither a 'Main-Class', nor a 'program-class' entry was found in the jar file.");
    const mainThrows =
      'org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\n' +
      frames +
      'Caused by: java.util.concurrent.CompletionException: org.apache.flink.util.FlinkRuntimeException: Could not execute application.\n' +
      'Caused by: org.apache.flink.util.FlinkRuntimeException: Could not execute application.\n' +
      'Caused by: org.apache.flink.client.program.ProgramInvocationException: The main method caused an error: CountJob was asked to fail on start\n' +
      'Caused by: java.lang.IllegalStateException: CountJob was asked to fail on start\n';
    expect(summarizeJavaError(mainThrows)).toBe('The main method caused an error: CountJob was asked to fail on start');
  });

  it("keeps a JDK exception's class name, and handles a bare one-line trace", () => {
    expect(summarizeJavaError('java.lang.OutOfMemoryError: Java heap space\n')).toBe('OutOfMemoryError: Java heap space');
    expect(summarizeJavaError("java.lang.NumberFormatException: For input string: '174c'\n" + frames)).toBe(
      "NumberFormatException: For input string: '174c'",
    );
    expect(
      summarizeJavaError(
        'java.util.concurrent.CompletionException: java.util.concurrent.CompletionException: org.apache.flink.runtime.jobmanager.scheduler.NoResourceAvailableException: Could not acquire the minimum required resources.\n' +
          frames,
      ),
    ).toBe('Could not acquire the minimum required resources.');
    expect(summarizeJavaError('Internal server error.')).toBe('Internal server error.');
    expect(summarizeJavaError('')).toBe('no details');
  });

  it('reads the exception chain outermost first, messages spanning lines included', () => {
    const chain = exceptionChain(
      "org.apache.flink.table.api.ValidationException: Could not find any factory for identifier 'nope'.\n\nAvailable factory identifiers are:\n\nblackhole\ndatagen\n" +
        frames,
    );
    expect(chain).toHaveLength(1);
    expect(chain[0]!.message).toContain('Available factory identifiers are: blackhole datagen');
  });
});

describe('sqlErrorPosition', () => {
  it('reads Calcite positions', () => {
    expect(sqlErrorPosition('Encountered "x" at line 2, column 5.')).toEqual({ line: 2, column: 5 });
    expect(sqlErrorPosition('From line 3, column 36 to line 3, column 48: No match')).toEqual({ line: 3, column: 36 });
    expect(sqlErrorPosition('Object not found')).toBeUndefined();
  });
});
