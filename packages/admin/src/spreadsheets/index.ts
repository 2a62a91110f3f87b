// The console's spreadsheet engine: read what offices write, recognise their headers, parse their Chinese values,
// write templates and result files. Import kinds describe their columns with ColumnSpec.
export * from './read';
export * from './values';
export * from './columns';
export * from './regions';
export * from './workbook';
export { LABELS } from './labels';
export { useSheetFile, type SheetFile } from './useSheetFile';
