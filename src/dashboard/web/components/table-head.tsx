/** A column heading; a `hidden` one is for screen readers only (over a column of buttons). */
export type Column = string | { label: string; hidden: true };

export function TableHead({ columns }: { columns: Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) =>
          typeof column === 'string' ? (
            <th key={column} scope="col">
              {column}
            </th>
          ) : (
            <th key={column.label} scope="col">
              <span class="visually-hidden">{column.label}</span>
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
