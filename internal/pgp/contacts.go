package pgp

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/store"
)

// OwnerType says what kind of party a contact key belongs to.
type OwnerType string

// The owners of contact keys.
const (
	OwnerUser OwnerType = "user"
	OwnerOrg  OwnerType = "org"
)

// Owner is the user or organisation a contact key belongs to.
type Owner struct {
	Type OwnerType
	ID   int64
}

func (o Owner) check() error {
	if o.Type != OwnerUser && o.Type != OwnerOrg {
		return errs.Field("owner", "must be a user or an organisation")
	}
	if o.ID <= 0 {
		return errs.Field("owner", "is missing")
	}
	return nil
}

// ContactKey is a public key on file for a user or an organisation.
type ContactKey struct {
	ID        int64
	Owner     Owner
	Key       Key // its facts as of when it was read from the database
	CreatedAt time.Time
}

// Contacts keeps the public keys of users and organisations.
type Contacts struct {
	db  *store.DB
	now func() time.Time
}

// NewContacts returns the contact keys kept in db.
func NewContacts(db *store.DB, now func() time.Time) *Contacts {
	return &Contacts{db: db, now: now}
}

// Add puts a pasted or uploaded public key on file for owner, after
// ParseKey's checks. Adding a key that is on file for owner already
// refreshes it (a new expiry date, new user IDs): "pgp.contact_key_updated"
// instead of "pgp.contact_key_added".
func (c *Contacts) Add(ctx context.Context, actor journal.Actor, owner Owner, data []byte) (ContactKey, error) {
	if err := owner.check(); err != nil {
		return ContactKey{}, err
	}
	now := c.now().UTC()
	k, err := ParseKey(data, now)
	if err != nil {
		return ContactKey{}, err
	}
	ck := ContactKey{Owner: owner, Key: k, CreatedAt: now}
	err = c.db.Tx(ctx, func(tx *sql.Tx) error {
		action := "pgp.contact_key_updated"
		err := tx.QueryRowContext(ctx, `SELECT id, created_at FROM pgp_keys WHERE owner_type = $1 AND owner_id = $2 AND fingerprint = $3`,
			string(owner.Type), owner.ID, k.Fingerprint).Scan(&ck.ID, &ck.CreatedAt)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			action = "pgp.contact_key_added"
			err = tx.QueryRowContext(ctx, `INSERT INTO pgp_keys (owner_type, owner_id, fingerprint, armored, expires_at, created_at)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
				string(owner.Type), owner.ID, k.Fingerprint, k.Armored, nullTime(k.Expires), now).Scan(&ck.ID)
		case err == nil:
			_, err = tx.ExecContext(ctx, `UPDATE pgp_keys SET armored = $1, expires_at = $2 WHERE id = $3`, k.Armored, nullTime(k.Expires), ck.ID)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM pgp_key_emails WHERE key_id = $1`, ck.ID); err != nil {
			return err
		}
		for _, e := range k.Emails {
			if _, err := tx.ExecContext(ctx, `INSERT INTO pgp_key_emails (key_id, email) VALUES ($1, $2)`, ck.ID, e); err != nil {
				return err
			}
		}
		_, err = journal.Append(ctx, tx, journal.Change{
			At: now, Actor: actor, Action: action,
			ObjectType: "pgp_key", ObjectID: strconv.FormatInt(ck.ID, 10),
			Data: map[string]any{"owner_type": owner.Type, "owner_id": owner.ID, "fingerprint": k.Fingerprint},
		})
		return err
	})
	if err != nil {
		return ContactKey{}, err
	}
	ck.CreatedAt = ck.CreatedAt.UTC()
	return ck, nil
}

// List returns owner's keys in the order they were added.
func (c *Contacts) List(ctx context.Context, owner Owner) ([]ContactKey, error) {
	if err := owner.check(); err != nil {
		return nil, err
	}
	return c.query(ctx, `SELECT `+contactColumns+` FROM pgp_keys WHERE owner_type = $1 AND owner_id = $2 ORDER BY id`, string(owner.Type), owner.ID)
}

// Get returns one key of owner.
func (c *Contacts) Get(ctx context.Context, owner Owner, id int64) (ContactKey, error) {
	list, err := c.query(ctx, `SELECT `+contactColumns+` FROM pgp_keys WHERE id = $1 AND owner_type = $2 AND owner_id = $3`, id, string(owner.Type), owner.ID)
	if err != nil {
		return ContactKey{}, err
	}
	if len(list) == 0 {
		return ContactKey{}, errs.E(errs.NotFound, "no such key")
	}
	return list[0], nil
}

// Remove takes one of owner's keys off file.
func (c *Contacts) Remove(ctx context.Context, actor journal.Actor, owner Owner, id int64) error {
	return c.db.Tx(ctx, func(tx *sql.Tx) error {
		var fp string
		err := tx.QueryRowContext(ctx, `SELECT fingerprint FROM pgp_keys WHERE id = $1 AND owner_type = $2 AND owner_id = $3`,
			id, string(owner.Type), owner.ID).Scan(&fp)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "no such key")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM pgp_key_emails WHERE key_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM pgp_keys WHERE id = $1`, id); err != nil {
			return err
		}
		_, err = journal.Append(ctx, tx, journal.Change{
			At: c.now(), Actor: actor, Action: "pgp.contact_key_removed",
			ObjectType: "pgp_key", ObjectID: strconv.FormatInt(id, 10),
			Data: map[string]any{"owner_type": owner.Type, "owner_id": owner.ID, "fingerprint": fp},
		})
		return err
	})
}

// ForEmail returns the keys on file whose user IDs name addr, whoever owns
// them, in the order they were added. The caller decides whether the owner
// is the person it expects (see the package documentation).
func (c *Contacts) ForEmail(ctx context.Context, addr string) ([]ContactKey, error) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	if addr == "" {
		return nil, nil
	}
	return c.query(ctx, `SELECT `+contactColumns+` FROM pgp_keys WHERE id IN (SELECT key_id FROM pgp_key_emails WHERE email = $1) ORDER BY id`, addr)
}

const contactColumns = `id, owner_type, owner_id, armored, created_at`

func (c *Contacts) query(ctx context.Context, q string, args ...any) ([]ContactKey, error) {
	rows, err := c.db.Read().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := c.now()
	var list []ContactKey
	for rows.Next() {
		var ck ContactKey
		var typ, armored string
		if err := rows.Scan(&ck.ID, &typ, &ck.Owner.ID, &armored, &ck.CreatedAt); err != nil {
			return nil, err
		}
		ck.Owner.Type = OwnerType(typ)
		ck.CreatedAt = ck.CreatedAt.UTC()
		if ck.Key, err = loadKey(armored, now); err != nil {
			return nil, err
		}
		list = append(list, ck)
	}
	return list, rows.Err()
}

// Keys returns the keys of a list of contact keys.
func Keys(list []ContactKey) []Key {
	keys := make([]Key, len(list))
	for i, ck := range list {
		keys[i] = ck.Key
	}
	return keys
}

func nullTime(t time.Time) sql.NullTime {
	return sql.NullTime{Time: t.UTC(), Valid: !t.IsZero()}
}
