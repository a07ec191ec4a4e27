package oauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/sync/singleflight"

	"github.com/slackgen/slackgen/runtime/installstore"
)

// RotatorConfig configures a [Rotator]. ClientID, ClientSecret and
// Installations are required.
type RotatorConfig struct {
	ClientID      string
	ClientSecret  string
	Installations installstore.Store
	// SlackURL is Slack's base URL; DefaultSlackURL when empty.
	SlackURL string
	// RefreshBefore is how long before expiry tokens are refreshed;
	// DefaultRefreshBefore when zero.
	RefreshBefore time.Duration
	// RefreshTimeout bounds one refresh (store lock and Slack calls),
	// independently of the callers' contexts, so that a caller giving up
	// does not abort a refresh others wait for; 30s when zero.
	RefreshTimeout time.Duration
	// HTTPClient calls Slack; a client with a 30s timeout when nil.
	HTTPClient *http.Client
	// Logger receives structured logs; slog.Default() when nil.
	Logger *slog.Logger
}

// Rotator hands out installations whose rotating tokens are fresh,
// refreshing them with oauth.v2.access (grant_type=refresh_token) when they
// expire within RefreshBefore. Installations without refresh tokens are
// returned as stored.
//
// Within a process, concurrent refreshes of one installation collapse into
// one (singleflight keyed by the installation's key). Across processes, the
// refresh runs inside [installstore.Store.Update], which serializes
// read-modify-write per key; the update re-checks the expiry of the current
// record and uses its tokens when another replica refreshed first, so a
// refresh token is spent at most once.
//
// The Store interface cannot list installations, so the background
// refresher ([Rotator.Run]) refreshes the keys the rotator has seen: keys
// passed to Tokens that found an installation with refresh tokens, installs
// with refresh tokens completed by a [Flow] sharing it, and keys given to
// [Rotator.Track] (e.g. loaded at start-up). Keys whose installation is gone
// are forgotten. After a restart, a replica only knows the keys it has seen
// since; call Track for the installations you know of at start-up.
type Rotator struct {
	cfg    RotatorConfig
	apiURL string
	log    *slog.Logger
	group  singleflight.Group
	now    func() time.Time

	mu   sync.Mutex
	keys map[installstore.Query]struct{}
}

// NewRotator checks cfg and returns a Rotator.
func NewRotator(cfg RotatorConfig) (*Rotator, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" || cfg.Installations == nil {
		return nil, errors.New("oauth: a Rotator needs ClientID, ClientSecret (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET) and Installations")
	}
	slackURL, err := normalizeSlackURL(cfg.SlackURL)
	if err != nil {
		return nil, err
	}
	if cfg.RefreshBefore <= 0 {
		cfg.RefreshBefore = DefaultRefreshBefore
	}
	if cfg.RefreshTimeout <= 0 {
		cfg.RefreshTimeout = 30 * time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Rotator{
		cfg:    cfg,
		apiURL: slackURL + "/api/",
		log:    cfg.Logger,
		now:    time.Now,
		keys:   make(map[installstore.Query]struct{}),
	}, nil
}

// Tokens returns the latest installation matching q (as
// installstore.Store.FindInstallation finds it), with its bot and user
// tokens refreshed first when they expire within RefreshBefore. It returns
// an error wrapping installstore.ErrNotFound when nothing matches.
func (f *Flow) Tokens(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	return f.rotator.Tokens(ctx, q)
}

// Tokens: see [Flow.Tokens].
func (rt *Rotator) Tokens(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	inst, err := rt.cfg.Installations.FindInstallation(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("oauth: finding the installation: %w", err)
	}
	if inst.BotRefreshToken != "" || inst.UserRefreshToken != "" {
		rt.Track(q)
	}
	if !rt.stale(inst) {
		return inst, nil
	}
	ch := rt.group.DoChan(flightKey(q), func() (any, error) {
		// Detached from the first caller's context, so one caller giving
		// up does not fail the others, but bounded.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rt.cfg.RefreshTimeout)
		defer cancel()
		return rt.refresh(rctx, q, inst)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		// Each caller gets its own copy.
		return res.Val.(*installstore.Installation).Clone(), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("oauth: waiting for the token refresh: %w", ctx.Err())
	}
}

// Track adds q to the keys the background refresher visits.
func (rt *Rotator) Track(q installstore.Query) {
	rt.mu.Lock()
	rt.keys[q] = struct{}{}
	rt.mu.Unlock()
}

// Forget removes q from the keys the background refresher visits (e.g.
// after app_uninstalled).
func (rt *Rotator) Forget(q installstore.Query) {
	rt.mu.Lock()
	delete(rt.keys, q)
	rt.mu.Unlock()
}

// RefreshTracked refreshes every tracked installation that is due, and
// forgets keys whose installation is gone. It returns the errors joined.
func (rt *Rotator) RefreshTracked(ctx context.Context) error {
	rt.mu.Lock()
	keys := make([]installstore.Query, 0, len(rt.keys))
	for k := range rt.keys {
		keys = append(keys, k)
	}
	rt.mu.Unlock()
	var errs []error
	for _, k := range keys {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		_, err := rt.Tokens(ctx, k)
		switch {
		case errors.Is(err, installstore.ErrNotFound):
			rt.Forget(k)
		case err != nil:
			errs = append(errs, fmt.Errorf("team %s enterprise %s user %s: %w", k.TeamID, k.EnterpriseID, k.UserID, err))
		}
	}
	return errors.Join(errs...)
}

// Run calls RefreshTracked every interval until ctx is done, for apps that
// only send messages and so never call Tokens on a request path. Pick an
// interval well below RefreshBefore (e.g. 5 minutes with the default 2
// hours). Failures are logged; Run returns ctx's error.
func (rt *Rotator) Run(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		return errors.New("oauth: Rotator.Run needs a positive interval")
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := rt.RefreshTracked(ctx); err != nil && ctx.Err() == nil {
			rt.log.ErrorContext(ctx, "oauth: background token refresh", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

func flightKey(q installstore.Query) string {
	return fmt.Sprintf("%s\x00%s\x00%s\x00%t", q.EnterpriseID, q.TeamID, q.UserID, q.IsEnterpriseInstall)
}

func (rt *Rotator) due(refreshToken string, expiresAt time.Time) bool {
	return refreshToken != "" && !expiresAt.IsZero() && !rt.now().Add(rt.cfg.RefreshBefore).Before(expiresAt)
}

func (rt *Rotator) stale(inst *installstore.Installation) bool {
	return rt.due(inst.BotRefreshToken, inst.BotTokenExpiresAt) || rt.due(inst.UserRefreshToken, inst.UserTokenExpiresAt)
}

// refresh runs one refresh of q's installation under the store's lock.
// seen is the record the decision to refresh was taken on: a token is
// refreshed only when it is still due and its refresh token is still the one
// seen. A changed refresh token means another replica refreshed while this
// one waited for the lock; its successor is used, never re-spent.
func (rt *Rotator) refresh(ctx context.Context, q installstore.Query, seen *installstore.Installation) (*installstore.Installation, error) {
	var (
		result    *installstore.Installation
		refreshed bool
		userErr   error
	)
	err := rt.cfg.Installations.Update(ctx, q, func(cur *installstore.Installation) (*installstore.Installation, error) {
		if cur == nil {
			return nil, installstore.ErrNotFound
		}
		result = cur
		botDue := rt.due(cur.BotRefreshToken, cur.BotTokenExpiresAt) && cur.BotRefreshToken == seen.BotRefreshToken
		userDue := rt.due(cur.UserRefreshToken, cur.UserTokenExpiresAt) && cur.UserRefreshToken == seen.UserRefreshToken
		if !botDue && !userDue {
			// Another replica refreshed while we waited for the lock.
			return nil, nil
		}
		next := cur.Clone()
		changed := false
		if botDue {
			resp, err := rt.spend(ctx, cur.BotRefreshToken)
			if err != nil {
				return nil, fmt.Errorf("oauth: refreshing the bot token: %w", err)
			}
			next.BotToken, next.BotRefreshToken = resp.AccessToken, resp.RefreshToken
			next.BotTokenExpiresAt = expiry(rt.now().UTC(), resp.ExpiresIn)
			changed = true
		}
		if userDue {
			resp, err := rt.spend(ctx, cur.UserRefreshToken)
			if err != nil {
				if !changed {
					return nil, fmt.Errorf("oauth: refreshing the user token: %w", err)
				}
				// The bot's refresh token is spent: store its successor
				// whatever happens to the user token.
				userErr = fmt.Errorf("oauth: refreshing the user token: %w", err)
			} else {
				next.UserToken, next.UserRefreshToken = resp.AccessToken, resp.RefreshToken
				next.UserTokenExpiresAt = expiry(rt.now().UTC(), resp.ExpiresIn)
				changed = true
			}
		}
		if !changed {
			return nil, nil
		}
		result = next
		refreshed = true
		return next, nil
	})
	if err != nil {
		return nil, fmt.Errorf("oauth: token rotation for team %q enterprise %q: %w", q.TeamID, q.EnterpriseID, err)
	}
	if refreshed {
		rt.log.InfoContext(ctx, "oauth: tokens refreshed", "team_id", q.TeamID, "enterprise_id", q.EnterpriseID, "user_id", q.UserID)
		if rt.stale(result) {
			rt.log.WarnContext(ctx, "oauth: refreshed tokens expire within RefreshBefore; every call will refresh again: lower RefreshBefore below the token lifetime",
				"refresh_before", rt.cfg.RefreshBefore.String(), "bot_expires_at", result.BotTokenExpiresAt, "user_expires_at", result.UserTokenExpiresAt)
		}
	}
	if userErr != nil {
		// The bot token is fresh and stored; the user token keeps working
		// until it expires, and the next call tries again.
		rt.log.ErrorContext(ctx, "oauth: user token refresh failed", "team_id", q.TeamID, "enterprise_id", q.EnterpriseID, "user_id", q.UserID, "err", userErr)
	}
	return result, nil
}

// spend exchanges refreshToken for a new access token and refresh token.
func (rt *Rotator) spend(ctx context.Context, refreshToken string) (*slack.OAuthV2Response, error) {
	resp, err := slack.RefreshOAuthV2TokenContext(ctx, rt.cfg.HTTPClient, rt.cfg.ClientID, rt.cfg.ClientSecret,
		refreshToken, slack.OAuthOptionAPIURL(rt.apiURL))
	if err != nil {
		var se slack.SlackErrorResponse
		if errors.As(err, &se) && (se.Err == "invalid_refresh_token" || se.Err == "invalid_grant_type") {
			return nil, fmt.Errorf("%w: the refresh token is no longer valid; the app must be reinstalled in this workspace", err)
		}
		return nil, err
	}
	if resp.AccessToken == "" || resp.RefreshToken == "" {
		return nil, errors.New("oauth.v2.access returned no access_token or refresh_token for grant_type=refresh_token")
	}
	return resp, nil
}
