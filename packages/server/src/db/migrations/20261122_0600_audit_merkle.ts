import { sql, type Kysely } from 'kysely';

/**
 * RFC 9162 Merkle tree over the audit trail (audit/README.md). The leaves are the
 * `leaf_hash` column of audit_event, untouched. This table keeps the hashes of complete
 * perfect subtrees of 2^level events (level ≥ 4, so 16 events and up) as the log
 * grows, so a tree head over N events is O(log N) rows plus at most 15 leaves, and a
 * proof the same. Rows are filled lazily, in order, when a checkpoint or proof is asked
 * for; they are append-only, and the database accepts one only if its hash follows from
 * what is below it (the 16 leaf hashes for level 4, the two child rows above that) and,
 * at level 4, only after the one before it.
 */

/** Subtrees below 2^4 events are hashed from the leaves on demand; none is stored. */
export const MERKLE_STORED_FROM_LEVEL = 4;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table audit_merkle_node (
    level smallint not null check (level between ${sql.lit(MERKLE_STORED_FROM_LEVEL)} and 62),
    idx bigint not null check (idx >= 0),
    hash bytea not null check (length(hash) = 32),
    primary key (level, idx)
  )`.execute(db);

  // SQLSTATE SK004: a Merkle node whose hash does not follow from the log.
  await sql`create function sk_audit_merkle_node_check() returns trigger language plpgsql as $$
    declare
      width constant integer := ${sql.lit(2 ** MERKLE_STORED_FROM_LEVEL)};
      hashes bytea[];
      n integer;
      expected bytea;
    begin
      if new.level = ${sql.lit(MERKLE_STORED_FROM_LEVEL)} then
        -- In order, so the lowest level says how far the stored tree reaches.
        if new.idx > 0 and not exists (select 1 from audit_merkle_node where level = new.level and idx = new.idx - 1) then
          raise exception using errcode = 'SK004', message = format('audit_merkle_node (%s, %s): the subtree before it is not stored yet', new.level, new.idx);
        end if;
        select array_agg(leaf_hash order by seq) into hashes
          from audit_event where seq >= new.idx * width and seq < (new.idx + 1) * width;
        if coalesce(array_length(hashes, 1), 0) <> width then
          raise exception using errcode = 'SK004', message = format('audit_merkle_node (%s, %s): not every event it covers exists', new.level, new.idx);
        end if;
        n := width;
        while n > 1 loop
          for i in 1 .. n / 2 loop
            hashes[i] := sha256('\\x01'::bytea || hashes[2 * i - 1] || hashes[2 * i]);
          end loop;
          n := n / 2;
        end loop;
        expected := hashes[1];
      else
        select sha256('\\x01'::bytea || l.hash || r.hash) into expected
          from audit_merkle_node l, audit_merkle_node r
         where l.level = new.level - 1 and l.idx = new.idx * 2
           and r.level = new.level - 1 and r.idx = new.idx * 2 + 1;
      end if;
      if expected is null or expected <> new.hash then
        raise exception using errcode = 'SK004', message = format('audit_merkle_node (%s, %s): the hash does not follow from the nodes below it', new.level, new.idx);
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger audit_merkle_node_check before insert on audit_merkle_node for each row execute function sk_audit_merkle_node_check()`.execute(db);
  await sql`create trigger audit_merkle_node_append_only before update or delete on audit_merkle_node for each row execute function sk_reject_change()`.execute(db);
  await sql`create trigger audit_merkle_node_no_truncate before truncate on audit_merkle_node for each statement execute function sk_reject_change()`.execute(db);

  // GET /api/v1/audit filters by time.
  await sql`create index audit_event_at_idx on audit_event (at, seq)`.execute(db);
}
