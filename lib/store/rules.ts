// Detection rule items. Key shapes:
//   rule        pk RULE#<uuid>         sk RULE       rpk RULES  rsk <name>#<uuid>   + rule, version
//   name claim  pk RULE_NAME#<sha256>  sk RULE_NAME  uuid
// As matcher policies: the claim makes names unique atomically, in the transaction of the write.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { VersionConflict } from '../conflicts.ts';
import type { Event } from '../events/event.ts';
import { type DetectionRule, RuleNameTaken, type StoredDetectionRule } from '../rules/rule.ts';
import type { RuleStore } from '../rules/rules.ts';
import { documents, tableName } from './client.ts';
import { transactWrite } from './conflicts.ts';
import { eventPut } from './events.ts';
import { afterEventsWritten } from './events-written.ts';
import { nameClaims } from './name-claims.ts';
import { itemsListed } from './ref-lists.ts';

const ruleKey = (uuid: string) => ({ pk: `RULE#${uuid.toLowerCase()}`, sk: 'RULE' });
const claims = nameClaims('RULE');
const listKey = 'RULES';

const stored = (item: Record<string, unknown>): StoredDetectionRule => ({
  ...(item.rule as DetectionRule),
  version: item.version as number,
});

export const ruleStore: RuleStore = {
  async get(uuid) {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: ruleKey(uuid), ConsistentRead: true }),
    );
    return Item ? stored(Item) : null;
  },

  nameHolder: (name: string) => claims.holder(name),

  /** Every rule, in name order (the index's sort key). */
  async all() {
    const items = await itemsListed(listKey);
    return items.map(stored);
  },

  /** Creates the rule (version 1), its name claim and the audit event, in one transaction. */
  async create(rule, audit: Event) {
    await transactWrite(
      [
        {
          Put: {
            TableName: tableName,
            Item: { ...ruleKey(rule.pk), rpk: listKey, rsk: `${rule.name}#${rule.pk}`, rule, version: 1 },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        claims.put(rule.name, rule.pk),
        eventPut(audit),
      ],
      (index) => (index === 1 ? new RuleNameTaken(rule.name) : new VersionConflict('the uuid exists')),
    );
    await afterEventsWritten([audit]);
    return { ...rule, version: 1 };
  },

  /** Replaces the rule if it is still at `previous.version`, moving the name claim when the name changes. */
  async update(rule, previous, audit: Event) {
    await transactWrite(
      [
        ...claims.replace(
          { key: ruleKey(rule.pk), attribute: 'rule', record: rule, version: previous.version },
          previous.name,
        ),
        eventPut(audit),
      ],
      (index) =>
        index === 1 ? new RuleNameTaken(rule.name) : new VersionConflict('the rule changed since it was read'),
    );
    await afterEventsWritten([audit]);
    return { ...rule, version: previous.version + 1 };
  },

  /** Deletes the rule and its name claim if it is still at `previous.version`. */
  async remove(previous, audit: Event) {
    await transactWrite(
      [
        {
          Delete: {
            TableName: tableName,
            Key: ruleKey(previous.pk),
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': previous.version },
          },
        },
        claims.remove(previous.name, previous.pk),
        eventPut(audit),
      ],
      () => new VersionConflict('the rule changed since it was read'),
    );
    await afterEventsWritten([audit]);
  },
};
