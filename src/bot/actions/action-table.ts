import type { z } from 'zod';
import type { CardActionEvent, CardActionResult } from '../../messaging/types.js';
import type { ActorContext, BotDeps } from '../context.js';

/**
 * One card action: its name, the zod schema of its arguments (the button's `args` together with
 * what a select or picker chose, `event.values`), and its handler. The handler gets the arguments
 * parsed and typed; the actor comes from the platform's operator id, never from the card.
 */
export type CardActionDef<S extends z.ZodType = z.ZodType> = {
  name: string;
  args: S;
  run(deps: BotDeps, actor: ActorContext, args: z.infer<S>, event: CardActionEvent): Promise<CardActionResult>;
};

/** Keeps the link between a schema and its handler's argument type at the definition site. */
export function defineAction<S extends z.ZodType>(def: CardActionDef<S>): CardActionDef<S> {
  return def;
}

export type ActionTable = {
  /** Runs the action a click names; `unknown` when no module registered it or its arguments do not parse. */
  run(deps: BotDeps, actor: ActorContext, event: CardActionEvent): Promise<CardActionResult | { unknown: string }>;
  names(): string[];
};

/** Feature modules register their actions here (follow-ups today; ownership, reminders and the digest next). */
export function createActionTable(modules: CardActionDef[][]): ActionTable {
  const table = new Map<string, CardActionDef>();
  for (const def of modules.flat()) {
    if (table.has(def.name)) throw new Error(`card action ${def.name} is registered twice`);
    table.set(def.name, def);
  }
  return {
    async run(deps, actor, event) {
      const def = table.get(event.action.name);
      if (!def) return { unknown: 'no such action' };
      const args = def.args.safeParse({ ...event.action.args, ...event.values });
      if (!args.success) return { unknown: `bad arguments: ${args.error.issues[0]?.path.join('.') ?? ''}` };
      return def.run(deps, actor, args.data, event);
    },
    names: () => [...table.keys()],
  };
}
