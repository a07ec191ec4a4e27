package installstore

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Encrypted is a Store that encrypts every secret of an installation before
// the wrapped store sees it: BotToken, BotRefreshToken, UserToken,
// UserRefreshToken and IncomingWebhookURL. Each value is sealed with
// AES-256-GCM under the current key, with a fresh nonce, bound to its field
// and workspace (so a ciphertext copied to another field or workspace does
// not decrypt), and stored as
//
//	sgenc1:<key id>:<base64url(nonce | ciphertext)>
//
// so that keys can rotate: old keys still decrypt, new writes use the
// current one. Empty values stay empty (deletes rely on it). Values without
// the prefix are returned as they are, so encryption can be turned on for a
// store that already holds plaintext tokens; they are encrypted when next
// written.
//
//	keys, err := installstore.KeysFromEnv() // SLACK_TOKEN_ENCRYPTION_KEY
//	if err != nil { ... }
//	store := installstore.NewEncrypted(sqlStore, keys)
type Encrypted struct {
	inner Store
	keys  *Keys
}

var _ Store = (*Encrypted)(nil)

// ErrDecrypt is returned (wrapped) when a stored token cannot be decrypted:
// its key is not configured, or the data was altered.
var ErrDecrypt = errors.New("installstore: cannot decrypt a stored token")

const encPrefix = "sgenc1:"

// NewEncrypted wraps store so that it only ever stores encrypted secrets.
func NewEncrypted(store Store, keys *Keys) *Encrypted {
	if keys == nil || len(keys.keys) == 0 {
		panic("installstore: NewEncrypted needs keys; get them from ParseKeys or KeysFromEnv")
	}
	return &Encrypted{inner: store, keys: keys}
}

// secrets lists the encrypted fields with their names (used as associated
// data).
func secrets(inst *Installation) []struct {
	name string
	p    *string
} {
	return []struct {
		name string
		p    *string
	}{
		{"bot_token", &inst.BotToken},
		{"bot_refresh_token", &inst.BotRefreshToken},
		{"user_token", &inst.UserToken},
		{"user_refresh_token", &inst.UserRefreshToken},
		{"incoming_webhook_url", &inst.IncomingWebhookURL},
	}
}

// aad is the associated data of field in workspace ws: the field's name
// and the workspace key, so a ciphertext copied elsewhere fails to open.
func aad(field, ws string) []byte {
	b := make([]byte, 0, len(field)+1+len(ws))
	b = append(b, field...)
	b = append(b, 0)
	return append(b, ws...)
}

func (e *Encrypted) encrypt(inst *Installation) (*Installation, error) {
	out := inst.Clone()
	cur := e.keys.keys[0]
	ws := Key(out).WorkspaceKey()
	for _, f := range secrets(out) {
		if *f.p == "" {
			continue
		}
		nonce := make([]byte, cur.aead.NonceSize(), cur.aead.NonceSize()+len(*f.p)+cur.aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return nil, fmt.Errorf("installstore: encrypting %s: %w", f.name, err)
		}
		sealed := cur.aead.Seal(nonce, nonce, []byte(*f.p), aad(f.name, ws))
		*f.p = encPrefix + cur.id + ":" + base64.RawURLEncoding.EncodeToString(sealed)
	}
	return out, nil
}

func (e *Encrypted) decrypt(inst *Installation) (*Installation, error) {
	out := inst.Clone()
	ws := Key(out).WorkspaceKey()
	for _, f := range secrets(out) {
		rest, ok := strings.CutPrefix(*f.p, encPrefix)
		if !ok {
			continue // plaintext written before encryption was turned on
		}
		id, data, ok := strings.Cut(rest, ":")
		if !ok {
			return nil, fmt.Errorf("%w: %s of %s is malformed", ErrDecrypt, f.name, ws)
		}
		aead := e.keys.find(id)
		if aead == nil {
			return nil, fmt.Errorf("%w: %s of %s was encrypted with key id %s, which is not among the keys in %s (%s); add that key after the current one",
				ErrDecrypt, f.name, ws, id, KeyEnv, e.keys)
		}
		sealed, err := base64.RawURLEncoding.DecodeString(data)
		if err != nil || len(sealed) < aead.NonceSize() {
			return nil, fmt.Errorf("%w: %s of %s is malformed", ErrDecrypt, f.name, ws)
		}
		n := aead.NonceSize()
		// Open in place: the plaintext is copied into a string just below.
		plain, err := aead.Open(sealed[n:n], sealed[:n], sealed[n:], aad(f.name, ws))
		if err != nil {
			return nil, fmt.Errorf("%w: %s of %s does not authenticate under key id %s: the data was altered or moved from another record", ErrDecrypt, f.name, ws, id)
		}
		*f.p = string(plain)
	}
	return out, nil
}

// Save encrypts inst's secrets and saves it through the wrapped store.
func (e *Encrypted) Save(ctx context.Context, inst *Installation) error {
	if inst == nil {
		return e.inner.Save(ctx, inst)
	}
	enc, err := e.encrypt(inst)
	if err != nil {
		return err
	}
	return e.inner.Save(ctx, enc)
}

// FindBot finds through the wrapped store and decrypts.
func (e *Encrypted) FindBot(ctx context.Context, q Query) (*Installation, error) {
	inst, err := e.inner.FindBot(ctx, q)
	if err != nil {
		return nil, err
	}
	return e.decrypt(inst)
}

// FindInstallation finds through the wrapped store and decrypts.
func (e *Encrypted) FindInstallation(ctx context.Context, q Query) (*Installation, error) {
	inst, err := e.inner.FindInstallation(ctx, q)
	if err != nil {
		return nil, err
	}
	return e.decrypt(inst)
}

// DeleteBot deletes through the wrapped store.
func (e *Encrypted) DeleteBot(ctx context.Context, q Query) error { return e.inner.DeleteBot(ctx, q) }

// DeleteInstallation deletes through the wrapped store.
func (e *Encrypted) DeleteInstallation(ctx context.Context, q Query) error {
	return e.inner.DeleteInstallation(ctx, q)
}

// DeleteAll deletes through the wrapped store.
func (e *Encrypted) DeleteAll(ctx context.Context, q Query) error { return e.inner.DeleteAll(ctx, q) }

// Update runs the wrapped store's Update: fn sees decrypted secrets, and its
// result is encrypted (under the current key) before it is stored.
func (e *Encrypted) Update(ctx context.Context, q Query, fn func(*Installation) (*Installation, error)) error {
	return e.inner.Update(ctx, q, func(cur *Installation) (*Installation, error) {
		plain, err := e.decrypt(cur)
		if err != nil {
			return nil, err
		}
		next, err := fn(plain)
		if err != nil || next == nil {
			return nil, err
		}
		return e.encrypt(next)
	})
}
