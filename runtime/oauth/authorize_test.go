package oauth

import (
	"net/url"
	"testing"
)

func TestAuthorizeURL(t *testing.T) {
	tests := []struct {
		name     string
		slackURL string
		p        AuthorizeParams
		want     string
	}{
		{
			name: "default base, bot scopes only",
			p:    AuthorizeParams{ClientID: "1.2", Scopes: []string{"commands", "chat:write"}, State: "s1"},
			want: "https://slack.com/oauth/v2/authorize?client_id=1.2&scope=commands%2Cchat%3Awrite&state=s1",
		},
		{
			name:     "emulator base with trailing slash, everything set",
			slackURL: "http://127.0.0.1:9000/",
			p: AuthorizeParams{
				ClientID: "1.2", Scopes: []string{"commands"}, UserScopes: []string{"search:read", "openid"},
				RedirectURL: "https://app.example.com/slack/oauth_redirect?x=1&y=2", State: "a+b/c=d&e", Team: "T0001",
			},
			want: "http://127.0.0.1:9000/oauth/v2/authorize?client_id=1.2" +
				"&redirect_uri=https%3A%2F%2Fapp.example.com%2Fslack%2Foauth_redirect%3Fx%3D1%26y%3D2" +
				"&scope=commands&state=a%2Bb%2Fc%3Dd%26e&team=T0001&user_scope=search%3Aread%2Copenid",
		},
		{
			name:     "GovSlack, user scopes only",
			slackURL: "https://slack-gov.com",
			p:        AuthorizeParams{ClientID: "9.9", UserScopes: []string{"identify"}, State: "s"},
			want:     "https://slack-gov.com/oauth/v2/authorize?client_id=9.9&state=s&user_scope=identify",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AuthorizeURL(tt.slackURL, tt.p)
			if got != tt.want {
				t.Errorf("AuthorizeURL =\n %s\nwant\n %s", got, tt.want)
			}
			// Round trip: Slack must read back exactly what was given.
			u, err := url.Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			if s := u.Query().Get("state"); s != tt.p.State {
				t.Errorf("state decodes to %q, want %q", s, tt.p.State)
			}
			if r := u.Query().Get("redirect_uri"); r != tt.p.RedirectURL {
				t.Errorf("redirect_uri decodes to %q, want %q", r, tt.p.RedirectURL)
			}
		})
	}
}

func TestFlowAuthorizeURL(t *testing.T) {
	env := newTestEnv(t, nil)
	got := env.flow.AuthorizeURL("st", "T0002")
	want := env.fs.URL() + "/oauth/v2/authorize?client_id=111.222" +
		"&redirect_uri=https%3A%2F%2Fapp.example.com%2Fslack%2Foauth_redirect" +
		"&scope=commands%2Cchat%3Awrite&state=st&team=T0002&user_scope=search%3Aread"
	if got != want {
		t.Errorf("AuthorizeURL =\n %s\nwant\n %s", got, want)
	}
}
