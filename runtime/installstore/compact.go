package installstore

import "strings"

// Compact returns a copy of inst whose strings share one allocation and
// whose two scope lists share another: three heap objects instead of one
// per non-empty string (about twenty-five for an installation read from a
// SQL store). It is for caches that keep many installations for long: the
// garbage collector visits every live object on every cycle, so an app that
// keeps thousands of workspaces cached pays for each object on each cycle.
// The copy is equal to inst field by field; a string of it keeps the shared
// allocation alive.
//
//	cache[key] = inst.Compact()
func (inst *Installation) Compact() *Installation {
	if inst == nil {
		return nil
	}
	c := *inst
	fields := c.stringFields()
	n := 0
	for _, p := range fields {
		n += len(*p)
	}
	for _, s := range c.BotScopes {
		n += len(s)
	}
	for _, s := range c.UserScopes {
		n += len(s)
	}
	var b strings.Builder
	b.Grow(n)
	for _, p := range fields {
		b.WriteString(*p)
	}
	for _, s := range c.BotScopes {
		b.WriteString(s)
	}
	for _, s := range c.UserScopes {
		b.WriteString(s)
	}
	blob := b.String()
	off := 0
	take := func(s string) string {
		if s == "" {
			return ""
		}
		s = blob[off : off+len(s)]
		off += len(s)
		return s
	}
	for _, p := range fields {
		*p = take(*p)
	}
	if c.BotScopes != nil || c.UserScopes != nil {
		nb := len(c.BotScopes)
		scopes := make([]string, nb+len(c.UserScopes))
		for i, s := range c.BotScopes {
			scopes[i] = take(s)
		}
		for i, s := range c.UserScopes {
			scopes[nb+i] = take(s)
		}
		if c.BotScopes != nil {
			c.BotScopes = scopes[:nb:nb]
		}
		if c.UserScopes != nil {
			c.UserScopes = scopes[nb:]
		}
	}
	return &c
}

// stringFields returns pointers to every string field of inst, in
// declaration order. TestCompactCoversEveryString keeps it complete.
func (inst *Installation) stringFields() [18]*string {
	return [...]*string{
		&inst.AppID, &inst.EnterpriseID, &inst.EnterpriseName, &inst.EnterpriseURL, &inst.TeamID, &inst.TeamName,
		&inst.BotToken, &inst.BotID, &inst.BotUserID, &inst.BotRefreshToken,
		&inst.UserID, &inst.UserToken, &inst.UserRefreshToken,
		&inst.IncomingWebhookURL, &inst.IncomingWebhookChannel, &inst.IncomingWebhookChannelID, &inst.IncomingWebhookConfigurationURL,
		&inst.TokenType,
	}
}
