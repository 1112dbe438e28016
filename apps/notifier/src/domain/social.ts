// A post that matched the notifier's rule at social → a readable message in #social.

import type { SocialUser } from '../clients/social.ts';
import { type NotifierConfig, notifierConfigSchema } from '../config.ts';
import { escapeMrkdwn, type SlackMessage } from './messages.ts';

/** The published dev consumer secret would let anyone post into #social: outside dev mode it is not used. */
export function socialSecretUsable(
  config: Pick<NotifierConfig, 'HOOKLAB_DEV' | 'SOCIAL_CONSUMER_SECRET'>,
): boolean {
  return (
    config.HOOKLAB_DEV ||
    config.SOCIAL_CONSUMER_SECRET !== notifierConfigSchema.shape.SOCIAL_CONSUMER_SECRET.parse(undefined)
  );
}

/** What social delivers for each matching post (X's tweet object, default fields, and the rules it matched). */
export interface SocialDelivery {
  data: { id: string; text: string; author_id: string; created_at: string };
  matching_rules: { id: string; tag?: string }[];
}

/** Whether a parsed body has the shape of a delivery (a signed body of another shape is refused, not posted). */
export function isSocialDelivery(v: unknown): v is SocialDelivery {
  const d = (v as { data?: Record<string, unknown> } | null)?.data;
  return (
    typeof d === 'object' &&
    d !== null &&
    typeof d.id === 'string' &&
    typeof d.text === 'string' &&
    typeof d.author_id === 'string' &&
    Array.isArray((v as { matching_rules?: unknown }).matching_rules)
  );
}

/** `Ada Lovelace (@ada)` when social told us who it is, else the bare id. */
function byline(post: SocialDelivery['data'], author: SocialUser | undefined) {
  if (!author) return { plain: `user ${post.author_id}`, mrkdwn: `user \`${escapeMrkdwn(post.author_id)}\`` };
  return {
    plain: `${author.name} (@${author.username})`,
    mrkdwn: `*${escapeMrkdwn(author.name)}* (@${escapeMrkdwn(author.username)})`,
  };
}

export function socialMessage(d: SocialDelivery, socialUrl: string, author?: SocialUser): SlackMessage {
  const post = d.data;
  const by = byline(post, author);
  const tags = d.matching_rules.map((r) => r.tag ?? r.id).join(', ');
  const link = `${socialUrl.replace(/\/+$/, '')}/#post-${encodeURIComponent(post.id)}`;
  const when = Date.parse(post.created_at);
  return {
    kind: 'social',
    text: `New post by ${by.plain}: ${post.text}`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:speech_balloon: *New post* by ${by.mrkdwn}\n>${escapeMrkdwn(post.text).replace(/\n/g, '\n>')}`,
        },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: [
              `<${link}|post ${escapeMrkdwn(post.id)}>`,
              Number.isFinite(when)
                ? `<!date^${Math.floor(when / 1000)}^{date_short_pretty} {time}|${post.created_at}>`
                : null,
              tags ? `matched ${escapeMrkdwn(tags)}` : null,
            ]
              .filter(Boolean)
              .join(' · '),
          },
        ],
      },
    ],
  };
}
