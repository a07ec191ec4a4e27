package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/slackgen/slackgen/runtime/slacktest"
	"github.com/spf13/cobra"
)

// sendKinds maps `emulate send KIND` to its positional argument, stored
// into the request by set.
var sendKinds = map[string]struct {
	arg string // name of the required argument; "" when none
	set func(r *slacktest.SendRequest, arg string)
}{
	"command":          {"/COMMAND", func(r *slacktest.SendRequest, a string) { r.Command = a }},
	"event":            {"TYPE", func(r *slacktest.SendRequest, a string) { r.Type = a }},
	"action":           {"ACTION_ID", func(r *slacktest.SendRequest, a string) { r.ActionID = a }},
	"view_submission":  {"CALLBACK_ID", func(r *slacktest.SendRequest, a string) { r.CallbackID = a }},
	"view_closed":      {"CALLBACK_ID", func(r *slacktest.SendRequest, a string) { r.CallbackID = a }},
	"options":          {"ACTION_ID", func(r *slacktest.SendRequest, a string) { r.ActionID = a }},
	"shortcut":         {"CALLBACK_ID", func(r *slacktest.SendRequest, a string) { r.CallbackID = a }},
	"message_shortcut": {"CALLBACK_ID", func(r *slacktest.SendRequest, a string) { r.CallbackID = a }},
	"url_verification": {},
	"uninstall":        {},
	"tokens_revoked":   {},
	"retry_event":      {},
}

type sendOptions struct {
	emulator string
	envFile  string
	team     string
	text     string
	channel  string
	value    string
	values   string
	event    string
	wait     time.Duration
	timeout  time.Duration
	follow   time.Duration
}

func newEmulateSendCmd(e *env) *cobra.Command {
	var o sendOptions
	cmd := &cobra.Command{
		Use:   "send KIND [ARG]",
		Short: "Send signed Slack traffic to the app through a running emulator",
		Long: `send asks a running 'slackgen emulate' to sign and deliver traffic to the app,
exactly as Slack would, and prints the app's reply. KIND is one of

  command /COMMAND       a slash command (--text)
  event TYPE             an Events API event: app_mention, message, app_home_opened, … (--text, --channel)
  action ACTION_ID       a block action (button click) (--value)
  view_submission CALLBACK_ID   a modal submission (--values '{"block":{"action":{"type":"plain_text_input","value":"x"}}}')
  view_closed CALLBACK_ID       a modal the user closed (sent for views opened with notify_on_close)
  options ACTION_ID      an external select's options load (--value: what the user typed),
                         to the manifest's options load URL, else its interactivity URL
  shortcut CALLBACK_ID   a global shortcut
  message_shortcut CALLBACK_ID  a message shortcut (--text: the message)
  url_verification       the Events API URL check
  uninstall              revoke the team's tokens, then send app_uninstalled
  tokens_revoked         revoke the team's tokens, then send tokens_revoked
  retry_event            resend the last event as a Slack retry (same event_id,
                         X-Slack-Retry-Num; --text sets the reason, default http_timeout)

The emulator is found with --emulator, else SLACK_URL from --env-file, else
the SLACK_URL environment variable, else http://127.0.0.1:3001.

Traffic is sent once. --wait tries again only while no emulator accepts the
connection; once sent, an answer that does not come within --timeout (30s by
default; the emulator itself gives up on the app after 10s) is reported as
an error and never resent, so the app cannot get the same command twice.

Exit status: 0 when the app answered 2xx, 1 when it answered otherwise or
could not be reached, 2 for bad arguments.`,
		Example: `  slackgen emulate send command /hello --text "hi there"
  slackgen emulate send command /deploy --text api --follow 5s   # also print later replies
  slackgen emulate send event app_mention --text "status?" --team T0002
  slackgen emulate send action approve --value 42 --env-file .env
  slackgen emulate send options assignee --value "al"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError("name what to send: one of %s", strings.Join(sortedKinds(), ", "))
			}
			k, ok := sendKinds[args[0]]
			switch {
			case !ok:
				return usageError("unknown traffic kind %q: one of %s", args[0], strings.Join(sortedKinds(), ", "))
			case k.arg != "" && len(args) != 2:
				return usageError("send %s needs %s", args[0], k.arg)
			case k.arg == "" && len(args) != 1:
				return usageError("send %s takes no argument", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.timeout <= 0 {
				return usageError("--timeout must be positive, got %s", o.timeout)
			}
			req := slacktest.SendRequest{Team: o.team, Text: o.text, Channel: o.channel, Value: o.value}
			if k := sendKinds[args[0]]; k.set != nil {
				k.set(&req, args[1])
			}
			if o.event != "" {
				if err := json.Unmarshal([]byte(o.event), &req.Event); err != nil {
					return usageError("--event-json must be a JSON object: %v", err)
				}
			}
			if o.values != "" {
				if err := json.Unmarshal([]byte(o.values), &req.Values); err != nil {
					return usageError("--values must be JSON like {\"block\":{\"action\":{\"type\":\"plain_text_input\",\"value\":\"x\"}}}: %v", err)
				}
			}
			return runSend(cmd.Context(), e, o, args[0], req)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.emulator, "emulator", "", "the emulator's URL (default: SLACK_URL from --env-file or the environment, else http://127.0.0.1:3001)")
	f.StringVar(&o.envFile, "env-file", "", "read the emulator's URL (SLACK_URL) from this env file")
	f.StringVar(&o.team, "team", "", "the team (T…) or enterprise (E…) id traffic comes from (default: the first workspace, T0001)")
	f.StringVar(&o.text, "text", "", "text of the command, event or message")
	f.StringVar(&o.channel, "channel", "", "channel id of an event (default: the team's general channel)")
	f.StringVar(&o.value, "value", "", "value of a block action; what the user typed, for options")
	f.StringVar(&o.values, "values", "", "state values of a view submission, as JSON")
	f.StringVar(&o.event, "event-json", "", `more fields of an event, as a JSON object (e.g. '{"channel_type":"im"}')`)
	f.DurationVar(&o.wait, "wait", 0, "wait up to this long for the emulator (and --env-file) to be ready, e.g. right after starting it")
	f.DurationVar(&o.timeout, "timeout", 30*time.Second, "how long to wait for the app's reply through the emulator (which gives up on the app after 10s)")
	f.DurationVar(&o.follow, "follow", 0, "after the reply, print what the app posts (response_url, chat.*) for this long")
	return cmd
}

func sortedKinds() []string {
	var ks []string
	for k := range sendKinds {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// emulatorURL resolves where the emulator is.
func (o sendOptions) emulatorURL() (string, error) {
	if o.emulator != "" {
		return strings.TrimSuffix(o.emulator, "/"), nil
	}
	if o.envFile != "" {
		v, err := readEnvValue(o.envFile, "SLACK_URL")
		if err != nil {
			return "", err
		}
		return strings.TrimSuffix(v, "/"), nil
	}
	if v := os.Getenv("SLACK_URL"); v != "" {
		return strings.TrimSuffix(v, "/"), nil
	}
	return "http://127.0.0.1:3001", nil
}

func runSend(ctx context.Context, e *env, o sendOptions, kind string, req slacktest.SendRequest) error {
	if ctx == nil {
		ctx = context.Background()
	}
	body, err := json.Marshal(req)
	if err != nil {
		return failf("encoding the request: %w", err)
	}
	client := &http.Client{Timeout: o.timeout}
	deadline := time.Now().Add(o.wait)
	var resp *http.Response
	var base string
	seen := 0                   // messages captured before this send
	var last *slacktest.Message // the newest of them
	for attempt := 0; ; attempt++ {
		var uerr error
		base, uerr = o.emulatorURL()
		if uerr == nil {
			if o.follow > 0 {
				if msgs, err := fetchMessages(ctx, client, base); err == nil && len(msgs) > 0 {
					seen, last = len(msgs), &msgs[len(msgs)-1]
				}
			}
			hreq, rerr := http.NewRequestWithContext(ctx, http.MethodPost, base+"/_emulator/send/"+kind, bytes.NewReader(body))
			if rerr != nil {
				return usageError("emulator URL %q: %v", base, rerr)
			}
			hreq.Header.Set("Content-Type", "application/json")
			if resp, err = client.Do(hreq); err == nil {
				break
			}
			if !notConnected(err) {
				return sendFailed(ctx, err, base, kind, o.timeout)
			}
			err = fmt.Errorf("no emulator answered at %s: %w (start one with 'slackgen emulate', or point --emulator at it)", base, err)
		} else {
			err = fmt.Errorf("finding the emulator: %w", uerr)
		}
		if time.Now().After(deadline) || attempt >= 1000 {
			return failf("%w", err)
		}
		select {
		case <-ctx.Done():
			return failf("%w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 2<<20))
	if err != nil {
		return failf("reading the emulator's answer: %w", err)
	}
	var res slacktest.SendResult
	if err := json.Unmarshal(data, &res); err != nil {
		return failf("the emulator answered %s with something else than JSON: %.200s", resp.Status, data)
	}
	if resp.StatusCode != http.StatusOK {
		return failf("%s", strings.TrimPrefix(res.Error, "slacktest: "))
	}
	if res.Body != "" {
		fmt.Fprint(e.stdout, res.Body)
		if !strings.HasSuffix(res.Body, "\n") {
			fmt.Fprintln(e.stdout)
		}
	}
	if res.Status < 200 || res.Status > 299 {
		return failf("the app answered %d %s", res.Status, http.StatusText(res.Status))
	}
	if res.Error != "" {
		return failf("%s", strings.TrimPrefix(res.Error, "slacktest: "))
	}
	if o.follow > 0 {
		return followMessages(ctx, e, client, base, seen, last, o.follow)
	}
	return nil
}

// notConnected reports whether err says that no connection to the emulator
// was made, so nothing was sent: the only failure --wait tries again.
func notConnected(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// sendFailed reports a send that may have reached the emulator, and through
// it the app. It is never tried again: the app would get the traffic twice.
func sendFailed(ctx context.Context, err error, base, kind string, timeout time.Duration) error {
	if ctx.Err() != nil {
		return failf("%w", ctx.Err())
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return failf("no answer within %s from the emulator at %s: the app may still be handling the %s, which was not sent again; check the app's log, or raise --timeout", timeout, base, kind)
	}
	return failf("the emulator at %s did not answer: %w; the %s may have reached the app and was not sent again: check the app's log and the emulator's", base, err, kind)
}

// fetchMessages reads the emulator's captured conversation.
func fetchMessages(ctx context.Context, client *http.Client, base string) ([]slacktest.Message, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/_emulator/messages", nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var msgs []slacktest.Message
	if err := json.NewDecoder(io.LimitReader(resp.Body, 32<<20)).Decode(&msgs); err != nil {
		return nil, fmt.Errorf("reading the emulator's messages: %w", err)
	}
	return msgs, nil
}

// followMessages prints what the app posts after the reply, for d. seen
// messages were captured before, the newest being last (nil when none).
func followMessages(ctx context.Context, e *env, client *http.Client, base string, seen int, last *slacktest.Message, d time.Duration) error {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(100 * time.Millisecond):
		}
		msgs, err := fetchMessages(ctx, client, base)
		if err != nil {
			return failf("following the conversation: %w", err)
		}
		for _, m := range unseen(msgs, seen, last) {
			if m.From != "app" || m.Via == "reply" {
				continue
			}
			text := m.Text
			if text == "" && len(m.Blocks) > 0 {
				text = string(m.Blocks)
			}
			where := m.Channel
			if m.ResponseType != "" {
				where += " " + m.ResponseType
			}
			fmt.Fprintf(e.stdout, "[%s %s] %s\n", m.Via, strings.TrimSpace(where), text)
		}
		if seen = len(msgs); seen > 0 {
			last = &msgs[seen-1]
		}
	}
	return nil
}

// unseen returns the messages of msgs not seen yet, given that seen
// messages were seen, the newest being last. When the list only grew, they
// are those past seen. Past its cap the emulator forgets its oldest
// messages, so the list keeps its length: they are those after last. When
// last is gone (the emulator was reset), every message is new.
func unseen(msgs []slacktest.Message, seen int, last *slacktest.Message) []slacktest.Message {
	if last == nil || seen == 0 {
		return msgs[min(seen, len(msgs)):]
	}
	if seen <= len(msgs) && sameMessage(msgs[seen-1], *last) {
		return msgs[seen:]
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if sameMessage(msgs[i], *last) {
			return msgs[i+1:]
		}
	}
	return msgs
}

func sameMessage(a, b slacktest.Message) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}
