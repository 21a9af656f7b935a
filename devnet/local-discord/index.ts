import { createServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import { invalidFormBody, registrationErrors } from "./command-rules";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { DiscordSnowflake } from "@sapphire/snowflake";
import { ShardClientUtil } from "discord.js";
import {
  ApplicationCommandType,
  ChannelType,
  GatewayDispatchEvents,
  GatewayOpcodes,
  InteractionType,
  MessageFlags,
  MessageType,
  ComponentType,
  type APIApplicationCommand,
  type APIChannel,
  type APIEmbed,
  type APIGuildMember,
  type APIMessage,
  type APIRole,
  type APIUser,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIApplicationCommandInteractionDataOption,
  type RESTGetAPIGatewayBotResult,
  type GatewayReadyDispatchData,
  type APIInteraction,
  type APIThreadChannel,
  type RoleFlags,
  type GuildMemberFlags,
  type ApplicationFlags,
  type APIOverwrite,
  PermissionFlagsBits,
} from "discord-api-types/v10";
import { RateLimiter, defaultRules, type LimitRule } from "./rate-limits";
import { basePermissions, channelPermissions, compareRoles, highestRole } from "./permissions";

/**
 * A local Discord on 127.0.0.1: the REST API (/api/v10) and the Gateway (WebSocket) subset that the
 * bot uses, enough for an unmodified discord.js Client configured only with `rest: { api }`. It keeps
 * what a member would see (channel messages with their edits, threads, roles, interaction replies)
 * and records every request, so tests assert on the channel rather than on the bot's internals.
 */

export const snowflake = () => DiscordSnowflake.generate().toString();
const iso = () => new Date().toISOString();

export type RecordedRequest = { method: string; path: string; body: unknown; status: number; at: number };
export type ChannelMessage = APIMessage & { edits: number; history: { content: string; embeds: APIEmbed[] }[] };
export type InteractionRecord = {
  id: string;
  token: string;
  kind: "command" | "button" | "autocomplete";
  name?: string;
  customId?: string;
  /** The message a button was clicked on: a type 7 callback, and @original after it, update that message. */
  messageId?: string;
  userId: string;
  channelId: string;
  /** Callbacks in order: type 4 reply, 5 deferred, 6/7 component updates, 8 autocomplete choices. */
  // biome-ignore lint/suspicious/noExplicitAny: decoding boundary, the JSON discord.js sends, read field by field by each route
  callbacks: { type: number; data: any }[];
  /** The reply as the member sees it now (after edits), and follow-ups. */
  reply?: APIMessage;
  followUps: APIMessage[];
  ephemeral: boolean;
  /** When Discord sent it (ms): its token answers for INTERACTION_TOKEN_MS from then. */
  createdAt: number;
};

/** Discord's interaction tokens are valid for 15 minutes; after, its webhook routes answer 401 Invalid Webhook Token. */
export const INTERACTION_TOKEN_MS = 900_000;

/**
 * The mentions Discord would resolve for a message, by its allowed_mentions rules: without the field
 * every mention in the content is parsed; with it, only the kinds in `parse` and the ids in `roles` /
 * `users`. Only the content is parsed (never embeds), as Discord does.
 */
export function mentionsOf(
  body: { content?: string; allowed_mentions?: { parse?: string[]; roles?: string[]; users?: string[] } },
  guild?: { roles: APIRole[]; members: Map<string, APIGuildMember> },
) {
  const content = String(body.content ?? "");
  const allowed = body.allowed_mentions;
  const may = (kind: "everyone" | "roles" | "users", id?: string) =>
    !allowed ||
    (allowed.parse ?? []).includes(kind) ||
    (id !== undefined &&
      ((kind === "roles" && (allowed.roles ?? []).includes(id)) ||
        (kind === "users" && (allowed.users ?? []).includes(id))));
  const roleIds = [...new Set([...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1]!))].filter(
    (id) => may("roles", id) && (!guild || guild.roles.some((r) => r.id === id)),
  );
  const userIds = [...new Set([...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]!))].filter((id) => may("users", id));
  const users = userIds.map((id) => guild?.members.get(id)?.user).filter((u): u is APIUser => u !== undefined);
  return {
    mention_everyone: /@(everyone|here)/.test(content) && may("everyone"),
    mentions: users,
    mention_roles: roleIds,
  };
}

export type LocalGuild = {
  id: string;
  name: string;
  ownerId: string;
  channels: APIChannel[];
  roles: APIRole[];
  members: Map<string, APIGuildMember>;
};

/** What the invite link in docs/bot.md asks for: View Channels, Send Messages, Embed Links, Read Message History, Manage Roles, Create Public Threads, Send Messages in Threads. */
export const BOT_INVITE_PERMISSIONS = "309506165760";

export type LocalDiscordOptions = {
  port?: number;
  guilds?: number;
  channelLimit?: { limit: number; windowMs: number };
  rules?: LimitRule[];
  heartbeatIntervalMs?: number;
  /** The bot token the application has (what the developer portal shows). */
  token?: string;
  /** How long a message's nonce is remembered for enforce_nonce (default NONCE_WINDOW_MS). */
  nonceWindowMs?: number;
};

/**
 * Discord checks an enforce_nonce nonce for uniqueness only "in the past few minutes" (its docs give no
 * exact figure, and the OpenAPI document none at all). Two minutes is the short reading of "a few": the
 * local Discord never remembers longer than Discord might, so nothing passes here that relies on more.
 */
export const NONCE_WINDOW_MS = 120_000;

type Session = {
  id: string;
  socket?: WebSocket;
  seq: number;
  sent: { s: number; t: string; d: unknown }[];
  identified: boolean;
  /** `[shard_id, num_shards]` from IDENTIFY: the session receives the events of the guilds it owns only. */
  shard: [number, number];
};

/** How far back the first guild's id is dated (one millisecond apart each: see addGuild). */
const GUILD_ID_SPREAD_MS = 86_400_000;
/** Discord closes a shard's connection past this many guilds (4011, "Sharding required"). */
const MAX_GUILDS_PER_SHARD = 2_500;
/** The guilds per shard Discord's `GET /gateway/bot` recommends for (its `shards` is about one per 1,000). */
const GUILDS_PER_RECOMMENDED_SHARD = 1_000;

export class LocalDiscord {
  readonly applicationId = snowflake();
  readonly botUser: APIUser = {
    id: this.applicationId,
    username: "cover-bot",
    discriminator: "0",
    global_name: "Cover Bot",
    avatar: null,
    bot: true,
  };
  readonly guilds: LocalGuild[] = [];
  readonly users = new Map<string, APIUser>();
  readonly messages = new Map<string, ChannelMessage[]>();
  readonly threads: APIThreadChannel[] = [];
  readonly commands = { global: [] as APIApplicationCommand[], guild: new Map<string, APIApplicationCommand[]>() };
  /** The language each member's Discord client is set to (interactions carry it as `locale`); en-US if not set. */
  readonly locales = new Map<string, string>();
  readonly interactions = new Map<string, InteractionRecord>();
  /** Each user's DM channel with the bot, once opened (`POST /users/@me/channels`), by user id. */
  readonly dmChannels = new Map<string, APIChannel>();
  /** Users who take no DMs from the bot (server privacy settings, or the bot blocked): Discord refuses with 50007. */
  readonly closedDms = new Set<string>();
  readonly requests: RecordedRequest[] = [];
  readonly limiter: RateLimiter;
  private sessions = new Map<string, Session>();
  private identified = 0;
  private server!: Server;
  private wss!: WebSocketServer;
  port = 0;
  readonly token: string;
  private waiters: (() => void)[] = [];

  constructor(readonly options: LocalDiscordOptions = {}) {
    this.limiter = new RateLimiter(options.rules ?? defaultRules(options.channelLimit));
    this.token = options.token ?? "local-bot-token";
    const guildCount = options.guilds ?? 1;
    for (let g = 0; g < guildCount; g++) this.addGuild(`Cover Community ${g + 1}`);
  }

  get api() {
    return `http://127.0.0.1:${this.port}/api`;
  }
  get guild() {
    return this.guilds[0]!;
  }
  /** How many gateway sessions have been opened (IDENTIFY accepted), ever. */
  gatewaySessions(): number {
    return this.identified;
  }
  /** The guild's text channels by name. */
  channel(name: string, guild = this.guild) {
    const channel = guild.channels.find((c) => "name" in c && c.name === name);
    if (!channel) throw new Error(`no channel #${name}`);
    return channel;
  }
  role(name: string, guild = this.guild) {
    const role = guild.roles.find((r) => r.name === name);
    if (!role) throw new Error(`no role @${name}`);
    return role;
  }

  /**
   * Guild ids are made a millisecond apart, as if created at different times: Discord's sharding formula reads
   * the id's timestamp, so guilds made in the same millisecond would all land on one shard.
   */
  private readonly guildEpoch = Date.now() - GUILD_ID_SPREAD_MS;

  addGuild(name: string) {
    const id = DiscordSnowflake.generate({ timestamp: this.guildEpoch + this.guilds.length }).toString();
    const owner = this.addUser("owner");
    const everyone: APIRole = {
      id,
      name: "@everyone",
      permissions: "1071698660929",
      position: 0,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      managed: false,
      mentionable: false,
      icon: null,
      unicode_emoji: null,
      flags: 0 as RoleFlags,
    };
    const assessors: APIRole = {
      ...everyone,
      id: snowflake(),
      name: "assessors",
      position: 1,
      mentionable: true,
      permissions: "0",
    };
    // Discord creates a bot's own role (managed, tagged with the bot) from the invite's permissions; an
    // admin has dragged it above the assessor role, as docs/bot.md asks.
    const botRole: APIRole = {
      ...everyone,
      id: snowflake(),
      name: this.botUser.username,
      position: 2,
      managed: true,
      permissions: BOT_INVITE_PERMISSIONS,
      tags: { bot_id: this.botUser.id },
    };
    const admin: APIRole = { ...everyone, id: snowflake(), name: "admins", position: 3, permissions: "8" };
    const channels = ["claims", "general", "pool-reports"].map(
      (channelName, position) =>
        ({
          id: snowflake(),
          type: ChannelType.GuildText,
          guild_id: id,
          name: channelName,
          position,
          parent_id: null,
          permission_overwrites: [],
          nsfw: false,
          topic: null,
          rate_limit_per_user: 0,
          last_message_id: null,
        }) as APIChannel,
    );
    const guild = {
      id,
      name,
      ownerId: owner.id,
      channels,
      roles: [everyone, assessors, botRole, admin],
      members: new Map<string, APIGuildMember>(),
    };
    this.guilds.push(guild);
    for (const user of [this.botUser, owner])
      guild.members.set(user.id, this.memberOf(user, user.id === owner.id ? [admin.id] : [botRole.id]));
    // The bot was invited to a new server while connected: Discord sends GUILD_CREATE to the shard that owns it.
    for (const session of this.sessions.values()) {
      const [shardId, shardCount] = session.shard;
      if (ShardClientUtil.shardIdForGuildId(guild.id, shardCount) === shardId)
        this.dispatch(session, GatewayDispatchEvents.GuildCreate, this.guildCreate(guild));
    }
    return guild;
  }

  // -------------------------------------------------------------------------------------------
  // What an admin changes in the Discord client; each sends the gateway event Discord sends
  // -------------------------------------------------------------------------------------------
  /** A new role at `position`; roles at or above it move up one, as when an admin drags it there. */
  addRole(name: string, fields: Partial<APIRole> = {}, guild = this.guild): APIRole {
    const position = fields.position ?? 1;
    const role: APIRole = {
      ...guild.roles.find((r) => r.id === guild.id)!,
      permissions: "0",
      ...fields,
      id: snowflake(),
      name,
      position,
    };
    for (const r of guild.roles) {
      if (r.id === guild.id || r.position < position) continue;
      r.position += 1;
      this.broadcast(GatewayDispatchEvents.GuildRoleUpdate, { guild_id: guild.id, role: r });
    }
    guild.roles.push(role);
    this.broadcast(GatewayDispatchEvents.GuildRoleCreate, { guild_id: guild.id, role });
    return role;
  }

  updateRole(roleId: string, changes: Partial<Omit<APIRole, "id">>, guild = this.guild): APIRole {
    const role = guild.roles.find((r) => r.id === roleId);
    if (!role) throw new Error(`no role ${roleId}`);
    Object.assign(role, changes);
    this.broadcast(GatewayDispatchEvents.GuildRoleUpdate, { guild_id: guild.id, role });
    return role;
  }

  /** Replaces a channel's permission overwrites (allow and deny as permission bit strings). */
  setOverwrites(channelId: string, overwrites: APIOverwrite[], guild = this.guild) {
    const channel = guild.channels.find((c) => c.id === channelId) as
      | (APIChannel & { permission_overwrites: APIOverwrite[] })
      | undefined;
    if (!channel) throw new Error(`no channel ${channelId}`);
    channel.permission_overwrites = overwrites;
    this.broadcast(GatewayDispatchEvents.ChannelUpdate, channel);
  }

  /**
   * A channel an admin creates (CHANNEL_CREATE): a text channel, or a forum (type 15) with its `available_tags`
   * (each given an id, as Discord does) and `flags` (16: a post needs a tag).
   */
  addChannel(name: string, type = ChannelType.GuildText, fields: Record<string, unknown> = {}, guild = this.guild) {
    const channel = {
      id: snowflake(),
      type,
      guild_id: guild.id,
      name,
      position: guild.channels.length,
      parent_id: null,
      permission_overwrites: [],
      nsfw: false,
      topic: null,
      rate_limit_per_user: 0,
      last_message_id: null,
      flags: 0,
      ...(type === ChannelType.GuildForum
        ? { available_tags: [], default_reaction_emoji: null, default_sort_order: null, default_forum_layout: 0 }
        : {}),
      ...fields,
    } as unknown as APIChannel & { available_tags?: ForumTag[] };
    if (channel.available_tags) channel.available_tags = channel.available_tags.map((t) => forumTag(t));
    guild.channels.push(channel);
    this.broadcast(GatewayDispatchEvents.ChannelCreate, channel);
    return channel;
  }

  /** A thread archived, as Discord does to one quiet for its auto_archive_duration (THREAD_UPDATE). */
  archiveThread(threadId: string) {
    const thread = this.threads.find((t) => t.id === threadId);
    if (!thread) throw new Error(`no thread ${threadId}`);
    thread.thread_metadata!.archived = true;
    this.broadcast(GatewayDispatchEvents.ThreadUpdate, thread);
  }

  /** Gives or takes a member's roles (the bot's own member too) and tells the gateway. */
  setMemberRoles(userId: string, roles: string[], guild = this.guild) {
    const member = guild.members.get(userId);
    if (!member) throw new Error(`user ${userId} is not in the guild`);
    member.roles = roles;
    this.broadcast(GatewayDispatchEvents.GuildMemberUpdate, { guild_id: guild.id, ...member });
  }

  /** The bot's own managed role in a guild. */
  botRole(guild = this.guild) {
    return guild.roles.find((r) => r.managed && r.tags?.bot_id === this.botUser.id)!;
  }

  /** What a member may do in a guild, or in one of its channels or threads (overwrites applied). */
  permissionsOf(userId: string, channelId?: string, guild = this.guild): bigint {
    const roles = guild.members.get(userId)?.roles ?? [];
    if (!channelId) return basePermissions(guild, userId, roles);
    const thread = this.threads.find((t) => t.id === channelId);
    const channel = guild.channels.find((c) => c.id === (thread?.parent_id ?? channelId)) as
      | { permission_overwrites?: APIOverwrite[] }
      | undefined;
    return channelPermissions(guild, userId, roles, channel?.permission_overwrites ?? [], Boolean(thread));
  }

  addUser(username: string, guild?: LocalGuild, roles: string[] = []): APIUser {
    const user: APIUser = { id: snowflake(), username, discriminator: "0", global_name: username, avatar: null };
    this.users.set(user.id, user);
    if (guild) guild.members.set(user.id, this.memberOf(user, roles));
    return user;
  }

  private memberOf(user: APIUser, roles: string[]): APIGuildMember {
    return {
      user,
      roles,
      joined_at: iso(),
      deaf: false,
      mute: false,
      nick: null,
      avatar: null,
      premium_since: null,
      pending: false,
      communication_disabled_until: null,
      flags: 0 as GuildMemberFlags,
    };
  }

  /** The messages the bot sent a user by DM, oldest first. */
  dms(userId: string): ChannelMessage[] {
    const channel = this.dmChannels.get(userId);
    return channel ? this.channelMessages(channel.id) : [];
  }

  /** Channel messages as a member sees them now, oldest first. */
  channelMessages(channelId: string): ChannelMessage[] {
    return this.messages.get(channelId) ?? [];
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle
  // -------------------------------------------------------------------------------------------
  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on("upgrade", (req, socket, head) => {
      if (!req.url?.startsWith("/gateway")) return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onGateway(ws));
    });
    await new Promise<void>((resolve) => this.server.listen(this.options.port ?? 0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop() {
    for (const s of this.sessions.values()) s.socket?.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Resolves once `predicate` holds, re-checking after every request the server answers. */
  /** Resolves with the predicate's first truthy value (an async predicate's too: its promise is awaited, not taken as true). */
  async waitFor<T>(
    predicate: () => T | undefined | false | Promise<T | undefined | false>,
    timeoutMs = 10_000,
    what = "condition",
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await predicate();
      if (value) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
  private notify() {
    for (const w of this.waiters.splice(0)) w();
  }

  // -------------------------------------------------------------------------------------------
  // Gateway
  // -------------------------------------------------------------------------------------------
  private onGateway(ws: WebSocket) {
    const sendRaw = (payload: unknown) => ws.send(JSON.stringify(payload));
    sendRaw({
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.options.heartbeatIntervalMs ?? 41_250 },
      s: null,
      t: null,
    });
    ws.on("message", (raw) => {
      // biome-ignore lint/suspicious/noExplicitAny: decoding boundary, the JSON discord.js sends, read field by field by each route
      const packet = JSON.parse(String(raw)) as { op: number; d: any };
      if (packet.op === GatewayOpcodes.Heartbeat) return sendRaw({ op: GatewayOpcodes.HeartbeatAck });
      if (packet.op === GatewayOpcodes.Identify) return this.identify(ws, packet.d.token, packet.d.shard);
      if (packet.op === GatewayOpcodes.Resume) return this.resume(ws, packet.d);
    });
  }

  private identify(ws: WebSocket, token: string, requested: unknown) {
    if (token !== this.token) return ws.close(4004, "Authentication failed.");
    const shard = (requested ?? [0, 1]) as [number, number];
    const valid = Array.isArray(shard) && shard.length === 2 && shard.every((n) => Number.isInteger(n));
    const [shardId, shardCount] = shard;
    if (!valid || shardCount < 1 || shardId < 0 || shardId >= shardCount) return ws.close(4010, "Invalid shard.");
    // Discord's sharding formula, (guild_id >> 22) % num_shards, as discord.js computes it.
    const owned = this.guilds.filter((g) => ShardClientUtil.shardIdForGuildId(g.id, shardCount) === shardId);
    if (owned.length > MAX_GUILDS_PER_SHARD) return ws.close(4011, "Sharding required.");
    const session: Session = { id: snowflake(), socket: ws, seq: 0, sent: [], identified: true, shard };
    this.sessions.set(session.id, session);
    this.identified += 1;
    const ready: GatewayReadyDispatchData = {
      v: 10,
      session_id: session.id,
      resume_gateway_url: `ws://127.0.0.1:${this.port}/gateway`,
      shard,
      user: this.botUser,
      guilds: owned.map((g) => ({ id: g.id, unavailable: true })),
      application: { id: this.applicationId, flags: 0 as ApplicationFlags, flags_new: "0" },
    };
    this.dispatch(session, GatewayDispatchEvents.Ready, ready);
    for (const g of owned) this.dispatch(session, GatewayDispatchEvents.GuildCreate, this.guildCreate(g));
  }

  /** A guild as GUILD_CREATE carries it: in full, available. */
  private guildCreate(g: LocalGuild) {
    return {
      id: g.id,
      name: g.name,
      icon: null,
      owner_id: g.ownerId,
      unavailable: false,
      member_count: g.members.size,
      large: false,
      joined_at: iso(),
      features: [],
      emojis: [],
      stickers: [],
      // The guild's active threads (forum posts among them), as Discord sends them on connect.
      threads: this.threads.filter((t) => t.guild_id === g.id && !t.thread_metadata?.archived),
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      roles: g.roles,
      channels: g.channels,
      members: [...g.members.values()],
    };
  }

  private resume(ws: WebSocket, d: { session_id: string; seq: number }) {
    const session = this.sessions.get(d.session_id);
    if (!session) return ws.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false }));
    session.socket = ws;
    for (const event of session.sent.filter((e) => e.s > d.seq)) ws.send(JSON.stringify({ op: 0, ...event }));
    this.dispatch(session, GatewayDispatchEvents.Resumed, null);
    this.resumes += 1;
  }
  resumes = 0;
  /** Posts answered with an earlier message because their nonce was seen before. */
  nonceHits = 0;

  private dispatch(session: Session, t: string, d: unknown) {
    const event = { s: ++session.seq, t, d };
    session.sent.push(event);
    if (session.socket?.readyState === 1) session.socket.send(JSON.stringify({ op: 0, ...event }));
  }

  /**
   * Sends a dispatch to every session that owns its guild (kept for replay if a connection is down): a
   * guild's events go to the shard the formula gives it, events without a guild (DMs) to shard 0.
   */
  broadcast(t: string, d: unknown) {
    const guildId = (d as { guild_id?: string } | null)?.guild_id;
    for (const s of this.sessions.values()) {
      const [shardId, shardCount] = s.shard;
      const owner = guildId === undefined ? 0 : ShardClientUtil.shardIdForGuildId(guildId, shardCount);
      if (owner === shardId) this.dispatch(s, t, d);
    }
  }

  /** Drops every gateway connection as a network fault would (discord.js resumes with code 4000). */
  dropConnections(code = 4000) {
    for (const s of this.sessions.values()) {
      s.socket?.close(code, "dropped by the local Discord");
      s.socket = undefined;
    }
  }

  get connected() {
    return [...this.sessions.values()].some((s) => s.socket?.readyState === 1);
  }

  // -------------------------------------------------------------------------------------------
  // Members acting: slash commands and buttons
  // -------------------------------------------------------------------------------------------
  private interactionBase(userId: string, channelId: string, guild = this.guild) {
    const member = guild.members.get(userId);
    if (!member) throw new Error(`user ${userId} is not in the guild`);
    const channel = guild.channels.find((c) => c.id === channelId) ?? this.threads.find((t) => t.id === channelId);
    // Both are computed in the channel the command was typed in, overwrites included.
    const permissions = this.permissionsOf(userId, channelId, guild).toString();
    const appPermissions = this.permissionsOf(this.botUser.id, channelId, guild).toString();
    return {
      application_id: this.applicationId,
      guild_id: guild.id,
      channel_id: channelId,
      channel: {
        id: channelId,
        type: channel?.type ?? ChannelType.GuildText,
        guild_id: guild.id,
        name: (channel as { name?: string })?.name ?? "",
      },
      member: { ...member, permissions },
      app_permissions: appPermissions,
      locale: this.locales.get(userId) ?? "en-US",
      guild_locale: "en-US",
      entitlements: [],
      authorizing_integration_owners: { 0: guild.id },
      context: 0,
      version: 1,
      attachment_size_limit: 8_388_608,
      id: snowflake(),
      token: `itok-${snowflake()}`,
    };
  }

  /** A member types a slash command; returns the interaction record the bot's answers fill in. */
  slashCommand(
    name: string,
    options: APIApplicationCommandInteractionDataOption[],
    userId: string,
    channelId = this.channel("general").id,
    opts: { dm?: boolean; focused?: boolean; guild?: LocalGuild } = {},
  ): InteractionRecord {
    const base = this.interactionBase(userId, channelId, opts.guild);
    const registered = [...this.commands.global, ...(this.commands.guild.get(base.guild_id) ?? [])].find(
      (c) => c.name === name,
    );
    const interaction = {
      ...base,
      type: opts.focused ? InteractionType.ApplicationCommandAutocomplete : InteractionType.ApplicationCommand,
      data: {
        id: registered?.id ?? snowflake(),
        name,
        type: ApplicationCommandType.ChatInput,
        options,
        resolved: this.resolve(options, opts.guild ?? this.guild, userId, channelId),
      },
    } as Record<string, unknown>;
    if (opts.dm) {
      delete interaction.guild_id;
      delete interaction.member;
      delete interaction.guild_locale;
      interaction.user = this.users.get(userId);
      interaction.channel = { id: channelId, type: ChannelType.DM };
      interaction.context = 1;
      interaction.authorizing_integration_owners = { 1: userId };
    }
    const record: InteractionRecord = {
      id: base.id,
      token: base.token,
      kind: opts.focused ? "autocomplete" : "command",
      name,
      userId,
      channelId,
      callbacks: [],
      followUps: [],
      ephemeral: false,
      createdAt: Date.now(),
    };
    this.interactions.set(record.token, record);
    this.broadcast(GatewayDispatchEvents.InteractionCreate, interaction as unknown as APIInteraction);
    return record;
  }

  /** The users, members, channels and roles named in options, as Discord sends them alongside. */
  private resolve(
    options: APIApplicationCommandInteractionDataOption[],
    guild: LocalGuild,
    userId: string,
    channelId: string,
  ) {
    const resolved = {
      users: {} as Record<string, APIUser>,
      members: {} as Record<string, unknown>,
      channels: {} as Record<string, unknown>,
      roles: {} as Record<string, APIRole>,
    };
    const walk = (list: APIApplicationCommandInteractionDataOption[]) => {
      for (const o of list) {
        if ("options" in o && o.options) walk(o.options as APIApplicationCommandInteractionDataOption[]);
        if (!("value" in o)) continue;
        const id = String(o.value);
        if (o.type === 6) {
          const user = this.users.get(id) ?? (id === this.botUser.id ? this.botUser : undefined);
          if (user) resolved.users[id] = user;
          const member = guild.members.get(id);
          if (member) {
            const { user: _u, ...rest } = member;
            void _u;
            resolved.members[id] = { ...rest, permissions: this.permissionsOf(id, channelId, guild).toString() };
          }
        }
        if (o.type === 7) {
          const channel = guild.channels.find((c) => c.id === id);
          // The invoking member's permissions in that channel.
          if (channel)
            resolved.channels[id] = {
              id,
              name: (channel as { name: string }).name,
              type: channel.type,
              permissions: this.permissionsOf(userId, id, guild).toString(),
            };
        }
        if (o.type === 8) {
          const role = guild.roles.find((r) => r.id === id);
          if (role) resolved.roles[id] = role;
        }
      }
    };
    walk(options);
    return resolved;
  }

  /** A member clicks a button on a message in a channel (or on an ephemeral answer they see). */
  clickButton(message: APIMessage, customId: string, userId: string): InteractionRecord {
    const base = this.interactionBase(userId, message.channel_id);
    const record: InteractionRecord = {
      id: base.id,
      token: base.token,
      kind: "button",
      customId,
      messageId: message.id,
      userId,
      channelId: message.channel_id,
      callbacks: [],
      followUps: [],
      ephemeral: false,
      createdAt: Date.now(),
    };
    this.interactions.set(record.token, record);
    this.broadcast(GatewayDispatchEvents.InteractionCreate, {
      ...base,
      type: InteractionType.MessageComponent,
      data: { custom_id: customId, component_type: ComponentType.Button },
      // The message as members see it now, without what only the local Discord keeps.
      message: this.shownMessage(this.messageById(message.id) ?? message),
    });
    return record;
  }

  /** Waits until the bot has answered an interaction (a reply, an edit after deferring, or choices). */
  answered(record: InteractionRecord, timeoutMs = 10_000) {
    const done = () =>
      record.callbacks.some((c) => c.type !== 5) || // a reply, an update or choices
      (record.callbacks.length > 0 && (Boolean(record.reply?.edited_timestamp) || record.followUps.length > 0)); // deferred, then answered
    return this.waitFor(
      () => (done() ? record : undefined),
      timeoutMs,
      `an answer to ${record.name ?? record.customId}`,
    );
  }

  // -------------------------------------------------------------------------------------------
  // REST
  // -------------------------------------------------------------------------------------------
  // biome-ignore lint/suspicious/noExplicitAny: decoding boundary, the JSON discord.js sends, read field by field by each route
  private message(channelId: string, body: any, extra: Partial<APIMessage> = {}): ChannelMessage {
    const guild =
      this.guilds.find((g) => g.channels.some((c) => c.id === channelId)) ??
      this.guilds.find((g) => this.threads.some((t) => t.id === channelId && t.guild_id === g.id));
    return {
      id: snowflake(),
      channel_id: channelId,
      guild_id: guild?.id,
      author: this.botUser,
      content: body.content ?? "",
      timestamp: iso(),
      edited_timestamp: null,
      tts: false,
      ...mentionsOf(body, guild),
      attachments: [],
      embeds: body.embeds ?? [],
      components: (body.components ?? []) as APIActionRowComponent<APIComponentInMessageActionRow>[],
      pinned: false,
      type: MessageType.Default,
      flags: body.flags ?? 0,
      edits: 0,
      history: [],
      ...extra,
    } as ChannelMessage;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, "");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    // biome-ignore lint/suspicious/noExplicitAny: decoding boundary, the JSON discord.js sends, read field by field by each route
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const method = req.method ?? "GET";
    const reply = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method, path, body, status, at: Date.now() });
      if (payload === undefined) res.writeHead(status, headers);
      else res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
      this.notify();
    };
    const limit = this.limiter.check(method, path);
    if (limit.limited) {
      return reply(
        429,
        { message: "You are being rate limited.", retry_after: Number(limit.headers["retry-after"]), global: false },
        limit.headers,
      );
    }
    const h = limit.headers;
    const needsAuth = !path.startsWith("/interactions/") && !path.startsWith("/webhooks/");
    if (needsAuth && req.headers.authorization !== `Bot ${this.token}`)
      return reply(401, { message: "401: Unauthorized", code: 0 });
    const refused = this.refusal(method, path, body);
    if (refused) return reply(403, refused, h);
    let m: RegExpExecArray | null;
    if (method === "GET" && path === "/gateway/bot") {
      const result: RESTGetAPIGatewayBotResult = {
        url: `ws://127.0.0.1:${this.port}/gateway`,
        shards: Math.max(1, Math.ceil(this.guilds.length / GUILDS_PER_RECOMMENDED_SHARD)),
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 14_400_000, max_concurrency: 1 },
      };
      return reply(200, result);
    }
    m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path);
    if (m && method === "PUT") {
      const refused = registrationErrors(body);
      if (refused.length) return reply(400, invalidFormBody(refused));
      const registered = (body as APIApplicationCommand[]).map(
        (c) =>
          ({
            ...c,
            id: snowflake(),
            application_id: m![1]!,
            version: snowflake(),
            default_member_permissions: c.default_member_permissions ?? null,
            type: c.type ?? ApplicationCommandType.ChatInput,
            ...(m![2] ? { guild_id: m![2] } : {}),
          }) as APIApplicationCommand,
      );
      if (m[2]) this.commands.guild.set(m[2], registered);
      else this.commands.global = registered;
      return reply(200, registered);
    }
    m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path);
    if (m && method === "POST") {
      const record = this.interactions.get(m[2]!);
      if (!record) return reply(404, { message: "Unknown interaction", code: 10062 });
      if (record.callbacks.some((c) => c.type !== 8) && body.type !== 8)
        return reply(400, { message: "Interaction has already been acknowledged.", code: 40060 });
      record.callbacks.push({ type: body.type, data: body.data });
      if (body.type === 4 || body.type === 5) {
        record.ephemeral = Boolean((body.data?.flags ?? 0) & MessageFlags.Ephemeral);
        record.reply = this.message(record.channelId, body.data ?? {}, {
          webhook_id: this.applicationId,
          application_id: this.applicationId,
          type: MessageType.ChatInputCommand,
          // Who ran the command, as Discord tells on every interaction response (a client cannot forge it).
          interaction_metadata: {
            id: record.id,
            type: record.kind === "button" ? InteractionType.MessageComponent : InteractionType.ApplicationCommand,
            user: this.users.get(record.userId)!,
            authorizing_integration_owners: { 0: this.guildOfChannel(record.channelId)?.id ?? "0" },
          } as APIMessage["interaction_metadata"],
        });
        if (!record.ephemeral && body.type === 4) this.channelPush(record.reply);
      }
      if (body.type === 6 || body.type === 7) {
        // UPDATE_MESSAGE: the button's message changes in place (6 defers it); @original is that message from now on.
        const target = record.messageId ? this.messageById(record.messageId) : undefined;
        if (!target) return reply(404, { message: "Unknown Message", code: 10008 });
        if (body.type === 7) this.updateMessage(target, body.data ?? {});
        record.reply = target;
        record.ephemeral = Boolean((target.flags ?? 0) & MessageFlags.Ephemeral);
      }
      return reply(204);
    }
    m = /^\/webhooks\/(\d+)\/([^/]+)/.exec(path);
    if (m) {
      const record = this.interactions.get(m[2]!);
      if (record && Date.now() - record.createdAt > INTERACTION_TOKEN_MS)
        return reply(401, { message: "Invalid Webhook Token", code: 50027 });
    }
    m = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/.exec(path);
    if (m) {
      const record = this.interactions.get(m[2]!);
      if (!record?.reply) return reply(404, { message: "Unknown Message", code: 10008 });
      if (method === "PATCH") {
        Object.assign(record.reply, {
          content: body.content ?? record.reply.content,
          embeds: body.embeds ?? record.reply.embeds,
          components: body.components ?? record.reply.components,
          edited_timestamp: iso(),
        });
        if (!record.ephemeral && !this.channelMessages(record.channelId).includes(record.reply as ChannelMessage))
          this.channelPush(record.reply as ChannelMessage);
      }
      if (method === "DELETE") {
        record.reply = undefined;
        return reply(204);
      }
      return reply(200, record.reply);
    }
    m = /^\/webhooks\/(\d+)\/([^/]+)$/.exec(path);
    if (m && method === "POST") {
      const record = this.interactions.get(m[2]!);
      if (!record) return reply(404, { message: "Unknown Webhook", code: 10015 });
      const followUp = this.message(record.channelId, body, {
        webhook_id: this.applicationId,
        application_id: this.applicationId,
      });
      record.followUps.push(followUp);
      if (!((body.flags ?? 0) & MessageFlags.Ephemeral)) this.channelPush(followUp);
      return reply(200, followUp);
    }
    if (method === "POST" && path === "/users/@me/channels") {
      // Opening a DM channel always works; whether a message is delivered is decided when it is sent.
      const recipient = this.users.get(String(body?.recipient_id ?? ""));
      if (!recipient)
        return reply(400, { message: "Invalid Form Body", code: 50035, errors: { recipient_id: { _errors: [] } } }, h);
      const channel =
        this.dmChannels.get(recipient.id) ??
        ({
          id: snowflake(),
          type: ChannelType.DM,
          name: null,
          last_message_id: null,
          flags: 0,
          recipients: [recipient],
        } as unknown as APIChannel);
      this.dmChannels.set(recipient.id, channel);
      return reply(200, channel, h);
    }
    m = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (m && method === "POST" && this.forum(m[1]!))
      // A forum holds posts (threads), never messages of its own.
      return reply(400, { message: "Cannot send messages in a non-text channel", code: 50008 }, h);
    m = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (m && method === "POST") {
      const dmWith = [...this.dmChannels].find(([, c]) => c.id === m![1])?.[0];
      if (dmWith && this.closedDms.has(dmWith))
        return reply(403, { message: "Cannot send messages to this user", code: 50007 }, h);
    }
    m = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (m && method === "GET") {
      // Message history: newest first, at most `limit` (1-100, default 50), before/after a message id.
      // Discord sends a nonce back only when a message is created, so history carries none.
      if (!this.channelExists(m[1]!)) return reply(404, { message: "Unknown Channel", code: 10003 }, h);
      const limit = Math.min(Math.max(Number(url.searchParams.get("limit") ?? 50) || 50, 1), 100);
      const before = url.searchParams.get("before");
      const after = url.searchParams.get("after");
      const page = [...this.channelMessages(m[1]!)]
        .reverse()
        .filter((x) => (!before || BigInt(x.id) < BigInt(before)) && (!after || BigInt(x.id) > BigInt(after)))
        .slice(0, limit)
        .map(({ nonce: _nonce, edits: _edits, history: _history, ...shown }) => shown);
      return reply(200, page, h);
    }
    m = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (m && method === "POST") {
      if (!this.channelExists(m[1]!)) return reply(404, { message: "Unknown Channel", code: 10003 }, h);
      // enforce_nonce: the same nonce from the same author within the window returns that message instead of a new one.
      const since = Date.now() - (this.options.nonceWindowMs ?? NONCE_WINDOW_MS);
      const same =
        body.nonce && body.enforce_nonce
          ? this.channelMessages(m[1]!).find(
              (x) => x.nonce === body.nonce && x.author.id === this.botUser.id && Date.parse(x.timestamp) >= since,
            )
          : undefined;
      if (same) {
        this.nonceHits += 1;
        return reply(200, same, h);
      }
      const message = this.message(m[1]!, body, {
        nonce: body.nonce,
        ...(body.message_reference ? { message_reference: body.message_reference } : {}),
      });
      this.channelPush(message);
      return reply(200, message, h);
    }
    m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path);
    if (m) {
      const message = this.findMessage(m[1]!, m[2]!);
      if (!message) return reply(404, { message: "Unknown Message", code: 10008 }, h);
      if (method === "PATCH") {
        message.history.push({ content: message.content, embeds: message.embeds });
        Object.assign(message, {
          content: body.content ?? message.content,
          embeds: body.embeds ?? message.embeds,
          components: body.components ?? message.components,
          edited_timestamp: iso(),
          // Discord parses an edited content's mentions again, under the edit's allowed_mentions.
          ...(body.content !== undefined
            ? mentionsOf(
                body,
                this.guilds.find((g) => g.id === (message as { guild_id?: string }).guild_id),
              )
            : {}),
        });
        message.edits += 1;
      }
      return reply(200, message, h);
    }
    m = /^\/channels\/(\d+)\/threads$/.exec(path);
    if (m && method === "POST") {
      // A forum post: a thread and its starter message (same id) in one request (CreateForumThreadRequest).
      const forum = this.forum(m[1]!);
      if (!forum) {
        if (!this.channelExists(m[1]!)) return reply(404, { message: "Unknown Channel", code: 10003 }, h);
        return reply(400, { message: "Threads without a message are not supported here", code: 50035 }, h);
      }
      const name = typeof body?.name === "string" ? body.name : "";
      if (name.length < 1 || name.length > THREAD_NAME_MAX)
        return reply(400, invalidForm("name", name ? "max" : "required", THREAD_NAME_MAX), h);
      if (!body.message || typeof body.message !== "object") return reply(400, invalidForm("message", "required"), h);
      const tags: string[] = body.applied_tags ?? [];
      if (tags.length > APPLIED_TAGS_MAX) return reply(400, invalidForm("applied_tags", "max", APPLIED_TAGS_MAX), h);
      if (tags.some((id) => !forum.available_tags.some((t) => t.id === id)))
        return reply(400, invalidForm("applied_tags", "invalid"), h);
      if (forum.flags & REQUIRE_TAG && tags.length === 0)
        return reply(400, { message: "A tag is required to create a forum post in this channel", code: 40067 }, h);
      const id = snowflake();
      const thread = {
        id,
        type: ChannelType.PublicThread,
        guild_id: forum.guild_id,
        name,
        parent_id: forum.id,
        owner_id: this.botUser.id,
        last_message_id: id,
        flags: 0,
        member_count: 1,
        message_count: 0,
        total_message_sent: 0,
        rate_limit_per_user: body.rate_limit_per_user ?? 0,
        applied_tags: tags,
        thread_metadata: {
          archived: false,
          auto_archive_duration: body.auto_archive_duration ?? 4320,
          locked: false,
          archive_timestamp: iso(),
          create_timestamp: iso(),
        },
      } as unknown as APIThreadChannel;
      this.threads.push(thread);
      const starter = this.message(id, body.message, { id });
      this.channelPush(starter);
      this.broadcast(GatewayDispatchEvents.ThreadCreate, { ...thread, newly_created: true });
      return reply(201, { ...thread, message: starter }, h);
    }
    m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path);
    if (m && method === "POST") {
      const parent = this.guilds.flatMap((g) => g.channels).find((c) => c.id === m![1]);
      if (!parent || !this.findMessage(m[1]!, m[2]!)) return reply(404, { message: "Unknown Message", code: 10008 });
      if (this.threads.some((t) => t.id === m![2]))
        return reply(400, { message: "A thread has already been created for this message", code: 160004 });
      const thread = {
        id: m[2]!,
        type: ChannelType.PublicThread,
        guild_id: (parent as { guild_id: string }).guild_id,
        name: body.name,
        parent_id: parent.id,
        owner_id: this.botUser.id,
        member_count: 1,
        message_count: 0,
        rate_limit_per_user: 0,
        thread_metadata: {
          archived: false,
          auto_archive_duration: body.auto_archive_duration ?? 1440,
          locked: false,
          archive_timestamp: iso(),
        },
      } as APIThreadChannel;
      this.threads.push(thread);
      return reply(201, thread);
    }
    m = /^\/channels\/(\d+)$/.exec(path);
    if (m && method === "PATCH") {
      const thread = this.threads.find((t) => t.id === m![1]);
      if (thread) {
        // A forum post's tags (the parent forum's, at most 5), or its name; an archived thread changes only in
        // the request that reopens it (archived: false).
        const metadata = thread.thread_metadata!;
        if (metadata.archived && body?.archived !== false)
          return reply(400, { message: "Thread is archived", code: 50083 }, h);
        if (body?.applied_tags !== undefined) {
          const tags: string[] = body.applied_tags ?? [];
          const parent = this.forum(thread.parent_id ?? "");
          if (tags.length > APPLIED_TAGS_MAX)
            return reply(400, invalidForm("applied_tags", "max", APPLIED_TAGS_MAX), h);
          if (!parent || tags.some((id) => !parent.available_tags.some((t) => t.id === id)))
            return reply(400, invalidForm("applied_tags", "invalid"), h);
          thread.applied_tags = tags;
        }
        if (typeof body?.archived === "boolean") metadata.archived = body.archived;
        if (typeof body?.name === "string") thread.name = body.name;
        this.broadcast(GatewayDispatchEvents.ThreadUpdate, thread);
        return reply(200, thread, h);
      }
      const channel = this.guilds.flatMap((g) => g.channels).find((c) => c.id === m![1]) as
        | (APIChannel & { available_tags?: ForumTag[]; name?: string })
        | undefined;
      if (!channel) return reply(404, { message: "Unknown Channel", code: 10003 }, h);
      if (body?.available_tags !== undefined) {
        const tags: Partial<ForumTag>[] = body.available_tags ?? [];
        if (channel.type !== ChannelType.GuildForum) return reply(400, invalidForm("available_tags", "invalid"), h);
        if (tags.length > FORUM_TAGS_MAX) return reply(400, invalidForm("available_tags", "max", FORUM_TAGS_MAX), h);
        if (tags.some((t) => typeof t.name !== "string" || t.name.length > FORUM_TAG_NAME_MAX))
          return reply(400, invalidForm("available_tags", "invalid"), h);
        channel.available_tags = tags.map((t) => forumTag(t));
      }
      if (typeof body?.name === "string") channel.name = body.name;
      this.broadcast(GatewayDispatchEvents.ChannelUpdate, channel);
      return reply(200, channel, h);
    }
    m = /^\/channels\/(\d+)$/.exec(path);
    if (m && method === "GET") {
      const channel =
        this.guilds.flatMap((g) => g.channels).find((c) => c.id === m![1]) ?? this.threads.find((t) => t.id === m![1]);
      return channel ? reply(200, channel) : reply(404, { message: "Unknown Channel", code: 10003 });
    }
    m = /^\/guilds\/(\d+)\/threads\/active$/.exec(path);
    if (m && method === "GET") {
      if (!this.guilds.some((g) => g.id === m![1])) return reply(404, { message: "Unknown Guild", code: 10004 });
      const threads = this.threads.filter((t) => t.guild_id === m![1] && !t.thread_metadata?.archived);
      return reply(200, { threads, members: [] });
    }
    m = /^\/guilds\/(\d+)\/roles(?:\/(\d+))?$/.exec(path);
    if (m && method === "GET") {
      const guild = this.guilds.find((g) => g.id === m![1]);
      if (!guild) return reply(404, { message: "Unknown Guild", code: 10004 });
      if (!m[2]) return reply(200, guild.roles);
      const role = guild.roles.find((r) => r.id === m![2]);
      return role ? reply(200, role) : reply(404, { message: "Unknown Role", code: 10011 });
    }
    m = /^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/.exec(path);
    if (m && (method === "PUT" || method === "DELETE")) {
      const guild = this.guilds.find((g) => g.id === m![1]);
      const member = guild?.members.get(m[2]!);
      if (!guild || !member) return reply(404, { message: "Unknown Member", code: 10007 });
      if (!guild.roles.some((r) => r.id === m![3])) return reply(404, { message: "Unknown Role", code: 10011 });
      member.roles =
        method === "PUT" ? [...new Set([...member.roles, m[3]!])] : member.roles.filter((r) => r !== m![3]);
      this.broadcast(GatewayDispatchEvents.GuildMemberUpdate, { guild_id: guild.id, ...member });
      return reply(204);
    }
    m = /^\/guilds\/(\d+)\/members\/(\d+)$/.exec(path);
    if (m && method === "GET") {
      const member = this.guilds.find((g) => g.id === m![1])?.members.get(m[2]!);
      return member ? reply(200, member) : reply(404, { message: "Unknown Member", code: 10007 });
    }
    return reply(404, { message: `404: Not Found (${method} ${path})`, code: 0 });
  }

  /**
   * What Discord refuses the bot for lack of permission (403). A channel it cannot see is Missing Access
   * (50001). Sending, starting a thread or giving a role without the permission, and giving a role at or
   * above its own highest role or one managed by an integration, are Missing Permissions (50013). Embeds
   * without Embed Links refuse a message that has nothing else, and are dropped from one that has.
   */
  // biome-ignore lint/suspicious/noExplicitAny: decoding boundary, the JSON discord.js sends, read field by field by each route
  private refusal(method: string, path: string, body: any): { message: string; code: number } | undefined {
    const access = { message: "Missing Access", code: 50001 };
    const missing = { message: "Missing Permissions", code: 50013 };
    const me = this.botUser.id;
    let m: RegExpExecArray | null;
    m = /^\/channels\/(\d+)(\/.*)?$/.exec(path);
    if (m) {
      const guild = this.guildOfChannel(m[1]!);
      if (!guild) return undefined; // an unknown channel: the route answers 404
      const bits = this.permissionsOf(me, m[1]!, guild);
      if (!(bits & PermissionFlagsBits.ViewChannel)) return access;
      const inThread = this.threads.some((t) => t.id === m![1]);
      if (method === "POST" && m[2] === "/messages") {
        if (!(bits & (inThread ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages)))
          return missing;
        if (body?.embeds?.length && !(bits & PermissionFlagsBits.EmbedLinks)) {
          if (!body.content && !body.components?.length) return missing;
          body.embeds = [];
        }
      }
      if (
        method === "POST" &&
        /^\/messages\/\d+\/threads$/.test(m[2] ?? "") &&
        !(bits & PermissionFlagsBits.CreatePublicThreads)
      )
        return missing;
      // A forum post needs Send Messages in the forum (Discord's "Create Posts"); editing the forum (its tags)
      // Manage Channels; a post's tags, being its author or Manage Threads.
      if (method === "POST" && m[2] === "/threads" && this.forum(m[1]!)) {
        if (!(bits & PermissionFlagsBits.SendMessages)) return missing;
        if (body?.message?.embeds?.length && !(bits & PermissionFlagsBits.EmbedLinks)) {
          if (!body.message.content && !body.message.components?.length) return missing;
          body.message.embeds = [];
        }
      }
      if (method === "PATCH" && m[2] === undefined) {
        const thread = this.threads.find((t) => t.id === m![1]);
        if (thread && thread.owner_id !== me && !(bits & PermissionFlagsBits.ManageThreads)) return missing;
        if (!thread && !(bits & PermissionFlagsBits.ManageChannels)) return missing;
      }
    }
    m = /^\/guilds\/(\d+)\/members\/\d+\/roles\/(\d+)$/.exec(path);
    if (m) {
      const guild = this.guilds.find((g) => g.id === m![1]);
      const role = guild?.roles.find((r) => r.id === m![2]);
      if (!guild || !role) return undefined; // the route answers 404
      if (!(this.permissionsOf(me, undefined, guild) & PermissionFlagsBits.ManageRoles)) return missing;
      if (role.managed || compareRoles(role, highestRole(guild, guild.members.get(me)?.roles ?? [])) >= 0)
        return missing;
    }
    return undefined;
  }

  /** A forum channel by id, or undefined. */
  private forum(id: string) {
    const channel = this.guilds.flatMap((g) => g.channels).find((c) => c.id === id);
    return channel?.type === ChannelType.GuildForum
      ? (channel as APIChannel & { guild_id: string; available_tags: ForumTag[]; flags: number })
      : undefined;
  }

  private guildOfChannel(id: string) {
    const parent = this.threads.find((t) => t.id === id)?.parent_id ?? id;
    return this.guilds.find((g) => g.channels.some((c) => c.id === parent));
  }

  private channelExists(id: string) {
    return (
      this.guilds.some((g) => g.channels.some((c) => c.id === id)) ||
      this.threads.some((t) => t.id === id) ||
      [...this.dmChannels.values()].some((c) => c.id === id)
    );
  }
  private channelPush(message: ChannelMessage | APIMessage) {
    const list = this.messages.get(message.channel_id) ?? [];
    const m = message as ChannelMessage;
    m.edits ??= 0;
    m.history ??= [];
    list.push(m);
    this.messages.set(message.channel_id, list);
  }
  private findMessage(channelId: string, id?: string) {
    return this.channelMessages(channelId).find((m) => m.id === id);
  }
  /** A message by id: in a channel, or an interaction's answer only its member sees (ephemeral). */
  messageById(id: string): ChannelMessage | undefined {
    for (const list of this.messages.values()) {
      const found = list.find((m) => m.id === id);
      if (found) return found;
    }
    for (const r of this.interactions.values()) {
      const found = [r.reply, ...r.followUps].find((m) => m?.id === id);
      if (found) return found as ChannelMessage;
    }
    return undefined;
  }
  /** A message as Discord sends it (in an interaction's `message`, or from REST). */
  private shownMessage(message: APIMessage) {
    const { edits: _edits, history: _history, nonce: _nonce, ...shown } = message as ChannelMessage;
    return shown;
  }
  /** An edit in place (a component's UPDATE_MESSAGE): what the body names changes, the rest stays. */
  // biome-ignore lint/suspicious/noExplicitAny: decoding boundary, the JSON discord.js sends
  private updateMessage(message: ChannelMessage, body: any) {
    message.history ??= [];
    message.history.push({ content: message.content, embeds: message.embeds });
    Object.assign(message, {
      content: body.content ?? message.content,
      embeds: body.embeds ?? message.embeds,
      components: body.components ?? message.components,
      edited_timestamp: iso(),
    });
    message.edits = (message.edits ?? 0) + 1;
  }
}

type ForumTag = { id: string; name: string; moderated: boolean; emoji_id: string | null; emoji_name: string | null };
/** Discord's limits on forums: 20 tags a forum, 5 a post, 50 characters a tag name; 100 a thread name. */
const FORUM_TAGS_MAX = 20;
const APPLIED_TAGS_MAX = 5;
const FORUM_TAG_NAME_MAX = 50;
const THREAD_NAME_MAX = 100;
/** A forum channel flag: every post must carry a tag. */
const REQUIRE_TAG = 16;

/** A tag as Discord keeps it: a new one gets an id. */
const forumTag = (t: Partial<ForumTag>): ForumTag => ({
  id: t.id ?? snowflake(),
  name: t.name ?? "",
  moderated: t.moderated ?? false,
  emoji_id: t.emoji_id ?? null,
  emoji_name: t.emoji_name ?? null,
});

/** Discord's 400 Invalid Form Body for one field, with its error code. */
function invalidForm(field: string, problem: "required" | "max" | "invalid", max?: number) {
  const error =
    problem === "required"
      ? { code: "BASE_TYPE_REQUIRED", message: "This field is required" }
      : problem === "max"
        ? { code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${max} or fewer in length.` }
        : { code: "BASE_TYPE_INVALID", message: "Invalid value." };
  return { message: "Invalid Form Body", code: 50035, errors: { [field]: { _errors: [error] } } };
}

export async function startLocalDiscord(options: LocalDiscordOptions = {}): Promise<LocalDiscord> {
  return new LocalDiscord(options).start();
}
