package installstore_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/memstore"
	"github.com/slackgen/slackgen/runtime/installstore/storetest"
)

func TestCachedConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) installstore.Store {
		return installstore.NewCached(memstore.New(), time.Hour)
	})
}

func TestEncryptedConformance(t *testing.T) {
	keys := mustKeys(t, key(1))
	storetest.Run(t, func(t *testing.T) installstore.Store {
		return installstore.NewEncrypted(memstore.New(), keys)
	})
}

func TestCachedOverEncryptedConformance(t *testing.T) {
	keys := mustKeys(t, key(1)+","+key(2))
	storetest.Run(t, func(t *testing.T) installstore.Store {
		return installstore.NewCached(installstore.NewEncrypted(memstore.New(), keys), time.Hour)
	})
}

// counting counts the finds that reach the wrapped store.
type counting struct {
	installstore.Store
	finds atomic.Int64
}

func (c *counting) FindBot(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	c.finds.Add(1)
	return c.Store.FindBot(ctx, q)
}

func (c *counting) FindInstallation(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	c.finds.Add(1)
	return c.Store.FindInstallation(ctx, q)
}

func TestCachedServesHitsAndInvalidatesOnWrites(t *testing.T) {
	ctx := context.Background()
	t1 := installstore.Query{TeamID: "T1"}
	t2 := installstore.Query{TeamID: "T2"}
	u1 := installstore.Query{TeamID: "T1", UserID: "U1"}
	writes := []struct {
		name  string
		write func(s installstore.Store) error
	}{
		{"Save", func(s installstore.Store) error {
			return s.Save(ctx, &installstore.Installation{TeamID: "T1", UserID: "U1", BotToken: "xoxb-new", UserToken: "xoxp-new"})
		}},
		{"Update", func(s installstore.Store) error {
			return s.Update(ctx, u1, func(cur *installstore.Installation) (*installstore.Installation, error) {
				cur.BotToken = "xoxb-new"
				return cur, nil
			})
		}},
		{"DeleteBot", func(s installstore.Store) error { return s.DeleteBot(ctx, t1) }},
		{"DeleteInstallation", func(s installstore.Store) error { return s.DeleteInstallation(ctx, u1) }},
		{"DeleteAll", func(s installstore.Store) error { return s.DeleteAll(ctx, t1) }},
	}
	for _, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			inner := &counting{Store: memstore.New()}
			c := installstore.NewCached(inner, time.Hour)
			for _, team := range []string{"T1", "T2"} {
				if err := c.Save(ctx, &installstore.Installation{TeamID: team, UserID: "U1", BotToken: "xoxb-" + team, UserToken: "xoxp-" + team}); err != nil {
					t.Fatal(err)
				}
			}
			readAll := func() []string {
				var got []string
				for _, f := range []func() (*installstore.Installation, error){
					func() (*installstore.Installation, error) { return c.FindBot(ctx, t1) },
					func() (*installstore.Installation, error) { return c.FindInstallation(ctx, u1) },
					func() (*installstore.Installation, error) { return c.FindBot(ctx, t2) },
				} {
					inst, err := f()
					if err != nil {
						got = append(got, err.Error())
					} else {
						got = append(got, inst.BotToken+"/"+inst.UserToken)
					}
				}
				return got
			}
			readAll()
			before := inner.finds.Load()
			cached := readAll()
			if n := inner.finds.Load() - before; n != 0 {
				t.Fatalf("second round of reads reached the store %d times, want 0 (all hits)", n)
			}
			if err := w.write(c); err != nil {
				t.Fatal(err)
			}
			got := readAll()
			direct := []string{}
			for _, q := range []struct {
				bot bool
				q   installstore.Query
			}{{true, t1}, {false, u1}, {true, t2}} {
				var inst *installstore.Installation
				var err error
				if q.bot {
					inst, err = inner.Store.FindBot(ctx, q.q)
				} else {
					inst, err = inner.Store.FindInstallation(ctx, q.q)
				}
				if err != nil {
					direct = append(direct, err.Error())
				} else {
					direct = append(direct, inst.BotToken+"/"+inst.UserToken)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(direct) {
				t.Errorf("after %s the cache returns %v, the store %v (before: %v)", w.name, got, direct, cached)
			}
		})
	}
}

func TestCachedExpires(t *testing.T) {
	ctx := context.Background()
	inner := &counting{Store: memstore.New()}
	c := installstore.NewCached(inner, 50*time.Millisecond)
	if err := inner.Save(ctx, &installstore.Installation{TeamID: "T1", BotToken: "xoxb-1"}); err != nil {
		t.Fatal(err)
	}
	q := installstore.Query{TeamID: "T1"}
	if _, err := c.FindBot(ctx, q); err != nil {
		t.Fatal(err)
	}
	// A write that bypasses the cache (another process) shows after the TTL.
	if err := inner.Save(ctx, &installstore.Installation{TeamID: "T1", BotToken: "xoxb-2"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.FindBot(ctx, q); got.BotToken != "xoxb-1" {
		t.Fatalf("within the TTL FindBot = %q, want the cached xoxb-1", got.BotToken)
	}
	time.Sleep(60 * time.Millisecond)
	if got, _ := c.FindBot(ctx, q); got.BotToken != "xoxb-2" {
		t.Fatalf("after the TTL FindBot = %q, want xoxb-2", got.BotToken)
	}
	// Misses are not cached.
	if _, err := c.FindBot(ctx, installstore.Query{TeamID: "T9"}); !errors.Is(err, installstore.ErrNotFound) {
		t.Fatal(err)
	}
	if err := inner.Save(ctx, &installstore.Installation{TeamID: "T9", BotToken: "xoxb-9"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.FindBot(ctx, installstore.Query{TeamID: "T9"}); err != nil {
		t.Fatalf("FindBot after a miss and a save elsewhere: %v", err)
	}
}

func key(n byte) string {
	b := make([]byte, 32)
	for i := range b {
		b[i] = n
	}
	return base64.StdEncoding.EncodeToString(b)
}

func mustKeys(t testing.TB, s string) *installstore.Keys {
	t.Helper()
	k, err := installstore.ParseKeys(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestParseKeys(t *testing.T) {
	raw := make([]byte, 32)
	raw[0] = 7
	for _, tc := range []struct {
		in   string
		want string // error substring; "" for success
	}{
		{key(1), ""},
		{key(1) + ", " + key(2), ""},
		{base64.RawURLEncoding.EncodeToString(raw), ""},
		{"", "no encryption key"},
		{"  ", "no encryption key"},
		{key(1) + ",", "key 2 of 2: empty"},
		{"not*base64", "not valid base64"},
		{base64.StdEncoding.EncodeToString(raw[:16]), "16 bytes, want 32"},
		{key(1) + "," + key(1), "listed twice"},
	} {
		k, err := installstore.ParseKeys(tc.in)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("ParseKeys(%q): %v", tc.in, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("ParseKeys(%q) = %v, want an error containing %q", tc.in, err, tc.want)
		case err != nil && tc.in != "" && strings.Contains(err.Error(), strings.TrimSpace(strings.Split(tc.in, ",")[0])) && len(tc.in) > 8:
			t.Errorf("ParseKeys error shows the key: %v", err)
		case k != nil && (strings.Contains(fmt.Sprint(k), key(1)) || strings.Contains(fmt.Sprintf("%#v", k), "aead")):
			t.Errorf("Keys print as %v / %#v", k, k)
		}
	}
	n, err := installstore.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := installstore.ParseKeys(n); err != nil {
		t.Errorf("ParseKeys(NewKey()): %v", err)
	}
}

func TestEncryptedStoresNoPlaintextAndRotatesKeys(t *testing.T) {
	ctx := context.Background()
	inner := memstore.New()
	old := installstore.NewEncrypted(inner, mustKeys(t, key(1)))
	secret := &installstore.Installation{
		TeamID: "T1", UserID: "U1", BotToken: "xoxb-secret-bot", BotRefreshToken: "xoxe-secret-bot",
		UserToken: "xoxp-secret-user", UserRefreshToken: "xoxe-secret-user",
		IncomingWebhookURL: "https://hooks.slack.test/secret", BotUserID: "UBOT",
	}
	if err := old.Save(ctx, secret); err != nil {
		t.Fatal(err)
	}
	raw, err := inner.FindInstallation(ctx, installstore.Key(secret))
	if err != nil {
		t.Fatal(err)
	}
	oldID := mustKeys(t, key(1)).CurrentID()
	for _, v := range []string{raw.BotToken, raw.BotRefreshToken, raw.UserToken, raw.UserRefreshToken, raw.IncomingWebhookURL} {
		if strings.Contains(v, "secret") || !strings.HasPrefix(v, "sgenc1:"+oldID+":") {
			t.Errorf("stored value %q is not a ciphertext under key %s", v, oldID)
		}
	}
	if raw.BotUserID != "UBOT" {
		t.Errorf("BotUserID stored as %q, want it in the clear", raw.BotUserID)
	}

	// Rotation: the new key first, the old one still decrypts.
	rotated := installstore.NewEncrypted(inner, mustKeys(t, key(2)+","+key(1)))
	got, err := rotated.FindInstallation(ctx, installstore.Key(secret))
	if err != nil {
		t.Fatalf("FindInstallation with the old key listed second: %v", err)
	}
	if got.BotToken != "xoxb-secret-bot" || got.UserRefreshToken != "xoxe-secret-user" || got.IncomingWebhookURL != secret.IncomingWebhookURL {
		t.Errorf("decrypted %+v", got)
	}
	// Update decrypts for fn and writes under the current key.
	err = rotated.Update(ctx, installstore.Key(secret), func(cur *installstore.Installation) (*installstore.Installation, error) {
		if cur.BotRefreshToken != "xoxe-secret-bot" {
			t.Errorf("fn saw BotRefreshToken %q, want it decrypted", cur.BotRefreshToken)
		}
		cur.BotRefreshToken = "xoxe-secret-rotated"
		return cur, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ = inner.FindBot(ctx, installstore.Key(secret))
	if newID := mustKeys(t, key(2)).CurrentID(); !strings.HasPrefix(raw.BotRefreshToken, "sgenc1:"+newID+":") {
		t.Errorf("after Update BotRefreshToken is stored as %q, want it under the current key %s", raw.BotRefreshToken, newID)
	}

	// Without the old key: a clear error that names the key id, not the token.
	only2 := installstore.NewEncrypted(inner, mustKeys(t, key(3)))
	_, err = only2.FindBot(ctx, installstore.Key(secret))
	if !errors.Is(err, installstore.ErrDecrypt) || !strings.Contains(err.Error(), installstore.KeyEnv) {
		t.Fatalf("FindBot with a wrong key = %v, want ErrDecrypt naming %s", err, installstore.KeyEnv)
	}
	if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), raw.BotToken) {
		t.Errorf("error shows a token: %v", err)
	}
	if err := only2.Update(ctx, installstore.Key(secret), func(cur *installstore.Installation) (*installstore.Installation, error) {
		t.Error("fn called although decryption failed")
		return cur, nil
	}); !errors.Is(err, installstore.ErrDecrypt) {
		t.Errorf("Update with a wrong key = %v, want ErrDecrypt", err)
	}
}

func TestEncryptedRejectsMovedCiphertext(t *testing.T) {
	ctx := context.Background()
	inner := memstore.New()
	enc := installstore.NewEncrypted(inner, mustKeys(t, key(1)))
	for _, team := range []string{"T1", "T2"} {
		if err := enc.Save(ctx, &installstore.Installation{TeamID: team, BotToken: "xoxb-" + team, BotRefreshToken: "xoxe-" + team}); err != nil {
			t.Fatal(err)
		}
	}
	t1, _ := inner.FindBot(ctx, installstore.Query{TeamID: "T1"})
	// Copy T1's token into T2's record, and swap two fields of T1.
	moved := &installstore.Installation{TeamID: "T2", BotToken: t1.BotToken}
	swapped := &installstore.Installation{TeamID: "T1", BotToken: t1.BotRefreshToken}
	for _, bad := range []*installstore.Installation{moved, swapped} {
		if err := inner.Save(ctx, bad); err != nil {
			t.Fatal(err)
		}
		if _, err := enc.FindBot(ctx, installstore.Key(bad)); !errors.Is(err, installstore.ErrDecrypt) {
			t.Errorf("FindBot of a moved ciphertext in %s = %v, want ErrDecrypt", bad.TeamID, err)
		}
	}
}

func TestEncryptedReadsPlaintextWrittenBefore(t *testing.T) {
	ctx := context.Background()
	inner := memstore.New()
	if err := inner.Save(ctx, &installstore.Installation{TeamID: "T1", BotToken: "xoxb-plain"}); err != nil {
		t.Fatal(err)
	}
	enc := installstore.NewEncrypted(inner, mustKeys(t, key(1)))
	got, err := enc.FindBot(ctx, installstore.Query{TeamID: "T1"})
	if err != nil || got.BotToken != "xoxb-plain" {
		t.Fatalf("FindBot = %v, %v; want the plaintext token", got, err)
	}
}
