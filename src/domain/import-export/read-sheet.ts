import { parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import type { Cell } from './read-values.js';

/** exceljs is loaded on the first spreadsheet: it is large (about 20 MB resident), and the worker process shares the CLI's modules. */
const loadExcel = async () => (await import('exceljs')).default;

export type SheetFormat = 'csv' | 'xlsx';
/** `rowNumber` is the row as the spreadsheet shows it: the header is row 1. */
export type Sheet = { headers: string[]; rows: { rowNumber: number; cells: Cell[] }[] };

/** The format a file name says, or null. */
export function formatOf(fileName: string): SheetFormat | null {
  const ext = /\.([a-z]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  return ext === 'csv' ? 'csv' : ext === 'xlsx' ? 'xlsx' : null;
}

/** The header row and the rows below it, from a file's bytes (first worksheet of a workbook). */
export async function readSheet(bytes: Buffer, format: SheetFormat): Promise<Sheet> {
  return format === 'csv' ? readCsv(bytes) : readXlsx(bytes);
}

/**
 * The CSV's text: UTF-8 (with or without a BOM), else GB18030, which is what a Chinese Excel
 * writes when "CSV" rather than "CSV UTF-8" is picked (a file that is not valid UTF-8).
 */
function csvText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

function readCsv(bytes: Buffer): Sheet {
  // bom: Excel's "CSV UTF-8" starts with one; quoted fields may hold commas and line breaks.
  const records: string[][] = parse(csvText(bytes), { bom: true, relaxColumnCount: true, skipEmptyLines: false });
  const [headers = [], ...rest] = records;
  return {
    headers: headers.map((h) => h.trim()),
    rows: rest.map((cells, i) => ({ rowNumber: i + 2, cells: cells.map((c) => (c === '' ? null : c)) })),
  };
}

async function readXlsx(bytes: Buffer): Promise<Sheet> {
  const workbook = new (await loadExcel()).Workbook();
  // exceljs declares its own Buffer type; the bytes are the same.
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return { headers: [], rows: [] };
  const width = sheet.columnCount;
  const cellsOf = (row: ExcelJS.Row) => Array.from({ length: width }, (_, i) => cellValue(row.getCell(i + 1).value));
  const headers = cellsOf(sheet.getRow(1)).map((c) => (c === null ? '' : c instanceof Date ? c.toISOString() : String(c).trim()));
  const rows: Sheet['rows'] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber > 1) rows.push({ rowNumber, cells: cellsOf(row) });
  });
  return { headers, rows };
}

/** exceljs cell values: formulas give their result, rich text and links their text, errors nothing. */
function cellValue(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('formula' in value || 'sharedFormula' in value) return cellValue((value.result ?? null) as ExcelJS.CellValue);
  if ('text' in value && 'hyperlink' in value) return typeof value.text === 'string' ? value.text : cellValue(value.text);
  return null;
}
