/** `valuesConfig` for registerEnumType: each value described by its official (Chinese) label. */
export function labelled<T extends Record<string, string>>(values: T, labels: Record<keyof T, string>) {
  return Object.fromEntries(Object.keys(values).map((k) => [k, { description: labels[k as keyof T] }])) as {
    [K in keyof T]: { description: string };
  };
}
