// The service's structured log: Powertools Logger, one JSON line per entry with the fields the
// README names (level, logger, message, …, time) and, when there are any, the Lambda request id,
// API Gateway's request id (correlation_id) and the X-Ray trace id. The level comes from
// POWERTOOLS_LOG_LEVEL or LOG_LEVEL (INFO by default; Lambda's own log level wins when set).
import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

// Powertools says WARN where privacyIDEA and the Logging module's `level` option say WARNING.
const levelNames: Readonly<Record<string, string>> = { WARN: 'WARNING' };

/** Drops only absent fields: a null (`next_attempt`) or an empty message is written as it is. */
class HubLogItem extends LogItem {
  override removeEmptyKeys(attributes: LogAttributes): LogAttributes {
    return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined));
  }
}

export class HubLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, fields: LogAttributes): LogItem {
    const { logger, time, ...rest } = fields;
    const lambda = attributes.lambdaContext;
    return new HubLogItem({
      attributes: {
        level: levelNames[attributes.logLevel] ?? attributes.logLevel,
        logger: logger ?? attributes.serviceName,
        message: attributes.message,
        ...rest,
        time: time ?? this.formatTimestamp(attributes.timestamp),
        function_name: lambda?.functionName,
        function_request_id: lambda?.awsRequestId,
        cold_start: lambda?.coldStart,
        xray_trace_id: attributes.xRayTraceId,
      },
    });
  }

  /** Name, place, message and stack only: an error's other properties may carry stored items. */
  override formatError(error: Error): LogAttributes {
    return {
      name: error.name,
      location: this.getCodeLocation(error.stack),
      message: error.message,
      stack: error.stack,
      cause: error.cause instanceof Error ? this.formatError(error.cause) : undefined,
    };
  }
}

export const logger = new Logger({ serviceName: 'idp-event-hub', logFormatter: new HubLogFormatter() });

/** An unexpected error, logged by name, message and stack: never the request. */
export function logError(where: string, error: unknown) {
  logger.error('unexpected error', { where, error: error instanceof Error ? error : new Error(String(error)) });
}
