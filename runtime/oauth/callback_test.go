package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
)

var fixedNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func TestCallbackSuccessStoresEveryField(t *testing.T) {
	env := newTestEnv(t, nil)
	env.flow.now = func() time.Time { return fixedNow }
	env.fs.addCode("good-code", workspaceResponse())
	state, cookie := env.install(t)

	rec := env.callback(t, url.Values{"state": {state}, "code": {"good-code"}}, cookie)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d reason %q", rec.Code, reason(rec.Body.String()))
	}
	want := &installstore.Installation{
		AppID: "A0APP", EnterpriseID: "E0001", EnterpriseName: "Acme Corp", TeamID: "T0001", TeamName: "Acme",
		BotToken: "xoxe.xoxb-1-bot-token", BotID: "B0001", BotUserID: "U0BOT",
		BotScopes: []string{"commands", "chat:write", "incoming-webhook"}, BotRefreshToken: "xoxe-1-bot-refresh",
		BotTokenExpiresAt: fixedNow.Add(12 * time.Hour),
		UserID:            "U0001", UserToken: "xoxe.xoxp-1-user-token", UserScopes: []string{"search:read", "openid"},
		UserRefreshToken: "xoxe-1-user-refresh", UserTokenExpiresAt: fixedNow.Add(12 * time.Hour),
		IncomingWebhookURL: "https://hooks.slack.com/services/T0001/B1/secret-hook", IncomingWebhookChannel: "#general",
		IncomingWebhookChannelID: "C0001", IncomingWebhookConfigurationURL: "https://acme.slack.com/services/B1",
		TokenType: "bot", InstalledAt: fixedNow,
	}
	got, err := env.store.FindInstallation(context.Background(), installstore.Query{EnterpriseID: "E0001", TeamID: "T0001", UserID: "U0001"})
	if err != nil {
		t.Fatalf("installation not stored: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stored installation\n got %+v\nwant %+v", got, want)
	}
	env.fs.mu.Lock()
	uris := env.fs.redirectURIs
	env.fs.mu.Unlock()
	if len(uris) != 1 || uris[0] != "https://app.example.com/slack/oauth_redirect" {
		t.Errorf("redirect_uri sent to oauth.v2.access: %q", uris)
	}

	body := rec.Body.String()
	for _, s := range []string{`data-result="success"`, `href="slack://app?team=T0001&amp;id=A0APP"`, `href="https://app.slack.com/client/T0001"`} {
		if !strings.Contains(body, s) {
			t.Errorf("success page lacks %s:\n%s", s, body)
		}
	}
	if strings.Contains(body, "xox") {
		t.Errorf("success page shows a token:\n%s", body)
	}
	assertCookieCleared(t, rec, cookie.Name)
}

func assertCookieCleared(t *testing.T, rec *httptest.ResponseRecorder, name string) {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == name && c.MaxAge < 0 && c.Value == "" {
			return
		}
	}
	t.Errorf("cookie %s not cleared; Set-Cookie: %q", name, rec.Header().Values("Set-Cookie"))
}

func TestCallbackOrgWideInstall(t *testing.T) {
	env := newTestEnv(t, nil)
	env.fs.addCode("org-code", orgResponse())
	state, cookie := env.install(t)
	rec := env.callback(t, url.Values{"state": {state}, "code": {"org-code"}}, cookie)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d reason %q", rec.Code, reason(rec.Body.String()))
	}
	got, err := env.store.FindBot(context.Background(), installstore.Query{EnterpriseID: "E0001", IsEnterpriseInstall: true})
	if err != nil {
		t.Fatalf("org install not stored: %v", err)
	}
	if !got.IsEnterpriseInstall || got.EnterpriseURL != "https://acme-org.enterprise.slack.com/" || got.BotID != "B0001" || got.TeamID != "" {
		t.Errorf("org install stored as %+v", got)
	}
	admin := "https://acme-org.enterprise.slack.com/manage/organization/apps/profile/A0APP/workspaces/add"
	body := rec.Body.String()
	if !strings.Contains(body, `href="`+admin+`"`) || !strings.Contains(body, `content="0; url=`+admin+`"`) {
		t.Errorf("success page does not lead to the org admin page:\n%s", body)
	}
	if strings.Contains(body, "slack://") {
		t.Errorf("org install page links to a workspace:\n%s", body)
	}
}

func TestCallbackFailures(t *testing.T) {
	type setup struct {
		env    *testEnv
		state  string
		cookie *http.Cookie
	}
	tests := []struct {
		name       string
		edit       func(*Config)
		prepare    func(t *testing.T, s *setup) (url.Values, []*http.Cookie)
		wantStatus int
		wantReason string
	}{
		{
			name: "access denied",
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				return url.Values{"error": {"access_denied"}, "state": {s.state}}, []*http.Cookie{s.cookie}
			},
			wantStatus: 403, wantReason: ReasonAccessDenied,
		},
		{
			name: "other error parameter",
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				return url.Values{"error": {"invalid_scope"}, "state": {s.state}}, []*http.Cookie{s.cookie}
			},
			wantStatus: 400, wantReason: ReasonSlackError,
		},
		{
			name: "missing state",
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				return url.Values{"code": {"good-code"}}, []*http.Cookie{s.cookie}
			},
			wantStatus: 400, wantReason: ReasonMissingState,
		},
		{
			name: "missing cookie",
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				return url.Values{"code": {"good-code"}, "state": {s.state}}, nil
			},
			wantStatus: 400, wantReason: ReasonMissingCookie,
		},
		{
			name: "cookie holds another state",
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				other, _ := s.env.install(t)
				return url.Values{"code": {"good-code"}, "state": {s.state}}, []*http.Cookie{{Name: s.cookie.Name, Value: other}}
			},
			wantStatus: 400, wantReason: ReasonStateMismatch,
		},
		{
			name: "forged state with a matching cookie",
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				forged := "forged-state"
				return url.Values{"code": {"good-code"}, "state": {forged}}, []*http.Cookie{{Name: StateCookieName(forged), Value: forged}}
			},
			wantStatus: 400, wantReason: ReasonInvalidState,
		},
		{
			name: "reused state",
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				q := url.Values{"code": {"good-code"}, "state": {s.state}}
				if rec := s.env.callback(t, q, s.cookie); rec.Code != 200 {
					t.Fatalf("first use: status %d reason %q", rec.Code, reason(rec.Body.String()))
				}
				s.env.fs.addCode("good-code-2", workspaceResponse())
				return url.Values{"code": {"good-code-2"}, "state": {s.state}}, []*http.Cookie{s.cookie}
			},
			wantStatus: 400, wantReason: ReasonInvalidState,
		},
		{
			name: "expired state",
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				s.env.states.expire(s.state)
				return url.Values{"code": {"good-code"}, "state": {s.state}}, []*http.Cookie{s.cookie}
			},
			wantStatus: 400, wantReason: ReasonExpiredState,
		},
		{
			name: "state store down",
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				s.env.states.fail = errors.New("connection refused")
				return url.Values{"code": {"good-code"}, "state": {s.state}}, []*http.Cookie{s.cookie}
			},
			wantStatus: 500, wantReason: ReasonStateStoreFailed,
		},
		{
			name: "missing code",
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				return url.Values{"state": {s.state}}, []*http.Cookie{s.cookie}
			},
			wantStatus: 400, wantReason: ReasonMissingCode,
		},
		{
			name: "bad code",
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				return url.Values{"code": {"bad-code"}, "state": {s.state}}, []*http.Cookie{s.cookie}
			},
			wantStatus: 400, wantReason: ReasonInvalidCode,
		},
		{
			name: "wrong client secret",
			edit: func(c *Config) { c.ClientSecret = "wrong" },
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				return url.Values{"code": {"good-code"}, "state": {s.state}}, []*http.Cookie{s.cookie}
			},
			wantStatus: 502, wantReason: ReasonExchangeFailed,
		},
		{
			name: "Slack answers 503",
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				s.env.fs.set(func(fs *fakeSlack) { fs.accessStatus = http.StatusServiceUnavailable })
				return url.Values{"code": {"good-code"}, "state": {s.state}}, []*http.Cookie{s.cookie}
			},
			wantStatus: 502, wantReason: ReasonExchangeFailed,
		},
		{
			name: "auth.test fails",
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				s.env.fs.set(func(fs *fakeSlack) { fs.authTestFail = true })
				return url.Values{"code": {"good-code"}, "state": {s.state}}, []*http.Cookie{s.cookie}
			},
			wantStatus: 502, wantReason: ReasonAuthTestFailed,
		},
		{
			name: "storage fails",
			edit: func(c *Config) { c.Installations = failingSave{c.Installations} },
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				return url.Values{"code": {"good-code"}, "state": {s.state}}, []*http.Cookie{s.cookie}
			},
			wantStatus: 500, wantReason: ReasonStorageFailed,
		},
		{
			name: "BeforeInstall aborts with a plain error",
			edit: func(c *Config) {
				c.BeforeInstall = func(*http.Request, *installstore.Installation) error { return errors.New("not on the allow list") }
			},
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				return url.Values{"code": {"good-code"}, "state": {s.state}}, []*http.Cookie{s.cookie}
			},
			wantStatus: 403, wantReason: ReasonInstallAborted,
		},
		{
			name: "BeforeInstall aborts with a reason",
			edit: func(c *Config) {
				c.BeforeInstall = func(_ *http.Request, inst *installstore.Installation) error {
					if inst.TeamID == "T0001" {
						return fmt.Errorf("team check: %w", Abort("team_not_allowed"))
					}
					return nil
				}
			},
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				return url.Values{"code": {"good-code"}, "state": {s.state}}, []*http.Cookie{s.cookie}
			},
			wantStatus: 403, wantReason: "team_not_allowed",
		},
		{
			name: "AfterInstall fails",
			edit: func(c *Config) {
				c.AfterInstall = func(*http.Request, *installstore.Installation) error { return errors.New("welcome message failed") }
			},
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				return url.Values{"code": {"good-code"}, "state": {s.state}}, []*http.Cookie{s.cookie}
			},
			wantStatus: 500, wantReason: ReasonAfterInstallFailed,
		},
		{
			name: "no state without the admin-install option",
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				return url.Values{"code": {"good-code"}}, nil
			},
			wantStatus: 400, wantReason: ReasonMissingState,
		},
		{
			name: "admin-install option still checks a state that is present",
			edit: func(c *Config) { c.AllowInstallWithoutState = true },
			prepare: func(t *testing.T, s *setup) (url.Values, []*http.Cookie) {
				return url.Values{"code": {"good-code"}, "state": {s.state}}, nil
			},
			wantStatus: 400, wantReason: ReasonMissingCookie,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, tt.edit)
			env.fs.addCode("good-code", workspaceResponse())
			state, cookie := env.install(t)
			query, cookies := tt.prepare(t, &setup{env: env, state: state, cookie: cookie})
			stored := func() bool {
				_, err := env.store.FindBot(context.Background(), installstore.Query{EnterpriseID: "E0001", TeamID: "T0001"})
				return err == nil
			}
			before := stored()

			rec := env.callback(t, query, cookies...)
			if rec.Code != tt.wantStatus || reason(rec.Body.String()) != tt.wantReason {
				t.Fatalf("status %d reason %q, want %d %q", rec.Code, reason(rec.Body.String()), tt.wantStatus, tt.wantReason)
			}
			if q := query.Get("state"); q != "" {
				assertCookieCleared(t, rec, StateCookieName(q))
			}
			if got := stored(); got != before && tt.wantReason != ReasonAfterInstallFailed {
				t.Errorf("a failed callback stored an installation")
			}
			logs := env.logs.String()
			if !strings.Contains(logs, `"reason":"`+tt.wantReason+`"`) {
				t.Errorf("failure not logged with its reason:\n%s", logs)
			}
		})
	}
}

func TestCallbackCustomRenderers(t *testing.T) {
	var gotSuccess *Success
	var gotFailure *Failure
	env := newTestEnv(t, func(c *Config) {
		c.RenderSuccess = func(w http.ResponseWriter, r *http.Request, s *Success) {
			gotSuccess = s
			http.Redirect(w, r, "/welcome?team="+s.Installation.TeamID, http.StatusSeeOther)
		}
		c.RenderFailure = func(w http.ResponseWriter, r *http.Request, f *Failure) {
			gotFailure = f
			w.WriteHeader(f.Status)
			fmt.Fprintf(w, "custom failure: %s", f.Reason)
		}
	})
	env.fs.addCode("good-code", workspaceResponse())
	state, cookie := env.install(t)

	rec := env.callback(t, url.Values{"state": {state}, "code": {"good-code"}}, cookie)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/welcome?team=T0001" {
		t.Errorf("custom success: status %d Location %q", rec.Code, rec.Header().Get("Location"))
	}
	if gotSuccess == nil || gotSuccess.Installation.BotID != "B0001" || gotSuccess.AppURL != "slack://app?team=T0001&id=A0APP" ||
		gotSuccess.BrowserURL != "https://app.slack.com/client/T0001" {
		t.Errorf("RenderSuccess got %+v", gotSuccess)
	}

	rec = env.callback(t, url.Values{"state": {state}, "code": {"good-code"}}, cookie)
	if rec.Code != http.StatusBadRequest || rec.Body.String() != "custom failure: invalid_state" {
		t.Errorf("custom failure: status %d body %q", rec.Code, rec.Body)
	}
	if gotFailure == nil || gotFailure.Reason != ReasonInvalidState {
		t.Errorf("RenderFailure got %+v", gotFailure)
	}
}

func TestCallbackHooks(t *testing.T) {
	var order []string
	env := newTestEnv(t, nil)
	env.flow.cfg.BeforeInstall = func(r *http.Request, inst *installstore.Installation) error {
		if _, err := env.store.FindBot(r.Context(), installstore.Key(inst)); !errors.Is(err, installstore.ErrNotFound) {
			t.Errorf("BeforeInstall runs after the save: %v", err)
		}
		order = append(order, "before:"+inst.BotID)
		return nil
	}
	env.flow.cfg.AfterInstall = func(r *http.Request, inst *installstore.Installation) error {
		if _, err := env.store.FindBot(r.Context(), installstore.Key(inst)); err != nil {
			t.Errorf("AfterInstall runs before the save: %v", err)
		}
		order = append(order, "after:"+inst.TeamID)
		return nil
	}
	env.fs.addCode("good-code", workspaceResponse())
	state, cookie := env.install(t)
	if rec := env.callback(t, url.Values{"state": {state}, "code": {"good-code"}}, cookie); rec.Code != 200 {
		t.Fatalf("status %d reason %q", rec.Code, reason(rec.Body.String()))
	}
	if strings.Join(order, ",") != "before:B0001,after:T0001" {
		t.Errorf("hooks ran as %v", order)
	}
}

func TestCallbackAdminInstallWithoutState(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.AllowInstallWithoutState = true })
	env.fs.addCode("org-code", orgResponse())
	rec := env.callback(t, url.Values{"code": {"org-code"}})
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d reason %q", rec.Code, reason(rec.Body.String()))
	}
	if !strings.Contains(env.logs.String(), "state check skipped") {
		t.Errorf("skipped state check not logged:\n%s", env.logs)
	}
}

func TestCallbackUserOnlyInstall(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.Scopes = nil })
	env.fs.addCode("user-code", map[string]any{
		"ok": true, "app_id": "A0APP", "team": map[string]any{"id": "T0001", "name": "Acme"},
		"authed_user": map[string]any{"id": "U0001", "scope": "search:read", "access_token": "xoxp-user-only", "token_type": "user"},
	})
	state, cookie := env.install(t)
	if rec := env.callback(t, url.Values{"state": {state}, "code": {"user-code"}}, cookie); rec.Code != 200 {
		t.Fatalf("status %d reason %q", rec.Code, reason(rec.Body.String()))
	}
	got, err := env.store.FindInstallation(context.Background(), installstore.Query{TeamID: "T0001", UserID: "U0001"})
	if err != nil {
		t.Fatal(err)
	}
	if got.BotToken != "" || got.BotID != "" || got.UserToken != "xoxp-user-only" || got.TokenType != "user" {
		t.Errorf("user-only install stored as %+v", got)
	}
}

func TestSuccessPageRefreshOnlyToWebURLs(t *testing.T) {
	env := newTestEnv(t, nil)
	for enterpriseURL, wantRefresh := range map[string]bool{
		"https://acme-org.enterprise.slack.com/": true,
		"javascript:alert(1)//":                  false,
		"":                                       false,
	} {
		inst := &installstore.Installation{AppID: "A0APP", EnterpriseID: "E0001", EnterpriseURL: enterpriseURL, IsEnterpriseInstall: true}
		rec := httptest.NewRecorder()
		env.flow.renderSuccess(rec, httptest.NewRequest("GET", "/slack/oauth_redirect", nil), env.flow.success(inst))
		if got := strings.Contains(rec.Body.String(), `http-equiv="refresh"`); got != wantRefresh {
			t.Errorf("enterprise URL %q: refresh = %v, want %v:\n%s", enterpriseURL, got, wantRefresh, rec.Body)
		}
	}
}

func TestHandlersRejectOtherMethods(t *testing.T) {
	var id *Identity
	env := newLoginEnv(t, &id)
	for name, h := range map[string]http.Handler{
		"callback": env.flow.CallbackHandler(), "login": env.flow.LoginHandler(), "login callback": env.flow.LoginCallbackHandler(),
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/x", nil))
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") == "" {
			t.Errorf("%s: POST answered %d, Allow %q", name, rec.Code, rec.Header().Get("Allow"))
		}
	}
}

func TestFailureWrapsCause(t *testing.T) {
	cause := errors.New("disk full")
	f := fail(ReasonStorageFailed, 500, cause)
	if !errors.Is(f, cause) || f.Error() != "oauth: storage_failed: disk full" {
		t.Errorf("Failure %q does not wrap its cause", f)
	}
	// A hook's Failure without status or reason gets the defaults.
	got := asFailure(&Failure{Reason: "custom"}, ReasonInstallAborted, 403)
	if got.Reason != "custom" || got.Status != 403 {
		t.Errorf("asFailure = %+v", got)
	}
}
