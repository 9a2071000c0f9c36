// The dashboard's tables: a header from the column list, one row per item, numbers right-aligned, errors cut to
// one line (the whole text on hover), and a sentence instead of an empty table.
import type { ReactNode } from 'react';

export interface Column {
  label: string;
  kind?: 'number' | 'error';
}

export interface DataTableProps<Row> {
  label: string;
  columns: readonly Column[];
  rows: readonly Row[];
  rowKey: (row: Row, index: number) => string;
  cells: (row: Row) => ReactNode[];
  /** Attributes of a row's <tr>, e.g. data-* hooks for tests and scripts. */
  rowAttributes?: (row: Row) => Record<`data-${string}`, string>;
  empty: string;
}

export function DataTable<Row>({ label, columns, rows, rowKey, cells, rowAttributes, empty }: DataTableProps<Row>) {
  if (rows.length === 0) return <p className="panel muted">{empty}</p>;
  return (
    <table className="data" aria-label={label}>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.label} className={column.kind}>
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr key={rowKey(row, index)} {...rowAttributes?.(row)}>
            {cells(row).map((cell, column) => (
              <td key={column} className={columns[column]?.kind}>
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** An error's first line, with the whole text as the tooltip. */
export function ErrorLine({ text }: { text: string | null | undefined }) {
  return text ? <span title={text}>{text.split('\n')[0]}</span> : null;
}
