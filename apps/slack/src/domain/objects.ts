// Slack's object shapes (channel, user, message) as the Web API and the Events API send them.
import type { SlackConfig } from '../config.ts';
import type { Channel, Message, User } from '../db/schema.ts';

const seconds = (ms: number) => Math.floor(ms / 1000);

export function channelObject(c: Channel, opts: { isMember?: boolean; numMembers?: number } = {}) {
  return {
    id: c.id,
    name: c.name,
    name_normalized: c.name,
    is_channel: !c.isPrivate,
    is_group: false,
    is_im: false,
    is_mpim: false,
    is_private: c.isPrivate,
    is_archived: c.isArchived,
    is_general: false,
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    created: seconds(c.createdAt),
    creator: c.creator,
    unlinked: 0,
    topic: { value: c.topic, creator: '', last_set: 0 },
    purpose: { value: c.purpose, creator: '', last_set: 0 },
    ...(opts.isMember === undefined ? {} : { is_member: opts.isMember }),
    ...(opts.numMembers === undefined ? {} : { num_members: opts.numMembers }),
  };
}

export function userObject(u: User, config: SlackConfig) {
  return {
    id: u.id,
    team_id: config.SLACK_TEAM_ID,
    name: u.name,
    deleted: false,
    real_name: u.realName,
    tz: 'Europe/Paris',
    tz_label: 'Central European Time',
    tz_offset: 3600,
    is_admin: false,
    is_owner: false,
    is_bot: u.isBot,
    is_app_user: false,
    updated: seconds(u.createdAt),
    profile: {
      real_name: u.realName,
      display_name: u.isBot ? u.realName : u.name,
      real_name_normalized: u.realName,
      display_name_normalized: u.isBot ? u.realName : u.name,
      team: config.SLACK_TEAM_ID,
      ...(u.botId ? { bot_id: u.botId, api_app_id: u.appId } : {}),
    },
  };
}

/** A message as history and chat.* return it (no `channel`; events add it). */
export function messageObject(m: Message, config: SlackConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: 'message',
    user: m.userId,
    text: m.text,
    ts: m.ts,
    team: config.SLACK_TEAM_ID,
  };
  if (m.botId) {
    out.bot_id = m.botId;
    out.app_id = m.appId;
    if (m.username) {
      out.subtype = 'bot_message';
      out.username = m.username;
    }
  }
  if (m.blocks) out.blocks = m.blocks;
  if (m.attachments) out.attachments = m.attachments;
  if (m.threadTs) out.thread_ts = m.threadTs;
  if (m.threadTs === m.ts) {
    out.reply_count = m.replyCount;
    out.latest_reply = m.latestReply;
  }
  if (m.reactions.length > 0) out.reactions = m.reactions;
  if (m.editedTs) out.edited = { user: m.userId, ts: m.editedTs };
  return out;
}
