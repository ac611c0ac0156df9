/** One CSV record: its fields (quotes removed) and the 1-based line it starts on, for messages. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

export interface CsvScan {
  records: CsvRecord[];
  /** Set when the text ends inside a quoted field: the line that field starts on. */
  openQuoteLine?: number;
  /** Characters of the text the returned records span (through the last one's line end). */
  consumed: number;
}

/**
 * Splits CSV text into records (RFC 4180: `"` quotes, `""` inside quotes, newlines inside quotes, CRLF or
 * LF). Blank lines are skipped. When `cut` is true the text is the head of a longer file, so a last record
 * with no line end, or one inside an unclosed quote, is incomplete and dropped.
 */
export function scanCsvRecords(text: string, delimiter: string, maxRecords: number, cut: boolean): CsvScan {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quoteLine = 0;
  let i = 0;
  let consumed = 0;
  const n = text.length;
  const endRecord = (): void => {
    fields.push(field);
    // A blank line is one empty field: not a record.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
  };
  while (i < n && records.length < maxRecords) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      i++;
    } else if (ch === '"' && field === '') {
      inQuotes = true;
      quoteLine = line;
      i++;
    } else if (text.startsWith(delimiter, i)) {
      fields.push(field);
      field = '';
      i += delimiter.length;
    } else if (ch === '\n' || ch === '\r') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      consumed = i;
      line++;
      recordLine = line;
    } else {
      field += ch;
      i++;
    }
  }
  if (records.length >= maxRecords) return { records, consumed };
  if (inQuotes) return cut ? { records, consumed } : { records, openQuoteLine: quoteLine, consumed };
  // Text that ends without a line end: the last record is whole only if this is the whole file.
  if ((field !== '' || fields.length > 0) && !cut) {
    endRecord();
    consumed = n;
  }
  return { records, consumed };
}
