-- The journal is append-only: the database itself refuses to change it.
CREATE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the journal is append-only';
END;
$$;
CREATE TRIGGER journal_no_update BEFORE UPDATE OR DELETE ON journal
	FOR EACH ROW EXECUTE FUNCTION journal_append_only();
