-- Appending to the journal in one round trip (package journal): the head
-- row stays locked from the append to the commit and every writer waits
-- for it, so the fewer statements after taking it, the sooner it is free.
-- Entry i's hash is SHA-256 over "len:seq;" || middles[i] || "len:prev;",
-- middles[i] being the length-prefixed fields between, made by the caller
-- exactly as journal.Entry's hash makes them.
CREATE FUNCTION journal_append(middles BYTEA[], ats TIMESTAMPTZ[], actor_ids BIGINT[], actors TEXT[],
	actions TEXT[], object_types TEXT[], object_ids TEXT[], datas TEXT[])
RETURNS TABLE (entry_seq BIGINT, entry_prev TEXT, entry_hash TEXT) LANGUAGE plpgsql AS $$
DECLARE
	n INTEGER := cardinality(middles);
	last BIGINT;
	prev TEXT;
	seqs BIGINT[] := '{}';
	prevs TEXT[] := '{}';
	hashes TEXT[] := '{}';
	s BIGINT;
	h TEXT;
BEGIN
	UPDATE journal_head SET seq = journal_head.seq + n WHERE id = 1
		RETURNING journal_head.seq, journal_head.hash INTO last, prev;
	FOR i IN 1..n LOOP
		s := last - n + i;
		h := encode(sha256(convert_to(length(s::TEXT) || ':' || s::TEXT || ';', 'UTF8') || middles[i]
			|| convert_to(octet_length(prev) || ':' || prev || ';', 'UTF8')), 'hex');
		seqs := seqs || s;
		prevs := prevs || prev;
		hashes := hashes || h;
		prev := h;
	END LOOP;
	UPDATE journal_head SET hash = prev WHERE id = 1;
	INSERT INTO journal (seq, at, actor_id, actor, action, object_type, object_id, data, prev_hash, hash)
		SELECT u.s, u.at, NULLIF(u.actor_id, 0), u.actor, u.action, u.object_type, u.object_id, u.data, u.prev, u.hash
		FROM unnest(seqs, ats, actor_ids, actors, actions, object_types, object_ids, datas, prevs, hashes)
			AS u(s, at, actor_id, actor, action, object_type, object_id, data, prev, hash);
	RETURN QUERY SELECT * FROM unnest(seqs, prevs, hashes);
END $$;
