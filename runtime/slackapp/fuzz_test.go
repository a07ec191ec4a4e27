package slackapp

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/memstore"
	"github.com/slackgen/slackgen/runtime/signature"
)

const fuzzSecret = "fuzz-signing-secret"

var seedEnvelopes = []string{
	`{"type":"url_verification","challenge":"abc"}`,
	`{"type":"event_callback","team_id":"T1","event_id":"Ev1","authorizations":[{"team_id":"T1","user_id":"U1","is_enterprise_install":false},{"team_id":"T2"}],"event":{"type":"message","subtype":"bot_message","channel_type":"im","user":"U2"}}`,
	`{"type":"event_callback","event":{"type":"tokens_revoked","tokens":{"oauth":["U1"],"bot":["B1"]}}}`,
	`{"type":"event_callback","event":null}`,
	`{"type":"event_callback","authorizations":"x","event":{}}`,
	`[]`, `{"type":1}`, ``,
}

func FuzzParseEnvelope(f *testing.F) {
	for _, s := range seedEnvelopes {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		env, ev, err := parseEnvelope(body)
		if err != nil {
			return
		}
		if env.Type == "event_callback" && (ev == nil || len(ev.Raw) == 0) {
			t.Fatalf("event_callback without an event: %q", body)
		}
		_ = env.query()
	})
}

// FuzzParseEnvelopeFast checks the fast envelope scan against
// encoding/json on every valid JSON input.
func FuzzParseEnvelopeFast(f *testing.F) {
	for _, s := range seedEnvelopes {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		`{"type":"event_callback","event":{"type":"x"},"event":{"type":"y"}}`,
		`{"TYPE":"event_callback","event":{"type":"x"}}`,
		`{"type":"event_callback","event_time":1.5e3,"event":{}}`,
		`{"type":"event_callback","event_time":-12,"is_ext_shared_channel":true,"event":{}}`,
		`{"type":"event_callback","authorizations":[{"team_id":"T"},5],"event":{"type":"m"}}`,
		`{"type":"event_callback","authorizations":[],"event":{"type":"m"}}`,
		`{"type":"event_callback","authorizations":[5],"event":{"type":"m"}}`,
		`{"type":"event_callback","authorizations":null,"event":null}`,
		`{"\u0074ype":"event_callback"}`, `{"type":"a\u0041"}`, "{\"\u212aey\":1}",
		// Escaped quotes and backslash runs ending strings around the
		// scanner's eight-byte steps, in skipped and in wanted strings.
		`{"type":"event_callback","a":"abcdef\\","b":"abcdefg\\","c":"abcdefgh\\\\","d":"abcdefghijklmn\"","e":"abcdefghijklmno\\","event":{"type":"m","f":"abcdefghijklmnop\\\\\\"}}`,
		`{"type":"event_callback","token":"1234567\\","authed_users":["\\\\","\"\\\"\\\\"],"event":{"type":"m","text":"\\\\\\\"x\\\\","blocks":[{"t":"\\\"}]"}],"user":"U1"},"event_id":"Ev1"}`,
		`{"type":"event_callback","event_id":"Ev\\","event":{"type":"m"}}`, `{"type":"event_callback","event":{"type":"m","user":"U\""}}`,
		`{"type":"event_callback","event":{"type":"a","type":null,"user":"U","user":"V"}}`,
		`{"type":"event_callback","event":null,"event":{"type":"y"}}`, `{"type":"event_callback","event":{"type":"y"},"event":null}`,
		`{"type":"event_callback","team_id":"Té","event":{"type":"m","user":"Ü"}}`, "{\"type\":\"event_callback\",\"event\":{\"type\":\"m\",\"user\":\"\xff\"}}",
		// Nested values with brackets and quotes in strings, strings ending
		// at the scan's word boundaries, more authorizations after the first.
		`{"type":"event_callback","event":{"type":"m","blocks":[{"type":"rich_text","elements":[{"t":"]}\\\"[{","u":"12345678"},{"x":"123456789012345\\"}]}],"user":"U1"},"authed_users":["]","{\"}"]}`,
		`{"type":"event_callback","authorizations":[{"team_id":"T1","x":{"y":["]"]}},{"team_id":"T2","z":"}"},[]],"event":{"type":"m"}}`,
		`{"type":"event_callback","authorizations":[ { "user_id" : "U1" } , {} ] ,"event":{"type":"m"} , "event_id" : "Ev1" }`,
		`{"type":"event_callback","authorizations":[{"team_id":"T1","team_id":"T2"}],"event":{"type":"m"}}`,
		// Keys that fold onto wanted names, or are as long and do not.
		`{"type":"event_callback","Event":{"type":"m"},"Team_ID":"T"}`, `{"type":"event_callback","TOKEN":"x","EVENT_CONTEXT":"y","event":{"Text":"t","TEAM":"T","CHANNEL":"C","type":"m"}}`,
		"{\"type\":\"event_callback\",\"event\":{\"\u017fubtype\":\"s\",\"type\":\"m\"}}", "{\"type\":\"event_callback\",\"\xe2\x84\xaaey\":1,\"event\":{\"type\":\"m\"}}",
		`{"type":"event_callback","authorizations":[{"Is_Enterprise_Install":true,"USER_ID":"U"}],"event":{"type":"m"}}`,
		// Integers at and past the in-place decoding, and other numbers.
		`{"type":"event_callback","event_time":123456789012345678,"event":{}}`, `{"type":"event_callback","event_time":-1234567890123456789,"event":{}}`,
		`{"type":"event_callback","event_time":12345678901234567890,"event":{}}`, `{"type":"event_callback","event_time":-0,"event":{}}`,
		`{"type":"event_callback","event_time":1e3,"event":{}}`, `{"type":"event_callback","event_time":null,"is_ext_shared_channel":null,"event":{}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if !json.Valid(body) {
			return // Slack sends valid JSON; the fast path may differ only on invalid input
		}
		wEnv, wEv, wErr := parseEnvelopeStd(body)
		gEnv, gEv, gErr := parseEnvelope(body)
		if (wErr != nil) != (gErr != nil) {
			t.Fatalf("%q: error %v, encoding/json %v", body, gErr, wErr)
		}
		if wErr != nil {
			return
		}
		if !sameEnvelope(wEnv, gEnv) || (wEv == nil) != (gEv == nil) || (wEv != nil && !sameEvent(wEv, gEv)) {
			t.Fatalf("%q:\n fast %+v %+v\n json %+v %+v", body, gEnv, gEv, wEnv, wEv)
		}
	})
}

func sameEnvelope(a, b *envelope) bool {
	x, y := *a, *b
	if !bytes.Equal(x.Event, y.Event) {
		return false
	}
	x.Event, y.Event = nil, nil
	return reflect.DeepEqual(x, y)
}

func sameEvent(a, b *Event) bool {
	x, y := *a, *b
	if !bytes.Equal(x.Raw, y.Raw) {
		return false
	}
	x.Raw, y.Raw = nil, nil
	return reflect.DeepEqual(x, y)
}

// commandFromValues is the reference for parseForm: url.ParseQuery
// followed by Get per field.
func commandFromValues(v url.Values) slackForm {
	return slackForm{
		cmd: Command{
			Token: v.Get("token"), TeamID: v.Get("team_id"), TeamDomain: v.Get("team_domain"),
			EnterpriseID: v.Get("enterprise_id"), EnterpriseName: v.Get("enterprise_name"),
			IsEnterpriseInstall: v.Get("is_enterprise_install") == "true",
			ChannelID:           v.Get("channel_id"), ChannelName: v.Get("channel_name"),
			UserID: v.Get("user_id"), UserName: v.Get("user_name"), Command: v.Get("command"),
			Text: v.Get("text"), ResponseURL: v.Get("response_url"), TriggerID: v.Get("trigger_id"),
			APIAppID: v.Get("api_app_id"),
		},
		payload: v.Get("payload"), sslCheck: v.Get("ssl_check"),
		hasPayload: v.Has("payload"), hasCommand: v.Has("command"),
	}
}

// FuzzParseForm checks parseForm against url.ParseQuery.
func FuzzParseForm(f *testing.F) {
	f.Add("command=%2Fhello&text=hi+there&team_id=T1&user_id=U1&is_enterprise_install=true&response_url=https%3A%2F%2Fhooks.slack.com%2Fx")
	f.Add("command=&command=/a&text=%zz")
	f.Add("com%6Dand=%2Fx&command=%2Fy&payload=%7B%7D&ssl_check=1")
	f.Add("a=1;b=2&command=/x")
	f.Add("&&=&command&text=%4")
	f.Add("")
	f.Fuzz(func(t *testing.T, body string) {
		v, wantErr := url.ParseQuery(body)
		var got slackForm
		err := parseForm(body, &got)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%q: error %v, url.ParseQuery %v", body, err, wantErr)
		}
		if want := commandFromValues(v); got != want {
			t.Fatalf("%q:\n got %+v\nwant %+v", body, got, want)
		}
	})
}

func FuzzParseInteraction(f *testing.F) {
	for _, s := range []string{
		`{"type":"block_actions","team":{"id":"T1"},"user":{"id":"U1"},"actions":[{"type":"button","action_id":"a","block_id":"b","value":"v"}]}`,
		`{"type":"view_submission","view":{"callback_id":"c","state":{"values":{"b":{"a":{"type":"plain_text_input","value":"x"}}}}}}`,
		`{"type":"block_suggestion","action_id":"a","value":"q"}`,
		`{"type":"message_action","message":{"text":"t"},"channel":{"id":"C1"}}`,
		`{"type":"shortcut","callback_id":"s"}`, `{"actions":[{}]}`, `null`, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		cb, err := parseInteraction(payload)
		if err != nil {
			return
		}
		_ = interactionQuery(cb)
	})
}

// FuzzHandler sends signed arbitrary bodies through the whole HTTP path with
// handlers for every kind registered: it must never panic nor answer 5xx
// other than 503 (pool full).
func FuzzHandler(f *testing.F) {
	for _, s := range seedEnvelopes {
		f.Add([]byte(s))
	}
	f.Add([]byte("command=%2Fhello&team_id=T1&user_id=U1"))
	f.Add([]byte("payload=" + url.QueryEscape(`{"type":"block_actions","team":{"id":"T1"},"actions":[{"type":"button","action_id":"a","block_id":"b"}]}`)))
	f.Add([]byte("payload=" + url.QueryEscape(`{"type":"view_submission","team":{"id":"T1"},"view":{"callback_id":"v"}}`)))
	f.Add([]byte("payload=" + url.QueryEscape(`{"type":"block_suggestion","team":{"id":"T1"},"action_id":"o"}`)))
	f.Add([]byte("ssl_check=1"))
	store := memstore.New()
	_ = store.Save(context.Background(), &installstore.Installation{TeamID: "T1", BotToken: "xoxb-1"})
	app, err := New(&Config{SigningSecrets: []string{fuzzSecret}, ClientID: "1", ClientSecret: "2", StateSecret: "0123456789abcdef0123456789abcdef",
		BotScopes: []string{"commands"}, SlackURL: "http://127.0.0.1:1", AckDeadline: 100 * time.Millisecond},
		WithInstallationStore(store), WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		f.Fatal(err)
	}
	app.Command("/hello", func(c *Context, cmd *Command) (*Response, error) { return Text("hi"), nil })
	app.Event("message", func(c *Context, ev *Event) error { var m map[string]any; return ev.Decode(&m) })
	app.Event("app_mention", func(c *Context, ev *Event) error { return nil })
	app.BlockAction("a", func(c *Context, a *BlockAction) error { return nil })
	app.ViewSubmission("v", func(c *Context, v *ViewSubmission) (*ViewResponse, error) {
		return ViewErrors(map[string]string{"b": "x"}), nil
	})
	app.Options("o", func(c *Context, o *OptionsRequest) (*OptionsResponse, error) { return &OptionsResponse{}, nil })
	h := app.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req := httptest.NewRequest(http.MethodPost, DefaultPath, bytes.NewReader(body))
		req.Header.Set(signature.HeaderTimestamp, ts)
		req.Header.Set(signature.HeaderSignature, signature.Sign(fuzzSecret, ts, body))
		rr := httptest.NewRecorder()
		h.ServeHTTP(rr, req)
		if rr.Code >= 500 && rr.Code != http.StatusServiceUnavailable {
			t.Fatalf("status %d for %q", rr.Code, body)
		}
	})
	_ = app.Drain(context.Background())
}

// FuzzDecodeHead checks the fast inner-event scanner against
// encoding/json on every valid JSON input.
func FuzzDecodeHead(f *testing.F) {
	for _, s := range []string{
		`{"type":"message","subtype":"bot_message","channel_type":"im","user":"U1","blocks":[{"a":"}]\"x"}]}`,
		`{"TYPE":"x","type":"y"}`, `{"t\u0079pe":"message"}`, `{"type":"a\"b"}`, `{"type":null,"user":1}`,
		`{"type":"m","type":"n"}`, `{"user":"\xff"}`, ` { "type" : "x" } `, `{}`, `[]`, `"x"`, `{"k":{"type":"inner"}}`,
		`{"text":"12345678\\\\\\\"","type":"m","k\\":"\\"}`, `{"a":"1234567\\","type":"m","user":"é"}`,
		`{"type":"m","type":null,"user":"U\\"}`, `{"blocks":[{"t":"\\\"}]\\"}],"type":"m"}`,
		`{"blocks":[[["1234567\"]"],{"12345678":"]}"}],{}],"type":"m","user":"U"}`, `{"TEXT":"x","Type":"y"}`, `{"Text":"x","type":"y"}`,
		"{\"\u017fubtype\":\"s\"}", `{"channel_TYPE":"im"}`, `{ "type" : "m" , "user" : "U" }`, `{"a":{},"b":[],"type":"m"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var want innerHead
		wantErr := json.Unmarshal(raw, &want)
		if !json.Valid(raw) {
			return // decodeHead only sees validated JSON
		}
		var got innerHead
		err := decodeHead(raw, &got)
		if (err != nil) != (wantErr != nil) || (err == nil && got != want) {
			t.Fatalf("decodeHead(%q) = %+v, %v; encoding/json: %+v, %v", raw, got, err, want, wantErr)
		}
	})
}
