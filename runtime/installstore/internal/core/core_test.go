package core

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
)

func TestKeyLockSerializesPerKeyAndHonoursContext(t *testing.T) {
	var k KeyLock
	ctx := context.Background()
	unlockA, err := k.Lock(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	// Another key is independent.
	unlockB, err := k.Lock(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	unlockB()

	// A waiter on "a" gives up when its context ends.
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := k.Lock(short, "a"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock of a held key = %v, want DeadlineExceeded", err)
	}

	// A waiter gets the lock once it is released.
	got := make(chan struct{})
	go func() {
		unlock, err := k.Lock(ctx, "a")
		if err == nil {
			unlock()
		}
		close(got)
	}()
	select {
	case <-got:
		t.Fatal("second Lock of a held key did not wait")
	case <-time.After(20 * time.Millisecond):
	}
	unlockA()
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("waiter never got the released lock")
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.locks) != 0 {
		t.Errorf("%d lock entries left after everyone unlocked, want 0", len(k.locks))
	}
}

func TestKeyLockMutualExclusion(t *testing.T) {
	var k KeyLock
	var wg sync.WaitGroup
	inside, max := 0, 0
	var mu sync.Mutex
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := k.Lock(context.Background(), "k")
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			inside++
			if inside > max {
				max = inside
			}
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			inside--
			mu.Unlock()
			unlock()
		}()
	}
	wg.Wait()
	if max != 1 {
		t.Errorf("%d goroutines held the lock at once, want 1", max)
	}
}

func TestPrepareUpdate(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	q := installstore.Query{TeamID: "T1", UserID: "U1"}
	cur := &installstore.Installation{TeamID: "T1", UserID: "U1", InstalledAt: t0}
	bot := &installstore.Installation{TeamID: "T1", BotToken: "b", InstalledAt: t0.Add(time.Hour)}
	for _, tc := range []struct {
		name string
		next *installstore.Installation
		want time.Time
		err  bool
	}{
		{"moved up to the bot record", &installstore.Installation{TeamID: "T1", UserID: "U1", InstalledAt: t0}, t0.Add(time.Hour), false},
		{"later time kept", &installstore.Installation{TeamID: "T1", InstalledAt: t0.Add(2 * time.Hour)}, t0.Add(2 * time.Hour), false},
		{"other team refused", &installstore.Installation{TeamID: "T2", InstalledAt: t0}, time.Time{}, true},
		{"org-wide refused", &installstore.Installation{TeamID: "T1", IsEnterpriseInstall: true}, time.Time{}, true},
	} {
		got, err := PrepareUpdate(q, cur, bot, tc.next)
		if tc.err {
			if !errors.Is(err, ErrWorkspaceChanged) {
				t.Errorf("%s: err = %v, want ErrWorkspaceChanged", tc.name, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !got.InstalledAt.Equal(tc.want) {
			t.Errorf("%s: InstalledAt = %v, want %v", tc.name, got.InstalledAt, tc.want)
		}
		if got == tc.next {
			t.Errorf("%s: returned fn's value itself, want a copy", tc.name)
		}
	}
}

func TestApply(t *testing.T) {
	q := installstore.Query{TeamID: "T1"}
	cur := &installstore.Installation{TeamID: "T1", BotToken: "old", BotScopes: []string{"chat:write"}}
	boom := errors.New("boom")
	for _, tc := range []struct {
		name    string
		cur     *installstore.Installation
		fn      func(*installstore.Installation) (*installstore.Installation, error)
		want    string // BotToken of the record to store; "" for none
		wantErr error
	}{
		{"missing", nil, nil, "", installstore.ErrNotFound},
		{"fn error", cur, func(*installstore.Installation) (*installstore.Installation, error) { return nil, boom }, "", boom},
		{"no change", cur, func(*installstore.Installation) (*installstore.Installation, error) { return nil, nil }, "", nil},
		{"changed", cur, func(c *installstore.Installation) (*installstore.Installation, error) {
			c.BotToken, c.BotScopes[0] = "new", "commands"
			return c, nil
		}, "new", nil},
		{"moved", cur, func(c *installstore.Installation) (*installstore.Installation, error) {
			c.TeamID = "T2"
			return c, nil
		}, "", ErrWorkspaceChanged},
	} {
		called := false
		fn := func(c *installstore.Installation) (*installstore.Installation, error) {
			called = true
			return tc.fn(c)
		}
		rec, err := Apply(q, tc.cur, nil, fn)
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.wantErr)
		}
		if called != (tc.cur != nil) {
			t.Errorf("%s: fn called = %v", tc.name, called)
		}
		switch {
		case tc.want == "" && rec != nil:
			t.Errorf("%s: record %+v, want none", tc.name, rec)
		case tc.want != "" && (rec == nil || rec.BotToken != tc.want):
			t.Errorf("%s: record %+v, want BotToken %q", tc.name, rec, tc.want)
		}
	}
	if cur.BotToken != "old" || cur.BotScopes[0] != "chat:write" {
		t.Errorf("fn changed the current record: %+v", cur)
	}
}
