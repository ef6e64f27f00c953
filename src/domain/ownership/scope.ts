import type { UserRecord } from '../users/users-service.js';

/**
 * Who may see and change which customer: pure rules over the actor, the customer and its owner,
 * so every caller (chat, CLI, jobs) asks the same question and tests need no database.
 *
 * - rep: their own customers and the pool;
 * - manager: the customers of the team they manage, and of reps whose direct manager they are
 *   (where no team names one);
 * - admin: the whole workspace (`GENJIN_ADMINS`).
 * Nobody sees another workspace's data: callers load customers by workspace first.
 */
export type Actor = Pick<UserRecord, 'id' | 'role' | 'teamId' | 'workspaceId'>;
export type Person = Pick<UserRecord, 'id' | 'teamId' | 'managerUserId' | 'active' | 'workspaceId'>;
export type CustomerRef = { ownerUserId: number | null; teamId: number | null; workspaceId: number };

/** Whether `actor` manages `person` (their team's manager, their direct manager, or an admin). */
export function manages(actor: Actor, person: Person): boolean {
  if (actor.workspaceId !== person.workspaceId) return false;
  if (actor.role === 'admin') return true;
  if (actor.role !== 'manager') return false;
  return (actor.teamId !== null && person.teamId === actor.teamId) || person.managerUserId === actor.id;
}

/** `full`: every field and note; `limited`: only the name, the owner and whether it is in the pool. */
export function customerAccess(actor: Actor, customer: CustomerRef, owner: Person | null): 'full' | 'limited' | 'none' {
  if (actor.workspaceId !== customer.workspaceId) return 'none';
  if (actor.role === 'admin' || customer.ownerUserId === null || customer.ownerUserId === actor.id) return 'full';
  if (owner && manages(actor, owner)) return 'full';
  if (actor.role === 'manager' && actor.teamId !== null && customer.teamId === actor.teamId) return 'full';
  return 'limited';
}

/** Whether a note by `author` may change the customer's stage, amount and next date. */
export function mayUpdateCustomer(author: Actor, customer: CustomerRef, owner: Person | null): boolean {
  return customer.ownerUserId === null || customer.ownerUserId === author.id || (owner !== null && manages(author, owner));
}

/** Whether `actor` may move the customer to someone else directly (a rep asks instead). */
export function mayReassign(actor: Actor, customer: CustomerRef, owner: Person | null): boolean {
  if (actor.workspaceId !== customer.workspaceId || actor.role === 'rep') return false;
  if (actor.role === 'admin') return true;
  if (owner) return manages(actor, owner);
  // A pool customer: a manager may hand out those of their team, or never assigned to any team.
  return customer.teamId === null || customer.teamId === actor.teamId;
}

/** Whether `actor` may make `target` an owner: active, same workspace, and someone they manage (or themselves). */
export function mayReceive(actor: Actor, target: Person): boolean {
  if (!target.active || actor.workspaceId !== target.workspaceId) return false;
  return target.id === actor.id || manages(actor, target);
}
