package pgp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/store"
)

// KeyringConfig says how the instance's keys are made and kept.
type KeyringConfig struct {
	Name  string // user ID name of new keys; "Parley" when empty
	Email string // user ID address of new keys, e.g. security@example.org
	// Passphrase, when set, locks private keys before they are stored and
	// unlocks them when read. Without it they are stored unencrypted.
	Passphrase []byte
}

// InstanceKey describes one of the instance's key pairs, without the keys.
type InstanceKey struct {
	ID          int64
	Fingerprint string
	CreatedAt   time.Time
	RetiredAt   time.Time // zero for the current key
}

// Keyring holds the instance's own key pairs: the current one, which
// reporters encrypt to and outbound mail is signed with, and retired ones,
// still used to decrypt.
type Keyring struct {
	db  *store.DB
	now func() time.Time
	cfg KeyringConfig

	mu       sync.Mutex
	unlocked map[string]*Identity // by fingerprint; unlocking can be slow
}

// NewKeyring returns the keyring kept in db.
func NewKeyring(db *store.DB, now func() time.Time, cfg KeyringConfig) *Keyring {
	if cfg.Name == "" {
		cfg.Name = "Parley"
	}
	return &Keyring{db: db, now: now, cfg: cfg, unlocked: map[string]*Identity{}}
}

// Current returns the current key pair, generating and storing one (with a
// "pgp.key_generated" journal entry) the first time it is needed.
func (k *Keyring) Current(ctx context.Context) (*Identity, error) {
	id, err := k.current(ctx)
	if !errs.Is(err, errs.NotFound) {
		return id, err
	}
	id, err = GenerateIdentity(k.cfg.Name, k.cfg.Email, k.now())
	if err != nil {
		return nil, err
	}
	stored := false
	err = k.db.Tx(ctx, func(tx *sql.Tx) error {
		rowID, err := k.insert(ctx, tx, id, `ON CONFLICT DO NOTHING`)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // another server made one first
		}
		if err != nil {
			return err
		}
		stored = true
		_, err = journal.Append(ctx, tx, journal.Change{
			At: k.now(), Actor: journal.System, Action: "pgp.key_generated",
			ObjectType: "instance_key", ObjectID: strconv.FormatInt(rowID, 10),
			Data: map[string]any{"fingerprint": id.Key.Fingerprint},
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store instance key: %w", err)
	}
	if !stored {
		return k.current(ctx)
	}
	k.remember(id)
	return id, nil
}

// Rotate makes a new current key pair and retires the old one, which stays
// available for decryption. It is journaled as "pgp.key_rotated".
func (k *Keyring) Rotate(ctx context.Context, actor journal.Actor) (*Identity, error) {
	id, err := GenerateIdentity(k.cfg.Name, k.cfg.Email, k.now())
	if err != nil {
		return nil, err
	}
	err = k.db.Tx(ctx, func(tx *sql.Tx) error {
		now := k.now().UTC()
		var oldFP string
		err := tx.QueryRowContext(ctx, `UPDATE instance_keys SET retired_at = $1 WHERE retired_at IS NULL RETURNING fingerprint`, now).Scan(&oldFP)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		rowID, err := k.insert(ctx, tx, id, ``)
		if err != nil {
			return err
		}
		_, err = journal.Append(ctx, tx, journal.Change{
			At: now, Actor: actor, Action: "pgp.key_rotated",
			ObjectType: "instance_key", ObjectID: strconv.FormatInt(rowID, 10),
			Data: map[string]any{"fingerprint": id.Key.Fingerprint, "retired": oldFP},
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("rotate instance key: %w", err)
	}
	k.remember(id)
	return id, nil
}

// All returns every key pair, the current one first and then the retired
// ones from newest to oldest, for decryption. It makes the first key when
// there is none yet.
func (k *Keyring) All(ctx context.Context) ([]*Identity, error) {
	if _, err := k.Current(ctx); err != nil {
		return nil, err
	}
	rows, err := k.db.Read().QueryContext(ctx, `SELECT fingerprint, armored_private FROM instance_keys ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type stored struct{ fp, armored string }
	var list []stored
	for rows.Next() {
		var s stored
		if err := rows.Scan(&s.fp, &s.armored); err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ids := make([]*Identity, 0, len(list))
	for _, s := range list {
		id, err := k.unlock(s.fp, s.armored)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// List describes every key pair, newest first.
func (k *Keyring) List(ctx context.Context) ([]InstanceKey, error) {
	rows, err := k.db.Read().QueryContext(ctx, `SELECT id, fingerprint, created_at, retired_at FROM instance_keys ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []InstanceKey
	for rows.Next() {
		var ik InstanceKey
		var retired sql.NullTime
		if err := rows.Scan(&ik.ID, &ik.Fingerprint, &ik.CreatedAt, &retired); err != nil {
			return nil, err
		}
		ik.CreatedAt = ik.CreatedAt.UTC()
		if retired.Valid {
			ik.RetiredAt = retired.Time.UTC()
		}
		list = append(list, ik)
	}
	return list, rows.Err()
}

// PublicArmored returns the current public key, armoured, for publishing
// (security.txt's Encryption field, a key download page, WKD).
func (k *Keyring) PublicArmored(ctx context.Context) (string, error) {
	id, err := k.Current(ctx)
	if err != nil {
		return "", err
	}
	return id.Key.Armored, nil
}

func (k *Keyring) current(ctx context.Context) (*Identity, error) {
	var fp, armored string
	err := k.db.Read().QueryRowContext(ctx, `SELECT fingerprint, armored_private FROM instance_keys WHERE retired_at IS NULL`).Scan(&fp, &armored)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "the instance has no OpenPGP key yet")
	}
	if err != nil {
		return nil, err
	}
	return k.unlock(fp, armored)
}

// insert stores id as the current key and returns its row ID; with
// conflict "ON CONFLICT DO NOTHING" it returns sql.ErrNoRows when a current
// key exists already.
func (k *Keyring) insert(ctx context.Context, tx *sql.Tx, id *Identity, conflict string) (int64, error) {
	priv, err := id.ArmoredPrivate(k.cfg.Passphrase)
	if err != nil {
		return 0, err
	}
	var rowID int64
	err = tx.QueryRowContext(ctx, `INSERT INTO instance_keys (fingerprint, armored_private, armored_public, created_at)
		VALUES ($1, $2, $3, $4) `+conflict+` RETURNING id`,
		id.Key.Fingerprint, priv, id.Key.Armored, k.now().UTC()).Scan(&rowID)
	return rowID, err
}

func (k *Keyring) unlock(fp, armored string) (*Identity, error) {
	k.mu.Lock()
	id, ok := k.unlocked[fp]
	k.mu.Unlock()
	if ok {
		return id, nil
	}
	id, err := ParseIdentity([]byte(armored), k.cfg.Passphrase, k.now())
	if err != nil {
		return nil, fmt.Errorf("instance key %s: %w", fp, err)
	}
	k.remember(id)
	return id, nil
}

func (k *Keyring) remember(id *Identity) {
	k.mu.Lock()
	k.unlocked[id.Key.Fingerprint] = id
	k.mu.Unlock()
}
