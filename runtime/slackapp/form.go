package slackapp

import (
	"errors"
	"net/url"
	"strings"
)

// slackForm is what routing needs from a form-encoded Slack request: a
// slash command's fields, an interaction's payload, or an ssl_check.
type slackForm struct {
	cmd        Command
	payload    string
	sslCheck   string
	hasPayload bool
	hasCommand bool
}

// formKeys are the form fields read, in the order of their seen bits.
var formKeys = [...]string{
	"token", "team_id", "team_domain", "enterprise_id", "enterprise_name", "is_enterprise_install",
	"channel_id", "channel_name", "user_id", "user_name", "command", "text", "response_url",
	"trigger_id", "api_app_id", "payload", "ssl_check",
}

// parseForm reads body in one pass, like url.ParseQuery followed by Get
// for each field (the first value of a repeated key wins, and any malformed
// pair is an error), but without building the url.Values map: only the
// fields routing uses are unescaped and kept. FuzzParseForm checks it
// against url.ParseQuery.
func parseForm(body string, f *slackForm) error {
	var seen uint32
	var firstErr error
	for body != "" {
		var pair string
		pair, body, _ = strings.Cut(body, "&")
		if strings.Contains(pair, ";") {
			if firstErr == nil {
				firstErr = errors.New("invalid semicolon separator in query")
			}
			continue
		}
		if pair == "" {
			continue
		}
		key, value, _ := strings.Cut(pair, "=")
		key, err := unescapeIfNeeded(key)
		if err != nil {
			firstErr = cmpErr(firstErr, err)
			continue
		}
		idx := -1
		for i, k := range formKeys {
			if k == key {
				idx = i
				break
			}
		}
		if idx < 0 || seen&(1<<idx) != 0 {
			if !validEscapes(value) {
				firstErr = cmpErr(firstErr, url.EscapeError(value))
			}
			continue
		}
		value, err = unescapeIfNeeded(value)
		if err != nil {
			firstErr = cmpErr(firstErr, err)
			continue
		}
		seen |= 1 << idx
		f.set(idx, value)
	}
	f.hasCommand = seen&(1<<10) != 0
	f.hasPayload = seen&(1<<15) != 0
	return firstErr
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

func (f *slackForm) set(idx int, v string) {
	c := &f.cmd
	switch idx {
	case 0:
		c.Token = v
	case 1:
		c.TeamID = v
	case 2:
		c.TeamDomain = v
	case 3:
		c.EnterpriseID = v
	case 4:
		c.EnterpriseName = v
	case 5:
		c.IsEnterpriseInstall = v == "true"
	case 6:
		c.ChannelID = v
	case 7:
		c.ChannelName = v
	case 8:
		c.UserID = v
	case 9:
		c.UserName = v
	case 10:
		c.Command = v
	case 11:
		c.Text = v
	case 12:
		c.ResponseURL = v
	case 13:
		c.TriggerID = v
	case 14:
		c.APIAppID = v
	case 15:
		f.payload = v
	case 16:
		f.sslCheck = v
	}
}

// unescapeIfNeeded is url.QueryUnescape without the call when s has nothing
// to unescape.
func unescapeIfNeeded(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, nil
	}
	return url.QueryUnescape(s)
}

// validEscapes reports whether url.QueryUnescape(s) would succeed.
func validEscapes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return false
		}
		i += 2
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
