// Dataset.fromCsv: a CSV file streamed through csv-parse, one record at a time, decoded by the
// shared table rules (lib/data/table.ts). Constant memory, whatever the file's size.
import { createReadStream } from 'node:fs';
import { parse, CsvError } from 'csv-parse';
import { DataFormatError, FileError } from '../errors';
import { boolean, invalid, nonEmptyString, readOptions } from '../validate';
import { Dataset, type Example } from './dataset';
import { tableDecoder, type TableOptions } from './table';

export interface CsvOptions extends TableOptions {
  /** Default ','. */
  delimiter?: string;
  /** The first line names the columns (then target and features may be names). Default true. */
  header?: boolean;
}

export function fromCsv(path: string, options: CsvOptions): Dataset<Example> {
  nonEmptyString('path', path);
  const { delimiter, header, ...table } = readOptions('fromCsv options', options, [
    'delimiter', 'header', 'target', 'features', 'labels', 'oneHot', 'categories', 'onError',
  ]);
  if (delimiter !== undefined && (typeof delimiter !== 'string' || delimiter.length === 0)) throw invalid('delimiter', 'non-empty string', delimiter);
  const named = boolean('header', header ?? true);
  const decoder = tableDecoder(path, table as unknown as TableOptions);
  return Dataset.ofExamples(async function* records() {
    decoder.reset();
    // Small reads keep each synchronous parse short, so the event loop keeps turning.
    const input = createReadStream(path, { highWaterMark: 16 * 1024 });
    const parser = input.pipe(
      parse({ delimiter: (delimiter as string | undefined) ?? ',', info: true, skip_empty_lines: true, trim: true }),
    );
    input.on('error', (error) => parser.destroy(error)); // pipe() does not pass a read error on
    // Records are arrays (faster than one object per row); a header maps names to positions.
    let columns: (string | number)[] | undefined;
    let position = new Map<string | number, number>();
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        if (columns === undefined) {
          columns = named ? record : record.map((_, i) => i);
          position = new Map(columns.map((c, i) => [c, i]));
          if (named) continue;
        }
        const example = decoder.decode({ columns, get: (c) => record[position.get(c) ?? -1] }, info.lines);
        if (example !== undefined) yield example;
      }
    } catch (error) {
      if (error instanceof CsvError) {
        throw new DataFormatError(`${error.message} in ${path}`, { file: path, line: (error as unknown as { lines?: number }).lines ?? 0 });
      }
      if ((error as NodeJS.ErrnoException).code !== undefined && (error as NodeJS.ErrnoException).syscall !== undefined) {
        throw new FileError(`Cannot read ${path}: ${(error as Error).message}`, { cause: error });
      }
      throw error;
    } finally {
      input.destroy();
    }
  }, decoder.info);
}
