// Post dispatch in AWS, for the stream and schedule functions of infra/functions.ts: the dispatcher fed by the table's stream (event INSERTs only, filtered
// by the mapping), bisect-on-error with bounded retries and an SQS on-failure destination; the
// retry runner on a one-minute schedule; alarms on dead deliveries, the stream's iterator age
// and records set aside.
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { defaultMetricsNamespace } from '../lib/dispatch/metrics.ts';
import { eventInsertFilter } from '../lib/store/event-stream.ts';
import {
  constructIdFor,
  functionNamed,
  functionsTriggeredBy,
  type LambdaFunction as LambdaFunctionEntry,
  onlyFunctionTriggeredBy,
  rateExpression,
} from './functions.ts';
import { RouteFunction, routeFunctionProps } from './route-function.ts';

export interface DispatchProps {
  readonly table: ITable;
  readonly envName: string;
  /** Mail goes out through SES v2 from this verified address (context `emailFrom`); without it, SMTP_URL. */
  readonly emailFrom?: string;
}

/** Retries of a failing stream batch before its failing record goes to the on-failure queue. */
export const streamRetryAttempts = 5;
/** The iterator age (ms) above which the dispatcher is falling behind the stream. */
export const iteratorAgeAlarmMs = 5 * 60_000;

export class Dispatch extends Construct {
  readonly dispatcher: RouteFunction;
  readonly retryRunner: RouteFunction;
  readonly sealer: RouteFunction;
  readonly liveSealer: RouteFunction;
  readonly streamFailures: Queue;
  readonly metricsNamespace: string;
  readonly deadDeliveriesAlarm: Alarm;
  readonly iteratorAgeAlarm: Alarm;
  readonly streamFailuresAlarm: Alarm;
  private readonly functions = new Map<string, RouteFunction>();

  constructor(scope: Construct, id: string, props: DispatchProps) {
    super(scope, id);
    this.metricsNamespace = `${defaultMetricsNamespace}/${props.envName}`;

    // Records the dispatcher kept failing on, with their stream position (bounded retries, then here).
    this.streamFailures = new Queue(this, 'StreamFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.streamFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the failure destination of the stream mapping; nothing consumes it automatically.',
    });

    // The stream function and the scheduled jobs of infra/functions.ts.
    const stream = onlyFunctionTriggeredBy('stream');
    this.dispatcher = this.addFunction(stream, props);
    Validations.of(this.dispatcher).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams has no resource-level permissions; the stream mapping needs it (granted by DynamoEventSource).',
    });
    this.dispatcher.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        bisectBatchOnError: true,
        retryAttempts: streamRetryAttempts,
        maxRecordAge: Duration.days(1),
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.streamFailures),
        filters: [FilterCriteria.filter(eventInsertFilter as unknown as Record<string, unknown>)],
      }),
    );

    for (const job of functionsTriggeredBy('schedule')) {
      const runner = this.addFunction(job, props);
      new Rule(this, job.trigger.rule, {
        schedule: Schedule.expression(rateExpression(job.trigger.everyMinutes)),
        targets: [new LambdaFunction(runner.function, { retryAttempts: 0 })],
      });
    }
    this.retryRunner = this.functionFor('delivery-retry');
    this.sealer = this.functionFor('events-seal');
    this.liveSealer = this.functionFor('events-live-seal');
    if (props.emailFrom) {
      for (const [fn, runner] of this.functions)
        if (functionNamed(fn).sendsMail) this.sendMailWithSes(runner, props.emailFrom);
    }

    const alarm = (alarmId: string, metric: Metric, threshold: number, description: string, periods = 1) =>
      new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: periods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
    // The EMF lines' dimensionless total over all modules (lib/dispatch/metrics.ts).
    this.deadDeliveriesAlarm = alarm(
      'DeadDeliveries',
      new Metric({
        namespace: this.metricsNamespace,
        metricName: 'dead',
        statistic: Stats.SUM,
        period: Duration.minutes(5),
      }),
      1,
      'A delivery ran out of attempts: see GET /event/deliveries?status=dead, fix, then replay.',
    );
    this.iteratorAgeAlarm = alarm(
      'StreamIteratorAge',
      this.dispatcher.function.metric('IteratorAge', { statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
      iteratorAgeAlarmMs,
      'The dispatcher is falling behind the table stream.',
      5,
    );
    this.streamFailuresAlarm = alarm(
      'StreamFailuresQueued',
      this.streamFailures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      1,
      'A stream record was set aside after its retries: its event was not dispatched.',
    );
  }

  /** The function of this construct built from the table entry `fn`. */
  functionFor(fn: string): RouteFunction {
    const found = this.functions.get(fn);
    if (!found) throw new Error(`no dispatch function ${fn}`);
    return found;
  }

  private addFunction(entry: LambdaFunctionEntry, props: DispatchProps): RouteFunction {
    const runner = new RouteFunction(this, constructIdFor(entry.fn), routeFunctionProps(entry, props.table));
    if (entry.metrics) runner.function.addEnvironment('METRICS_NAMESPACE', this.metricsNamespace);
    this.functions.set(entry.fn, runner);
    return runner;
  }

  /** A function that runs sendmail: SES v2 from the address's own or its domain's identity, nothing else. */
  private sendMailWithSes(runner: RouteFunction, emailFrom: string) {
    const domain = emailFrom.slice(emailFrom.lastIndexOf('@') + 1);
    if (!emailFrom.includes('@') || domain === '') throw new Error(`emailFrom '${emailFrom}' is not an email address`);
    const identity = (name: string) =>
      Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    runner.function.addEnvironment('EMAIL_TRANSPORT', 'ses');
    runner.function.addEnvironment('EMAIL_FROM', emailFrom);
    runner.function.addToRolePolicy(
      new PolicyStatement({ actions: ['ses:SendEmail'], resources: [identity(emailFrom), identity(domain)] }),
    );
  }
}
