import {
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type SelectionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { BadUserInputError } from '../errors.js';

/**
 * Bounds on the document as written, checked before validation does any real work. graphql-js's
 * OverlappingFieldsCanBeMerged rule compares every pair of same-named fields in a selection set
 * (sub-selections included), so a 40 KB document of repeated `viewer { id }` costs tens of
 * milliseconds of CPU per request before any operation limit has a say.
 */
export interface DocumentBounds {
  /**
   * Most lexical tokens (names, punctuation, values); the parser stops at the first one over.
   * @default 5000
   */
  maxTokens: number;
  /**
   * Most fields and fragment spreads written in the document, fragments included (as written,
   * not as expanded: expansion is the operation limits' business).
   * @default 1000
   */
  maxFields: number;
  /**
   * Most times one response name (a field's alias, or its name) may be selected in one selection
   * set, counting its inline fragments and the fragments it spreads, as validation compares
   * them. No client needs `id id id`; validation's work grows with the square of this.
   * @default 10
   */
  maxRepeats: number;
}

/**
 * A validation rule that refuses a document over `bounds` before the other rules look at it. It
 * must come after graphql's own rules in the list (Apollo Server appends `validationRules`): all
 * rules enter the Document node first, and when this one finds a bound exceeded it reports a
 * `BAD_USER_INPUT` error and hands the visitor an empty document, so no rule has anything left to
 * visit. Linear in the document's size; `maxTokens` is enforced by the parser, before this.
 */
export function documentBoundsRule(bounds: DocumentBounds) {
  return (context: ValidationContext): ASTVisitor => ({
    Document(document) {
      const exceeded = findExceededBound(document, bounds);
      if (!exceeded) return undefined;
      context.reportError(exceeded);
      const empty: DocumentNode = { kind: Kind.DOCUMENT, definitions: [] };
      return empty;
    },
  });
}

function findExceededBound(document: DocumentNode, bounds: DocumentBounds): BadUserInputError | undefined {
  const selectionSets: SelectionSetNode[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if ('selectionSet' in definition && definition.selectionSet) selectionSets.push(definition.selectionSet);
  }
  // Every selection set, each once, as written; fields and spreads counted on the way.
  let fields = 0;
  for (let i = 0; i < selectionSets.length; i++) {
    for (const selection of (selectionSets[i] as SelectionSetNode).selections) {
      if (selection.kind !== Kind.INLINE_FRAGMENT && ++fields > bounds.maxFields) {
        return BadUserInputError.tooManyFields(bounds.maxFields);
      }
      if ('selectionSet' in selection && selection.selectionSet) selectionSets.push(selection.selectionSet);
    }
  }

  // How often a selection set selects each response name, as validation compares them: its
  // inline fragments merged in, and each distinct fragment it spreads (with what that spreads).
  const fragmentTallies = new Map<string, Map<string, number> | 'pending'>();
  let exceeded: string | undefined;
  const tally = (selectionSet: SelectionSetNode): Map<string, number> => {
    const counts = new Map<string, number>();
    const add = (name: string, times: number) => {
      const total = (counts.get(name) ?? 0) + times;
      counts.set(name, total);
      if (total > bounds.maxRepeats) exceeded ??= name;
    };
    const spread = new Set<string>();
    const pending: SelectionNode[] = [...selectionSet.selections];
    for (let selection = pending.pop(); selection && !exceeded; selection = pending.pop()) {
      if (selection.kind === Kind.FIELD) add(selection.alias?.value ?? selection.name.value, 1);
      else if (selection.kind === Kind.INLINE_FRAGMENT) pending.push(...selection.selectionSet.selections);
      else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        for (const [name, times] of fragmentTally(selection.name.value)) add(name, times);
      }
    }
    return counts;
  };
  const fragmentTally = (name: string): Map<string, number> => {
    const known = fragmentTallies.get(name);
    // Unknown fragments and cycles are validation's to report; they add nothing here.
    if (known === 'pending') return new Map();
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment) return new Map();
    fragmentTallies.set(name, 'pending');
    const counts = tally(fragment.selectionSet);
    fragmentTallies.set(name, counts);
    return counts;
  };
  for (const selectionSet of selectionSets) {
    tally(selectionSet);
    if (exceeded) return BadUserInputError.repeatedField(exceeded, bounds.maxRepeats);
  }
  return undefined;
}
