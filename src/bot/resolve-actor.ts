import type { Platform } from '../messaging/types.js';
import type { ActorContext, BotDeps } from './context.js';

/** Registers the workspace and user on first contact and picks the language and time zone. */
export async function resolveActor(deps: BotDeps, platform: Platform, tenant: string, platformUserId: string): Promise<ActorContext> {
  const workspace = await deps.users.ensureWorkspace(platform, tenant);
  const user = await deps.users.ensureUser(workspace.id, platform, platformUserId, async () => {
    const profile = await deps.profile(platform, platformUserId);
    return profile ? { name: profile.name, managerPlatformUserId: profile.managerId } : null;
  });
  return {
    platform,
    workspaceId: workspace.id,
    user,
    locale: user.locale ?? workspace.locale ?? deps.config.locale,
    timeZone: workspace.timeZone ?? deps.config.timeZone,
  };
}
