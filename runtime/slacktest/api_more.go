package slacktest

import (
	"strings"
)

// chatDelete deletes a message the app posted.
func (s *Server) chatDelete(r *apiRequest, t *token) result {
	channel, ts := r.get("channel"), r.get("ts")
	if channel == "" {
		return fail("channel_not_found")
	}
	for _, m := range s.messages {
		if m.Via == "chat.postMessage" && m.Channel == channel && m.TS == ts {
			s.record(Message{From: "app", Via: "chat.delete", Team: firstNonEmpty(t.teamID, t.enterpriseID), Channel: channel, User: s.sender(t), TS: ts, DeleteOriginal: true})
			return ok(map[string]any{"channel": channel, "ts": ts})
		}
	}
	return fail("message_not_found")
}

// reactionsAdd adds an emoji reaction (captured as a call only).
func (s *Server) reactionsAdd(r *apiRequest, _ *token) result {
	switch {
	case r.get("channel") == "":
		return fail("channel_not_found")
	case r.get("timestamp") == "":
		return fail("message_not_found")
	case r.get("name") == "":
		return fail("invalid_name")
	}
	return ok(nil)
}

// userFor returns the user with id in the emulated workspaces. Callers hold s.mu.
func (s *Server) userFor(id string) (*Workspace, *Enterprise) {
	for _, wid := range s.wsOrder {
		if w := s.workspaces[wid]; w.UserID == id {
			return w, s.enterprises[w.EnterpriseID]
		}
	}
	for _, e := range s.enterprises {
		if e.UserID == id {
			return nil, e
		}
	}
	return nil, nil
}

// usersInfo describes a user: the installing users of the workspaces and
// organizations, and the app's bot users.
func (s *Server) usersInfo(r *apiRequest, _ *token) result {
	id := r.get("user")
	if id == "" {
		return fail("user_not_found")
	}
	for _, a := range s.apps {
		if a.botUserID == id {
			return ok(map[string]any{"user": map[string]any{
				"id": id, "name": domainOf(a.cfg.Name), "real_name": a.cfg.Name, "is_bot": true,
				"profile": map[string]any{"bot_id": a.botID, "real_name": a.cfg.Name, "display_name": a.cfg.Name},
			}})
		}
	}
	w, e := s.userFor(id)
	if w == nil && e == nil {
		return fail("user_not_found")
	}
	name := "admin-" + strings.ToLower(id)
	team := ""
	if w != nil {
		name, team = w.UserName, w.ID
	}
	user := map[string]any{
		"id": id, "team_id": team, "name": name, "real_name": name, "is_bot": false, "deleted": false,
		"tz": "Europe/London", "tz_offset": 0,
		"profile": map[string]any{"real_name": name, "display_name": name, "email": name + "@example.com"},
	}
	if e != nil {
		user["enterprise_user"] = map[string]any{"id": id, "enterprise_id": e.ID, "enterprise_name": e.Name}
	}
	return ok(map[string]any{"user": user})
}

// conversationsOpen opens a DM with users.
func (s *Server) conversationsOpen(r *apiRequest, _ *token) result {
	users := r.get("users")
	if users == "" && r.get("channel") == "" {
		return fail("users_list_not_supplied")
	}
	id := r.get("channel")
	if id == "" {
		id = "D" + strings.ToUpper(strings.NewReplacer(",", "", "U", "", "W", "").Replace(users))
	}
	return ok(map[string]any{"channel": map[string]any{"id": id}})
}
