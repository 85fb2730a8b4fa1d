// Detection rule items. Key shapes:
//   rule        pk RULE#<uuid>         sk RULE       rpk RULES  rsk <name>#<uuid>   + rule, version
//   name claim  pk RULE_NAME#<sha256>  sk RULE_NAME  uuid
// As matcher policies: the claim makes names unique atomically, in the transaction of the write.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Event } from '../events/event.ts';
import { type DetectionRule, RuleNameTaken, type StoredDetectionRule } from '../rules/rule.ts';
import type { RuleStore } from '../rules/rules.ts';
import { documents, tableName } from './client.ts';
import { namedRecords } from './named-records.ts';
import { itemsListed } from './ref-lists.ts';

const ruleKey = (uuid: string) => ({ pk: `RULE#${uuid.toLowerCase()}`, sk: 'RULE' });
const listKey = 'RULES';
const rules = namedRecords({
  key: ruleKey,
  claimKind: 'RULE',
  listKey,
  attribute: 'rule',
  noun: 'rule',
  nameTaken: (name) => new RuleNameTaken(name),
});

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

  nameHolder: (name: string) => rules.claims.holder(name),

  /** Every rule, in name order (the index's sort key). */
  async all() {
    const items = await itemsListed(listKey);
    return items.map(stored);
  },

  /** Creates the rule (version 1), its name claim and the audit event, in one transaction. */
  async create(rule, audit: Event) {
    await rules.create(rule, audit);
    return { ...rule, version: 1 };
  },

  /** Replaces the rule if it is still at `previous.version`, moving the name claim when the name changes. */
  async update(rule, previous, audit: Event) {
    await rules.update(rule, previous, audit);
    return { ...rule, version: previous.version + 1 };
  },

  /** Deletes the rule and its name claim if it is still at `previous.version`. */
  remove: (previous, audit: Event) => rules.remove(previous, audit),
};
