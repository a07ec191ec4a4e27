package installstore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// KeyEnv is the environment variable that holds the token encryption keys.
const KeyEnv = "SLACK_TOKEN_ENCRYPTION_KEY"

// Keys are the AES-256-GCM keys of NewEncrypted: the first encrypts, all
// of them decrypt. Their String and GoString never show key material.
type Keys struct {
	keys []encKey
}

type encKey struct {
	id   string
	aead cipher.AEAD
}

// ParseKeys parses comma-separated base64 (standard or URL alphabet, padded
// or not) 32-byte keys; the first is the current one. To rotate, put the new
// key first and keep the old ones after it until every token was rewritten
// (token rotation and reinstalls rewrite them).
//
// Generate a key with NewKey or `openssl rand -base64 32`.
func ParseKeys(s string) (*Keys, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("installstore: no encryption key given; set %s to a base64 32-byte key (openssl rand -base64 32)", KeyEnv)
	}
	k := &Keys{}
	seen := map[string]bool{}
	for i, part := range strings.Split(s, ",") {
		raw, err := decodeKey(strings.TrimSpace(part))
		if err != nil {
			return nil, fmt.Errorf("installstore: encryption key %d of %d: %w", i+1, strings.Count(s, ",")+1, err)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, fmt.Errorf("installstore: encryption key %d: %w", i+1, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("installstore: encryption key %d: %w", i+1, err)
		}
		id := keyID(raw)
		if seen[id] {
			return nil, fmt.Errorf("installstore: encryption key %d is listed twice (key id %s)", i+1, id)
		}
		seen[id] = true
		k.keys = append(k.keys, encKey{id: id, aead: aead})
	}
	return k, nil
}

// KeysFromEnv parses the keys in the SLACK_TOKEN_ENCRYPTION_KEY variable.
func KeysFromEnv() (*Keys, error) { return ParseKeys(os.Getenv(KeyEnv)) }

// NewKey returns a fresh random key, base64-encoded, for ParseKeys.
func NewKey() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("installstore: generating a key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// decodeKey decodes one key; its errors never contain the key.
func decodeKey(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("empty; separate keys with single commas")
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err := enc.DecodeString(s); err == nil {
			if len(raw) != 32 {
				return nil, fmt.Errorf("decodes to %d bytes, want 32 (AES-256): generate one with openssl rand -base64 32", len(raw))
			}
			return raw, nil
		}
	}
	return nil, errors.New("not valid base64: generate one with openssl rand -base64 32")
}

// keyID names a key in ciphertexts: 8 hex digits of a domain-separated
// SHA-256 of the key, which tells keys apart without revealing them.
func keyID(raw []byte) string {
	h := sha256.New()
	h.Write([]byte("slackgen installstore key id\x00"))
	h.Write(raw)
	return hex.EncodeToString(h.Sum(nil)[:4])
}

// CurrentID is the id of the key new writes use, as it appears in stored
// ciphertexts.
func (k *Keys) CurrentID() string { return k.keys[0].id }

// String describes the keys by id only.
func (k *Keys) String() string {
	ids := make([]string, len(k.keys))
	for i, key := range k.keys {
		ids[i] = key.id
	}
	return "installstore.Keys{" + strings.Join(ids, ",") + "}"
}

// GoString is String, so %#v does not print key material either.
func (k *Keys) GoString() string { return k.String() }

func (k *Keys) find(id string) cipher.AEAD {
	for _, key := range k.keys {
		if key.id == id {
			return key.aead
		}
	}
	return nil
}
