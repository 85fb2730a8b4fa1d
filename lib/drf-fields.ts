// Django REST framework's field errors, as authentik answers them (its clients show them
// verbatim), and the zod pieces the records' inputs share: a field required or null, a trimmed
// text, a body that is no object.
import * as z from 'zod';

/** DRF's messages. */
export const drf = {
  required: 'This field is required.',
  null: 'This field may not be null.',
  blank: 'This field may not be blank.',
  string: 'Not a valid string.',
  boolean: 'Must be a valid boolean.',
  choice: (value: unknown) => `"${String(value)}" is not a valid choice.`,
  ip: 'Enter a valid IPv4 or IPv6 address.',
  dict: 'Value must be a dictionary, and not have any duplicate keys.',
  datetime:
    'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].',
  unknown: 'Unknown field.',
  invalidData: 'Invalid data. Expected a dictionary, but got another type.',
} as const;

/** DRF's required and null messages for a missing or null field, else `message`. */
export const missingOr = (message: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? drf.required : issue.input === null ? drf.null : message;

/** A required, trimmed, non-blank string. */
export const text = () =>
  z
    .string({ error: missingOr(drf.string) })
    .trim()
    .min(1, { error: drf.blank, abort: true });

/** The Python type name DRF names in its message for a JSON value. */
export const typeName = (value: unknown) =>
  value === null
    ? 'NoneType'
    : Array.isArray(value)
      ? 'list'
      : typeof value === 'string'
        ? 'str'
        : typeof value === 'boolean'
          ? 'bool'
          : typeof value === 'number'
            ? Number.isInteger(value)
              ? 'int'
              : 'float'
            : 'dict';

/** A body that is no object (named by its type), or one with a field the serializer does not know. */
export const objectError = (issue: { code?: string; input?: unknown }) =>
  issue.code === 'unrecognized_keys'
    ? drf.unknown
    : `Invalid data. Expected a dictionary, but got ${typeName(issue.input)}.`;

/** No body at all reads as `{}`, as DRF's empty request.data does. */
export const emptyAsObject = (value: unknown) => (value === undefined ? {} : value);
