// CloudEvents 1.0 over HTTP: structured, batched and binary content modes, one event each.
import { setOwnKey } from '../../own-keys.ts';
import {
  type IngestRequest,
  MalformedRequest,
  type MappedRequest,
  mapRecords,
  type RecordOutcome,
} from '../ingest-request.ts';
import {
  isJsonMediaType,
  type JsonRecord,
  mediaType,
  optionalString,
  type PlacedRecord,
  parseJson,
  placed,
  problemAt,
  recordAt,
  requiredString,
} from '../json.ts';
import { actionNamed, sourceEventInput, sourceTime } from '../source-event.ts';
import { dataContext } from './cloudevent-data.ts';

const structuredType = 'application/cloudevents+json';
const batchType = 'application/cloudevents-batch+json';

export function mapCloudEvents(request: IngestRequest): MappedRequest {
  const mode = contentMode(request);
  const events: PlacedRecord[] =
    mode === 'batch'
      ? batchEvents(request.body)
      : mode === 'binary'
        ? [{ record: binaryEvent(request), where: '' }]
        : [{ record: recordAt(parseJson(request.body, 'body'), 'body'), where: '' }];
  return mapRecords(events, ({ record, where }) => mapCloudEvent(record, where, mode === 'binary'));
}

/** The content type's mode: the two JSON event formats, else binary when `ce-specversion` is a header. */
function contentMode(request: IngestRequest): 'structured' | 'batch' | 'binary' {
  const type = mediaType(request.contentType);
  if (type === structuredType) return 'structured';
  if (type === batchType) return 'batch';
  if (type.startsWith('application/cloudevents')) {
    throw new MalformedRequest(`content type ${type}: the event formats taken are ${structuredType} and ${batchType}`);
  }
  if (Object.keys(request.headers).some((name) => name.toLowerCase() === 'ce-specversion')) return 'binary';
  throw new MalformedRequest(
    `content type ${type === '' ? 'missing' : type}: expected ${structuredType}, ${batchType} or ce-* headers (binary mode)`,
  );
}

function batchEvents(body: string): PlacedRecord[] {
  const batch = parseJson(body, 'body');
  if (!Array.isArray(batch)) throw new MalformedRequest(`body must be a list of events (${batchType})`);
  return batch.map((event, i) => placed(event, `[${i}]`));
}

/**
 * The event in its JSON format: every `ce-*` header is an attribute (percent-decoded), the content
 * type is `datacontenttype`, and the body is `data`: parsed when the content type is JSON, else text.
 */
function binaryEvent(request: IngestRequest): JsonRecord {
  const event: JsonRecord = {};
  for (const [header, value] of Object.entries(request.headers)) {
    const lower = header.toLowerCase();
    const name = lower.slice('ce-'.length);
    // Attribute names are lowercase letters and digits; `data` is the body's.
    if (!lower.startsWith('ce-') || value === undefined || !/^[a-z0-9]+$/.test(name) || name === 'data') continue;
    setOwnKey(event, name, percentDecoded(value, lower));
  }
  const contentType = request.contentType;
  if (contentType !== undefined && contentType !== '') event.datacontenttype = contentType;
  if (request.body === '') return event;
  const isJson = contentType !== undefined && isJsonMediaType(mediaType(contentType));
  event.data = isJson ? parseJson(request.body, 'body') : request.body;
  return event;
}

/**
 * The spec percent-encodes header values; producers that do not (the JS SDK) are read as sent: only
 * runs of `%XX` are decoded, and a run that is not UTF-8 refuses the request, as the spec says.
 */
function percentDecoded(value: string, header: string): string {
  try {
    return value.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => decodeURIComponent(run));
  } catch {
    throw new MalformedRequest(`header ${header}: percent-encoding that is not UTF-8`);
  }
}

/**
 * Native id: `source`, one space, `id`. A source is a URI reference, which holds no whitespace (one
 * that does is refused), so the first space splits the two unambiguously.
 */
function mapCloudEvent(event: JsonRecord, where: string, binary: boolean): RecordOutcome {
  const named = (attribute: string) => (binary ? `ce-${attribute}` : attribute);
  const specversion = requiredString(event, 'specversion', where, named('specversion'));
  if (specversion !== '1.0') {
    throw new MalformedRequest(
      problemAt(where, `${named('specversion')} ${JSON.stringify(specversion)}: expected "1.0"`),
    );
  }
  const id = requiredString(event, 'id', where, named('id'));
  const source = requiredString(event, 'source', where, named('source'));
  if (/\s/.test(source))
    throw new MalformedRequest(problemAt(where, `${named('source')} must be a URI reference (no spaces)`));
  const type = requiredString(event, 'type', where, named('type'));
  const subject = optionalString(event, 'subject', where, named('subject'));
  const time = optionalString(event, 'time', where, named('time'));
  const { user, context } = dataContext(event, where);
  const input = sourceEventInput({
    kind: 'cloudevents',
    app: source,
    action: actionNamed(type),
    record: event,
    time: sourceTime(time),
    user: user ?? (subject === undefined || subject.trim() === '' ? undefined : { username: subject }),
    context,
  });
  return { nativeId: `${source} ${id}`, input };
}
