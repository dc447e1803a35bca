/**
 * The plan's sentences (why, what limits the plan, the cost of the domestic rule) in the page's
 * language and money: from the sentences as data the plan carries, with the page's number formats
 * and the reader's currency at the plan's rate. A plan stored before the engine wrote sentences as
 * data keeps its English text.
 */
import type { BindingConstraint, Plan } from '../../../server/core/plan-schema.ts';
import { renderWhy, type WhyFormat, type WhySentence } from '../../../server/core/why.ts';
import { locale } from '../i18n/index.ts';
import { whyRenderers, whySubjectRenderer } from '../i18n/why/index.ts';
import { formatNumber, formatShare, formatTonnes } from './format.ts';
import { USD, type Money } from './money.ts';

/**
 * The page's figures for a sentence: its tonnes, shares and numbers, money in the reader's currency.
 * Sums are compact ("USD 4.3 m"); a shadow price is money per tonne with the page's tables' precision
 * ("0.18 USD/t", "92 KZT/t"), never a sum rounded to whole dollars.
 */
export function pageWhyFormat(m: Money = USD): WhyFormat {
  return {
    tonnes: formatTonnes,
    money: m.total,
    moneyPerTonne: m.perTonne,
    dual: m.perTonne,
    price: m.perTonne,
    share: formatShare,
    amount: (x) => formatNumber(x, Math.abs(x) >= 100 ? 0 : 2),
    number: formatNumber,
  };
}

/** One sentence in the page's language (or the one given) and money. */
export function whyText(sentence: WhySentence, m: Money = USD, language: string = locale()): string {
  // A sentence that ends on an abbreviated unit ("KZT 16 тыс.") takes no second full stop.
  return renderWhy(sentence, pageWhyFormat(m), whyRenderers(language)).replace(/\.\.$/, '.');
}

/** The plan's why lines as the page shows them; `translated` is false when they are the stored English text. */
export function planWhy(plan: Pick<Plan, 'why' | 'whySentences'>, m: Money = USD): { lines: string[]; translated: boolean } {
  const sentences = plan.whySentences;
  if (!sentences || sentences.length !== plan.why.length) return { lines: plan.why, translated: false };
  return { lines: sentences.map((s) => whyText(s, m)), translated: true };
}

/** A binding constraint's sentence in the page's language and money (its stored English text when it has none). */
export function bindingText(b: Pick<BindingConstraint, 'explanation' | 'sentence'>, m: Money = USD): string {
  return b.sentence ? whyText(b.sentence, m) : b.explanation;
}

/**
 * What a binding constraint is, in the page's language and money: from its subject as data; else the
 * engine's English label on an English page (a plan stored before subjects were data, or a sentence
 * without a subject such as the domestic rule's), and nothing on a page in another language.
 */
export function bindingSubjectText(b: Pick<BindingConstraint, 'label' | 'sentence'>, m: Money = USD, language: string = locale()): string | null {
  const about = b.sentence && 'about' in b.sentence ? b.sentence.about : undefined;
  if (about) return whySubjectRenderer(language)(about, pageWhyFormat(m));
  return language === 'en' ? b.label : null;
}

/** The cost of the domestic rule in words. */
export function policyCostText(pc: NonNullable<Plan['policyCost']>, m: Money = USD): string {
  return pc.sentence ? whyText(pc.sentence, m) : pc.explanation;
}

/**
 * The message of a plan without a solution in the page's language: its sentence (the first of the
 * why lines, which the engine writes from it), or the stored English text when it has none.
 */
export function planMessageText(plan: Pick<Plan, 'message' | 'why' | 'whySentences'>, m: Money = USD): string | null {
  if (plan.message == null) return null;
  const sentence = plan.whySentences?.[0];
  return sentence && plan.whySentences!.length === plan.why.length && plan.why[0] === plan.message ? whyText(sentence, m) : plan.message;
}

/**
 * Why an infeasible plan has no solution, in the page's language: the conflicting constraints and
 * the fix. The fix's sentence says its own lead ("Cheapest fix found: …"), so it takes no other.
 */
export function infeasibilityText(inf: NonNullable<Plan['infeasibility']>, m: Money = USD): { items: string[]; suggestion: string } {
  return {
    items: inf.items.map((i) => (i.sentence ? whyText(i.sentence, m) : i.explanation)),
    suggestion: inf.suggestionSentence ? whyText(inf.suggestionSentence, m) : inf.suggestion,
  };
}
