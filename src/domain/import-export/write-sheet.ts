import { stringify } from 'csv-stringify/sync';
import { COLUMNS } from './columns.js';
import type { ExportCell, ExportRow } from './export-customers.js';
import type { SheetFormat } from './read-sheet.js';

/** exceljs is loaded on the first spreadsheet: it is large (about 20 MB resident), and the worker process shares the CLI's modules. */
const loadExcel = async () => (await import('exceljs')).default;

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-12-02 09:00[:05]`: what import reads back as the same wall-clock time. */
function dateText(cell: { wall: Date; hasSeconds: boolean }): string {
  const d = cell.wall;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${cell.hasSeconds ? `:${pad(d.getUTCSeconds())}` : ''}`;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${time}`;
}

const text = (cell: ExportCell): string => (cell === null ? '' : typeof cell === 'string' ? cell : dateText(cell));

/**
 * The exported sheet as bytes. CSV is UTF-8 with a BOM (Excel then opens Chinese correctly) and
 * CRLF line ends; xlsx holds dates as date cells (shown `yyyy-mm-dd hh:mm`), everything else as text.
 */
export async function writeSheet(format: SheetFormat, headers: string[], rows: ExportRow[]): Promise<Buffer> {
  const keys = COLUMNS.map((c) => c.key);
  if (format === 'csv') {
    const body = stringify([headers, ...rows.map((r) => keys.map((k) => text(r[k])))], { bom: true, record_delimiter: 'windows' });
    return Buffer.from(body, 'utf8');
  }
  const workbook = new (await loadExcel()).Workbook();
  const sheet = workbook.addWorksheet('customers');
  sheet.addRow(headers);
  for (const r of rows) {
    const added = sheet.addRow(keys.map((k) => (r[k] !== null && typeof r[k] === 'object' ? r[k].wall : r[k])));
    keys.forEach((k, i) => {
      const cell = r[k];
      if (cell !== null && typeof cell === 'object')
        added.getCell(i + 1).numFmt = cell.hasSeconds ? 'yyyy-mm-dd hh:mm:ss' : 'yyyy-mm-dd hh:mm';
    });
  }
  sheet.getRow(1).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
