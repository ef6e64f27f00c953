import { describe, expect, it } from 'vitest';
import {
  customerAccess,
  manages,
  mayReassign,
  mayReceive,
  mayUpdateCustomer,
  type Actor,
  type Person,
} from '../../../src/domain/ownership/scope.js';

const W = 1;
const person = (id: number, o: Partial<Person> = {}): Person => ({
  id,
  teamId: 10,
  managerUserId: null,
  active: true,
  workspaceId: W,
  ...o,
});
const actor = (id: number, role: Actor['role'], o: Partial<Actor> = {}): Actor => ({ id, role, teamId: 10, workspaceId: W, ...o });
const rep = actor(1, 'rep');
const colleague = person(2);
const manager = actor(3, 'manager');
const otherManager = actor(4, 'manager', { teamId: 20 });
const admin = actor(5, 'admin', { teamId: null });
const foreignAdmin = actor(6, 'admin', { workspaceId: 2 });
const owned = (ownerUserId: number | null, teamId: number | null = 10) => ({ ownerUserId, teamId, workspaceId: W });

describe('ownership scope', () => {
  it.each([
    ['the owner', rep, owned(1), person(1), 'full'],
    ['a rep, for a colleague’s customer', rep, owned(2), colleague, 'limited'],
    ['a rep, for the pool', rep, owned(null), null, 'full'],
    ['the team’s manager', manager, owned(2), colleague, 'full'],
    ['another team’s manager', otherManager, owned(2), colleague, 'limited'],
    [
      'a direct manager without a team',
      actor(7, 'manager', { teamId: null }),
      owned(8, null),
      person(8, { teamId: null, managerUserId: 7 }),
      'full',
    ],
    ['an admin', admin, owned(2), colleague, 'full'],
    ['another workspace’s admin', foreignAdmin, owned(2), colleague, 'none'],
  ] as const)('%s sees %s… (%s)', (_label, who, customer, owner, expected) => {
    expect(customerAccess(who, customer, owner)).toBe(expected);
  });

  it('lets only managers of the owner and admins reassign; reps ask instead', () => {
    expect(mayReassign(rep, owned(1), person(1))).toBe(false);
    expect(mayReassign(manager, owned(2), colleague)).toBe(true);
    expect(mayReassign(otherManager, owned(2), colleague)).toBe(false);
    expect(mayReassign(admin, owned(2), colleague)).toBe(true);
    expect(mayReassign(foreignAdmin, owned(2), colleague)).toBe(false);
    expect(mayReassign(manager, owned(null, 10), null)).toBe(true);
    expect(mayReassign(otherManager, owned(null, 10), null)).toBe(false);
  });

  it('accepts only active people of the actor’s scope as new owners', () => {
    expect(mayReceive(manager, colleague)).toBe(true);
    expect(mayReceive(manager, person(9, { active: false }))).toBe(false);
    expect(mayReceive(otherManager, colleague)).toBe(false);
    expect(mayReceive(admin, person(9, { teamId: 99 }))).toBe(true);
    expect(mayReceive(foreignAdmin, colleague)).toBe(false);
    expect(manages(rep, colleague)).toBe(false);
  });

  it('lets a note change only the author’s own, the pool’s, or a managed rep’s customer', () => {
    expect(mayUpdateCustomer(rep, owned(1), person(1))).toBe(true);
    expect(mayUpdateCustomer(rep, owned(null), null)).toBe(true);
    expect(mayUpdateCustomer(rep, owned(2), colleague)).toBe(false);
    expect(mayUpdateCustomer(manager, owned(2), colleague)).toBe(true);
  });
});
