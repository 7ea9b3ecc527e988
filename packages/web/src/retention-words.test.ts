import { describe, expect, it } from 'vitest';
import { blockerText, labelStatusText, periodText, waitingText } from './retention-words';

describe('retention in words', () => {
  it('gives each rule its period and trigger', () => {
    expect(periodText({ years: 75, trigger: 'dateOfBirth' })).toBe('75 years from the date of birth');
    expect(periodText({ years: 1, trigger: 'closure' })).toBe('1 year from the date the case closes');
    expect(periodText({ years: null, trigger: 'lastEntry' })).toBe('No fixed period: review from the last entry');
    expect(waitingText('closure')).toBe('Not started yet: runs from the date the case closes');
  });

  it('says why a record cannot be destroyed, naming its holds', () => {
    expect(blockerText({ code: 'HOLD_BLOCKS_DISPOSAL', holds: [{ id: 'h1', name: 'iicsa' }, { id: 'h2', name: 'litigation' }] })).toBe('A hold applies: iicsa, litigation');
    expect(blockerText({ code: 'RETENTION_NOT_EXPIRED', destructionDate: '2086-11-13' })).toBe('The destruction date, 13 November 2086, has not passed');
    expect(blockerText({ code: 'OPEN_INVOLVEMENT', involvementIds: ['a', 'b'] })).toBe('2 involvements are still open');
    expect(blockerText({ code: 'RECORD_STILL_OPEN' })).toBe('The record has not ended yet: its retention runs from the end of approval or placement');
    expect(blockerText({ code: 'OPEN_ESCALATION', escalationIds: ['a'] })).toBe('1 escalation is waiting for a decision');
  });

  it('explains a record with no date yet', () => {
    expect(labelStatusText('determined', '2041-11-13')).toBe('Destroy from 13 November 2041');
    expect(labelStatusText('pending', null)).toMatch(/^Not set yet/);
    expect(labelStatusText('no-rule', null)).toMatch(/escalate/);
  });
});
