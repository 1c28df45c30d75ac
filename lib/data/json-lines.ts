// Dataset.fromJsonLines: one JSON object per line, streamed line by line, decoded by the shared
// table rules (lib/data/table.ts): keys are the columns.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { DataFormatError, FileError } from '../errors';
import { nonEmptyString, readOptions } from '../validate';
import { Dataset, type Example } from './dataset';
import { tableDecoder, type TableOptions } from './table';

export function fromJsonLines(path: string, options: TableOptions): Dataset<Example> {
  nonEmptyString('path', path);
  const table = readOptions('fromJsonLines options', options, ['target', 'features', 'labels', 'oneHot', 'categories', 'onError']);
  const decoder = tableDecoder(path, table as unknown as TableOptions);
  return Dataset.ofExamples(async function* objects() {
    decoder.reset();
    const input = createReadStream(path);
    const lines = createInterface({ input, crlfDelay: Infinity });
    let line = 0;
    try {
      for await (const text of lines) {
        line++;
        if (text.trim() === '') continue;
        let row: unknown;
        let problem: string | undefined;
        try {
          row = JSON.parse(text);
          if (typeof row !== 'object' || row === null || Array.isArray(row)) problem = `found ${JSON.stringify(row)}`;
        } catch (error) {
          problem = `found invalid JSON (${(error as Error).message})`;
        }
        if (problem !== undefined) {
          if (table.onError === 'skip') {
            decoder.info.skipped++;
            continue;
          }
          throw new DataFormatError(`Expected a JSON object but ${problem} in ${path} line ${line}`, { file: path, line });
        }
        const object = row as Record<string, unknown>;
        const example = decoder.decode({ columns: Object.keys(object), get: (c) => object[c] }, line);
        if (example !== undefined) yield example;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).syscall !== undefined) throw new FileError(`Cannot read ${path}: ${(error as Error).message}`, { cause: error });
      throw error;
    } finally {
      lines.close();
      input.destroy();
    }
  }, decoder.info);
}
