// An accessible data table: a real <table> with a caption, column headers
// (scope=col, aria-sort), sortable by clicking a header, and rows reachable
// with the keyboard (roving tabindex: ↑/↓/Home/End move, Enter/Space activate).
import { h, type Child } from '../dom';

export interface Column<T> {
  header: string;
  /** Sort key. */
  value: (row: T) => number | string;
  /** Cell content; defaults to the sort key as text. */
  cell?: (row: T) => Child;
  numeric?: boolean;
}

export interface TableOptions<T> {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  /** Stable identity of a row, to keep the selection across re-renders. */
  key: (row: T) => string;
  selectedKey?: string;
  onActivate?: (row: T) => void;
  /** Initial sort: column index, descending. */
  sortColumn?: number;
  emptyText?: string;
  className?: string;
}

export function dataTable<T>(options: TableOptions<T>): HTMLElement {
  let sortColumn = options.sortColumn ?? -1;
  let descending = true;
  const table = h('table', { className: `data ${options.className ?? ''}` });
  const wrapper = h('div', { className: 'table-wrap' }, table);

  const render = (): void => {
    const rows = [...options.rows];
    if (sortColumn >= 0) {
      const column = options.columns[sortColumn];
      rows.sort((a, b) => compare(column.value(a), column.value(b)) * (descending ? -1 : 1));
    }
    const headerCells = options.columns.map((column, index) => {
      const sorted = index === sortColumn;
      return h('th', {
        attrs: { scope: 'col', 'aria-sort': sorted ? (descending ? 'descending' : 'ascending') : 'none' },
        className: column.numeric ? 'num' : '',
      }, h('button', {
        className: 'sort',
        attrs: { type: 'button', title: `Sort by ${column.header}` },
        on: {
          click: () => {
            descending = sorted ? !descending : true;
            sortColumn = index;
            render();
            // The header was rebuilt: keep focus on it (Enter or a click would otherwise drop it to the page body).
            table.querySelectorAll<HTMLButtonElement>('thead button.sort')[index]?.focus();
          },
        },
      }, column.header, sorted ? (descending ? ' ▾' : ' ▴') : ''));
    });
    const selectedIndex = Math.max(0, rows.findIndex((row) => options.key(row) === options.selectedKey));
    const bodyRows = rows.map((row, rowIndex) => {
      const selected = options.key(row) === options.selectedKey;
      const tr = h('tr', {
        className: selected ? 'selected' : '',
        attrs: { tabindex: rowIndex === selectedIndex ? 0 : -1, 'aria-selected': options.onActivate ? String(selected) : undefined, 'data-key': options.key(row) },
        on: {
          click: () => options.onActivate?.(row),
          keydown: (event) => onRowKey(event, tr, () => options.onActivate?.(row)),
        },
      }, ...options.columns.map((column, columnIndex) => {
        const content = column.cell ? column.cell(row) : String(column.value(row));
        return columnIndex === 0 ? h('th', { attrs: { scope: 'row' } }, content) : h('td', { className: column.numeric ? 'num' : '' }, content);
      }));
      return tr;
    });
    table.replaceChildren(
      h('caption', {}, options.caption),
      h('thead', {}, h('tr', {}, ...headerCells)),
      h('tbody', {}, ...(bodyRows.length > 0 ? bodyRows
        : [h('tr', {}, h('td', { attrs: { colspan: options.columns.length }, className: 'empty' }, options.emptyText ?? 'Nothing recorded.'))])),
    );
  };
  render();
  return wrapper;
}

function compare(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

function onRowKey(event: KeyboardEvent, row: HTMLTableRowElement, activate: () => void): void {
  const rows = Array.from(row.parentElement?.children ?? []) as HTMLElement[];
  const index = rows.indexOf(row);
  let target: HTMLElement | undefined;
  switch (event.key) {
    case 'ArrowDown': target = rows[Math.min(rows.length - 1, index + 1)]; break;
    case 'ArrowUp': target = rows[Math.max(0, index - 1)]; break;
    case 'Home': target = rows[0]; break;
    case 'End': target = rows[rows.length - 1]; break;
    case 'Enter': case ' ': event.preventDefault(); activate(); return;
    default: return;
  }
  event.preventDefault();
  if (!target) return;
  for (const other of rows) other.setAttribute('tabindex', '-1');
  target.setAttribute('tabindex', '0');
  target.focus();
}
